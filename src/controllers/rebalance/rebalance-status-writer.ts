/**
 * Writes the rebalancing part of a ResourcePool's status by server-side apply under its own field manager,
 * `fulcrum-balancer`: the `Balanced` and `MetricsAvailable` conditions (conditions are a map list keyed by
 * type, so each manager owns its own entries), `nodes.hot` (`status.nodes` is a granular map), `load`,
 * `imbalance`, `metricsTime`, `lastActions` and the rebalancing counters. The pool controller (`fulcrum`) and
 * the failover controller (`fulcrum-failover`) keep their fields; see test/integration/rebalance.
 *
 * Writes only when these fields differ from what is stored, so a quiet interval writes nothing.
 */
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { ResourcePoolConditionType, type PoolAction, type ResourcePoolStatus } from '../../api/index.js';
import type { BalanceStatusFragment } from '../../balancing/index.js';
import type { CustomObject } from '../../kube/informers.js';
import { mergeConditions, type Condition } from '../../model/conditions.js';
import { PoolStatusPartWriter } from '../pool-status-part.js';

export const BALANCER_FIELD_MANAGER = 'fulcrum-balancer';

const OWNED_CONDITIONS: readonly string[] = [
  ResourcePoolConditionType.Balanced,
  ResourcePoolConditionType.MetricsAvailable,
];

/** Running totals rebalancing keeps in `status.counters`. */
export interface RebalanceCounters {
  evictions: number;
  /** Of evictions, the urgent ones (off nodes over a ceiling). */
  urgentEvictions: number;
  dryRunEvictions: number;
  evictionsBlocked: number;
}

export interface RebalanceStatus {
  fragment: BalanceStatusFragment;
  lastActions: PoolAction[];
  counters: RebalanceCounters;
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
}

export class RebalanceStatusWriter {
  private readonly writer: PoolStatusPartWriter;

  constructor(api: CustomObjectsApi) {
    this.writer = new PoolStatusPartWriter(api, BALANCER_FIELD_MANAGER);
  }

  /** Applies `status` to `pool` unless it is what is stored already; returns whether it wrote. */
  async write(pool: CustomObject, status: RebalanceStatus, now: Date, signal: AbortSignal): Promise<boolean> {
    const current = ownedPart(pool.status as ResourcePoolStatus | undefined);
    const { fragment } = status;
    const desired: OwnedStatus = {
      conditions: mergeConditions(current.conditions, fragment.conditions, now),
      nodes: { hot: fragment.nodes.hot },
      ...(fragment.load !== undefined ? { load: fragment.load } : {}),
      ...(fragment.imbalance !== undefined ? { imbalance: fragment.imbalance } : {}),
      ...(fragment.metricsTime !== undefined ? { metricsTime: fragment.metricsTime } : {}),
      lastActions: status.lastActions,
      counters: status.counters,
    };
    return this.writer.applyIfChanged(pool.metadata?.name ?? '', desired, current, signal);
  }
}

/** The counters as stored (zero when absent), to carry on counting after a restart. */
export function storedCounters(status: ResourcePoolStatus | undefined): RebalanceCounters {
  return {
    evictions: status?.counters?.evictions ?? 0,
    urgentEvictions: status?.counters?.urgentEvictions ?? 0,
    dryRunEvictions: status?.counters?.dryRunEvictions ?? 0,
    evictionsBlocked: status?.counters?.evictionsBlocked ?? 0,
  };
}

function ownedPart(status: ResourcePoolStatus | undefined): OwnedStatus {
  const conditions = ((status?.conditions ?? []) as Condition[]).filter((c) =>
    OWNED_CONDITIONS.includes(c.type),
  );
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
  };
}
