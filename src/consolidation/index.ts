/**
 * Consolidation (resource efficiency): the pure planner that drains nodes whose pods all fit elsewhere below
 * the ceilings, the drain taint that keeps its state in the API server, and the packing report.
 *
 *   const plan = planConsolidation({
 *     model, pool, settings: consolidationSettings(spec.optimization.consolidation, spec.rebalancing), now,
 *     usage, podUsage, metrics, draining: drainsOf(memberInfos, now), facts, hold,
 *   });
 *   // hand plan.marks (StopDrain, StartDrain) and plan.evictions to the Actuator; report plan.packing.
 */
export { planConsolidation, MAX_DECISIONS, MAX_NODE_TRIES } from './planner.js';
export { consolidationSettings, type ConsolidationSettings } from './settings.js';
export { packingReport, type PackingInput } from './packing.js';
export {
  CONSOLIDATING_SINCE_ANNOTATION,
  CONSOLIDATING_TAINT_KEY,
  consolidatingTaint,
  drainsOf,
  hasConsolidatingTaint,
} from './drain-taint.js';
export * from './consolidation-plan.js';
