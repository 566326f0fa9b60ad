/**
 * `fulcrum run --metrics-address` (the installs' default): /metrics over HTTPS with a self-signed certificate,
 * answered only for a caller whose token the real API server authenticates (TokenReview) and authorizes for
 * `get /metrics` (SubjectAccessReview); the probes stay on their own plain port.
 */
import { request } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { freePort, startOperatorProcess, type OperatorProcess } from '../support/operator-process.js';

const admin = testKubeConfig();
const core = admin.makeApiClient(k8s.CoreV1Api);
const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
const suffix = Math.random().toString(36).slice(2, 7);
const READER_ROLE = `metrics-reader-${suffix}`;
let namespace: { name: string; remove: () => Promise<void> };
let operator: OperatorProcess | undefined;
let metricsPort = 0;

function get(path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: metricsPort,
        path,
        rejectUnauthorized: false, // self-signed: the server checks the caller, not the other way round
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function tokenOf(serviceAccount: string): Promise<string> {
  await core.createNamespacedServiceAccount({
    namespace: namespace.name,
    body: { metadata: { name: serviceAccount } },
  });
  const review = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace: namespace.name,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  return review.status!.token!;
}

beforeAll(async () => {
  namespace = await createTestNamespace(admin, 'secure-metrics');
  await rbac.createClusterRole({
    body: { metadata: { name: READER_ROLE }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] },
  });
  metricsPort = await freePort();
  operator = await startOperatorProcess(`secure-metrics-${suffix}`, [
    '--leader-elect=false',
    '--failover=false',
    '--rebalance=false',
    `--metrics-address=127.0.0.1:${metricsPort}`,
  ]);
  await eventually('the metrics server listening', () =>
    get('/metrics')
      .then(() => true)
      .catch(() => undefined),
  );
});

afterAll(async () => {
  await operator?.kill('SIGTERM');
  await rbac.deleteClusterRole({ name: READER_ROLE }).catch(() => undefined);
  await rbac.deleteClusterRoleBinding({ name: READER_ROLE }).catch(() => undefined);
  await namespace?.remove();
});

test('a caller may read /metrics only with a token the API server authenticates and authorizes', async () => {
  const reader = await tokenOf('prometheus');
  const stranger = await tokenOf('stranger');
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: READER_ROLE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: READER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: namespace.name }],
    },
  });
  expect((await get('/metrics')).status).toBe(401);
  expect((await get('/metrics', 'not-a-token')).status).toBe(401);
  const refused = await get('/metrics', stranger);
  expect(refused.status).toBe(403);
  expect(refused.body).toContain(`system:serviceaccount:${namespace.name}:stranger may not get /metrics`);
  const allowed = await eventually('the reader allowed (RBAC caches)', async () => {
    const response = await get('/metrics', reader);
    return response.status === 200 ? response : undefined;
  });
  expect(allowed.body).toContain('fulcrum_build_info{');
  expect(allowed.body).toContain('fulcrum_leader ');
});

test('the probes stay on the health port, in plain HTTP, without /metrics', async () => {
  const health = await fetch(`http://127.0.0.1:${operator!.port}/healthz`);
  expect(health.status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${operator!.port}/metrics`)).status).toBe(404);
});
