/**
 * Runs the real operator in the test process against the test cluster, with leader election off (one
 * replica) and its health server on a free loopback port.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../../src/api/group.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createOperator, type Operator, type OperatorOptions } from '../../../src/runtime/operator.js';
import { clusterScript, eventually, kubectl } from './cluster.js';

export interface RunningOperator {
  operator: Operator;
  stop(): Promise<void>;
}

/** `options` are added to createOperator's (for example `rebalancing`, which starts the rebalance controller). */
export async function startOperator(
  kc: k8s.KubeConfig,
  options: Partial<OperatorOptions> = {},
): Promise<RunningOperator> {
  const logger = createLogger({ level: process.env.FULCRUM_TEST_LOG_LEVEL ?? 'silent' });
  const operator = createOperator({
    kubeConfig: kc,
    logger,
    health: { host: '127.0.0.1', port: 0 },
    ...options,
  });
  const controller = new AbortController();
  const done = operator.start(controller.signal);
  await eventually('operator caches synced', () =>
    operator.informers.all().every((i) => i.hasSynced()) ? true : undefined,
  );
  return {
    operator,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

/** Reads a cluster-scoped or namespaced Fulcrum object's status. */
export async function fulcrumStatus<T = Record<string, unknown>>(
  kc: k8s.KubeConfig,
  plural: string,
  name: string,
  namespace?: string,
): Promise<T | undefined> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const object = (
    namespace
      ? await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name })
      : await api.getClusterCustomObject({ group: GROUP, version: VERSION, plural, name })
  ) as { status?: T };
  return object.status;
}

/** Adds a kwok node with the given allocatable and labels, Ready when this returns. */
export async function addNode(
  name: string,
  options: { cpu: string; memory: string; labels: Record<string, string> },
): Promise<void> {
  const labels = Object.entries(options.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  await clusterScript('add-node.sh', [
    name,
    '--cpu',
    options.cpu,
    '--memory',
    options.memory,
    '--labels',
    labels,
  ]);
}

/** Adds many kwok nodes without waiting for each, then waits until all are Ready. */
export async function addNodes(
  nodes: ReadonlyArray<{ name: string; cpu: string; memory: string; labels: Record<string, string> }>,
): Promise<void> {
  for (const node of nodes) {
    const labels = Object.entries(node.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    await clusterScript('add-node.sh', [
      node.name,
      '--cpu',
      node.cpu,
      '--memory',
      node.memory,
      '--labels',
      labels,
      '--no-wait',
    ]);
  }
  await kubectl([
    'wait',
    '--for=condition=Ready',
    '--timeout=90s',
    ...nodes.map((node) => `node/${node.name}`),
  ]);
}
