/**
 * Writes the rebalancing part of a ResourcePool's status by server-side apply under its own field manager,
 * `fulcrum-balancer`: the `Balanced` and `MetricsAvailable` conditions (conditions are a map list keyed by
 * type, so each manager owns its own entries), `nodes.hot` (`status.nodes` is a granular map), `load`,
 * `imbalance`, `metricsTime`, `lastActions` and the rebalancing counters; in a pool with
 * `optimization.scaleRecommendations`, also `CapacityPressure` and `recommendation` (capacity-advice.ts); with
 * `rebalancing.tuning` Adaptive, `tuning` (rebalance-tuning.ts). The
 * pool controller (`fulcrum`) and
 * the failover controller (`fulcrum-failover`) keep their fields; see test/integration/rebalance.
 *
 * Writes only when these fields differ from what is stored (the recommendation's time aside), so a quiet
 * interval writes nothing.
 */
import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  ResourcePoolConditionType,
  type PoolAction,
  type ResourcePoolStatus,
  type TuningStatus,
} from '../../api/index.js';
import type { CapacityAdvice } from '../../optimize/capacity-advice.js';
import type { BalanceStatusFragment } from '../../rebalancing/index.js';
import type { CustomObject } from '../../kube/informers.js';
import { mergeConditions, type Condition } from '../../model/conditions.js';
import { PoolStatusPartWriter } from '../status/pool-status-part.js';
import type { RebalanceCounters } from '../../rebalancing/pool-term.js';

export const BALANCER_FIELD_MANAGER = 'fulcrum-balancer';

const OWNED_CONDITIONS: readonly string[] = [
  ResourcePoolConditionType.Balanced,
  ResourcePoolConditionType.MetricsAvailable,
];

export interface RebalanceStatus {
  fragment: BalanceStatusFragment;
  lastActions: PoolAction[];
  counters: RebalanceCounters;
  /** Only in pools with scaleRecommendations: this manager then owns CapacityPressure. */
  capacity?: CapacityAdvice;
  /** Only in pools with tuning Adaptive: the tolerance and interval in force and why. */
  tuning?: TuningStatus;
}

/** The fields this manager owns, in the shape it applies them. */
interface OwnedStatus {
  conditions: Condition[];
  nodes: { hot?: number };
  load?: number;
  imbalance?: number;
  metricsTime?: string;
  lastActions: PoolAction[];
  counters: Partial<RebalanceCounters>;
  recommendation?: { nodes: number; reason: string; time: string };
  tuning?: TuningStatus;
}

export class RebalanceStatusWriter {
  private readonly writer: PoolStatusPartWriter;

  constructor(api: CustomObjectsApi) {
    this.writer = new PoolStatusPartWriter(api, BALANCER_FIELD_MANAGER);
  }

  /** Applies `status` to `pool` unless it is what is stored already; returns whether it wrote. */
  async write(pool: CustomObject, status: RebalanceStatus, now: Date, signal: AbortSignal): Promise<boolean> {
    const { fragment, capacity } = status;
    const current = ownedPart(pool.status as ResourcePoolStatus | undefined, capacity !== undefined);
    const conditions = capacity ? [...fragment.conditions, capacity.condition] : fragment.conditions;
    const recommendation = capacity?.recommendation;
    const desired: OwnedStatus = {
      conditions: mergeConditions(current.conditions, conditions, now),
      nodes: { hot: fragment.nodes.hot },
      ...(fragment.load !== undefined ? { load: fragment.load } : {}),
      ...(fragment.imbalance !== undefined ? { imbalance: fragment.imbalance } : {}),
      ...(fragment.metricsTime !== undefined ? { metricsTime: fragment.metricsTime } : {}),
      lastActions: status.lastActions,
      counters: status.counters,
      ...(recommendation ? { recommendation: { ...recommendation, time: now.toISOString() } } : {}),
      ...(status.tuning ? { tuning: status.tuning } : {}),
    };
    return this.writer.applyIfChanged(pool.metadata?.name ?? '', desired, current, signal, withoutTime);
  }
}

/** The part to compare: a recommendation made again at a later time is not a change by itself. */
function withoutTime(part: OwnedStatus): OwnedStatus {
  if (!part.recommendation) return part;
  const { time: _time, ...recommendation } = part.recommendation;
  return { ...part, recommendation: recommendation as OwnedStatus['recommendation'] };
}

/**
 * This manager's part of `status`. CapacityPressure is its own only in pools with scaleRecommendations; the
 * recommendation always is, so one left from before scaleRecommendations was turned off is removed.
 */
function ownedPart(status: ResourcePoolStatus | undefined, ownsCapacity: boolean): OwnedStatus {
  const owned = ownsCapacity
    ? [...OWNED_CONDITIONS, ResourcePoolConditionType.CapacityPressure]
    : OWNED_CONDITIONS;
  const conditions = ((status?.conditions ?? []) as Condition[]).filter((c) => owned.includes(c.type));
  const r = status?.recommendation;
  const counters: Partial<RebalanceCounters> = {};
  for (const key of ['evictions', 'urgentEvictions', 'dryRunEvictions', 'evictionsBlocked'] as const) {
    const value = status?.counters?.[key];
    if (value !== undefined) counters[key] = value;
  }
  return {
    conditions,
    nodes: status?.nodes?.hot !== undefined ? { hot: status.nodes.hot } : {},
    ...(status?.load !== undefined ? { load: status.load } : {}),
    ...(status?.imbalance !== undefined ? { imbalance: status.imbalance } : {}),
    ...(status?.metricsTime !== undefined ? { metricsTime: status.metricsTime } : {}),
    lastActions: status?.lastActions ?? [],
    counters,
    ...(r?.nodes !== undefined
      ? { recommendation: { nodes: r.nodes, reason: r.reason ?? '', time: r.time ?? '' } }
      : {}),
    ...(status?.tuning ? { tuning: status.tuning } : {}),
  };
}
