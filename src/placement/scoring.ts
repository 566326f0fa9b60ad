/**
 * The score plugins, one per allocation strategy. Each scores, in one pass, every node that passed every
 * filter; higher wins. Before the score, nodes with fewer untolerated PreferNoSchedule taints win; after it,
 * the smaller node name (so every decision is deterministic).
 */
import type { AllocationStrategy } from '../api/index.js';
import { SLOTS, weightedLoadAt } from './load.js';
import type { PoolSnapshot } from './snapshot.js';
import type { ScoreInput, ScorePlugin } from './pod-plugins.js';

/** Writes `sign * load + offset` (load in percent after placement) for every candidate: the load scores. */
function scoreLoads(
  { pod, pool }: ScoreInput,
  nodes: PoolSnapshot,
  rejected: Uint8Array,
  scores: Float64Array,
  sign: 1 | -1,
  offset: number,
): void {
  const { used, allocatable } = nodes;
  const request = pod.requests;
  const weights = pool.weights;
  for (let i = 0, o = 0; i < rejected.length; i++, o += SLOTS) {
    if (rejected[i] === 0) scores[i] = offset + sign * weightedLoadAt(used, allocatable, o, request, weights);
  }
}

/** Lowest weighted load after placement wins: spreads load. Score = 100 − load%. */
export const LeastLoadedScore: ScorePlugin = {
  name: 'LeastLoaded',
  scoreAll: (input, nodes, rejected, scores) => scoreLoads(input, nodes, rejected, scores, -1, 100),
};

/** Highest weighted load after placement wins (the filters already kept it within ceilings): frees nodes. */
export const BinPackScore: ScorePlugin = {
  name: 'BinPack',
  scoreAll: (input, nodes, rejected, scores) => scoreLoads(input, nodes, rejected, scores, 1, 0),
};

/**
 * LeastLoaded scaled by the node's weight (label or annotation `allocation.nodeWeightLabel`, default 1):
 * score = max(0, 100 − load%) × weight, so a node of weight 2 keeps taking pods until its free share is half
 * that of a node of weight 1.
 */
export const WeightedScore: ScorePlugin = {
  name: 'Weighted',
  scoreAll(input, nodes, rejected, scores) {
    scoreLoads(input, nodes, rejected, scores, -1, 100);
    const weights = nodes.weights;
    for (let i = 0; i < rejected.length; i++) {
      if (rejected[i] === 0) scores[i] = Math.max(0, scores[i] as number) * (weights[i] as number);
    }
  },
};

/**
 * In turn, by node name: nodes named after the cursor (the previous choice in this pool) score 1, the
 * others 0, and the name tie-break picks the smallest — the next node in name order, wrapping around. Which
 * nodes are eligible may change between decisions; the cycle simply continues from the cursor.
 */
export const RoundRobinScore: ScorePlugin = {
  name: 'RoundRobin',
  scoreAll({ cursor }, nodes, rejected, scores) {
    const { rank, sorted } = nodes.nameOrder();
    // Nodes whose position in name order is at least `after` are named after the cursor.
    const after = cursor === undefined ? 0 : countNotAfter(sorted, cursor);
    for (let i = 0; i < rejected.length; i++) {
      if (rejected[i] === 0) scores[i] = (rank[i] as number) >= after ? 1 : 0;
    }
  },
};

/** How many of the sorted `names` are not after `cursor` (binary search). */
function countNotAfter(names: readonly string[], cursor: string): number {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((names[middle] as string) <= cursor) low = middle + 1;
    else high = middle;
  }
  return low;
}

export const SCORE_PLUGINS: Readonly<Record<AllocationStrategy, ScorePlugin>> = {
  LeastLoaded: LeastLoadedScore,
  BinPack: BinPackScore,
  Weighted: WeightedScore,
  RoundRobin: RoundRobinScore,
};
