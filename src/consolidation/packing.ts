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
import { CEILING_RESOURCES, type CeilingResource } from '../model/resources.js';
import type { PackingReport } from './types.js';

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
  let boundBest = 0;
  for (const r of CEILING_RESOURCES) {
    let requested = 0;
    let capacity = 0;
    for (const node of input.inUse) {
      requested += model.requested(node)[r];
      capacity += atCeiling(model, node, r, ceilings);
    }
    if (requested <= 0 || capacity <= 0) continue;
    const efficiency = (requested / capacity) * 100;
    const bound = lowerBound(input, r, requested);
    if (efficiency > best.efficiency) {
      best.efficiency = efficiency;
      best.resource = r;
    }
    best.lowerBoundNodes = Math.max(best.lowerBoundNodes, bound.nodes);
    boundBest = Math.max(boundBest, bound.efficiency);
  }
  if (boundBest > 0) best.boundEfficiency = Math.min(100, (best.efficiency / boundBest) * 100);
  return best;
}

function atCeiling(model: ClusterModel, node: string, r: CeilingResource, ceilings: Ceilings): number {
  const info = model.node(node);
  return info ? (info.allocatable[r] * ceilings[r]) / 100 : 0;
}

/** Fewest of the largest members covering `requested` of `r`, and the efficiency they would reach. */
function lowerBound(
  input: PackingInput,
  r: CeilingResource,
  requested: number,
): { nodes: number; efficiency: number } {
  const sizes = input.members
    .map((node) => atCeiling(input.model, node, r, input.ceilings))
    .filter((size) => size > 0)
    .sort((a, b) => b - a);
  let covered = 0;
  let nodes = 0;
  for (const size of sizes) {
    if (covered >= requested) break;
    covered += size;
    nodes++;
  }
  return { nodes, efficiency: covered > 0 ? Math.min(100, (requested / covered) * 100) : 0 };
}
