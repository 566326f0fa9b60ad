import { Gauge, Histogram, type Registry } from 'prom-client';
import type { Ceilings } from '../../api/index.js';
import { CEILING_RESOURCES } from '../../model/resources.js';
import type { ResourceUtilization } from '../../rebalancing/pool-utilization.js';

/** The pure plan takes microseconds to a few milliseconds (target: < 3 ms at 5,000 nodes). */
const PLAN_BUCKETS = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1];

/**
 * Rebalancing, per pool (actions themselves are counted by the actuator, `fulcrum_actions_total`):
 * - `fulcrum_rebalance_plan_seconds`: one planRebalance call;
 * - `fulcrum_rebalance_hot_nodes`: nodes classified hot by the last plan;
 * - `fulcrum_rebalance_imbalance_percent`: standard deviation of node load after the last plan, in points;
 * - `fulcrum_pool_recommended_nodes`: the node count recommended (pools with scaleRecommendations only);
 * - `fulcrum_pool_utilization_percent`: usage over allocatable per resource, busiest node and mean;
 * - `fulcrum_pool_ceiling_percent`: the pool's ceilings, so a query compares the two without reading the CR;
 * - `fulcrum_rebalance_stale_nodes`: members with no fresh usage reading (they stop the plan).
 */
export class RebalanceMetrics {
  readonly plan: Histogram<'pool'>;
  readonly hotNodes: Gauge<'pool'>;
  readonly imbalance: Gauge<'pool'>;
  readonly recommendedNodes: Gauge<'pool'>;
  readonly utilization: Gauge<'pool' | 'resource' | 'aggregate'>;
  readonly ceiling: Gauge<'pool' | 'resource'>;
  readonly staleNodes: Gauge<'pool'>;

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
    this.utilization = new Gauge({
      name: 'fulcrum_pool_utilization_percent',
      help:
        "Usage over allocatable of the pool's nodes with a fresh reading, per resource, as rebalancing plans " +
        'on it (requests stand in for a resource the source does not measure): the busiest node ' +
        '(aggregate="max", what a ceiling is checked against) and the mean (aggregate="mean").',
      labelNames: ['pool', 'resource', 'aggregate'],
      registers,
    });
    this.ceiling = new Gauge({
      name: 'fulcrum_pool_ceiling_percent',
      help: "The pool's ceiling per resource (spec.ceilings), in percent of allocatable.",
      labelNames: ['pool', 'resource'],
      registers,
    });
    this.staleNodes = new Gauge({
      name: 'fulcrum_rebalance_stale_nodes',
      help: 'Pool members with no fresh usage reading at the last plan (the MetricsAvailable condition names them).',
      labelNames,
      registers,
    });
  }

  /** Utilization and ceilings of one plan; a resource no node measures any more loses its series. */
  reportUsage(
    pool: string,
    ceilings: Ceilings,
    utilization: readonly ResourceUtilization[],
    stale: number,
  ): void {
    for (const resource of CEILING_RESOURCES) {
      this.ceiling.set({ pool, resource }, ceilings[resource]);
      const measured = utilization.find((u) => u.resource === resource);
      for (const aggregate of ['max', 'mean'] as const) {
        if (measured) this.utilization.set({ pool, resource, aggregate }, measured[aggregate]);
        else this.utilization.remove({ pool, resource, aggregate });
      }
    }
    this.staleNodes.set({ pool }, stale);
  }
}
