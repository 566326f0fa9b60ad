/**
 * A packing trial (tests and the `optimize` bench): a generated pool spread thin, consolidated interval after
 * interval by the production planner, every eviction's replacement bound where the plan said, until nothing
 * more can be drained. Not used by production code.
 */
import { GI, NOW, scenario, type NodeSpec } from '../rebalancing/planner-fixtures.js';
import { consolidationInput, replayPlan } from './fixtures.js';
import { planConsolidation } from './planner.js';
import type { PackingReport } from './consolidation-plan.js';

/** The generated pools of the packing test and bench (seed, nodes, pods). */
export const PACKING_POOLS = [
  { seed: 1, nodes: 40, pods: 240 },
  { seed: 2, nodes: 60, pods: 300 },
  { seed: 3, nodes: 30, pods: 300 },
] as const;

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
export function spreadPool(seed: number, nodes: number, pods: number): NodeSpec[] {
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
): { before: PackingReport; packing: PackingReport; intervals: number; evictions: number } {
  const s = scenario(nodes, {
    strategy,
    pdbs: { web: 2 },
    weights: { cpu: 1, memory: 1, ephemeralStorage: 0, network: 0 },
  });
  const draining = new Map<string, number>();
  let quiet = 0;
  let intervals = 0;
  let now = NOW;
  let before: PackingReport | undefined;
  let evictions = 0;
  while (quiet < 2 && intervals < 500) {
    const plan = planConsolidation(
      consolidationInput(s, { now, draining, settings: { maxDrainingNodes: 2, maxEvictionsPerCycle: 20 } }),
    );
    before ??= plan.packing;
    evictions += plan.evictions.length;
    quiet = plan.evictions.length === 0 && plan.marks.length === 0 ? quiet + 1 : 0;
    replayPlan(s, plan, draining, now);
    now += 15_000;
    intervals++;
  }
  const last = planConsolidation(consolidationInput(s, { now, draining, settings: { mode: 'Off' } }));
  return { before: before ?? last.packing, packing: last.packing, intervals, evictions };
}
