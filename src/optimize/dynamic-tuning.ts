/**
 * Dynamic tuning (spec.rebalancing.tuning: Adaptive): the tolerance and interval rebalancing uses, from the
 * volatility of node loads (load-volatility.ts), inside the bounds the pool declares.
 *
 * - tolerance = TOLERANCE_SIGMAS × volatility: a node breaches on a real imbalance, not on the noise of its
 *   load (three typical changes rarely add up by chance), clamped to minTolerance..maxTolerance;
 *   recoveryTolerance keeps its declared ratio to tolerance, so the hysteresis gap scales with it.
 * - interval: maxInterval while calm (volatility ≤ CALM_POINTS), minInterval when volatile (≥
 *   VOLATILE_POINTS), linear between, whole seconds: volatile loads are looked at more often, calm ones less.
 * Without a volatility (learning, or no measured usage) the declared values hold, clamped to the bounds.
 * Pure.
 */
import { formatSpan } from './lookahead.js';
import type { Volatility } from './load-volatility.js';

export const TOLERANCE_SIGMAS = 3;
export const CALM_POINTS = 1;
export const VOLATILE_POINTS = 5;

export interface TuningBounds {
  minTolerance: number;
  maxTolerance: number;
  minIntervalMs: number;
  maxIntervalMs: number;
}

export interface TunableSettings {
  tolerance: number;
  recoveryTolerance: number;
  intervalMs: number;
}

export interface TunedSettings extends TunableSettings {
  reason: string;
}

export function tuneRebalancing(
  declared: TunableSettings,
  bounds: TuningBounds,
  volatility: Volatility | undefined,
): TunedSettings {
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  const range = `within ${bounds.minTolerance}..${bounds.maxTolerance}`;
  const spans = `${formatSpan(bounds.minIntervalMs)}..${formatSpan(bounds.maxIntervalMs)}`;
  if (!volatility) {
    const tolerance = clamp(declared.tolerance, bounds.minTolerance, bounds.maxTolerance);
    const intervalMs = clamp(declared.intervalMs, bounds.minIntervalMs, bounds.maxIntervalMs);
    return {
      tolerance,
      recoveryTolerance: recoveryFor(declared, tolerance),
      intervalMs,
      reason: `learning the volatility of node loads: the declared tolerance and interval hold (${range}, ${spans})`,
    };
  }
  const v = volatility.points;
  const tolerance = round1(clamp(TOLERANCE_SIGMAS * v, bounds.minTolerance, bounds.maxTolerance));
  const f = clamp((v - CALM_POINTS) / (VOLATILE_POINTS - CALM_POINTS), 0, 1);
  const raw = bounds.maxIntervalMs - f * (bounds.maxIntervalMs - bounds.minIntervalMs);
  const intervalMs = clamp(Math.round(raw / 1000) * 1000, bounds.minIntervalMs, bounds.maxIntervalMs);
  const mood = f === 0 ? 'calm' : f === 1 ? 'volatile' : 'between calm and volatile';
  return {
    tolerance,
    recoveryTolerance: recoveryFor(declared, tolerance),
    intervalMs,
    reason:
      `node loads change by ${v.toFixed(1)} points per interval (median of ${volatility.nodes} node(s)): ` +
      `tolerance ${tolerance} (${TOLERANCE_SIGMAS}× that, ${range}), interval ${formatSpan(intervalMs)} (${mood}, ${spans})`,
  };
}

/** recoveryTolerance with its declared ratio to tolerance. */
function recoveryFor(declared: TunableSettings, tolerance: number): number {
  if (declared.tolerance <= 0) return 0;
  return round1((declared.recoveryTolerance * tolerance) / declared.tolerance);
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
