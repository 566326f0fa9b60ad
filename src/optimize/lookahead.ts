/**
 * The usage a forecasting pool plans on: per node and resource, usage now plus the growth its ready forecast
 * expects over the horizon (forecast(now + horizon) − forecast(now), never negative), so a node trending
 * toward a ceiling is hot, or over the ceiling, before it gets there, and is not picked as a destination.
 * Nodes whose usage the forecast raised get a short note for move reasons ("cpu 84% in 10m": the planned
 * share of allocatable at the horizon). Pure.
 *
 * Growth on top of usage now, not the forecast itself (UsageForecaster.lookahead): the model learns a step
 * at a time, so right after a pod moved off a node its forecast still carries the pod for up to a step, and
 * planning on it moved three or four pods where one was enough (forecast-trace.test.ts explored both). Usage
 * now drops with the move at once, and the growth stays. A model without a trend (EWMA) expects no growth, so
 * with EWMA rebalancing plans on usage now, as with None.
 */
import { CEILING_RESOURCES, type CeilingResource, type ResourceVector } from '../model/resources.js';
import type { Forecast } from './series-forecaster.js';
import type { UsageForecaster } from './usage-forecaster.js';

export interface LookaheadUsage {
  /** Every node of `current`, with the usage to plan on. */
  usage: Map<string, ResourceVector>;
  /** Nodes the forecast raised, with a note on the resource raised most (as a share of allocatable). */
  notes: Map<string, string>;
}

export interface LookaheadInput {
  forecaster: UsageForecaster;
  /** Smoothed usage now, per node (UsageStore.view().usage). */
  current: ReadonlyMap<string, ResourceVector>;
  now: number;
  horizonMs: number;
  allocatable: (node: string) => ResourceVector | undefined;
}

export function lookaheadUsage(input: LookaheadInput): LookaheadUsage {
  const { forecaster, now, horizonMs } = input;
  const at = now + horizonMs;
  const usage = new Map<string, ResourceVector>();
  const notes = new Map<string, string>();
  for (const [node, vector] of input.current) {
    const ahead = withGrowth(forecaster, node, vector, now, at);
    usage.set(node, ahead);
    const note = raisedNote(vector, ahead, input.allocatable(node), horizonMs);
    if (note !== undefined) notes.set(node, note);
  }
  return { usage, notes };
}

/** `current` plus, per resource with a ready forecast, the growth it expects from `now` to `at` (≥ 0). */
function withGrowth(
  forecaster: UsageForecaster,
  node: string,
  current: ResourceVector,
  now: number,
  at: number,
): ResourceVector {
  let out: ResourceVector | undefined;
  for (const resource of CEILING_RESOURCES) {
    const later = forecaster.forecast(node, resource, at);
    if (!later?.ready) continue;
    const growth = later.value - (forecaster.forecast(node, resource, now) as Forecast).value;
    if (growth <= 0) continue;
    out ??= { ...current };
    out[resource] = current[resource] + growth;
  }
  return out ?? current;
}

/** "cpu 84% in 10m" for the resource the forecast raised to the largest share, or undefined. */
function raisedNote(
  now: ResourceVector,
  ahead: ResourceVector,
  allocatable: ResourceVector | undefined,
  horizonMs: number,
): string | undefined {
  let best: { resource: CeilingResource; percent: number } | undefined;
  for (const resource of CEILING_RESOURCES) {
    const capacity = allocatable?.[resource] ?? 0;
    if (ahead[resource] <= now[resource] || capacity <= 0) continue;
    const percent = (ahead[resource] * 100) / capacity;
    if (!best || percent > best.percent) best = { resource, percent };
  }
  return best && `${best.resource} ${Math.round(best.percent)}% in ${formatSpan(horizonMs)}`;
}

/** A span as the largest whole unit that fits: "45s", "10m", "2h", "1h30m". */
export function formatSpan(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
}
