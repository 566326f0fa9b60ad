/**
 * Each pool's figures before and after a simulation, computed by the same function as the operator's pool
 * status (`computePoolStatus`), so that "before" can be checked against `kubectl get rpool -o yaml`.
 */
import { computePoolStatus, type PoolStatusSummary } from '../model/pool-status.js';
import { CEILING_RESOURCES, type CeilingResource } from '../model/resources.js';
import type { PoolForecast, PoolResourceForecast } from './outcome.js';
import type { SimulatedCluster } from './simulated-cluster.js';

/** Every valid pool's status figures now, by pool name. */
export function poolStatuses(cluster: SimulatedCluster): Map<string, PoolStatusSummary> {
  const out = new Map<string, PoolStatusSummary>();
  for (const [name, pool] of cluster.pools) {
    const input = {
      generation: 0,
      ceilings: pool.spec.ceilings,
      memberNodes: cluster.membership.nodesByPool.get(name) ?? [],
      contested: cluster.membership.contested.get(name) ?? [],
    };
    out.set(name, computePoolStatus(input, cluster.model));
  }
  return out;
}

/** Joins the statuses taken before and after, with what the simulation placed and evicted per pool. */
export function poolForecasts(
  cluster: SimulatedCluster,
  before: Map<string, PoolStatusSummary>,
  after: Map<string, PoolStatusSummary>,
  counts: { placed: Map<string, number>; evicted: Map<string, number> },
): PoolForecast[] {
  const out: PoolForecast[] = [];
  for (const [name, pool] of [...cluster.pools].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const was = before.get(name) as PoolStatusSummary;
    const is = after.get(name) as PoolStatusSummary;
    const resources = {} as Record<CeilingResource, PoolResourceForecast>;
    for (const r of CEILING_RESOURCES) {
      resources[r] = {
        capacity: was.resources[r].capacity,
        requestedBefore: was.resources[r].requested,
        requestedAfter: is.resources[r].requested,
        utilizationBefore: was.resources[r].utilization,
        utilizationAfter: is.resources[r].utilization,
        ceiling: was.resources[r].ceiling,
      };
    }
    out.push({
      name,
      strategy: pool.spec.allocation.strategy,
      basis: pool.spec.allocation.basis,
      nodes: was.nodes.total,
      readyNodes: was.nodes.ready,
      placed: counts.placed.get(name) ?? 0,
      evicted: counts.evicted.get(name) ?? 0,
      resources,
    });
  }
  return out;
}
