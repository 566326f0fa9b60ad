/**
 * Consolidation's packing efficiency against the lower bound (total requests over per-node capacity at the
 * ceiling): pools spread thin are consolidated interval after interval, every eviction's replacement bound
 * where the plan said, until nothing more can be drained. Target: at least 95 % of the lower bound's
 * efficiency (bench/REPORT.md, "Consolidation").
 */
import { GI, NOW, scenario, type NodeSpec } from '../balancing/planner-fixtures.js';
import { consolidationInput, replayPlan } from './fixtures.js';
import { planConsolidation } from './planner.js';
import type { PackingReport } from './types.js';

/** A small deterministic generator (mulberry32), so every run packs the same pools. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `nodes` nodes of 8 cores and 32 Gi, `pods` pods of 100-700 m and 0.25-2 Gi dealt round-robin. */
function spreadPool(seed: number, nodes: number, pods: number): NodeSpec[] {
  const next = random(seed);
  const specs: NodeSpec[] = Array.from({ length: nodes }, (_, n) => ({ name: `n${n}`, pods: [] }));
  for (let i = 0; i < pods; i++) {
    (specs[i % nodes]?.pods ?? []).push({
      name: `p${i}`,
      cpu: 100 + Math.floor(next() * 600),
      memory: Math.round((0.25 + next() * 1.75) * GI),
      pdbs: i % 3 === 0 ? ['web'] : [],
    });
  }
  return specs;
}

/** Plans and replays intervals until two in a row change nothing; returns the packing then. */
export function consolidate(
  nodes: NodeSpec[],
  strategy: 'LeastLoaded' | 'BinPack',
): { packing: PackingReport; intervals: number } {
  const s = scenario(nodes, {
    strategy,
    pdbs: { web: 2 },
    weights: { cpu: 1, memory: 1, ephemeralStorage: 0, network: 0 },
  });
  const draining = new Map<string, number>();
  let quiet = 0;
  let intervals = 0;
  let now = NOW;
  while (quiet < 2 && intervals < 500) {
    const plan = planConsolidation(
      consolidationInput(s, { now, draining, settings: { maxDrainingNodes: 2, maxEvictionsPerCycle: 20 } }),
    );
    quiet = plan.evictions.length === 0 && plan.marks.length === 0 ? quiet + 1 : 0;
    replayPlan(s, plan, draining, now);
    now += 15_000;
    intervals++;
  }
  const last = planConsolidation(consolidationInput(s, { now, draining, settings: { mode: 'Off' } }));
  return { packing: last.packing, intervals };
}

describe('consolidation packing efficiency', () => {
  const pools = [
    { seed: 1, nodes: 40, pods: 240 },
    { seed: 2, nodes: 60, pods: 300 },
    { seed: 3, nodes: 30, pods: 300 },
  ];
  it.each(pools)(
    'reaches at least 95 % of the lower bound (seed $seed, $nodes nodes, $pods pods)',
    ({ seed, nodes, pods }) => {
      for (const strategy of ['LeastLoaded', 'BinPack'] as const) {
        const { packing } = consolidate(spreadPool(seed, nodes, pods), strategy);
        expect(packing.boundEfficiency).toBeGreaterThanOrEqual(95);
        expect(packing.nodesInUse).toBeLessThan(nodes);
      }
    },
  );
});
