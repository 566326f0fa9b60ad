/**
 * Dynamic tuning in the rebalance controller (spec.rebalancing.tuning): per pool, a LoadVolatility fed with
 * each member's weighted load after every interval, and the tolerance and interval of the next interval from
 * tuneRebalancing, with the status.tuning part that says which values are in force and why. Pools with
 * tuning Off use their declared settings and report no tuning.
 */
import { parseDuration, type ResourcePool, type TuningStatus } from '../api/index.js';
import type { RebalanceSettings } from './settings.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { zeroResources, type ResourceVector } from '../model/resources.js';
import { formatSpan, LoadVolatility, tuneRebalancing } from '../optimize/index.js';
import { SLOTS, weightedLoadAt, writeSlots } from '../placement/load.js';
import type { PoolUsageView } from '../optimize/pool-usage.js';

export interface TunedInterval {
  settings: RebalanceSettings;
  /** Undefined when the pool's tuning is Off. */
  status?: TuningStatus;
}

export class RebalanceTuning {
  private readonly trackers = new Map<string, LoadVolatility>();

  /** The settings of the pool's next interval: declared, or tuned to the volatility seen so far. */
  settings(pool: ResourcePool, declared: RebalanceSettings): TunedInterval {
    const spec = pool.spec.rebalancing.tuning;
    if (spec.mode === 'Off') {
      this.trackers.delete(pool.metadata.name);
      return { settings: declared };
    }
    const bounds = {
      minTolerance: spec.minTolerance,
      maxTolerance: spec.maxTolerance,
      minIntervalMs: parseDuration(spec.minInterval),
      maxIntervalMs: parseDuration(spec.maxInterval),
    };
    // On requests, load moves only with pods: measured volatility has nothing to say (and is not measured).
    const onRequests = pool.spec.allocation.basis === 'Requests';
    const volatility = onRequests ? undefined : this.trackers.get(pool.metadata.name)?.current();
    const tuned = tuneRebalancing(declared, bounds, volatility);
    if (onRequests)
      tuned.reason =
        'allocation.basis is Requests: no usage is measured, the declared values hold (clamped to the bounds)';
    return {
      settings: {
        ...declared,
        tolerance: tuned.tolerance,
        recoveryTolerance: tuned.recoveryTolerance,
        intervalMs: tuned.intervalMs,
      },
      status: {
        tolerance: tuned.tolerance,
        recoveryTolerance: tuned.recoveryTolerance,
        interval: formatSpan(tuned.intervalMs),
        ...(volatility ? { volatility: Math.round(volatility.points * 100) / 100 } : {}),
        reason: tuned.reason,
      },
    };
  }

  /** After an interval of a tuning pool: each member's weighted load on its measured usage. */
  observe(
    pool: ResourcePool,
    members: readonly string[],
    usage: PoolUsageView | undefined,
    model: ClusterModel,
  ): void {
    if (pool.spec.rebalancing.tuning.mode === 'Off' || !usage) return;
    const name = pool.metadata.name;
    let tracker = this.trackers.get(name);
    if (!tracker) this.trackers.set(name, (tracker = new LoadVolatility()));
    const loads = new Map<string, number>();
    for (const node of members) {
      const used = usage.nodes.usage.get(node);
      const allocatable = model.node(node)?.allocatable;
      if (used && allocatable) loads.set(node, weightedLoad(used, allocatable, pool.spec.weights));
    }
    tracker.observe(loads);
  }

  /** Forgets pools that are gone. */
  retain(pools: ReadonlySet<string>): void {
    for (const name of [...this.trackers.keys()]) if (!pools.has(name)) this.trackers.delete(name);
  }
}

/** The node's load on the pool's weights, percent: the figure placement and rebalancing rank nodes by. */
function weightedLoad(
  used: ResourceVector,
  allocatable: ResourceVector,
  weights: ResourcePool['spec']['weights'],
): number {
  const u = new Float64Array(SLOTS);
  const a = new Float64Array(SLOTS);
  writeSlots(u, 0, used);
  writeSlots(a, 0, allocatable);
  return weightedLoadAt(u, a, 0, zeroResources(), weights);
}
