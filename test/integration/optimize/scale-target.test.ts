/**
 * A scale target end to end on the real control plane: a pool of four kwok nodes of its own (8 CPU each, 80 %
 * CPU ceiling) with `optimization: {forecast: Holt, horizon: 2m, scaleRecommendations: true, scaleTarget}`
 * naming a Deployment (it serves /scale) with minReplicas 2, maxReplicas 5 and a 10 s cooldown. Usage is
 * measured through the Prometheus source from the test's exporter (as capacity-pressure.test.ts):
 *  1. flat at 50 % (the pool needs 3 nodes) in DryRun: status.scaleTarget says it would set 3 replicas; the
 *     Deployment keeps 2;
 *  2. Enforce: the Deployment is scaled to 3 through the actuator (a pool Event and one on the Deployment);
 *  3. usage rising on every node: the recommendation grows past 5 and the replicas follow, capped at 5.
 * The operator runs in this process.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { startMeasuredPool, type MeasuredPool } from './measured-pool.js';

const START_MC = 4_000;
const RISE_MC_PER_S = 40;

const kc = testKubeConfig();
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const core = kc.makeApiClient(k8s.CoreV1Api);
const pool = `scale-${Math.random().toString(36).slice(2, 7)}`;
const deployment = 'workers';
let namespace = '';
let removeNamespace: (() => Promise<void>) | undefined;
let riseFrom = Infinity;
const cpuAt = (ms: number): number => START_MC + (RISE_MC_PER_S * Math.max(0, ms - riseFrom)) / 1_000;
let measured: MeasuredPool;

interface ScaleStatus {
  target?: string;
  replicas?: number;
  desiredReplicas?: number;
  lastScaleTime?: string;
  message?: string;
}

const scaleTarget = (mode: 'DryRun' | 'Enforce') => ({
  mode,
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace,
  name: deployment,
  minReplicas: 2,
  maxReplicas: 5,
  cooldown: '10s',
});

async function scaleStatus(): Promise<ScaleStatus | undefined> {
  return (await measured.read()).status?.scaleTarget as ScaleStatus | undefined;
}

const replicas = async (): Promise<number> =>
  (await apps.readNamespacedDeployment({ name: deployment, namespace })).spec?.replicas ?? -1;

beforeAll(async () => {
  ({ name: namespace, remove: removeNamespace } = await createTestNamespace(kc, 'scale'));
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: deployment },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: deployment } },
        template: {
          metadata: { labels: { app: deployment } },
          // No scheduler serves this name: the pods stay Pending; only spec.replicas matters here.
          spec: { schedulerName: 'none', containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9' }] },
        },
      },
    },
  });
  measured = await startMeasuredPool(
    kc,
    pool,
    { forecast: 'Holt', horizon: '2m', scaleRecommendations: true, scaleTarget: scaleTarget('DryRun') },
    cpuAt,
  );
}, 120_000);

afterAll(async () => {
  await measured?.close();
  await removeNamespace?.();
}, 60_000);

test('DryRun: status says which replica count it would set; the Deployment keeps its replicas', async () => {
  const status = await eventually(
    'status.scaleTarget with desiredReplicas 3',
    async () => {
      const s = await scaleStatus();
      return s?.desiredReplicas === 3 && s.lastScaleTime ? s : undefined;
    },
    90_000,
    1_000,
  );
  expect(status).toMatchObject({ target: `Deployment ${namespace}/${deployment}`, replicas: 2 });
  expect(status.message).toMatch(
    new RegExp(
      `^would scale Deployment ${namespace}/${deployment} from 2 to 3 replicas \\(scale, pool ${pool}\\): 2→3 replicas: the pool needs 3 node\\(s\\)`,
    ),
  );
  expect(await replicas()).toBe(2);
}, 120_000);

test('Enforce: the Deployment is scaled to the recommendation through the actuator', async () => {
  await custom.patchClusterCustomObject(
    {
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      name: pool,
      body: { spec: { optimization: { scaleTarget: scaleTarget('Enforce') } } },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await eventually('3 replicas', async () => ((await replicas()) === 3 ? true : undefined), 60_000, 1_000);
  const status = await eventually(
    'status after the change',
    async () => {
      const s = await scaleStatus();
      return s?.replicas === 3 ? s : undefined;
    },
    30_000,
    1_000,
  );
  expect(status.message).toMatch(
    /^(Scaled Deployment \S+ from 2 to 3 replicas \(scale, pool \S+\): 2→3 replicas|3 replicas: the pool needs 3)/,
  );
  const events = await core.listEventForAllNamespaces({
    fieldSelector: `involvedObject.name=${pool},reason=Scaled`,
  });
  expect(events.items.some((e) => /from 2 to 3 replicas/.test(e.message ?? ''))).toBe(true);
}, 90_000);

test('rising usage: the replicas follow the recommendation up, and stop at maxReplicas', async () => {
  riseFrom = Date.now();
  const seen: number[] = [];
  let last: ScaleStatus | undefined;
  const timer = setTimeout(() => console.log('scale target status near the deadline:', last, seen), 145_000);
  const status = await eventually(
    'replicas capped at 5',
    async () => {
      seen.push(await replicas());
      const s = await scaleStatus();
      last = s;
      return s?.replicas === 5 && /capped at maxReplicas 5/.test(s.message ?? '') ? s : undefined;
    },
    150_000,
    1_000,
  );
  clearTimeout(timer);
  expect(status.desiredReplicas).toBe(5);
  expect(Math.max(...seen)).toBeLessThanOrEqual(5);
  expect(Math.min(...seen)).toBeGreaterThanOrEqual(3);
  expect(await replicas()).toBe(5);
  console.log(
    `scale target: replicas seen ${[...new Set(seen)].join('→')} in ${Math.round((Date.now() - riseFrom) / 1000)} s of rising usage; ${status.message}`,
  );
}, 180_000);
