/**
 * What rebalancing never evicts by default, end to end on the real control plane with metrics-server serving
 * kwok's emulated usage. A pool of four 8-CPU nodes; the hot one carries five one-replica Deployments of
 * 1200m each (75 %), each cool one a bare 400m pod (5 %): mean 22.5 %, hot above 32.5 %.
 *
 *   ordinary   a plain Deployment pod                      → moved
 *   sysns      a Deployment pod in kube-system             → stays (SystemNamespace)
 *   critical   priorityClassName system-cluster-critical   → stays (SystemCritical)
 *   scratch    an emptyDir volume                          → stays (LocalStorage)
 *   operator   the operator's labels                       → stays (OperatorPod)
 *
 * Every pod is older than minPodAge and of the lowest priority but `critical`, so only the rules keep them.
 * The hot node stays hot after the one move: the pool then says NoSafeMove, naming each protection.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { MetricsApiSource } from '../../../src/metrics/metrics-api-source.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createOperator } from '../../../src/runtime/operator.js';
import { installCrds } from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { addNodes } from '../support/operator.js';
import { condition, type PoolObject } from './scenario.js';

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const pool = `rbp-${Math.random().toString(36).slice(2, 7)}`;
const nodes = [0, 1, 2, 3].map((i) => `${pool}-${i}`);
const hot = nodes[0] as string;
const stop = new AbortController();
let running: Promise<void> | undefined;
let namespace: { name: string; remove: () => Promise<void> };

interface Workload {
  name: string;
  namespace: () => string;
  labels?: Record<string, string>;
  spec?: Partial<k8s.V1PodSpec>;
}

const workloads: Workload[] = [
  { name: 'ordinary', namespace: () => namespace.name },
  { name: `${pool}-sysns`, namespace: () => 'kube-system' },
  {
    name: 'critical',
    namespace: () => namespace.name,
    spec: { priorityClassName: 'system-cluster-critical' },
  },
  {
    name: 'scratch',
    namespace: () => namespace.name,
    spec: { volumes: [{ name: 'scratch', emptyDir: {} }] },
  },
  {
    name: 'operator',
    namespace: () => namespace.name,
    labels: { 'app.kubernetes.io/name': 'fulcrum', 'app.kubernetes.io/component': 'operator' },
  },
];
/** uid and name of each workload's pod before the operator starts. */
const before = new Map<string, { uid: string; pod: string }>();

async function podOf(w: Workload): Promise<k8s.V1Pod | undefined> {
  const list = await core.listNamespacedPod({ namespace: w.namespace(), labelSelector: `app=${w.name}` });
  return list.items.find((p) => !p.metadata?.deletionTimestamp);
}

async function createDeployment(w: Workload): Promise<void> {
  const labels = { app: w.name, 'fulcrum.io/pool': pool, ...w.labels };
  await apps.createNamespacedDeployment({
    namespace: w.namespace(),
    body: {
      metadata: { name: w.name },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: w.name } },
        template: {
          metadata: {
            labels,
            annotations: { 'kwok.x-k8s.io/usage-cpu': '1200m', 'kwok.x-k8s.io/usage-memory': '64Mi' },
          },
          spec: {
            schedulerName: 'fulcrum',
            terminationGracePeriodSeconds: 0,
            containers: [
              {
                name: 'main',
                image: 'registry.invalid/app',
                resources: { requests: { cpu: '100m', memory: '64Mi' } },
              },
            ],
            ...w.spec,
          },
        },
      },
    },
  });
}

/** Binds the workload's pod to the hot node, as a scheduler would (no operator runs yet). */
async function bindToHot(w: Workload): Promise<void> {
  const pod = await eventually(`the pod of ${w.name}`, () => podOf(w), 30_000, 200);
  const name = pod.metadata?.name as string;
  await core.createNamespacedPodBinding({
    name,
    namespace: w.namespace(),
    body: {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace: w.namespace() },
      target: { apiVersion: 'v1', kind: 'Node', name: hot },
    },
  });
}

async function createBasePod(node: string): Promise<void> {
  await core.createNamespacedPod({
    namespace: namespace.name,
    body: {
      metadata: {
        name: `base-${node}`,
        annotations: { 'kwok.x-k8s.io/usage-cpu': '400m', 'kwok.x-k8s.io/usage-memory': '64Mi' },
      },
      spec: {
        nodeName: node,
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'main', image: 'registry.invalid/app' }],
      },
    },
  });
}

async function poolObject(): Promise<PoolObject> {
  return (await custom.getClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    name: pool,
  })) as PoolObject;
}

beforeAll(async () => {
  await installCrds(kc);
  await addNodes(
    nodes.map((name) => ({ name, cpu: '8', memory: '32Gi', labels: { 'fulcrum.io/pool': pool } })),
  );
  namespace = await createTestNamespace(kc, 'rebalance-protected');
  for (const w of workloads) await createDeployment(w);
  for (const w of workloads) await bindToHot(w);
  for (const node of nodes.slice(1)) await createBasePod(node);
  for (const w of workloads) {
    const pod = await eventually(
      `${w.name} Running on ${hot}`,
      async () => {
        const p = await podOf(w);
        return p?.status?.phase === 'Running' && p.spec?.nodeName === hot ? p : undefined;
      },
      60_000,
      500,
    );
    before.set(w.name, { uid: pod.metadata?.uid as string, pod: pod.metadata?.name as string });
  }
  await custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'ResourcePool',
      metadata: { name: pool },
      spec: {
        nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } },
        weights: { cpu: 1, memory: 0, ephemeralStorage: 0, network: 0 },
        allocation: { strategy: 'LeastLoaded', basis: 'Usage' },
        // spec.eviction left out: the defaults are what is under test.
        rebalancing: {
          mode: 'Enforce',
          interval: '8s',
          consecutive: 2,
          maxEvictionsPerCycle: 5,
          maxEvictionsPerNode: 5,
          maxEvictionsPerNamespace: 5,
          minPodAge: '5s',
          cooldown: '10s',
          metricsWindow: '10s',
        },
        failover: { mode: 'Off' },
      },
    },
  });
  // metrics-server must report the hot node's full load before the operator plans on it.
  const source = new MetricsApiSource(kc);
  await eventually(
    'metrics-server reporting the hot node',
    async () => {
      const c = await source.collect();
      const cpu = (n: string) => c.nodes.find((s) => s.key === n)?.usage.cpu ?? 0;
      return cpu(hot) >= 5_500 && nodes.slice(1).every((n) => cpu(n) >= 300) ? true : undefined;
    },
    110_000,
    2_000,
  );
  const operator = createOperator({
    kubeConfig: kc,
    logger: createLogger({ level: process.env.FULCRUM_TEST_LOG_LEVEL ?? 'silent' }),
    health: { host: '127.0.0.1', port: 0 },
    rebalancing: { metricsSource: { kind: 'metrics-api' } },
  });
  running = operator.start(stop.signal);
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running;
  await custom
    .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL, name: pool })
    .catch(() => undefined);
  await apps
    .deleteNamespacedDeployment({ namespace: 'kube-system', name: `${pool}-sysns` })
    .catch(() => undefined);
  await kubectl(['delete', 'pods', '-n', 'kube-system', '-l', `app=${pool}-sysns`, '--wait=false']).catch(
    () => undefined,
  );
  await namespace?.remove();
  await kubectl(['delete', 'nodes', '-l', `fulcrum.io/pool=${pool}`, '--wait=false']).catch(() => undefined);
}, 60_000);

test('rebalancing moves the ordinary pod off the hot node and leaves every protected one, saying why', async () => {
  // Ten minutes of budget are far more than needed: two intervals to turn hot, one to move, one cooldown.
  const settled = await eventually(
    'NoSafeMove after the ordinary pod moved',
    async () => {
      const p = await poolObject();
      const balanced = condition(p, 'Balanced');
      return (p.status?.counters?.evictions ?? 0) >= 1 && balanced?.reason === 'NoSafeMove' ? p : undefined;
    },
    150_000,
    1_000,
  );
  // Exactly the ordinary pod was evicted; its replacement runs on a cool node.
  expect(settled.status?.counters?.evictions).toBe(1);
  const evicted = (settled.status?.lastActions ?? []).filter(
    (a) => a.action === 'Evict' && a.dryRun !== true,
  );
  const ordinary = workloads[0] as Workload;
  expect(evicted.map((a) => a.pod)).toEqual([`${namespace.name}/${before.get(ordinary.name)?.pod}`]);
  const replacement = await eventually(
    'the ordinary replacement bound',
    async () => {
      const p = await podOf(ordinary);
      return p?.spec?.nodeName && p.metadata?.uid !== before.get(ordinary.name)?.uid ? p : undefined;
    },
    30_000,
  );
  expect(nodes.slice(1)).toContain(replacement.spec?.nodeName);

  // Every protected pod is the very pod it was, on the hot node.
  for (const w of workloads.slice(1)) {
    const p = await podOf(w);
    expect({ name: w.name, uid: p?.metadata?.uid, node: p?.spec?.nodeName }).toEqual({
      name: w.name,
      uid: before.get(w.name)?.uid,
      node: hot,
    });
  }

  // The pool says why: the Balanced message counts each protection, and an Event names the opt-in.
  const message = condition(settled, 'Balanced')?.message ?? '';
  for (const text of ['1 in kube-system', '1 system-critical', '1 with local storage', '1 operator pod'])
    expect(message).toContain(text);
  const events = await core.listEventForAllNamespaces({
    fieldSelector: `involvedObject.name=${pool},reason=EvictionProtected`,
  });
  const texts = events.items.map((e) => e.message ?? '');
  expect(
    texts.some((t) => t.includes('/scratch-') && t.includes('spec.eviction.evictLocalStoragePods')),
  ).toBe(true);
  expect(
    texts.some((t) => t.includes('kube-system/') && t.includes('spec.eviction.namespaces.include')),
  ).toBe(true);
}, 180_000);
