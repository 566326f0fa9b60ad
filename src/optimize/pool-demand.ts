/**
 * A pool's demand per resource, as capacity advice reads it (capacity-recommendation.ts): usage now and
 * requests summed over the pool's nodes, and, when the pool forecasts, its forecast total at the horizon
 * (pool-total.ts: nodes without a ready forecast count flat at their usage now). Pure.
 */
import {
  CEILING_RESOURCES,
  accumulate,
  zeroResources,
  type CeilingResource,
  type ResourceVector,
} from '../model/resources.js';
import type { ResourceDemand } from './capacity-recommendation.js';
import { poolTotalForecasts } from './pool-total.js';
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

/** Usage now per resource, or the requests where a resource is not measured, into `out`. */
function usedNow(
  usage: Partial<ResourceVector> | undefined,
  requested: Readonly<ResourceVector>,
  out: ResourceVector,
): void {
  out.cpu = usage?.cpu ?? requested.cpu;
  out.memory = usage?.memory ?? requested.memory;
  out.ephemeralStorage = usage?.ephemeralStorage ?? requested.ephemeralStorage;
  out.network = usage?.network ?? requested.network;
}

export function poolDemand(input: PoolDemandInput): Partial<Record<CeilingResource, ResourceDemand>> {
  // One pass over the nodes for all resources, each read by name: a resource name in a variable
  // (v[resource]) makes every read a megamorphic keyed load, which cost ~4 ms a step at 5,000 nodes.
  const now = zeroResources();
  const requests = zeroResources();
  const used = zeroResources();
  for (const node of input.nodes) {
    const requested = input.requests(node);
    usedNow(input.usage(node), requested, used);
    accumulate(requests, requested);
    accumulate(now, used);
  }
  // Every resource's forecast total in one pass (the same sums as poolTotalForecast per resource).
  const totals = input.forecaster
    ? poolTotalForecasts(input.forecaster, input.nodes, input.at, (node, out) =>
        usedNow(input.usage(node), input.requests(node), out),
      )
    : undefined;
  const out: Partial<Record<CeilingResource, ResourceDemand>> = {};
  for (const resource of CEILING_RESOURCES) {
    const demand: ResourceDemand = { now: now[resource], requests: requests[resource] };
    if (totals) {
      const total = totals[resource];
      if (total.nodes > 0)
        demand.forecast = { value: total.value, high: total.high, trendPerMinute: total.trendPerMinute };
    }
    out[resource] = demand;
  }
  return out;
}
