/**
 * Measured usage for placement and rebalancing. A `MetricsSource` (metrics.k8s.io, kubelet summary through
 * the node proxy, or Prometheus) collects samples; a `UsageStore` smooths them per node and pod, knows their
 * age and reports stale ones; `UsageStore.view` yields the `usage` map PlacementContext and the rebalance
 * planner take. Node network capacity is the `fulcrum.io/network-capacity` annotation, already read into
 * `NodeInfo.allocatable.network` by src/model/node-info.ts.
 *
 *   const source = createMetricsSource(config, { kubeConfig, nodes: () => members });
 *   const nodes = new UsageStore({ windowMs, staleAfterMs: staleAfterIntervals(intervalMs), smoothing });
 *   // every interval (I/O):
 *   const collection = await source.collect(signal);   // rejects only when nothing could be read
 *   nodes.record(collection.nodes); pods.record(collection.pods);
 *   // per decision (pure):
 *   const view = nodes.view(members, clock.now(), (n) => model.requested(n), (n) => model.podsOn(n).size === 0);
 */
export * from './metrics-source.js';
export { smooth, type Smoothing } from './smoothing.js';
export {
  UsageStore,
  staleAfterIntervals,
  type UsageStoreOptions,
  type UsageReading,
  type UsageView,
  type StaleKey,
  type StaleReason,
} from './usage-store.js';
export { CounterRates } from './counter-rate.js';
export { parseNodeMetricsList, parsePodMetricsList, type ParsedSamples } from './metrics-api-parser.js';
export { parseKubeletSummary, type ParsedSummary, type SummaryReading } from './kubelet-summary-parser.js';
export { parsePrometheusVector, type ParsedVector, type PrometheusValue } from './prometheus-parser.js';
export {
  DEFAULT_PROMETHEUS_QUERIES,
  DEFAULT_NODE_LABEL,
  defaultPrometheusQueries,
  type PrometheusQueries,
} from './prometheus-queries.js';
export { MetricsApiSource, type MetricsApiSourceOptions } from './metrics-api-source.js';
export { KubeletSummarySource, type KubeletSummarySourceOptions } from './kubelet-summary-source.js';
export { PrometheusSource, type PrometheusSourceOptions } from './prometheus-source.js';
export { createMetricsSource, type MetricsSourceConfig, type MetricsSourceDeps } from './source-config.js';
