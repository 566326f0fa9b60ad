/**
 * A pool whose rebalance interval keeps failing backs off and counts as an error, as a queued reconcile does:
 * the real operator on the real API server, with every rebalance status write of one pool refused. With a 1 s
 * interval, failures come at least 1 s, 2 s, then 4 s apart, and each one is
 * `fulcrum_reconcile_total{controller="rebalance",result="error"}`.
 */
import * as k8s from '@kubernetes/client-node';
import { createLogger } from '../../../src/logging/logger.js';
import { BALANCER_FIELD_MANAGER } from '../../../src/controllers/rebalancing/rebalance-status-writer.js';
import { createOperator, type Operator } from '../../../src/runtime/operator.js';
import { FulcrumObjects, installCrds, poolObject, uniqueName } from '../api/fulcrum-api.js';
import { eventually, testKubeConfig } from '../support/cluster.js';
import { addNode } from '../support/operator.js';

const pool = uniqueName('rebalance-fails');
const nodeName = `${pool}-n0`;
const admin = testKubeConfig();
const objects = new FulcrumObjects(admin);

/** A kubeconfig whose CustomObjects client refuses the rebalance controller's status writes to `pool`. */
class RefusingKubeConfig extends k8s.KubeConfig {
  override makeApiClient<T extends k8s.ApiType>(apiClientType: k8s.ApiConstructor<T>): T {
    const client = super.makeApiClient(apiClientType);
    if ((apiClientType as unknown) !== k8s.CustomObjectsApi) return client;
    const custom = client as unknown as k8s.CustomObjectsApi;
    return new Proxy(custom, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'patchClusterCustomObjectStatus' || typeof value !== 'function') return value;
        return (request: { name: string; fieldManager?: string }, ...rest: unknown[]) =>
          request.name === pool && request.fieldManager === BALANCER_FIELD_MANAGER
            ? Promise.reject(new Error('refused by the test: rebalance status write'))
            : (value as (...args: unknown[]) => unknown).call(target, request, ...rest);
      },
    }) as unknown as T;
  }
}

async function rebalanceErrors(operator: Operator): Promise<number> {
  const metric = await operator.metrics.registry.getSingleMetric('fulcrum_reconcile_total')!.get();
  const sample = metric.values.find(
    (v) => v.labels.controller === 'rebalance' && v.labels.result === 'error',
  );
  return sample?.value ?? 0;
}

let operator: Operator;
const stop = new AbortController();
let running: Promise<void> | undefined;

beforeAll(async () => {
  await installCrds(admin);
  await addNode(nodeName, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': pool } });
  await objects.create(
    poolObject(pool, {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } },
      rebalancing: { mode: 'DryRun', interval: '1s' },
    }),
  );
  const kubeConfig = new RefusingKubeConfig();
  kubeConfig.loadFromString(admin.exportConfig());
  operator = createOperator({
    kubeConfig,
    logger: createLogger({ level: process.env.FULCRUM_TEST_LOG_LEVEL ?? 'silent' }),
    health: { host: '127.0.0.1', port: 0 },
    rebalancing: { metricsSource: { kind: 'metrics-api' } },
  });
  running = operator.start(stop.signal);
});

afterAll(async () => {
  stop.abort();
  await running;
  await objects.deleteCreated();
  await admin
    .makeApiClient(k8s.CoreV1Api)
    .deleteNode({ name: nodeName })
    .catch(() => undefined);
});

test('a failing pool is retried after 1 s, 2 s, 4 s, not every 1 s interval, and counts result="error"', async () => {
  // When the error count reached 1, 2, 3, 4 (polled every 50 ms).
  const reachedAt: number[] = [];
  await eventually(
    'four failed rebalance intervals',
    async () => {
      const errors = await rebalanceErrors(operator);
      while (reachedAt.length < Math.min(errors, 4)) reachedAt.push(Date.now());
      return reachedAt.length === 4 ? true : undefined;
    },
    60_000,
    50,
  );
  const gaps = reachedAt.slice(1).map((at, k) => at - (reachedAt[k] as number));
  // Without backoff the pool would be retried at its 1 s interval; with it, after 1, 2 and 4 s (the last
  // gap is the one the interval alone cannot explain). Lower bounds only: a slow machine only lengthens them.
  expect(gaps[1]).toBeGreaterThan(1_500);
  expect(gaps[2]).toBeGreaterThan(3_500);
});
