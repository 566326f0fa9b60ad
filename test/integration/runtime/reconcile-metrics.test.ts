/**
 * `fulcrum run` on the real control plane counts every controller's reconciles on /metrics, as
 * controller-runtime's `controller_runtime_reconcile_total` and `_time_seconds` do: the queued pool, policy,
 * failover and rebalance controllers per key, the scheduler per batch. Rebalance reconciles always ask to be
 * requeued at the pool's next interval, so theirs count as `requeue`; the others' as `success` here.
 */
import * as k8s from '@kubernetes/client-node';
import { FulcrumObjects, installCrds, policyObject, poolObject, uniqueName } from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { addNode } from '../support/operator.js';
import { startOperatorProcess, type OperatorProcess } from '../support/operator-process.js';

const CONTROLLERS = ['pool', 'policy', 'failover', 'rebalance', 'scheduler'];
/** The result a finished reconcile of each controller counts as. */
const DONE: Record<string, string> = { rebalance: 'requeue' };
const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const objects = new FulcrumObjects(kc);
const pool = uniqueName('reconciles');
const nodeName = `${pool}-n0`;
let namespace: { name: string; remove: () => Promise<void> };
let operator: OperatorProcess | undefined;

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'reconcile-metrics');
  await addNode(nodeName, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': pool } });
  await objects.create(poolObject(pool, { nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } } }));
  await objects.create(
    policyObject('web', namespace.name, { selector: { matchLabels: { app: 'web' } }, pool }),
  );
  operator = await startOperatorProcess(uniqueName('reconciles'), [
    '--leader-elect=false',
    '--log-level',
    'warn',
  ]);
});

afterAll(async () => {
  await operator?.kill('SIGTERM');
  await objects.deleteCreated();
  await core.deleteNode({ name: nodeName }).catch(() => undefined);
  await namespace?.remove();
});

test('every controller counts its reconciles by result and times them on /metrics', async () => {
  // A pod for Fulcrum's scheduler, so that it runs a batch.
  await core.createNamespacedPod({
    namespace: namespace.name,
    body: {
      metadata: { name: 'web-0', labels: { app: 'web', 'fulcrum.io/pool': pool } },
      spec: {
        schedulerName: 'fulcrum',
        containers: [
          { name: 'app', image: 'registry.invalid/app', resources: { requests: { cpu: '100m' } } },
        ],
      },
    },
  });
  const counted = await eventually(
    'a successful reconcile of every controller',
    async () => {
      const samples: Record<string, number | undefined> = {};
      for (const controller of CONTROLLERS) {
        samples[controller] = await operator!.metric(
          `fulcrum_reconcile_total{controller="${controller}",result="${DONE[controller] ?? 'success'}"}`,
        );
      }
      return Object.values(samples).every((n) => n !== undefined && n > 0) ? samples : undefined;
    },
    60_000,
  );
  expect(Object.keys(counted)).toEqual(CONTROLLERS);
  for (const controller of CONTROLLERS) {
    expect(await operator!.metric(`fulcrum_reconcile_total{controller="${controller}",result="error"}`)).toBe(
      0,
    );
    const timed = await operator!.metric(
      `fulcrum_reconcile_duration_seconds_count{controller="${controller}"}`,
    );
    expect(timed).toBeGreaterThan(0);
  }
});
