/**
 * The pure placement engine: filters, scores and strategies over the cluster model, the pending-pod queue and
 * preemption. No I/O, no clock (time comes in as a number), no awaits; the scheduler controller wires it to
 * informers, bindings and events. One scheduling batch, synchronously (no await between the steps):
 *
 *   const state = newPlacementState();                    // once, kept by the controller
 *   const queue = new PendingQueue<QueuedPod & { pod: PodInfo }>();
 *   // per batch, for each pool with pending pods:
 *   const base = { model, pool, now: clock.now(), usage, failedNodes, state };
 *   snapshot = PoolSnapshot.take(base, snapshot);           // O(pool nodes); reuses label columns
 *   for (let item = queue.pop(); item; item = queue.pop()) {
 *     const ctx = { ...base, podPool: resolvePodPool(item.pod, policies)?.pool, snapshot };
 *     const decision = schedule(item.pod, ctx);             // O(pool nodes), no pod scanned
 *     if (decision.kind === 'placed') {
 *       assume(model, item.pod, decision, { state, now: base.now, snapshot });
 *       bindLater(item.pod, decision.node);                  // async; on failure forget(...) and requeue
 *     } else {
 *       const preemption = decision.status === 'unschedulable' ? findPreemption(item.pod, ctx, input) : undefined;
 *       reportLater(item.pod, decision.summary, preemption); // PodScheduled=False + Event; evict victims
 *     }
 *   }
 *
 * Across batches a controller may keep the snapshot and `snapshot.refresh(base, nodesTouchedByEvents)`
 * (O(touched nodes)) instead of taking a new one; take a new one when pool membership or usage samples
 * change, or when `refresh` returns false.
 */
export * from './framework.js';
export * from './pod-plugins.js';
export * from './placement-context.js';
export { schedule, snapshotFor } from './schedule.js';
export { assume, forget, newPlacementState, DEFAULT_ASSUMED_USAGE_WINDOW_MS } from './state.js';
export type { AssumedPod, CommitOptions, PlacementState } from './state.js';
export { BLOCKED, PoolSnapshot, type SnapshotInput } from './snapshot.js';
export { DEFAULT_NODE_FILTERS, PoolMembershipFilter, NodeReadyFilter } from './node-filters.js';
export {
  DEFAULT_POD_FILTERS,
  TaintTolerationFilter,
  NodeAffinityFilter,
  CeilingFitFilter,
} from './filters.js';
export { SCORE_PLUGINS, LeastLoadedScore, BinPackScore, WeightedScore, RoundRobinScore } from './scoring.js';
export {
  fillUsed,
  fitsCeilingsAt,
  ceilingViolationsAt,
  weightedLoadAt,
  nodeWeight,
  resourceFits,
  SLOTS,
} from './load.js';
export {
  countReasons,
  reasonLabel,
  summarize,
  formatTaint,
  NO_POOL_MESSAGE,
  unknownPoolMessage,
} from './reasons.js';
export { toleratesTaint, firstUntoleratedHardTaint, untoleratedPreferNoSchedule } from './taints.js';
export {
  compileNodeConstraints,
  constraintVerdict,
  constraintVerdicts,
  matchesNodeSelector,
  matchesRequiredAffinity,
} from './node-affinity.js';
export {
  POD_POOL_LABEL,
  resolvePodPool,
  podPriority,
  podMovable,
  placementPool,
  type PoolResolution,
} from './pool-resolution.js';
export { PendingQueue, placedBefore, type QueuedPod } from './pending-queue.js';
export {
  findPreemption,
  minAvailableBudget,
  searchPreemption,
  type DisruptionBudget,
  type Preemption,
  type PreemptionInput,
  type PreemptionSearch,
} from './preemption.js';
