/**
 * How tightly a pool's requests sit on the nodes in use, against the best any packing could do. Requests,
 * not usage: a node is freed for the autoscaler only when the requests of its pods fit elsewhere, and
 * requests are what the schedulers count.
 *
 *   efficiency      = Σ requests / Σ (allocatable × ceiling) over the nodes in use, for the resource
 *                     binding most;
 *   lowerBoundNodes = for each resource, the fewest of the pool's largest nodes whose capacity at the
 *                     ceiling covers every request; the largest of those counts;
 *   boundEfficiency = efficiency over the efficiency those lower-bound nodes would reach.
 */
import type { Ceilings } from '../api/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { NodeInfo } from '../model/node-info.js';
import { CEILING_RESOURCES } from '../model/resources.js';
import type { PackingReport } from './consolidation-plan.js';

export interface PackingInput {
  model: ClusterModel;
  ceilings: Ceilings;
  /** Ready member nodes: the capacity the pool could pack into. */
  members: readonly NodeInfo[];
  /** The members holding pods that would have to move for the node to go. */
  inUse: readonly string[];
}

export function packingReport(input: PackingInput): PackingReport {
  const { model, ceilings } = input;
  const best: PackingReport = {
    nodesInUse: input.inUse.length,
    lowerBoundNodes: 0,
    efficiency: 0,
    resource: 'cpu',
    boundEfficiency: 100,
  };
  // One pass over the nodes in use for every resource: requested() builds a vector per call.
  const requested = new Float64Array(CEILING_RESOURCES.length);
  const capacity = new Float64Array(CEILING_RESOURCES.length);
  // Each resource read by name: `v[resource]` with the name in a variable is a megamorphic keyed load,
  // about a millisecond a step over 5,000 nodes.
  const { cpu, memory, ephemeralStorage, network } = ceilings;
  for (const node of input.inUse) {
    const info = model.node(node);
    if (!info) continue;
    const r = model.requestedView(node);
    const a = info.allocatable;
    requested[0] = (requested[0] as number) + r.cpu;
    requested[1] = (requested[1] as number) + r.memory;
    requested[2] = (requested[2] as number) + r.ephemeralStorage;
    requested[3] = (requested[3] as number) + r.network;
    capacity[0] = (capacity[0] as number) + (a.cpu * cpu) / 100;
    capacity[1] = (capacity[1] as number) + (a.memory * memory) / 100;
    capacity[2] = (capacity[2] as number) + (a.ephemeralStorage * ephemeralStorage) / 100;
    capacity[3] = (capacity[3] as number) + (a.network * network) / 100;
  }
  const sizes = sizeColumns(input.members, ceilings);
  let boundBest = 0;
  CEILING_RESOURCES.forEach((r, k) => {
    const req = requested[k] as number;
    const cap = capacity[k] as number;
    if (req <= 0 || cap <= 0) return;
    const efficiency = (req / cap) * 100;
    const bound = lowerBound(sizes[k] as Float64Array, req);
    if (efficiency > best.efficiency) {
      best.efficiency = efficiency;
      best.resource = r;
    }
    best.lowerBoundNodes = Math.max(best.lowerBoundNodes, bound.nodes);
    boundBest = Math.max(boundBest, bound.efficiency);
  });
  if (boundBest > 0) best.boundEfficiency = Math.min(100, (best.efficiency / boundBest) * 100);
  return best;
}

/**
 * Every member's size at the ceiling (allocatable × ceiling / 100) per resource, in one pass over the
 * members: reading each node once for all four resources, where a pass per resource read every node four
 * times (at 5,000 nodes a step, those reads miss the cache and cost more than the arithmetic).
 */
function sizeColumns(members: readonly NodeInfo[], ceilings: Ceilings): Float64Array[] {
  const n = members.length;
  const cpu = new Float64Array(n);
  const memory = new Float64Array(n);
  const storage = new Float64Array(n);
  const network = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = (members[i] as NodeInfo).allocatable;
    cpu[i] = (a.cpu * ceilings.cpu) / 100;
    memory[i] = (a.memory * ceilings.memory) / 100;
    storage[i] = (a.ephemeralStorage * ceilings.ephemeralStorage) / 100;
    network[i] = (a.network * ceilings.network) / 100;
  }
  return [cpu, memory, storage, network]; // CEILING_RESOURCES order
}

/**
 * Fewest of the largest `sizes` (members' sizes at the ceiling; those ≤ 0 do not count) covering
 * `requested`, and the efficiency they would reach. A pool has few node shapes: the sizes are counted per
 * distinct value (a short list, searched linearly) and only those are ordered; sorting every member's
 * size, four resources a step, was a millisecond at 5,000 nodes. More than MAX_SHAPES distinct sizes:
 * every size is sorted. Either way the sizes are added one at a time, largest first, so the sum is the
 * same to the bit.
 */
export function lowerBound(sizes: Float64Array, requested: number): { nodes: number; efficiency: number } {
  const all = new Float64Array(sizes.length);
  const shapes = new Float64Array(MAX_SHAPES);
  const counts = new Float64Array(MAX_SHAPES);
  let n = 0;
  let distinct = 0;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i] as number;
    if (!(size > 0)) continue;
    all[n++] = size;
    if (distinct > MAX_SHAPES) continue;
    let k = 0;
    while (k < distinct && shapes[k] !== size) k++;
    if (k === distinct && distinct++ === MAX_SHAPES) continue; // too many shapes: sort them all
    shapes[k] = size;
    counts[k] = (counts[k] as number) + 1;
  }
  let covered = 0;
  let nodes = 0;
  if (distinct > MAX_SHAPES) {
    const sorted = all.subarray(0, n).sort(); // ascending: walk it from the end
    for (let i = n - 1; i >= 0 && covered < requested; i--) {
      covered += sorted[i] as number;
      nodes++;
    }
  } else {
    // Largest shape first (at most MAX_SHAPES of them: pick the largest left each time).
    for (let left = distinct; left > 0 && covered < requested; left--) {
      let j = 0;
      for (let k = 1; k < distinct; k++) if ((shapes[k] as number) > (shapes[j] as number)) j = k;
      const size = shapes[j] as number;
      for (let c = counts[j] as number; c > 0 && covered < requested; c--) {
        covered += size;
        nodes++;
      }
      shapes[j] = -1; // taken
    }
  }
  return { nodes, efficiency: covered > 0 ? Math.min(100, (requested / covered) * 100) : 0 };
}

/** Distinct node sizes counted before lowerBound sorts every size instead. */
const MAX_SHAPES = 16;
