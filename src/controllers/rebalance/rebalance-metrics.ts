import { Gauge, Histogram, type Registry } from 'prom-client';

/** The pure plan takes microseconds to a few milliseconds (target: < 3 ms at 5,000 nodes). */
const PLAN_BUCKETS = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1];

/**
 * Rebalancing, per pool (actions themselves are counted by the actuator, `fulcrum_actions_total`):
 * - `fulcrum_rebalance_plan_seconds`: one planRebalance call;
 * - `fulcrum_rebalance_hot_nodes`: nodes classified hot by the last plan;
 * - `fulcrum_rebalance_imbalance_percent`: standard deviation of node load after the last plan, in points;
 * - `fulcrum_pool_recommended_nodes`: the node count recommended (pools with scaleRecommendations only).
 */
export class RebalanceMetrics {
  readonly plan: Histogram<'pool'>;
  readonly hotNodes: Gauge<'pool'>;
  readonly imbalance: Gauge<'pool'>;
  readonly recommendedNodes: Gauge<'pool'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['pool'] as const;
    this.plan = new Histogram({
      name: 'fulcrum_rebalance_plan_seconds',
      help: 'Seconds one rebalance plan of a pool takes (classification, victims, destinations).',
      labelNames,
      buckets: PLAN_BUCKETS,
      registers,
    });
    this.hotNodes = new Gauge({
      name: 'fulcrum_rebalance_hot_nodes',
      help: 'Nodes of the pool classified hot by the last rebalance plan.',
      labelNames,
      registers,
    });
    this.imbalance = new Gauge({
      name: 'fulcrum_rebalance_imbalance_percent',
      help: 'Standard deviation of node load across the pool at the last plan, in percentage points.',
      labelNames,
      registers,
    });
    this.recommendedNodes = new Gauge({
      name: 'fulcrum_pool_recommended_nodes',
      help:
        'Nodes the pool needs over its forecast horizon to stay within its ceilings if spread evenly ' +
        '(status.recommendation.nodes; pools with optimization.scaleRecommendations only).',
      labelNames,
      registers,
    });
  }
}
