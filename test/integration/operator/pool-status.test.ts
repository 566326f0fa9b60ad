/**
 * The pool controller on the real control plane: ResourcePool status follows nodes and pods, with figures
 * computed by hand from known allocatable and requests.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION, WORKLOAD_POLICY_PLURAL } from '../../../src/api/group.js';
import { FulcrumObjects, installCrds, policyObject, uniqueName } from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { addNode, fulcrumStatus, startOperator, type RunningOperator } from '../support/operator.js';

interface PoolStatus {
  observedGeneration?: number;
  nodes?: { total?: number; ready?: number; contested?: string[] };
  resources?: Record<
    string,
    { capacity?: string; requested?: string; utilization?: number; ceiling?: number }
  >;
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
}

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const fulcrum = new FulcrumObjects(kc);
const poolLabel = uniqueName('pool');
const nodeNames = [0, 1, 2, 3].map((i) => `${poolLabel}-n${i}`);
let running: RunningOperator;
let namespace: { name: string; remove: () => Promise<void> };

function poolObject(name: string, selector: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'ResourcePool',
    metadata: { name },
    spec: { nodeSelector: { matchLabels: selector }, ...extra },
  };
}

async function createPool(
  name: string,
  selector: Record<string, string>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    body: poolObject(name, selector, extra),
  });
}

async function poolStatusWhen(
  name: string,
  what: string,
  check: (s: PoolStatus) => boolean,
): Promise<PoolStatus> {
  return eventually(`pool ${name}: ${what}`, async () => {
    const status = await fulcrumStatus<PoolStatus>(kc, RESOURCE_POOL_PLURAL, name);
    return status && check(status) ? status : undefined;
  });
}

async function bindPod(name: string, nodeName: string, cpu: string, memory: string): Promise<void> {
  await core.createNamespacedPod({
    namespace: namespace.name,
    body: {
      metadata: { name },
      spec: {
        nodeName,
        containers: [
          { name: 'app', image: 'registry.invalid/app', resources: { requests: { cpu, memory } } },
        ],
      },
    },
  });
}

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'pool-status');
  // Two nodes of 4 CPU / 8 Gi and one of 8 CPU / 16 Gi: 16 CPU and 32 Gi in all.
  await addNode(nodeNames[0]!, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': poolLabel } });
  await addNode(nodeNames[1]!, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': poolLabel } });
  await addNode(nodeNames[2]!, { cpu: '8', memory: '16Gi', labels: { 'fulcrum.io/pool': poolLabel } });
  running = await startOperator(kc);
});

afterAll(async () => {
  await running?.stop();
  for (const name of nodeNames) await core.deleteNode({ name }).catch(() => undefined);
  for (const name of [poolLabel, `${poolLabel}-late`, `${poolLabel}-empty`]) {
    await custom
      .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL, name })
      .catch(() => undefined);
  }
  await namespace?.remove();
});

test('pool status matches hand-computed capacity, requests and utilization', async () => {
  await bindPod('a', nodeNames[0]!, '3', '2Gi');
  await bindPod('b', nodeNames[1]!, '1500m', '4Gi');
  await bindPod('c', nodeNames[2]!, '500m', '2Gi');
  await createPool(poolLabel, { 'fulcrum.io/pool': poolLabel });
  // 5 of 16 CPU = 31.3 %; 8 of 32 Gi = 25 %.
  const status = await poolStatusWhen(
    poolLabel,
    'three nodes, 5 CPU requested',
    (s) => s.nodes?.total === 3 && s.resources?.cpu?.requested === '5',
  );
  expect(status.nodes).toEqual({ total: 3, ready: 3 });
  expect(status.resources?.cpu).toEqual({ capacity: '16', requested: '5', utilization: 31.3, ceiling: 80 });
  expect(status.resources?.memory).toEqual({
    capacity: '32Gi',
    requested: '8Gi',
    utilization: 25,
    ceiling: 85,
  });
  expect(status.observedGeneration).toBe(1);
  expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
    status: 'True',
    reason: 'NodesSelected',
    message: '3/3 nodes ready',
  });
  expect(status.conditions?.find((c) => c.type === 'CapacityPressure')).toMatchObject({ status: 'False' });
});

test('pool status follows a node being added, relabelled out of the pool, and deleted', async () => {
  await addNode(nodeNames[3]!, { cpu: '16', memory: '64Gi', labels: { 'fulcrum.io/pool': poolLabel } });
  let status = await poolStatusWhen(poolLabel, 'four nodes', (s) => s.nodes?.total === 4);
  expect(status.resources?.cpu).toMatchObject({ capacity: '32', requested: '5' });

  // Relabel node 0 (3 CPU requested on it) out of the pool: 28 CPU, 2 requested.
  await core.patchNode(
    { name: nodeNames[0]!, body: { metadata: { labels: { 'fulcrum.io/pool': 'elsewhere' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  status = await poolStatusWhen(poolLabel, 'node 0 relabelled out', (s) => s.nodes?.total === 3);
  expect(status.resources?.cpu).toMatchObject({ capacity: '28', requested: '2' });
  expect(status.resources?.memory).toMatchObject({ capacity: '88Gi', requested: '6Gi' });

  // Delete node 3: back to 12 CPU.
  await core.deleteNode({ name: nodeNames[3]! });
  status = await poolStatusWhen(poolLabel, 'node 3 deleted', (s) => s.nodes?.total === 2);
  expect(status.resources?.cpu).toMatchObject({ capacity: '12', requested: '2', utilization: 16.7 });
});

test('a pool selecting no node, and a pool selecting nodes an older pool owns, are not Ready and say why', async () => {
  await createPool(`${poolLabel}-empty`, { 'fulcrum.io/pool': `${poolLabel}-nothing` });
  const empty = await poolStatusWhen(
    `${poolLabel}-empty`,
    'Ready=False',
    (s) => s.conditions?.some((c) => c.type === 'Ready') === true,
  );
  expect(empty.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
    status: 'False',
    reason: 'NoNodes',
  });

  await createPool(`${poolLabel}-late`, { 'fulcrum.io/pool': poolLabel });
  const late = await poolStatusWhen(
    `${poolLabel}-late`,
    'Ready=False',
    (s) => s.conditions?.some((c) => c.type === 'Ready') === true,
  );
  expect(late.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
    status: 'False',
    reason: 'NodeClaimedByAnotherPool',
  });
  expect(late.nodes?.contested?.sort()).toEqual([nodeNames[1], nodeNames[2]]);
  // The older pool keeps its nodes and stays Ready.
  const owner = await fulcrumStatus<PoolStatus>(kc, RESOURCE_POOL_PLURAL, poolLabel);
  expect(owner?.nodes?.total).toBe(2);
  expect(owner?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
});

test('a WorkloadPolicy naming a missing pool is admitted, reports PoolNotFound, and binds once the pool exists', async () => {
  const poolName = uniqueName('later');
  const name = uniqueName('policy');
  await fulcrum.create(
    policyObject(name, namespace.name, {
      selector: { matchLabels: { app: 'checkout' } },
      pool: poolName,
      priority: 900,
    }),
  );
  type PolicyStatus = {
    conditions?: Array<{ type: string; status: string; reason: string }>;
    effectivePriority?: number;
  };
  const ready = (s: PolicyStatus | undefined) => s?.conditions?.find((c) => c.type === 'Ready');
  const missing = await eventually('policy reports PoolNotFound', async () => {
    const s = await fulcrumStatus<PolicyStatus>(kc, WORKLOAD_POLICY_PLURAL, name, namespace.name);
    return ready(s) ? s : undefined;
  });
  expect(ready(missing)).toMatchObject({ status: 'False', reason: 'PoolNotFound' });
  expect(running.operator.manager).toBeDefined(); // the operator kept running

  await createPool(poolName, { 'fulcrum.io/pool': poolLabel });
  try {
    const bound = await eventually('policy becomes Ready', async () => {
      const s = await fulcrumStatus<PolicyStatus>(kc, WORKLOAD_POLICY_PLURAL, name, namespace.name);
      return ready(s)?.status === 'True' ? s : undefined;
    });
    // The pool grants no priority (no spec.priorityLimits): 900 is capped at the default, 0.
    expect(ready(bound)).toMatchObject({ reason: 'PriorityClamped' });
    expect(bound.effectivePriority).toBe(0);
  } finally {
    await custom.deleteClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      name: poolName,
    });
  }
});

test('a WorkloadPolicy above the default priority cap is clamped and says so, until the pool owner grants more', async () => {
  const poolName = uniqueName('capped');
  const name = uniqueName('greedy');
  await createPool(poolName, { 'fulcrum.io/pool': poolLabel });
  type PolicyStatus = {
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
    effectivePriority?: number;
  };
  const ready = (s: PolicyStatus | undefined) => s?.conditions?.find((c) => c.type === 'Ready');
  const status = (what: string, check: (s: PolicyStatus) => boolean) =>
    eventually(`policy ${what}`, async () => {
      const s = await fulcrumStatus<PolicyStatus>(kc, WORKLOAD_POLICY_PLURAL, name, namespace.name);
      return s && check(s) ? s : undefined;
    });
  try {
    await fulcrum.create(
      policyObject(name, namespace.name, {
        selector: { matchLabels: { app: 'greedy' } },
        pool: poolName,
        priority: 1_000_000,
      }),
    );
    const clamped = await status('clamped', (s) => ready(s)?.reason === 'PriorityClamped');
    expect(clamped.effectivePriority).toBe(0);
    expect(ready(clamped)?.status).toBe('True');
    expect(ready(clamped)?.message).toContain('priority 1000000 lowered to 0');
    const events = await eventually('a PriorityClamped Event on the policy', async () => {
      const list = await core.listNamespacedEvent({
        namespace: namespace.name,
        fieldSelector: `involvedObject.name=${name},reason=PriorityClamped`,
      });
      return list.items.length > 0 ? list.items : undefined;
    });
    expect(events[0]?.type).toBe('Warning');
    expect(events[0]?.message).toContain('spec.priorityLimits');

    // The pool owner grants this namespace up to 5000: the policy gets exactly that, still clamped.
    await custom.patchClusterCustomObject(
      {
        group: GROUP,
        version: VERSION,
        plural: RESOURCE_POOL_PLURAL,
        name: poolName,
        body: { spec: { priorityLimits: { namespaces: [{ names: [namespace.name], maxPriority: 5000 }] } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const granted = await status('granted 5000', (s) => s.effectivePriority === 5000);
    expect(ready(granted)?.reason).toBe('PriorityClamped');
  } finally {
    await custom.deleteClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      name: poolName,
    });
  }
});
