/**
 * One replay of a usage trace against a pool, interval by interval, through the operator's own pure cores:
 * planRebalance (ceilings first, then balance, with the pool's budgets, hysteresis and cooldowns),
 * lookaheadUsage over a UsageForecaster when the run forecasts, planConsolidation when the pool consolidates,
 * and recommendCapacity for the node count. Planned moves happen at once (the replacement runs on the
 * expected node from the next interval), as in rebalancing/forecast-trace.test.ts. Pure: no clock, no I/O.
 */
import { parseDuration, type ResourcePool } from '../../api/index.js';
import {
  HOT_TAINT_KEY,
  HOT_TAINT,
  planRebalance,
  pruneHistory,
  REBALANCED_AT_ANNOTATION,
  rebalancedAtValue,
  rebalanceSettings,
  type EvictionRequest,
  type MoveRecord,
  type NodeHeat,
  type RebalanceSettings,
} from '../../rebalancing/index.js';
import {
  consolidationSettings,
  planConsolidation,
  type ConsolidationSettings,
  type PackingReport,
} from '../../consolidation/index.js';
import type { ResourceVector } from '../../model/resources.js';
import {
  forecastStepMs,
  lookaheadUsage,
  poolDemand,
  recommendCapacity,
  seededNormal,
  UsageForecaster,
  type ForecastMethod,
} from '../../optimize/index.js';
import { placementPool } from '../../placement/index.js';
import type { PlacementPool } from '../../placement/framework.js';
import { TraceCluster } from './trace-cluster.js';
import type { UsageTrace } from './usage-trace.js';

/** The epoch of a replay: traces are relative, the cores want absolute times. */
export const REPLAY_START = Date.parse('2026-01-01T00:00:00Z');

/** One interval, as the metrics showed it before the interval's moves. */
export interface WhatIfSample {
  atMs: number;
  /** The hottest node's cpu utilization, percent of allocatable (true usage, without noise). */
  maxCpu: number;
  /** Nodes over any of their ceilings (cpu or memory). */
  overCeiling: number;
  urgent: number;
  balance: number;
  consolidation: number;
  /** Nodes holding pods. */
  nodesInUse: number;
  /** Recommended node count (recommendCapacity) and its reason. */
  recommended: number;
  pressure: boolean;
}

export interface WhatIfRun {
  name: 'Reactive' | 'Forecast';
  forecast: ForecastMethod | 'None';
  samples: WhatIfSample[];
  /** The first move, for the story of a trace. */
  firstMove?: { atMs: number; reason: string };
  /** Consolidation's packing at the end. */
  packing: PackingReport;
}

export interface RunInput {
  trace: UsageTrace;
  pool: ResourcePool;
  forecast: ForecastMethod | 'None';
  stepMs: number;
}

/** Replays the trace once: every interval from 0 to its duration. */
export function replayTrace(input: RunInput): WhatIfRun {
  const replay = new Replay(input);
  for (let t = 0; t <= input.trace.durationMs; t += input.stepMs) replay.interval(t);
  return replay.result();
}

class Replay {
  private readonly cluster: TraceCluster;
  private readonly pool: PlacementPool;
  private readonly rebalance: RebalanceSettings;
  private readonly consolidation: ConsolidationSettings;
  private readonly forecaster: UsageForecaster | undefined;
  private readonly horizonMs: number;
  private readonly noise: () => number;
  private heat = new Map<string, NodeHeat>();
  private history: MoveRecord[] = [];
  private readonly draining = new Map<string, number>();
  private readonly samples: WhatIfSample[] = [];
  private firstMove: WhatIfRun['firstMove'];
  private packing: PackingReport | undefined;

  constructor(private readonly input: RunInput) {
    const { trace, pool } = input;
    this.cluster = new TraceCluster(trace, REPLAY_START);
    this.pool = placementPool(pool, this.cluster.nodeNames);
    // A what-if writes nothing: DryRun pools are replayed as if they enforced, so the moves show.
    const enforce = <M extends string>(mode: M): M | 'Enforce' => (mode === 'Off' ? mode : 'Enforce');
    const r = rebalanceSettings(pool.spec.rebalancing);
    this.rebalance = { ...r, mode: enforce(r.mode), intervalMs: input.stepMs };
    const c = consolidationSettings(pool.spec.optimization.consolidation, pool.spec.rebalancing);
    this.consolidation = { ...c, mode: enforce(c.mode) };
    this.horizonMs = parseDuration(pool.spec.optimization.horizon);
    this.forecaster =
      input.forecast === 'None'
        ? undefined
        : new UsageForecaster({
            method: input.forecast,
            stepMs: forecastStepMs(input.stepMs, this.horizonMs),
          });
    this.noise = seededNormal(trace.seed);
  }

  interval(t: number): void {
    const now = REPLAY_START + t;
    const podUsage = this.cluster.podUsage(t);
    const truth = this.cluster.nodeUsage(podUsage);
    const measured = this.measure(truth);
    this.forecaster?.record(
      [...measured].map(([key, u]) => ({ key, time: now, usage: { cpu: u.cpu, memory: u.memory } })),
    );
    const sample = this.observe(t, truth);
    this.recommend(sample, now, measured);
    this.history = pruneHistory(this.history, now, this.rebalance.cooldownMs);
    const moved = this.balance(sample, now, measured, podUsage);
    this.consolidate(sample, now, measured, podUsage, moved);
    this.samples.push(sample);
  }

  result(): WhatIfRun {
    return {
      name: this.input.forecast === 'None' ? 'Reactive' : 'Forecast',
      forecast: this.input.forecast,
      samples: this.samples,
      ...(this.firstMove ? { firstMove: this.firstMove } : {}),
      packing: this.packing!,
    };
  }

  /** What the metrics show: the truth, with the trace's seeded cpu noise. */
  private measure(truth: ReadonlyMap<string, ResourceVector>): Map<string, ResourceVector> {
    const sd = this.input.trace.noisePercent / 100;
    const out = new Map<string, ResourceVector>();
    for (const [node, u] of truth) {
      const cpu = this.cluster.model.node(node)!.allocatable.cpu;
      out.set(node, { ...u, cpu: Math.max(0, u.cpu + sd * cpu * this.noise()) });
    }
    return out;
  }

  private observe(t: number, truth: ReadonlyMap<string, ResourceVector>): WhatIfSample {
    let maxCpu = 0;
    let overCeiling = 0;
    let nodesInUse = 0;
    const { cpu: cpuCeiling, memory: memoryCeiling } = this.pool.ceilings;
    for (const [node, u] of truth) {
      const a = this.cluster.model.node(node)!.allocatable;
      const cpu = (100 * u.cpu) / a.cpu;
      const memory = a.memory > 0 ? (100 * u.memory) / a.memory : 0;
      maxCpu = Math.max(maxCpu, cpu);
      if (cpu > cpuCeiling || memory > memoryCeiling) overCeiling++;
      if (this.cluster.model.podsOn(node).size > 0) nodesInUse++;
    }
    return {
      atMs: t,
      maxCpu,
      overCeiling,
      urgent: 0,
      balance: 0,
      consolidation: 0,
      nodesInUse,
      recommended: 0,
      pressure: false,
    };
  }

  /** The node count recommendCapacity advises, on the run's forecast total when it forecasts. */
  private recommend(sample: WhatIfSample, now: number, measured: ReadonlyMap<string, ResourceVector>): void {
    const names = this.cluster.nodeNames;
    const demand = poolDemand({
      nodes: names,
      usage: (node) => measured.get(node),
      requests: (node) => this.cluster.model.requested(node),
      ...(this.forecaster ? { forecaster: this.forecaster } : {}),
      at: now + this.horizonMs,
    });
    const advice = recommendCapacity({
      now,
      horizonMs: this.horizonMs,
      nodes: names.map((n) => this.cluster.model.node(n)!.allocatable),
      ceilings: this.pool.ceilings,
      demand,
    });
    sample.recommended = advice.nodes;
    sample.pressure = advice.pressure;
  }

  /** One rebalancing plan, carried out at once. Returns how many pods it moved. */
  private balance(
    sample: WhatIfSample,
    now: number,
    measured: ReadonlyMap<string, ResourceVector>,
    podUsage: ReadonlyMap<string, ResourceVector>,
  ): number {
    const ahead = this.forecaster
      ? lookaheadUsage({
          forecaster: this.forecaster,
          current: measured,
          now,
          horizonMs: this.horizonMs,
          allocatable: (node) => this.cluster.model.node(node)?.allocatable,
        })
      : undefined;
    const plan = planRebalance({
      model: this.cluster.model,
      pool: this.pool,
      settings: this.rebalance,
      now,
      usage: ahead?.usage ?? measured,
      ...(ahead ? { forecastNotes: ahead.notes } : {}),
      podUsage,
      metrics: { stale: [] },
      failedNodes: new Set(this.draining.keys()),
      heat: this.heat,
      history: this.history,
      facts: this.cluster.facts(),
    });
    this.heat = plan.heat;
    for (const e of plan.evictions) {
      this.apply(e, now);
      this.record(e, now);
      if (e.mode === 'Urgent') sample.urgent++;
      else sample.balance++;
    }
    for (const taint of plan.taints)
      this.cluster.setTaints(taint.node, (taints) =>
        taint.kind === 'Taint'
          ? [...taints, { ...HOT_TAINT }]
          : taints.filter((x) => x.key !== HOT_TAINT_KEY),
      );
    return plan.evictions.length;
  }

  /** One consolidation plan when the pool consolidates; no new drain in an interval where balance moved pods. */
  private consolidate(
    sample: WhatIfSample,
    now: number,
    measured: ReadonlyMap<string, ResourceVector>,
    podUsage: ReadonlyMap<string, ResourceVector>,
    moved: number,
  ): void {
    const plan = planConsolidation({
      model: this.cluster.model,
      pool: this.pool,
      settings: this.consolidation,
      now,
      usage: measured,
      podUsage,
      metrics: { stale: [] },
      draining: this.draining,
      facts: this.cluster.facts(),
      ...(moved > 0 ? { hold: `rebalancing planned ${moved} move(s) this interval` } : {}),
    });
    this.packing = plan.packing;
    for (const mark of plan.marks)
      if (mark.kind === 'StartDrain') this.draining.set(mark.node, now);
      else this.draining.delete(mark.node);
    for (const e of plan.evictions) {
      this.apply(e, now);
      sample.consolidation++;
    }
  }

  private apply(e: EvictionRequest, now: number): void {
    this.firstMove ??= { atMs: now - REPLAY_START, reason: e.reason };
    this.cluster.move(e.pod, e.expectedTo, now);
  }

  /** A rebalancing move's cooldowns, as the move executor keeps them: history and both nodes stamped. */
  private record(e: EvictionRequest, now: number): void {
    this.history.push({
      at: now,
      pod: e.pod,
      ...(e.workload ? { workload: e.workload } : {}),
      from: e.from,
      to: e.expectedTo,
      mode: e.mode,
    });
    for (const node of [e.from, e.expectedTo])
      this.cluster.setAnnotation(node, REBALANCED_AT_ANNOTATION, rebalancedAtValue(now));
  }
}
