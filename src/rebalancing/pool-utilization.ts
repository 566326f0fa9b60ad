/**
 * A pool's utilization per ceiling resource, on the usage rebalancing plans on (smoothed measurements; requests
 * for a resource the metrics source does not measure), for the `fulcrum_pool_utilization_percent` gauge that
 * dashboards and the "pool over ceiling" alert compare with `fulcrum_pool_ceiling_percent`. Pure: the usage
 * view and the nodes' allocatable come in. Only nodes with a fresh reading and some allocatable of the
 * resource count (network has allocatable only with the fulcrum.io/network-capacity annotation), so a
 * resource nobody measures reports nothing rather than a misleading 0.
 */
import {
  CEILING_RESOURCES,
  utilizationPercent,
  type CeilingResource,
  type ResourceVector,
} from '../model/resources.js';

export interface ResourceUtilization {
  resource: CeilingResource;
  /** The busiest counted node, in percent of its allocatable: what a ceiling is checked against. */
  max: number;
  /** The mean over the counted nodes, in percent. */
  mean: number;
  /** Nodes counted. */
  nodes: number;
}

export function poolUtilization(
  usage: ReadonlyMap<string, ResourceVector>,
  allocatable: (node: string) => ResourceVector | undefined,
): ResourceUtilization[] {
  const result: ResourceUtilization[] = [];
  for (const resource of CEILING_RESOURCES) {
    let max = 0;
    let sum = 0;
    let nodes = 0;
    for (const [node, used] of usage) {
      const capacity = allocatable(node)?.[resource] ?? 0;
      if (capacity <= 0) continue;
      const percent = utilizationPercent(used[resource], capacity);
      max = Math.max(max, percent);
      sum += percent;
      nodes++;
    }
    if (nodes > 0) result.push({ resource, max, mean: sum / nodes, nodes });
  }
  return result;
}
