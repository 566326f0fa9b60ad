/**
 * Fulcrum's scheduler on the real control plane: 24 simulated nodes in four pools (LeastLoaded, BinPack,
 * RoundRobin, and a small full one), Deployments with `schedulerName: fulcrum` placed by each pool's strategy
 * within its ceilings, pods that cannot fit left Pending with a kube-scheduler style reason, and a
 * high-priority pod preempting a low-priority one when its pool is full — only once a PDB allows it.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import {
  FulcrumObjects,
  installCrds,
  policyObject,
  poolObject as resourcePool,
  uniqueName,
} from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { addNodes, startOperator, type RunningOperator } from '../support/operator.js';

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const fulcrum = new FulcrumObjects(kc);
const id = uniqueName('sched');
const pools = {
  spread: { name: `${id}-spread`, strategy: 'LeastLoaded', nodes: 12 },
  pack: { name: `${id}-pack`, strategy: 'BinPack', nodes: 6 },
  cycle: { name: `${id}-cycle`, strategy: 'RoundRobin', nodes: 4 },
  full: { name: `${id}-full`, strategy: 'LeastLoaded', nodes: 2 },
  guarded: { name: `${id}-guarded`, strategy: 'LeastLoaded', nodes: 1 },
} as const;
const nodeNames = Object.values(pools).flatMap((p) =>
  Array.from({ length: p.nodes }, (_, i) => `${p.name}-n${i}`),
);
let running: RunningOperator;
let namespace: { name: string; remove: () => Promise<void> };

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'scheduler');
  await addNodes(
    Object.values(pools).flatMap((p) =>
      Array.from({ length: p.nodes }, (_, i) => ({
        name: `${p.name}-n${i}`,
        cpu: '4',
        memory: '8Gi',
        labels: { 'fulcrum.io/pool': p.name },
      })),
    ),
  );
  for (const pool of Object.values(pools)) {
    await fulcrum.create(
      resourcePool(pool.name, {
        nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool.name } },
        allocation: { strategy: pool.strategy, basis: 'Requests' },
        // The pool owner's grant: without it every WorkloadPolicy priority is capped at 0.
        priorityLimits: { defaultMaxPriority: 1000 },
      }),
    );
  }
  running = await startOperator(kc);
}, 180_000);

afterAll(async () => {
  await running?.stop();
  await namespace?.remove();
  for (const name of nodeNames) await core.deleteNode({ name }).catch(() => undefined);
  for (const pool of Object.values(pools)) {
    await custom
      .deleteClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: RESOURCE_POOL_PLURAL,
        name: pool.name,
      })
      .catch(() => undefined);
  }
});

interface Workload {
  name: string;
  replicas: number;
  cpu: string;
  labels: Record<string, string>;
  volumes?: k8s.V1Volume[];
}

async function createDeployment(w: Workload): Promise<void> {
  await apps.createNamespacedDeployment({
    namespace: namespace.name,
    body: {
      metadata: { name: w.name },
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: { app: w.name } },
        template: {
          metadata: { labels: { app: w.name, ...w.labels } },
          spec: {
            schedulerName: 'fulcrum',
            containers: [
              {
                name: 'app',
                image: 'registry.invalid/app',
                resources: { requests: { cpu: w.cpu, memory: '256Mi' } },
              },
            ],
            ...(w.volumes ? { volumes: w.volumes } : {}),
          },
        },
      },
    },
  });
}

async function podsOf(app: string): Promise<k8s.V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace: namespace.name, labelSelector: `app=${app}` });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

/** Waits until `replicas` pods of `app` are bound, and returns how many landed on each node. */
async function boundPods(app: string, replicas: number): Promise<Map<string, number>> {
  return eventually(
    `${replicas} pods of ${app} bound`,
    async () => {
      const pods = await podsOf(app);
      if (pods.length !== replicas || pods.some((p) => !p.spec?.nodeName)) return undefined;
      const perNode = new Map<string, number>();
      for (const pod of pods) perNode.set(pod.spec!.nodeName!, (perNode.get(pod.spec!.nodeName!) ?? 0) + 1);
      return perNode;
    },
    60_000,
  );
}

function membersOf(pool: { name: string; nodes: number }): string[] {
  return Array.from({ length: pool.nodes }, (_, i) => `${pool.name}-n${i}`);
}

test('LeastLoaded spreads a Deployment evenly over its pool and nowhere else', async () => {
  await createDeployment({
    name: 'spread',
    replicas: 24,
    cpu: '500m',
    labels: { 'fulcrum.io/pool': pools.spread.name },
  });
  const perNode = await boundPods('spread', 24);
  expect([...perNode.keys()].sort()).toEqual(membersOf(pools.spread).sort());
  // 12 equal nodes, equal pods: least-loaded gives each node exactly two.
  expect([...perNode.values()]).toEqual(Array(12).fill(2));
  const pods = await podsOf('spread');
  expect(pods.every((p) => p.spec?.schedulerName === 'fulcrum')).toBe(true);
});

test('BinPack fills the fewest nodes, up to the 80% cpu ceiling and not past it', async () => {
  // 1 CPU each on 4-CPU nodes with an 80% ceiling (3.2 CPU): three per node, on three nodes.
  await createDeployment({
    name: 'pack',
    replicas: 9,
    cpu: '1',
    labels: { 'fulcrum.io/pool': pools.pack.name },
  });
  const perNode = await boundPods('pack', 9);
  expect([...perNode.values()]).toEqual([3, 3, 3]);
  for (const node of perNode.keys()) expect(membersOf(pools.pack)).toContain(node);
});

test('RoundRobin, with the pool named by a WorkloadPolicy, cycles through every node in turn', async () => {
  await fulcrum.create(
    policyObject('cycle', namespace.name, {
      selector: { matchLabels: { app: 'cycle' } },
      pool: pools.cycle.name,
      priority: 100,
    }),
  );
  await eventually('policy in the operator cache', () =>
    running.operator.informers.workloadPolicies.get(`${namespace.name}/cycle`) ? true : undefined,
  );
  await createDeployment({ name: 'cycle', replicas: 8, cpu: '100m', labels: {} });
  const perNode = await boundPods('cycle', 8);
  expect([...perNode.keys()].sort()).toEqual(membersOf(pools.cycle).sort());
  expect([...perNode.values()]).toEqual([2, 2, 2, 2]);
});

async function unschedulableCondition(name: string): Promise<k8s.V1PodCondition> {
  return eventually(
    `PodScheduled=False on ${name}`,
    async () => {
      const pod = await core.readNamespacedPod({ namespace: namespace.name, name });
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      return condition?.status === 'False' ? condition : undefined;
    },
    30_000,
  );
}

async function createPod(name: string, cpu: string, labels: Record<string, string>): Promise<void> {
  await core.createNamespacedPod({
    namespace: namespace.name,
    body: {
      metadata: { name, labels },
      spec: {
        schedulerName: 'fulcrum',
        containers: [{ name: 'app', image: 'registry.invalid/app', resources: { requests: { cpu } } }],
      },
    },
  });
}

test('a pod over every ceiling stays Pending with the reason, as a condition and an Event', async () => {
  await createPod('too-big', '3500m', { 'fulcrum.io/pool': pools.pack.name });
  const condition = await unschedulableCondition('too-big');
  expect(condition.reason).toBe('Unschedulable');
  expect(condition.message).toMatch(/^0\/\d+ nodes are available: /);
  expect(condition.message).toContain('6 over cpu ceiling 80%');
  expect(condition.message).toMatch(/\d+ not in pool /);
  const events = await eventually('FailedScheduling event', async () => {
    const list = await core.listNamespacedEvent({
      namespace: namespace.name,
      fieldSelector: 'involvedObject.name=too-big,reason=FailedScheduling',
    });
    return list.items.length > 0 ? list.items : undefined;
  });
  expect(events[0]?.message).toContain('over cpu ceiling 80%');
  const pod = await core.readNamespacedPod({ namespace: namespace.name, name: 'too-big' });
  expect(pod.spec?.nodeName).toBeUndefined();
  await core.deleteNamespacedPod({ namespace: namespace.name, name: 'too-big' });
});

test('a pod that names no pool is told so, and one naming a missing pool too', async () => {
  await createPod('no-pool', '100m', {});
  expect((await unschedulableCondition('no-pool')).message).toBe(
    'pod names no pool: add a WorkloadPolicy or the fulcrum.io/pool label',
  );
  await createPod('ghost-pool', '100m', { 'fulcrum.io/pool': `${id}-ghost` });
  expect((await unschedulableCondition('ghost-pool')).message).toContain(`${id}-ghost, which does not exist`);
});

test('a pending pod is placed as soon as room appears (a node joins its pool)', async () => {
  await createPod('waits', '5', { 'fulcrum.io/pool': pools.pack.name });
  await unschedulableCondition('waits');
  // 5 CPU is over every 4-CPU node's 80% ceiling, within an 8-CPU node's.
  const name = `${pools.pack.name}-late`;
  nodeNames.push(name);
  await addNodes([{ name, cpu: '8', memory: '8Gi', labels: { 'fulcrum.io/pool': pools.pack.name } }]);
  const bound = await eventually(
    'waits bound',
    async () => (await core.readNamespacedPod({ namespace: namespace.name, name: 'waits' })).spec?.nodeName,
    30_000,
  );
  expect(bound).toBe(name);
});

test('a pod with scheduling gates waits until they are removed', async () => {
  await core.createNamespacedPod({
    namespace: namespace.name,
    body: {
      metadata: { name: 'gated', labels: { 'fulcrum.io/pool': pools.cycle.name } },
      spec: {
        schedulerName: 'fulcrum',
        schedulingGates: [{ name: 'example.com/wait' }],
        containers: [{ name: 'app', image: 'registry.invalid/app', resources: { requests: { cpu: '10m' } } }],
      },
    },
  });
  // A pod created after it is placed; the gated one must still be unbound then.
  await createPod('after-gated', '10m', { 'fulcrum.io/pool': pools.cycle.name });
  await eventually(
    'after-gated bound',
    async () =>
      (await core.readNamespacedPod({ namespace: namespace.name, name: 'after-gated' })).spec?.nodeName,
  );
  const gated = await core.readNamespacedPod({ namespace: namespace.name, name: 'gated' });
  expect(gated.spec?.nodeName).toBeUndefined();
  await core.patchNamespacedPod(
    { namespace: namespace.name, name: 'gated', body: [{ op: 'remove', path: '/spec/schedulingGates' }] },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  );
  const node = await eventually(
    'gated bound once ungated',
    async () => (await core.readNamespacedPod({ namespace: namespace.name, name: 'gated' })).spec?.nodeName,
  );
  expect(membersOf(pools.cycle)).toContain(node);
});

async function createPolicy(name: string, pool: string, priority: number): Promise<void> {
  await fulcrum.create(
    policyObject(name, namespace.name, {
      selector: { matchLabels: { app: name } },
      pool,
      priority,
      movable: true,
    }),
  );
  await eventually(`policy ${name} in the operator cache`, () =>
    running.operator.informers.workloadPolicies.get(`${namespace.name}/${name}`) ? true : undefined,
  );
}

test('a high-priority pod preempts a low-priority one in a full pool, but never through a PDB', async () => {
  const policy = k8s.PolicyV1Api;
  const pdbs = kc.makeApiClient(policy);
  await createPolicy('low', pools.full.name, 10);
  await createPolicy('high', pools.full.name, 1000);
  // Two 4-CPU nodes, 80% ceiling: three 1-CPU pods each fill the pool.
  await createDeployment({ name: 'low', replicas: 6, cpu: '1', labels: {} });
  await boundPods('low', 6);
  await pdbs.createNamespacedPodDisruptionBudget({
    namespace: namespace.name,
    body: { metadata: { name: 'low' }, spec: { minAvailable: 6, selector: { matchLabels: { app: 'low' } } } },
  });
  await eventually('PDB status computed', async () => {
    const pdb = await pdbs.readNamespacedPodDisruptionBudget({ namespace: namespace.name, name: 'low' });
    return pdb.status?.currentHealthy === 6 ? true : undefined;
  });

  await createPod('high', '1', { app: 'high' });
  const blocked = await unschedulableCondition('high');
  expect(blocked.message).toContain('2 over cpu ceiling 80%');
  expect(blocked.message).not.toContain('Preempting');
  const lows = await podsOf('low');
  expect(lows).toHaveLength(6);
  expect(lows.every((p) => p.spec?.nodeName && !p.metadata?.deletionTimestamp)).toBe(true);

  // With the PDB gone, one low-priority pod (and only one) makes room.
  await pdbs.deleteNamespacedPodDisruptionBudget({ namespace: namespace.name, name: 'low' });
  const node = await eventually(
    'high bound after preemption',
    async () => (await core.readNamespacedPod({ namespace: namespace.name, name: 'high' })).spec?.nodeName,
    60_000,
  );
  expect(membersOf(pools.full)).toContain(node);
  // The actuator's Event on the victim: exactly one, from the preemption source.
  const evictions = await eventually('an Evict event', async () => {
    const list = await core.listNamespacedEvent({ namespace: namespace.name, fieldSelector: 'reason=Evict' });
    return list.items.length > 0 ? list.items : undefined;
  });
  expect(evictions).toHaveLength(1);
  expect(evictions[0]?.message).toContain('preemption');
  expect(evictions[0]?.involvedObject.name).toMatch(/^low-/);
  // The evicted pod's replacement has lower priority and no room: it waits, and high keeps its node.
  const replacement = await eventually('the low replacement pending', async () => {
    const pending = (await podsOf('low')).filter((p) => !p.spec?.nodeName);
    return pending.length === 1 ? pending[0] : undefined;
  });
  expect(replacement?.spec?.nodeName).toBeUndefined();
  const bound = (await podsOf('low')).filter((p) => p.spec?.nodeName);
  expect(bound).toHaveLength(5);
});

test('preemption never evicts what the pool protects, says so, and does once the pool opts in', async () => {
  const pool = pools.guarded.name;
  // One 4-CPU node, 80% ceiling: three 1-CPU pods with an emptyDir fill it.
  await createPolicy('cache', pool, 10);
  await createPolicy('urgent', pool, 1000);
  await createDeployment({
    name: 'cache',
    replicas: 3,
    cpu: '1',
    labels: {},
    volumes: [{ name: 'scratch', emptyDir: {} }],
  });
  await boundPods('cache', 3);
  await createPod('urgent', '1', { app: 'urgent' });
  const blocked = await eventually(
    'FailedScheduling naming the protected pods',
    async () => {
      const c = await unschedulableCondition('urgent');
      return c.message?.includes('protected') ? c : undefined;
    },
    30_000,
  );
  expect(blocked.message).toContain(
    "Not preempted, protected by the pool's spec.eviction: 3 with local storage.",
  );
  expect((await podsOf('cache')).every((p) => p.spec?.nodeName)).toBe(true);

  // The pool's owner opts in: one cache pod (and only one) makes room.
  await custom.patchClusterCustomObject(
    {
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      name: pool,
      body: { spec: { eviction: { evictLocalStoragePods: true } } },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  const node = await eventually(
    'urgent bound after preemption',
    async () => (await core.readNamespacedPod({ namespace: namespace.name, name: 'urgent' })).spec?.nodeName,
    60_000,
  );
  expect(membersOf(pools.guarded)).toContain(node);
  expect((await podsOf('cache')).filter((p) => p.spec?.nodeName)).toHaveLength(2);
});
