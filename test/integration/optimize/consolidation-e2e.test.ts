/**
 * Consolidation end to end on the real control plane: a pool of four kwok nodes of its own (8 CPU each, 80 %
 * CPU ceiling), basis Requests (no metrics needed), `optimization.consolidation.minNodes: 3` so exactly one
 * node can go. Pods are bound before the operator starts; their replacements are placed by Fulcrum.
 *
 *   drain-0:           web ×2 (1000m each, PDB minAvailable 1), api ×1 (500m)        = 31 % requested
 *   drain-1..3:        batch-N ×4 (500m each)                                         = 25 % requested
 *
 * drain-0 is the cheapest node whose pods all fit elsewhere below the ceilings (and below the mean plus the
 * hysteresis midpoint, LeastLoaded), so:
 *  1. DryRun: status.consolidation names it as the candidate, an Event says what would be drained, nothing
 *     is tainted or evicted;
 *  2. Enforce: the node is tainted fulcrum.io/consolidating:NoSchedule, its pods are evicted through the
 *     actuator with the web PDB holding (one web pod available at every moment), no replacement lands on it,
 *     no node crosses its ceiling; the node ends empty, still tainted, and status.consolidation reports it
 *     free, three nodes in use and a higher packing efficiency.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { installCrds } from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { addNodes, startOperator, type RunningOperator } from '../support/operator.js';
import { bindPod, createTierPolicy, workloadDeployment } from '../rebalance/scenario.js';

const TAINT = 'fulcrum.io/consolidating';
const CEILING_MC = 6_400; // 80 % of 8 cores

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const policy = kc.makeApiClient(k8s.PolicyV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const pool = `cons-${Math.random().toString(36).slice(2, 7)}`;
const nodes = Array.from({ length: 4 }, (_, i) => `${pool}-${i}`);
const drained = nodes[0] as string;
let namespace = '';
let removeNamespace: (() => Promise<void>) | undefined;
let operator: RunningOperator | undefined;

interface Workload {
  name: string;
  tier: string;
  node: string;
  replicas: number;
  cpu: string;
}
const WORKLOADS: Workload[] = [
  { name: 'web', tier: 'web', node: drained, replicas: 2, cpu: '1000m' },
  { name: 'api', tier: 'api', node: drained, replicas: 1, cpu: '500m' },
  ...nodes
    .slice(1)
    .map((node, i) => ({ name: `batch-${i + 1}`, tier: 'batch', node, replicas: 4, cpu: '500m' })),
];
const POD_COUNT = WORKLOADS.reduce((n, w) => n + w.replicas, 0);

interface ConsolidationStatus {
  mode?: string;
  nodesInUse?: number;
  lowerBoundNodes?: number;
  packingEfficiency?: number;
  boundEfficiency?: number;
  candidates?: string[];
  draining?: string[];
  free?: string[];
  message?: string;
}

async function consolidation(): Promise<ConsolidationStatus | undefined> {
  const object = (await custom.getClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    name: pool,
  })) as { status?: { consolidation?: ConsolidationStatus } };
  return object.status?.consolidation;
}

async function livePods(): Promise<k8s.V1Pod[]> {
  return (await core.listNamespacedPod({ namespace })).items.filter((p) => !p.metadata?.deletionTimestamp);
}

async function taintedNodes(): Promise<string[]> {
  const out: string[] = [];
  for (const name of nodes) {
    const node = await core.readNode({ name });
    if (node.spec?.taints?.some((t) => t.key === TAINT)) out.push(name);
  }
  return out;
}

async function events(reason: string, name: string): Promise<k8s.CoreV1Event[]> {
  return (
    await core.listEventForAllNamespaces({ fieldSelector: `involvedObject.name=${name},reason=${reason}` })
  ).items;
}

function requestedCpu(pods: readonly k8s.V1Pod[], node: string): number {
  return pods
    .filter((p) => p.spec?.nodeName === node)
    .reduce((sum, p) => sum + parseInt(p.spec?.containers[0]?.resources?.requests?.cpu ?? '0', 10), 0);
}

async function setMode(mode: 'DryRun' | 'Enforce'): Promise<void> {
  const patch = { spec: { optimization: { consolidation: { mode } } } };
  await kubectl(['patch', 'resourcepool', pool, '--type=merge', '-p', JSON.stringify(patch)]);
}

async function createWorkloads(): Promise<void> {
  for (const [tier, priority] of [
    ['web', 500],
    ['api', 300],
    ['batch', 100],
  ] as const)
    await createTierPolicy(custom, namespace, pool, tier, priority);
  await policy.createNamespacedPodDisruptionBudget({
    namespace,
    body: { metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } },
  });
  for (const w of WORKLOADS) {
    const body = workloadDeployment(w, w.replicas, { cpu: w.cpu, memory: '64Mi' });
    await apps.createNamespacedDeployment({ namespace, body });
    const pods = await eventually(
      `the pods of ${w.name}`,
      async () => {
        const list = await core.listNamespacedPod({ namespace, labelSelector: `app=${w.name}` });
        return list.items.length === w.replicas ? list.items : undefined;
      },
      30_000,
      200,
    );
    for (const p of pods) await bindPod(core, namespace, p.metadata?.name as string, w.node);
  }
  await eventually(
    'every pod Running',
    async () => {
      const running = (await livePods()).filter((p) => p.status?.phase === 'Running');
      return running.length === POD_COUNT ? true : undefined;
    },
    60_000,
    500,
  );
}

async function createPool(): Promise<void> {
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
        allocation: { strategy: 'LeastLoaded', basis: 'Requests' },
        rebalancing: { mode: 'Off', interval: '4s', minPodAge: '5s' },
        failover: { mode: 'Off' },
        optimization: { consolidation: { mode: 'DryRun', minNodes: 3 } },
        priorityLimits: { defaultMaxPriority: 1000 },
      },
    },
  });
}

beforeAll(async () => {
  await installCrds(kc);
  await addNodes(
    nodes.map((name) => ({ name, cpu: '8', memory: '32Gi', labels: { 'fulcrum.io/pool': pool } })),
  );
  const ns = await createTestNamespace(kc, 'consolidate');
  namespace = ns.name;
  removeNamespace = ns.remove;
  await createWorkloads();
  await createPool();
  // The rebalance controller runs consolidation; a Requests-basis pool needs no usage from its source.
  operator = await startOperator(kc, { rebalancing: { metricsSource: { kind: 'metrics-api' } } });
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  await custom
    .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL, name: pool })
    .catch(() => undefined);
  await removeNamespace?.();
  await kubectl(['delete', 'nodes', '-l', `fulcrum.io/pool=${pool}`, '--wait=false']).catch(() => undefined);
}, 60_000);

test('DryRun: status and an Event name the node it would drain; nothing is tainted or evicted', async () => {
  const before = new Set((await livePods()).map((p) => p.metadata?.uid));
  const status = await eventually(
    'status.consolidation with a candidate',
    async () => {
      const s = await consolidation();
      return s?.mode === 'DryRun' && (s.candidates?.length ?? 0) > 0 ? s : undefined;
    },
    60_000,
    1_000,
  );
  expect(status.candidates).toEqual([drained]);
  expect(status.nodesInUse).toBe(4);
  expect(status.draining).toBeUndefined();
  expect(status.packingEfficiency).toBeGreaterThan(0);
  expect(status.boundEfficiency).toBeLessThan(100); // three nodes could hold what four do
  const planned = await eventually('a ConsolidationPlanned Event', async () => {
    const list = await events('ConsolidationPlanned', pool);
    return list.length > 0 ? list : undefined;
  });
  expect(planned[0]?.message).toContain(`would drain ${drained}`);
  // The actuator reports the drain it would start on the node, in DryRun.
  const dry = await eventually('a StartDrainDryRun Event on the node', async () => {
    const list = await events('StartDrainDryRun', drained);
    return list.length > 0 ? list : undefined;
  });
  expect(dry[0]?.message).toContain(`consolidation, pool ${pool}`);

  await new Promise((r) => setTimeout(r, 3 * 4_000));
  expect(await taintedNodes()).toEqual([]);
  expect(new Set((await livePods()).map((p) => p.metadata?.uid))).toEqual(before);
  // The plan is reported once, not every interval.
  expect((await events('ConsolidationPlanned', pool)).length).toBe(1);
}, 120_000);

test('Enforce: the node is drained through the actuator, the PDB holds, and it ends empty and tainted', async () => {
  const before = await consolidation();
  const original = new Set((await livePods()).map((p) => p.metadata?.uid));
  let minWebAvailable = Infinity;
  let landedOnDrained = 0;
  let maxRequested = 0;
  await setMode('Enforce');
  const after = await eventually(
    'the drained node free',
    async () => {
      const pods = await livePods();
      const web = pods.filter((p) => p.metadata?.labels?.app === 'web' && p.status?.phase === 'Running');
      minWebAvailable = Math.min(minWebAvailable, web.length);
      landedOnDrained += pods.filter(
        (p) => p.spec?.nodeName === drained && !original.has(p.metadata?.uid),
      ).length;
      for (const node of nodes) maxRequested = Math.max(maxRequested, requestedCpu(pods, node));
      const s = await consolidation();
      const running = pods.filter((p) => p.status?.phase === 'Running').length;
      return s?.free?.includes(drained) && running === POD_COUNT ? s : undefined;
    },
    120_000,
    250,
  );
  // The PDB held (one web pod Running at every poll), nothing came back to the drained node, no ceiling crossed.
  expect(minWebAvailable).toBeGreaterThanOrEqual(1);
  expect(landedOnDrained).toBe(0);
  expect(maxRequested).toBeLessThanOrEqual(CEILING_MC);

  const pods = await livePods();
  expect(pods.filter((p) => p.spec?.nodeName === drained)).toEqual([]);
  expect(pods.filter((p) => original.has(p.metadata?.uid)).length).toBe(POD_COUNT - 3);
  expect(await taintedNodes()).toEqual([drained]);
  const node = await core.readNode({ name: drained });
  expect(node.metadata?.annotations?.['fulcrum.io/consolidating-since']).toBeDefined();

  expect(after.mode).toBe('Enforce');
  expect(after.nodesInUse).toBe(3);
  expect(after.packingEfficiency).toBeGreaterThan(before?.packingEfficiency ?? Infinity);
  // 8.5 cores of requests fit on two nodes at the ceiling (the lower bound); minNodes keeps three in use.
  expect(after.lowerBoundNodes).toBe(2);
  expect(after.boundEfficiency).toBeGreaterThan(before?.boundEfficiency ?? Infinity);
  // Every eviction went through the actuator: an Evict Event per pod, saying consolidation did it.
  const evicted = (await core.listNamespacedEvent({ namespace })).items.filter(
    (e) => e.reason === 'Evict' && e.message?.includes(`consolidation, pool ${pool}`),
  );
  expect(evicted.length).toBe(3);
  expect((await events('StartDrain', drained)).length).toBe(1);

  // Free and tainted it stays: no new drain (minNodes 3), no eviction in three more intervals.
  const uids = new Set((await livePods()).map((p) => p.metadata?.uid));
  await new Promise((r) => setTimeout(r, 3 * 4_000));
  expect(new Set((await livePods()).map((p) => p.metadata?.uid))).toEqual(uids);
  expect(await taintedNodes()).toEqual([drained]);
}, 180_000);
