/**
 * A small snapshot of the coolest open nodes of the pool, where destinations are looked for first: a
 * placement decision costs O(snapshot nodes), so asking it over the 64 coolest instead of 5,000 nodes is what
 * keeps a plan within a few milliseconds. The coolest nodes are where LeastLoaded places anyway; when none
 * of them will do (affinity, taints, sizes, the destination mark), the search goes on over the whole pool,
 * so whether a destination exists never depends on this shortcut.
 */
import { PoolSnapshot, type SnapshotInput } from '../placement/snapshot.js';
import type { PoolLoads } from './node-load.js';

export const NEARBY_NODES = 64;

/** The snapshot of the `limit` least loaded considered nodes not in `closed`, or undefined when that is all of them. */
export function nearbySnapshot(
  base: SnapshotInput,
  full: PoolSnapshot,
  loads: PoolLoads,
  closed: ReadonlySet<string>,
  limit = NEARBY_NODES,
): PoolSnapshot | undefined {
  // Work buffers kept with the full snapshot: no per-node allocation on a kept snapshot.
  const { shut, values } = full.buffer('nearbyNodes', (size) => ({
    shut: new Uint8Array(size),
    values: new Float64Array(size),
  }));
  shut.fill(0);
  for (const name of closed) {
    const i = full.indexOf(name);
    if (i !== undefined) shut[i] = 1;
  }
  const { considered, load } = loads;
  let open = 0;
  for (const i of considered) if (shut[i] === 0) values[open++] = load[i] as number;
  if (open <= limit) return undefined;
  const threshold = kthSmallest(values.subarray(0, open), limit);
  const members: string[] = [];
  for (const i of considered) {
    if (members.length === limit) break;
    if (shut[i] === 0 && (load[i] as number) <= threshold) members.push(full.names[i] as string);
  }
  return PoolSnapshot.take({ ...base, pool: { ...base.pool, members } });
}

/** The k-th smallest value (1-based) of `values`, reordering them (quickselect, O(n) on average). */
export function kthSmallest(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  const target = k - 1;
  while (low < high) {
    const pivot = values[(low + high) >> 1] as number;
    let i = low;
    let j = high;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target] as number;
  }
  return values[target] as number;
}
