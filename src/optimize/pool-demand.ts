/**
 * A pool's demand per resource, as capacity advice reads it (capacity-recommendation.ts): usage now and
 * requests summed over the pool's nodes, and, when the pool forecasts, its forecast total at the horizon
 * (pool-total.ts: nodes without a ready forecast count flat at their usage now). Pure.
 */
import {
  CEILING_RESOURCES,
  zeroResources,
  type CeilingResource,
  type ResourceVector,
} from '../model/resources.js';
import type { ResourceDemand } from './capacity-recommendation.js';
import { poolTotalForecast } from './pool-total.js';
import type { UsageForecaster } from './usage-forecaster.js';

export interface PoolDemandInput {
  nodes: readonly string[];
  /** Usage now per node (UsageStore.view: requests where a node is not measured). */
  usage: (node: string) => ResourceVector | undefined;
  requests: (node: string) => Readonly<ResourceVector>;
  forecaster?: UsageForecaster;
  /** The horizon's end, ms since the epoch. */
  at: number;
}

export function poolDemand(input: PoolDemandInput): Partial<Record<CeilingResource, ResourceDemand>> {
  // One pass over the nodes for all resources: each requests() call builds a vector.
  const now = zeroResources();
  const requests = zeroResources();
  for (const node of input.nodes) {
    const requested = input.requests(node);
    const usage = input.usage(node);
    for (const resource of CEILING_RESOURCES) {
      requests[resource] += requested[resource];
      now[resource] += usage?.[resource] ?? requested[resource];
    }
  }
  const out: Partial<Record<CeilingResource, ResourceDemand>> = {};
  for (const resource of CEILING_RESOURCES) {
    const demand: ResourceDemand = { now: now[resource], requests: requests[resource] };
    if (input.forecaster) {
      const total = poolTotalForecast(
        input.forecaster,
        input.nodes,
        resource,
        input.at,
        (node) => input.usage(node)?.[resource] ?? input.requests(node)[resource],
      );
      if (total.nodes > 0)
        demand.forecast = { value: total.value, high: total.high, trendPerMinute: total.trendPerMinute };
    }
    out[resource] = demand;
  }
  return out;
}
