/**
 * A pool's total usage forecast: the sum of its nodes' forecasts of one resource for one time. The band is
 * the sum of the nodes' half-widths, not their root-sum-square: nodes of one pool usually grow together
 * (one Deployment scaling up), so their errors are not independent, and the sum is the bound that holds
 * whatever their correlation.
 */
import {
  CEILING_RESOURCES,
  zeroResources,
  type CeilingResource,
  type ResourceVector,
} from '../model/resources.js';
import type { Forecast } from './series-forecaster.js';
import type { UsageForecaster } from './usage-forecaster.js';

export interface PoolTotalForecast {
  at: number;
  value: number;
  low: number;
  high: number;
  /** Sum of the nodes' trends, per minute. */
  trendPerMinute: number;
  /** Nodes with a ready forecast. */
  nodes: number;
  /** Nodes without one: `current(node)` was counted for them, flat. */
  unforecast: number;
}

/**
 * Sums the forecasts of `resource` for `nodes` at `at`; a node without a ready forecast counts with
 * `current(node)` (its usage now), with no trend and no band. O(nodes).
 */
export function poolTotalForecast(
  forecaster: UsageForecaster,
  nodes: Iterable<string>,
  resource: CeilingResource,
  at: number,
  current: (node: string) => number,
): PoolTotalForecast {
  const total: PoolTotalForecast = {
    at,
    value: 0,
    low: 0,
    high: 0,
    trendPerMinute: 0,
    nodes: 0,
    unforecast: 0,
  };
  for (const node of nodes) {
    const f: Forecast | undefined = forecaster.forecast(node, resource, at);
    if (f?.ready) {
      total.value += f.value;
      total.low += f.low;
      total.high += f.high;
      total.trendPerMinute += f.trendPerMinute;
      total.nodes++;
    } else {
      const now = current(node);
      total.value += now;
      total.low += now;
      total.high += now;
      total.unforecast++;
    }
  }
  return total;
}

/**
 * poolTotalForecast of every resource in one pass over the nodes: one map lookup per node rather than one
 * per node and resource, and no Forecast built per series (20,000 a step at 5,000 nodes). The sums are
 * taken in the same order with the same arithmetic, so each equals poolTotalForecast's exactly.
 * `current(node, out)` writes the node's usage now into `out` (read only for resources not forecast).
 */
export function poolTotalForecasts(
  forecaster: UsageForecaster,
  nodes: Iterable<string>,
  at: number,
  current: (node: string, out: ResourceVector) => void,
): Record<CeilingResource, PoolTotalForecast> {
  const totals = CEILING_RESOURCES.map((): PoolTotalForecast => ({
    at,
    value: 0,
    low: 0,
    high: 0,
    trendPerMinute: 0,
    nodes: 0,
    unforecast: 0,
  }));
  const now = zeroResources();
  const values = new Float64Array(CEILING_RESOURCES.length); // `now` by index, read by name once
  let position = 0;
  for (const node of nodes) {
    const series = forecaster.seriesOfKey(node, position++);
    let read = false;
    for (let k = 0; k < totals.length; k++) {
      const total = totals[k] as PoolTotalForecast;
      if (series?.[k]?.addReadyTo(at, total)) continue;
      if (!read) {
        current(node, now);
        values[0] = now.cpu;
        values[1] = now.memory;
        values[2] = now.ephemeralStorage;
        values[3] = now.network;
        read = true;
      }
      const value = values[k] as number;
      total.value += value;
      total.low += value;
      total.high += value;
      total.unforecast++;
    }
  }
  const out = {} as Record<CeilingResource, PoolTotalForecast>;
  CEILING_RESOURCES.forEach((r, k) => (out[r] = totals[k] as PoolTotalForecast));
  return out;
}
