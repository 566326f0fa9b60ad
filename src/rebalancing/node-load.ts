/**
 * Per-node load on the pool's basis, read from a placement snapshot's flat arrays with the very helpers
 * placement ranks nodes by (load.ts), so placement and rebalancing share one load signal and an evicted
 * pod's replacement does not land back where it came from.
 */
import type { Ceilings, Weights } from '../api/index.js';
import { CEILING_RESOURCES, zeroResources, type CeilingResource } from '../model/resources.js';
import { SLOTS, weightedLoadAt } from '../placement/load.js';
import type { PoolSnapshot } from '../placement/snapshot.js';

const NOTHING = zeroResources();

/** Weighted load of snapshot node `i`, percent. */
export function loadOf(snapshot: PoolSnapshot, i: number, weights: Weights): number {
  return weightedLoadAt(snapshot.used, snapshot.allocatable, i * SLOTS, NOTHING, weights);
}

/** The resources of snapshot node `i` strictly above their ceiling (reaching it exactly is allowed). */
export function overCeilings(snapshot: PoolSnapshot, i: number, ceilings: Ceilings): CeilingResource[] {
  const o = i * SLOTS;
  const over: CeilingResource[] = [];
  CEILING_RESOURCES.forEach((resource, k) => {
    const allocatable = snapshot.allocatable[o + k] as number;
    if (allocatable > 0 && (snapshot.used[o + k] as number) * 100 > ceilings[resource] * allocatable)
      over.push(resource);
  });
  return over;
}

/** Whether some resource of snapshot node `i` is strictly above its ceiling; allocates nothing. */
export function overAnyCeiling(snapshot: PoolSnapshot, i: number, ceilings: Ceilings): boolean {
  const { used, allocatable } = snapshot;
  const o = i * SLOTS;
  return (
    over(used[o] as number, allocatable[o] as number, ceilings.cpu) ||
    over(used[o + 1] as number, allocatable[o + 1] as number, ceilings.memory) ||
    over(used[o + 2] as number, allocatable[o + 2] as number, ceilings.ephemeralStorage) ||
    over(used[o + 3] as number, allocatable[o + 3] as number, ceilings.network)
  );
}

function over(used: number, allocatable: number, ceiling: number): boolean {
  return allocatable > 0 && used * 100 > ceiling * allocatable;
}

export interface PoolLoads {
  /** Snapshot indexes of the nodes that take part: passing the node filters (ready, not cordoned, not failed). */
  considered: number[];
  /** Load per snapshot index (0 for nodes not considered). */
  load: Float64Array;
  mean: number;
  /** Standard deviation of the considered nodes' load, in points. */
  stddev: number;
}

/**
 * Loads of the pool's schedulable nodes, their mean and spread: O(nodes), no pod read. With `reuse`, the
 * arrays are the snapshot's own work buffers (PoolSnapshot.buffer), overwritten by the next call on that
 * snapshot: a planner that runs every interval on a kept snapshot then allocates nothing per node.
 */
export function poolLoads(snapshot: PoolSnapshot, weights: Weights, reuse = false): PoolLoads {
  const size = snapshot.size;
  const { load, indexes } = reuse ? snapshot.buffer('poolLoads', loadBuffers) : loadBuffers(size);
  load.fill(0);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    if (snapshot.blocked[i] !== 0) continue;
    const value = loadOf(snapshot, i, weights);
    load[i] = value;
    indexes[count++] = i;
    sum += value;
  }
  // Trimmed in place; a kept snapshot's next plan writes the same count back without growing it.
  indexes.length = count;
  const considered = indexes;
  const mean = count > 0 ? sum / count : 0;
  let squares = 0;
  for (let k = 0; k < count; k++) squares += ((load[considered[k] as number] as number) - mean) ** 2;
  const stddev = count > 0 ? Math.sqrt(squares / count) : 0;
  return { considered, load, mean, stddev };
}

function loadBuffers(size: number): { load: Float64Array; indexes: number[] } {
  // Filled by push, not `new Array(size)`: a packed array of small integers, which the loops over
  // `considered` read without a check for holes (as the list built by push before the buffer was kept).
  const indexes: number[] = [];
  for (let i = 0; i < size; i++) indexes.push(0);
  return { load: new Float64Array(size), indexes };
}
