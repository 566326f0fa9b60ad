/**
 * A pool's total usage forecast: the sum of its nodes' forecasts of one resource for one time. The band is
 * the sum of the nodes' half-widths, not their root-sum-square: nodes of one pool usually grow together
 * (one Deployment scaling up), so their errors are not independent, and the sum is the bound that holds
 * whatever their correlation.
 */
import type { CeilingResource } from '../model/resources.js';
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
