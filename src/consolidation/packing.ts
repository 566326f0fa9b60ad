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
import { CEILING_RESOURCES, type CeilingResource } from '../model/resources.js';
import type { PackingReport } from './consolidation-plan.js';

export interface PackingInput {
  model: ClusterModel;
  ceilings: Ceilings;
  /** Ready member nodes: the capacity the pool could pack into. */
  members: readonly string[];
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
  for (const node of input.inUse) {
    const info = model.node(node);
    if (!info) continue;
    const r = model.requestedView(node);
    CEILING_RESOURCES.forEach((resource, k) => {
      requested[k] = (requested[k] as number) + r[resource];
      capacity[k] = (capacity[k] as number) + (info.allocatable[resource] * ceilings[resource]) / 100;
    });
  }
  const members: NodeInfo[] = [];
  for (const node of input.members) {
    const info = model.node(node);
    if (info) members.push(info);
  }
  let boundBest = 0;
  CEILING_RESOURCES.forEach((r, k) => {
    const req = requested[k] as number;
    const cap = capacity[k] as number;
    if (req <= 0 || cap <= 0) return;
    const efficiency = (req / cap) * 100;
    const bound = lowerBound(members, ceilings, r, req);
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

/** Fewest of the largest members covering `requested` of `r`, and the efficiency they would reach. */
function lowerBound(
  members: readonly NodeInfo[],
  ceilings: Ceilings,
  r: CeilingResource,
  requested: number,
): { nodes: number; efficiency: number } {
  const sizes = new Float64Array(members.length);
  let n = 0;
  for (const info of members) {
    const size = (info.allocatable[r] * ceilings[r]) / 100;
    if (size > 0) sizes[n++] = size;
  }
  // A typed array sorts numerically and in place, without boxing: ascending, so walk it from the end.
  const sorted = sizes.subarray(0, n).sort();
  let covered = 0;
  let nodes = 0;
  for (let i = n - 1; i >= 0 && covered < requested; i--) {
    covered += sorted[i] as number;
    nodes++;
  }
  return { nodes, efficiency: covered > 0 ? Math.min(100, (requested / covered) * 100) : 0 };
}
