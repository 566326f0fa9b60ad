/**
 * The PromQL the Prometheus source runs, one instant query per resource, each returning one series per
 * node labelled with the node's name. Units: cpu in cores, memory and ephemeral storage in bytes, network in
 * bits/s. The defaults assume node_exporter series carrying a `node` label (the usual relabelling of
 * `__meta_kubernetes_node_name`); replace any of them in the source's configuration.
 */
import type { CeilingResource } from '../model/resources.js';

export type PrometheusQueries = Record<CeilingResource, string>;

export const DEFAULT_NODE_LABEL = 'node';

/**
 * The default queries with `rateWindow` as the range of their rate() (default 1m: four scrapes at the usual
 * 15 s interval). Note that rate() over a series younger than its range reads low (Prometheus divides by
 * the whole range), so a node's cpu and network are understated for one window after it appears.
 */
export function defaultPrometheusQueries(rateWindow = '1m'): PrometheusQueries {
  return {
    cpu: `sum by (node) (rate(node_cpu_seconds_total{mode!="idle"}[${rateWindow}]))`,
    memory: 'sum by (node) (node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes)',
    ephemeralStorage:
      'sum by (node) (node_filesystem_size_bytes{mountpoint="/"} - node_filesystem_avail_bytes{mountpoint="/"})',
    // Links are full duplex: the busier direction is the utilization.
    network:
      '8 * max by (node) (sum by (node, direction) (' +
      `label_replace(rate(node_network_receive_bytes_total{device!="lo"}[${rateWindow}]), "direction", "rx", "", "")` +
      ` or label_replace(rate(node_network_transmit_bytes_total{device!="lo"}[${rateWindow}]), "direction", "tx", "", "")))`,
  };
}

export const DEFAULT_PROMETHEUS_QUERIES: PrometheusQueries = defaultPrometheusQueries();

/** Query results are in these units; the store keeps millicores, so cpu is scaled. */
export const PROMETHEUS_UNIT_SCALE: Record<CeilingResource, number> = {
  cpu: 1000,
  memory: 1,
  ephemeralStorage: 1,
  network: 1,
};
