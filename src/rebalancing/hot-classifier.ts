/**
 * Hot/cool classification with hysteresis (DESIGN.md section 4). A node breaches when it is over a ceiling
 * or its load is more than `tolerance` points above the pool mean; it turns hot after `consecutive`
 * breaching intervals in a row — at once when over a ceiling, which is urgent — and stays hot until it is within every ceiling and less than
 * `recoveryTolerance` points above the mean. The gap between the two marks keeps a node that was just
 * relieved from flapping back. Pure: the state in and out is plain data.
 */
import type { NodeHeat } from './rebalance-plan.js';

export interface HeatRule {
  tolerance: number;
  recoveryTolerance: number;
  consecutive: number;
  /**
   * Whether load above the mean counts at all. False for BinPack pools, which concentrate load on purpose:
   * there only a ceiling makes a node hot.
   */
  relative: boolean;
}

export interface HeatReading {
  load: number;
  mean: number;
  overCeiling: boolean;
}

export const COOL: NodeHeat = Object.freeze({ streak: 0, hot: false });

/** Whether the reading breaches (counts towards `consecutive`). */
export function breaches(reading: HeatReading, rule: HeatRule): boolean {
  return breachesAt(reading.load, reading.mean, reading.overCeiling, rule);
}

/** `breaches` on plain numbers, for the planner's per-node pass (no reading object per node). */
export function breachesAt(load: number, mean: number, overCeiling: boolean, rule: HeatRule): boolean {
  return overCeiling || (rule.relative && load > mean + rule.tolerance);
}

/** Whether a hot node has cooled down. */
export function cooled(reading: HeatReading, rule: HeatRule): boolean {
  return !reading.overCeiling && (!rule.relative || reading.load < reading.mean + rule.recoveryTolerance);
}

/** The node's heat after one more interval. */
export function nextHeat(previous: NodeHeat, reading: HeatReading, rule: HeatRule): NodeHeat {
  if (previous.hot) return cooled(reading, rule) ? COOL : previous;
  if (!breaches(reading, rule)) return COOL;
  if (reading.overCeiling) return { streak: rule.consecutive, hot: true };
  const streak = Math.min(previous.streak + 1, rule.consecutive);
  return { streak, hot: streak >= rule.consecutive };
}

/**
 * The heat to start from: the previous cycle's, else — after a restart — hot when the node still carries
 * the hot taint the operator set (the taint lives in the API server, so hot nodes stay hot across leaders).
 */
export function startingHeat(
  previous: NodeHeat | undefined,
  tainted: boolean,
  consecutive: number,
): NodeHeat {
  if (previous !== undefined) return previous;
  return tainted ? { streak: consecutive, hot: true } : COOL;
}
