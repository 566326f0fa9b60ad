/** A pool's spec.optimization.consolidation (and the rebalancing fields it shares) as the planner reads it. */
import { parseDuration, type Consolidation, type Rebalancing } from '../api/index.js';

export interface ConsolidationSettings {
  mode: Consolidation['mode'];
  maxDrainingNodes: number;
  maxEvictionsPerCycle: number;
  minNodes: number;
  drainTimeoutMs: number;
  /** rebalancing.minPodAge: a node holding a younger pod is not drained (it may have just landed there). */
  minPodAgeMs: number;
  /** rebalancing.tolerance and recoveryTolerance: in pools that spread load, no destination is made hot. */
  tolerance: number;
  recoveryTolerance: number;
}

export function consolidationSettings(spec: Consolidation, rebalancing: Rebalancing): ConsolidationSettings {
  return {
    mode: spec.mode,
    maxDrainingNodes: spec.maxDrainingNodes,
    maxEvictionsPerCycle: spec.maxEvictionsPerCycle,
    minNodes: spec.minNodes,
    drainTimeoutMs: parseDuration(spec.drainTimeout),
    minPodAgeMs: parseDuration(rebalancing.minPodAge),
    tolerance: rebalancing.tolerance,
    recoveryTolerance: rebalancing.recoveryTolerance,
  };
}
