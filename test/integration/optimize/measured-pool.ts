/**
 * The set-up the optimization e2e tests share: a pool of four kwok nodes of its own (8 CPU, 32 Gi each)
 * labelled `fulcrum.io/pool=<pool>`, rebalancing and failover Off, the given `optimization`, measured through
 * the Prometheus source (a real Prometheus scraping the test's exporter every second, usage-exporter.ts) with
 * the default PromQL (rate window 5 s), and the operator running in the test's process.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { defaultPrometheusQueries } from '../../../src/metrics/prometheus-queries.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createOperator } from '../../../src/runtime/operator.js';
import { installCrds, poolObject } from '../api/fulcrum-api.js';
import { kubectl } from '../support/cluster.js';
import { addNodes } from '../support/operator.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { UsageExporter } from '../rebalance/usage-exporter.js';

export interface MeasuredPool {
  exporter: UsageExporter;
  /** The pool as stored now. */
  read(): Promise<k8s.KubernetesObject & { spec?: unknown; status?: Record<string, unknown> }>;
  /** Stops the operator, the exporter and Prometheus, and deletes the pool and its nodes. */
  close(): Promise<void>;
}

export async function startMeasuredPool(
  kc: k8s.KubeConfig,
  pool: string,
  optimization: Record<string, unknown>,
  /** Each node's cpu usage at a time (ms since the epoch), millicores. */
  cpuAt: (ms: number) => number,
  /** Fields of spec.rebalancing over the shared ones (mode Off, interval 5s, metricsWindow 10s). */
  rebalancing: Record<string, unknown> = {},
): Promise<MeasuredPool> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const nodes = Array.from({ length: 4 }, (_, i) => `${pool}-${i}`);
  const ref = { group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL };
  await installCrds(kc);
  await addNodes(
    nodes.map((name) => ({ name, cpu: '8', memory: '32Gi', labels: { 'fulcrum.io/pool': pool } })),
  );
  const spec = {
    nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } },
    rebalancing: { mode: 'Off', interval: '5s', metricsWindow: '10s', ...rebalancing },
    failover: { mode: 'Off' },
    optimization,
  };
  await custom.createClusterCustomObject({ ...ref, body: poolObject(pool, spec) });
  const exporter = new UsageExporter(kc, nodes, () => cpuAt(Date.now()));
  await exporter.start();
  await exporter.serve();
  const prometheus: RunningPrometheus = await startPrometheus([exporter.target]);
  const operator = createOperator({
    kubeConfig: kc,
    logger: createLogger({ level: process.env.FULCRUM_TEST_LOG_LEVEL ?? 'silent' }),
    health: { host: '127.0.0.1', port: 0 },
    rebalancing: {
      metricsSource: {
        kind: 'prometheus',
        url: prometheus.url,
        queries: { ...defaultPrometheusQueries('5s'), ephemeralStorage: null, network: null },
      },
    },
  });
  const stop = new AbortController();
  const running = operator.start(stop.signal);
  return {
    exporter,
    read: async () => (await custom.getClusterCustomObject({ ...ref, name: pool })) as k8s.KubernetesObject,
    close: async () => {
      stop.abort();
      await running;
      await exporter.close();
      await prometheus.stop();
      await custom.deleteClusterCustomObject({ ...ref, name: pool }).catch(() => undefined);
      await kubectl(['delete', 'nodes', '-l', `fulcrum.io/pool=${pool}`, '--wait=false']).catch(
        () => undefined,
      );
    },
  };
}
