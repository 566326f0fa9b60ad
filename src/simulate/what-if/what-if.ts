/**
 * `fulcrum simulate --what-if`: a usage trace replayed twice against a pool, reactive (forecast None) and
 * forecast-based (the pool's forecast method, Holt when the pool has none), and summed up per run: the
 * hottest node over time, intervals over a ceiling, evictions by kind, consolidation and the recommended node
 * counts. Pure.
 */
import { parseDuration, type ResourcePool } from '../../api/index.js';
import type { ForecastMethod } from '../../optimize/index.js';
import { replayTrace, type WhatIfRun } from './what-if-run.js';
import type { UsageTrace } from './usage-trace.js';

export interface RunSummary {
  name: WhatIfRun['name'];
  forecast: ForecastMethod | 'None';
  /** The hottest node's highest cpu utilization over the trace, percent. */
  peakCpu: number;
  /** Intervals in which some node was over a ceiling, and the first of them. */
  intervalsOverCeiling: number;
  firstOverCeilingMs?: number;
  urgentEvictions: number;
  balanceEvictions: number;
  consolidationEvictions: number;
  firstMove?: { atMs: number; reason: string };
  nodesInUse: { start: number; end: number };
  /** Consolidation's packing at the end: requests over capacity at the ceiling, and against the lower bound. */
  packingEfficiency: number;
  packingBoundEfficiency: number;
  recommendedNodes: { start: number; end: number; max: number };
  /** The first interval in which the recommendation said CapacityPressure. */
  firstPressureMs?: number;
}

export interface WhatIfReport {
  trace: string;
  pool: string;
  nodes: number;
  stepMs: number;
  durationMs: number;
  cpuCeiling: number;
  runs: WhatIfRun[];
  summaries: RunSummary[];
  notes: string[];
}

export function whatIf(trace: UsageTrace, pool: ResourcePool): WhatIfReport {
  const stepMs = trace.stepMs ?? parseDuration(pool.spec.rebalancing.interval);
  const method = pool.spec.optimization.forecast === 'None' ? 'Holt' : pool.spec.optimization.forecast;
  const runs = (['None', method] as const).map((forecast) => replayTrace({ trace, pool, forecast, stepMs }));
  return {
    trace: trace.name,
    pool: pool.metadata.name,
    nodes: trace.nodes.length,
    stepMs,
    durationMs: trace.durationMs,
    cpuCeiling: pool.spec.ceilings.cpu,
    runs,
    summaries: runs.map(summarize),
    notes: notesFor(pool),
  };
}

export function summarize(run: WhatIfRun): RunSummary {
  const s = run.samples;
  const over = s.filter((x) => x.overCeiling > 0);
  const pressure = s.find((x) => x.pressure);
  const sum = (f: (x: (typeof s)[number]) => number): number => s.reduce((a, x) => a + f(x), 0);
  return {
    name: run.name,
    forecast: run.forecast,
    peakCpu: Math.max(...s.map((x) => x.maxCpu)),
    intervalsOverCeiling: over.length,
    ...(over[0] ? { firstOverCeilingMs: over[0].atMs } : {}),
    urgentEvictions: sum((x) => x.urgent),
    balanceEvictions: sum((x) => x.balance),
    consolidationEvictions: sum((x) => x.consolidation),
    ...(run.firstMove ? { firstMove: run.firstMove } : {}),
    nodesInUse: { start: s[0]!.nodesInUse, end: s[s.length - 1]!.nodesInUse },
    packingEfficiency: run.packing.efficiency,
    packingBoundEfficiency: run.packing.boundEfficiency,
    recommendedNodes: {
      start: s[0]!.recommended,
      end: s[s.length - 1]!.recommended,
      max: Math.max(...s.map((x) => x.recommended)),
    },
    ...(pressure ? { firstPressureMs: pressure.atMs } : {}),
  };
}

/** Where the replay differs from the operator on a cluster. */
function notesFor(pool: ResourcePool): string[] {
  const notes = [
    'Every trace node is a member of the pool (its nodeSelector is not matched); pods are movable ReplicaSet ' +
      'pods without disruption budgets; a move takes effect at once, the replacement on the planned node.',
  ];
  if (pool.spec.optimization.forecast === 'None')
    notes.push('The pool does not forecast (optimization.forecast None): the forecast run uses Holt.');
  if (pool.spec.allocation.basis === 'Requests')
    notes.push(
      'allocation.basis is Requests: rebalancing plans on requests, so usage and forecasts move nothing.',
    );
  const modes = [pool.spec.rebalancing.mode, pool.spec.optimization.consolidation.mode];
  if (modes.includes('DryRun')) notes.push('DryRun is replayed as Enforce: a what-if writes nothing anyway.');
  if (pool.spec.optimization.consolidation.mode === 'Off')
    notes.push('optimization.consolidation.mode is Off: no node is drained (packing is still reported).');
  return notes;
}
