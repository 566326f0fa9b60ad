/**
 * The pure rebalance planner and its parts. One interval of one pool, synchronously (no await):
 *
 *   const view = nodeStore.view(pool.members, now, (n) => model.requested(n), (n) => model.podsOn(n).size === 0);
 *   const plan = planRebalance({
 *     model, pool, settings: rebalanceSettings(spec.rebalancing), generation, now,
 *     usage: view.usage, podUsage: podStore.view(...).usage, metrics: view,
 *     failedNodes, state, snapshot, heat: previousPlan?.heat ?? new Map(),
 *     history: movesFromPoolActions(status.lastActions) ∪ moves made since, facts,
 *   });
 *   // hand plan.evictions and plan.taints to the Actuator; apply plan.status; keep plan.heat.
 */
export { planRebalance } from './planner.js';
export * from './rebalance-plan.js';
export { rebalanceSettings, type RebalanceSettings } from './settings.js';
export {
  nextHeat,
  startingHeat,
  breaches,
  cooled,
  COOL,
  type HeatRule,
  type HeatReading,
} from './hot-classifier.js';
export { HOT_TAINT, HOT_TAINT_KEY, hasHotTaint } from './hot-taint.js';
export {
  REBALANCED_AT_ANNOTATION,
  rebalancedAt,
  rebalancedAtValue,
  cooldownsAt,
  nodeCoolingDown,
  pruneHistory,
  MAX_HISTORY,
  moveRecord,
  moveToPoolAction,
  movesFromPoolActions,
  type Cooldowns,
} from './move-history.js';
export { inFlightMoves, showMoves, MAX_IN_FLIGHT, type InFlightMove } from './in-flight.js';
export { EvictionBudgets, type BudgetVerdict } from './eviction-budgets.js';
export { candidatesOn, evictionOrder, freedBy, demandOf, QOS_ORDER, type Candidate } from './victims.js';
export { findDestination, type Destination, type DestinationQuery } from './destination.js';
export { poolLoads, loadOf, overAnyCeiling, overCeilings, type PoolLoads } from './node-load.js';
export { balanceStatus, staleStatus, offStatus, describeSkips } from './balance-status.js';
export { podTraits, qosClass, type PodTraits } from './pod-traits.js';
