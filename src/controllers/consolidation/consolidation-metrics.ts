import { Gauge, type Registry } from 'prom-client';

/**
 * Consolidation, per pool (its evictions and node marks are counted by the actuator, `fulcrum_actions_total`
 * with source="consolidation"):
 * - `fulcrum_pool_packing_efficiency_percent`: requests over capacity at the ceilings of the nodes in use;
 * - `fulcrum_consolidation_nodes{state}`: nodes in use, the lower bound, draining and free nodes.
 */
export class ConsolidationMetrics {
  readonly efficiency: Gauge<'pool'>;
  readonly nodes: Gauge<'pool' | 'state'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.efficiency = new Gauge({
      name: 'fulcrum_pool_packing_efficiency_percent',
      help: 'Requests over capacity at the ceilings of the nodes in use, for the resource binding most, in percent.',
      labelNames: ['pool'],
      registers,
    });
    this.nodes = new Gauge({
      name: 'fulcrum_consolidation_nodes',
      help: 'Nodes of the pool by consolidation state: inUse, lowerBound, draining, free.',
      labelNames: ['pool', 'state'],
      registers,
    });
  }
}
