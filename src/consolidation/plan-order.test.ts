/**
 * The planner's shortcuts give what the full computations they replace give: candidates off a heap in the
 * order a sort of every candidate gives, and the lower bound from per-size counts equal to the one from a
 * sort of every member's size.
 */
import { lowerBound } from './packing.js';
import { byCost, inOrder } from './planner.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('candidate order', () => {
  test.each([1, 2, 3, 4, 5, 6])('the heap yields the sorted order (seed %i)', (seed) => {
    const rand = prng(seed);
    const n = Math.floor(rand() * 300);
    // Few pod counts and loads, so the tie-breaks (load, then name) decide often.
    const items = Array.from({ length: n }, (_, i) => ({
      node: `node-${Math.floor(rand() * 1e6)}-${i}`,
      pods: Math.floor(rand() * 4),
      load: Math.floor(rand() * 3) * 12.5,
    }));
    const sorted = [...items].sort(byCost);
    expect([...inOrder([...items], byCost)]).toEqual(sorted);
    // Taking only the first few, as the planner does, gives the sort's first few.
    const firstFew: typeof items = [];
    for (const c of inOrder([...items], byCost)) {
      if (firstFew.length === 5) break;
      firstFew.push(c);
    }
    expect(firstFew).toEqual(sorted.slice(0, 5));
  });
});

describe('lowerBound', () => {
  /** The definition: every member's size sorted, largest first, until the requests are covered. */
  function bySort(sizes: number[], requested: number): { nodes: number; efficiency: number } {
    const sorted = Float64Array.from(sizes.filter((s) => s > 0)).sort();
    let covered = 0;
    let nodes = 0;
    for (let i = sorted.length - 1; i >= 0 && covered < requested; i--) {
      covered += sorted[i] as number;
      nodes++;
    }
    return { nodes, efficiency: covered > 0 ? Math.min(100, (requested / covered) * 100) : 0 };
  }

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('equals the sorted walk (seed %i)', (seed) => {
    const rand = prng(seed);
    // Few shapes (counted), or more than the count list holds (every size sorted) for even seeds.
    const shapes =
      seed % 2 === 1
        ? [0, 4000, 8000, 16000, 32000, 12345.5].slice(0, 2 + Math.floor(rand() * 5))
        : Array.from({ length: 20 + Math.floor(rand() * 30) }, () => Math.floor(rand() * 64) * 1000);
    const cpus = Array.from(
      { length: 1 + Math.floor(rand() * 200) },
      () => shapes[Math.floor(rand() * shapes.length)] as number,
    );
    const sizes = Float64Array.from(cpus, (c) => (c * 80) / 100);
    const capacity = cpus.reduce((a, c) => a + (c * 80) / 100, 0);
    for (const share of [0, 0.01, 0.3, 0.77, 1, 1.5]) {
      const requested = capacity * share;
      expect(lowerBound(sizes, requested)).toEqual(bySort([...sizes], requested));
    }
  });
});
