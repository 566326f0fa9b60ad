/**
 * Failover's safety rules end to end on the real control plane, with a small pool of its own (8 kwok nodes,
 * the shared FailoverScenario workload) and the real operator in this process:
 *  (b) a node reporting Ready=False while its kubelet Lease keeps renewing is Degraded: an Event, no fence,
 *      no deletion, even with its probe failing too (the test plays that kubelet: kwok would report Ready);
 *  (e) failover settings that would make a component throw (probe.timeout 0s or below 50ms, a timeout not
 *      shorter than the period, thresholds or a port of 0, a safe time below 10s, maxUnhealthy above 100%),
 *      edited at run time, are refused by the API server; a pool stored with such a value under an older,
 *      looser CRD is Ready=False (InvalidSpec) naming it; and the operator keeps serving the other pool: a
 *      dead node is still failed over afterwards;
 *  a human uncordon of a fenced node is respected (not cordoned again while the node stays down) and
 *      recorded (an UncordonRespected Event, `uncordonedAt` in the fence marker, the node's phase
 *      UncordonedByUser in the pool's status and no longer counted as fenced);
 *  the global guard: 3 of a zone's 4 nodes dying at once holds failover (PartitionSuspected, reason
 *      ZoneWideFailure) and nothing is fenced.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { FENCED_BY_ANNOTATION, readFenceMarker, ZONE_LABEL } from '../../../src/failover/index.js';
import { installCrds } from '../api/fulcrum-api.js';
import { eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { startFailoverSuite, type RunningFailoverOperator } from './operator.js';
import { condition, FailoverScenario, probePort, type PoolStatusView } from './scenario.js';

const kc = testKubeConfig();
const suffix = Math.random().toString(36).slice(2, 6);
const scenario = new FailoverScenario({
  kc,
  prefix: `fs-${suffix}`,
  nodes: 8,
  pods: 40,
  ipBlock: 180,
  port: probePort(),
  failoverMode: 'Enforce',
});
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
let operator: RunningFailoverOperator | undefined;

beforeAll(async () => {
  operator = await startFailoverSuite(
    kc,
    scenario,
    'pool reports failover idle, every probe answering',
    (status) =>
      condition(status, 'FailoverActive')?.reason === 'NoFailedNodes' &&
      condition(status, 'ProbesHealthy')?.reason === 'ProbesAnswering',
    60_000,
  );
}, 420_000);

afterAll(async () => {
  await operator?.stop();
  await scenario.cleanup();
}, 120_000);

test('(b) a node reporting Ready=False with a fresh Lease is Degraded: an Event, never fenced, nothing deleted', async () => {
  const node = scenario.nodeNames[scenario.nodeNames.length - 1]!;
  const before = (await scenario.pods()).filter((p) => p.node === node);
  expect(before.length).toBeGreaterThan(0);
  // The premise: a fresh Lease, that is a renewal the operator has seen (a Lease it has not seen renewed yet
  // is no evidence either way). kwok renews every 10 s.
  const renewedAt = await scenario.leaseRenewTime(node);
  await eventually(
    `the Lease of ${node} renewed`,
    async () => ((await scenario.leaseRenewTime(node)) > renewedAt ? true : undefined),
    25_000,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  // A kubelet that reports runtime trouble (Ready=False) but is alive to the API server: it keeps renewing its
  // Lease. kwok would report Ready=True again at once, so the node is taken from kwok (kill-node.sh, which also
  // stops the probe listener: a failing probe on top, two failing channels) and this test renews the Lease
  // itself, every 2 s, as that kubelet would.
  await scenario.kill(node);
  // kill-node.sh hands the Lease to another holder; a Lease the operator has not yet seen renewed counts as
  // unknown (no evidence either way). A real kubelet keeps its Lease, so the stand-in renews it at a steady
  // period through the API client (no kubectl process to stall under load), as that kubelet would, and lets
  // the operator see a few renewals before it reports Ready=False.
  const renewer = new LeaseRenewer(node, 2_000);
  try {
    await renewer.renewals(3);
    const until = Date.now() + 16_000; // longer than a missed renewal (13 s) and than fencing a dead node takes
    while (Date.now() < until) {
      await reportNotReady(node);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const degraded = await eventually(
      `a NodeDegraded Event on ${node}`,
      async () => (await nodeEvents(node, 'NodeDegraded'))[0],
      10_000,
    );
    expect(degraded.message).toContain('Ready notReady');
    expect(degraded.message).toContain('lease fresh');
    expect(degraded.message).toContain('not failed over');
    const n = await scenario.node(node);
    expect(n.spec?.unschedulable).toBeFalsy();
    expect(n.metadata?.annotations?.[FENCED_BY_ANNOTATION]).toBeUndefined();
    const after = await scenario.pods();
    for (const p of before)
      expect(after.find((q) => q.uid === p.uid)).toMatchObject({ node, deleting: false });
  } finally {
    await renewer.stop();
    await scenario.revive(node);
  }
}, 120_000);

test.each([
  { field: 'probe.timeout', value: '0s', failover: { probe: { timeout: '0s' } }, want: 'timeout' },
  { field: 'probe.timeout', value: '10ms', failover: { probe: { timeout: '10ms' } }, want: 'timeout' },
  {
    field: 'probe.timeout',
    value: '500ms (the period)',
    failover: { probe: { timeout: '500ms' } },
    want: 'timeout must be shorter than period',
  },
  { field: 'probe.period', value: '0s', failover: { probe: { period: '0s' } }, want: 'period' },
  {
    field: 'probe.failureThreshold',
    value: '0',
    failover: { probe: { failureThreshold: 0 } },
    want: 'failureThreshold',
  },
  {
    field: 'probe.successThreshold',
    value: '0',
    failover: { probe: { successThreshold: 0 } },
    want: 'successThreshold',
  },
  { field: 'probe.port', value: '0', failover: { probe: { port: 0 } }, want: 'port' },
  { field: 'safeTime', value: '0s', failover: { safeTime: '0s' }, want: 'safeTime' },
  { field: 'maxUnhealthy', value: '150%', failover: { maxUnhealthy: '150%' }, want: 'maxUnhealthy' },
])('(e) $field edited at run time to $value is refused by the API server', async ({ failover, want }) => {
  const before = await readPool();
  const patch = JSON.stringify({ spec: { failover } });
  const stderr = await kubectl([
    'patch',
    'resourcepools.fulcrum.io',
    scenario.pool,
    '--type=merge',
    '-p',
    patch,
  ]).then(
    (r) => {
      throw new Error(`the API server accepted ${patch}: ${r.stdout}`);
    },
    (error: { stderr?: string }) => error.stderr ?? '',
  );
  expect(stderr).toContain('Invalid value');
  expect(stderr).toContain(want);
  const after = await readPool();
  expect(after.metadata.generation).toBe(before.metadata.generation);
  expect(after.spec).toEqual(before.spec);
});

test('(e) a pool stored under an older, looser CRD with a value the operator rejects is Ready=False (InvalidSpec), and the operator still serves the other pool: a dead node is failed over; a human uncordon of it is respected and recorded', async () => {
  // What an upgrade leaves behind: a pool stored before the CRD refused probe.timeout 0s. The API server
  // keeps it as it is when the strict CRD comes; the operator must report it and go on with every other pool.
  const stale = `${scenario.pool}-stale`;
  await storeUnderLooseCrd(stale, { probe: { timeout: '0s' } });
  const ready = await eventually(
    `pool ${stale} Ready=False (InvalidSpec)`,
    async () => {
      const c = condition(await readPoolStatus(stale), 'Ready');
      return c?.reason === 'InvalidSpec' ? c : undefined;
    },
    30_000,
  );
  expect(ready).toMatchObject({ status: 'False' });
  expect(ready.message).toContain('timeout');
  // Any node holding Deployment pods but the last one (test (b)'s).
  const podsBefore = await scenario.pods();
  const victim = scenario.nodeNames
    .slice(0, -1)
    .find((n) => podsBefore.some((p) => p.node === n && p.app === 'web'))!;
  const webOnVictim = podsBefore.filter((p) => p.node === victim && p.app === 'web');
  expect(webOnVictim.length).toBeGreaterThan(0);
  await scenario.kill(victim);
  try {
    await eventually(
      `node ${victim} fenced`,
      async () => {
        const n = await scenario.node(victim);
        return n.spec?.unschedulable && n.metadata?.annotations?.[FENCED_BY_ANNOTATION] ? true : undefined;
      },
      40_000,
    );
    const pods = await scenario.waitAppRunning('web', 'Deployment pods Running elsewhere', 60_000, victim);
    // Deleted gracefully (the fast path): gone, or Terminating on the dead node until it is confirmed down.
    for (const p of webOnVictim) expect(pods.find((q) => q.uid === p.uid)?.deleting ?? true).toBe(true);

    // An administrator uncordons the dead node: respected and recorded, never cordoned again while down.
    await kubectl(['uncordon', victim]);
    const event = await eventually(
      `an UncordonRespected Event on ${victim}`,
      async () => (await nodeEvents(victim, 'UncordonRespected'))[0],
      20_000,
    );
    expect(event.message).toContain('uncordoned by hand');
    const recorded = await scenario.node(victim);
    const marker = readFenceMarker(recorded.metadata?.annotations ?? {});
    expect(marker).toMatchObject({ cordoned: true });
    expect(marker !== 'invalid' && marker?.uncordonedAt).toBeGreaterThan(0);
    // The pool's status says so too: the node is no longer Fenced (nor counted as fenced) while it stays down.
    const held = await eventually(
      `the pool's status says ${victim} UncordonedByUser`,
      async () => {
        const s = await scenario.poolStatus();
        const entry = s.failover?.failedNodes?.find((n) => n.name === victim);
        return entry?.phase === 'UncordonedByUser' ? s : undefined;
      },
      20_000,
    );
    expect(held.nodes?.fenced).toBe(0);
    // Several reconciles (the pool requeues every 2 s while a failover is in progress).
    await new Promise((r) => setTimeout(r, 8_000));
    expect((await scenario.node(victim)).spec?.unschedulable).toBeFalsy();
  } finally {
    await scenario.revive(victim);
  }
  // The stale pool is still there, still reported, and was never served.
  expect(condition(await readPoolStatus(stale), 'Ready')?.reason).toBe('InvalidSpec');
  await deletePool(stale);
  // Back up: the marker goes (Fulcrum undoes only what is still its own; the cordon was lifted by hand).
  await eventually(
    `node ${victim} unmarked`,
    async () => {
      const n = await scenario.node(victim);
      return !n.metadata?.annotations?.[FENCED_BY_ANNOTATION] && !n.spec?.unschedulable ? true : undefined;
    },
    60_000,
  );
}, 240_000);

test('a zone-wide failure holds failover: 3 of a zone’s 4 nodes dead is PartitionSuspected (ZoneWideFailure), nothing fenced', async () => {
  const zoneA = scenario.nodeNames.slice(0, 4);
  const zoneB = scenario.nodeNames.slice(4);
  for (const [zone, nodes] of [
    ['a', zoneA],
    ['b', zoneB],
  ] as const)
    await kubectl(['label', 'node', ...nodes, `${ZONE_LABEL}=${suffix}-${zone}`, '--overwrite']);
  const dead = zoneA.slice(0, 3);
  const before = await scenario.pods();
  for (const node of dead) await scenario.kill(node);
  try {
    const status = await eventually(
      'PartitionSuspected=True (ZoneWideFailure)',
      async () => {
        const s = await scenario.poolStatus();
        return condition(s, 'PartitionSuspected')?.reason === 'ZoneWideFailure' ? s : undefined;
      },
      30_000,
    );
    expect(condition(status, 'PartitionSuspected')).toMatchObject({ status: 'True' });
    expect(condition(status, 'PartitionSuspected')?.message).toContain(`zone ${suffix}-a`);
    // Longer than a missed renewal (13 s): a dead node would be Failed and fenced by now.
    await new Promise((r) => setTimeout(r, 16_000));
    for (const node of dead) {
      const n = await scenario.node(node);
      expect(n.spec?.unschedulable).toBeFalsy();
      expect(n.metadata?.annotations?.[FENCED_BY_ANNOTATION]).toBeUndefined();
    }
    const after = await scenario.pods();
    expect(after.filter((p) => p.deleting && !before.find((q) => q.uid === p.uid)?.deleting)).toEqual([]);
  } finally {
    for (const node of dead) await scenario.revive(node);
  }
}, 120_000);

interface PoolObject {
  metadata: { generation?: number };
  spec: unknown;
}

async function readPool(): Promise<PoolObject> {
  return (await custom.getClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    name: scenario.pool,
  })) as PoolObject;
}

async function readPoolStatus(name: string): Promise<PoolStatusView> {
  const object = (await custom.getClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    name,
  })) as { status?: PoolStatusView };
  return object.status ?? {};
}

async function deletePool(name: string): Promise<void> {
  await custom.deleteClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    name,
  });
}

/**
 * Stores a pool (selecting no node) whose failover settings the current CRD refuses, the way an older CRD let
 * it in: the ResourcePool schema's spec is loosened to any object, the pool created, then the committed CRDs
 * applied again (the API server keeps stored objects as they are).
 */
async function storeUnderLooseCrd(name: string, failover: Record<string, unknown>): Promise<void> {
  const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const crdName = `${RESOURCE_POOL_PLURAL}.${GROUP}`;
  const crd = await extensions.readCustomResourceDefinition({ name: crdName });
  for (const version of crd.spec.versions) {
    const properties = version.schema?.openAPIV3Schema?.properties;
    if (properties?.spec) properties.spec = { type: 'object', x_kubernetes_preserve_unknown_fields: true };
  }
  await extensions.replaceCustomResourceDefinition({ name: crdName, body: crd });
  try {
    const body = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'ResourcePool',
      metadata: { name },
      spec: { nodeSelector: { matchLabels: { 'fulcrum.io/pool': name } }, failover },
    };
    // The loosened schema takes a moment to be served.
    await eventually(`pool ${name} stored under the loose CRD`, async () => {
      try {
        return await custom.createClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural: RESOURCE_POOL_PLURAL,
          body,
        });
      } catch (error) {
        if ((error as { code?: number }).code === 422) return undefined;
        throw error;
      }
    });
  } finally {
    await installCrds(kc);
  }
  // The strict CRD is back: the same pool would be refused now.
  await expect(
    custom.createClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'ResourcePool',
        metadata: { name: `${name}-x` },
        spec: { nodeSelector: {}, failover },
      },
    }),
  ).rejects.toMatchObject({ code: 422 });
}

/** Sets the node's Ready condition as a kubelet reports runtime trouble. */
async function reportNotReady(node: string): Promise<void> {
  await setReady(node, 'False', 'KubeletNotReady', 'container runtime is down (test)');
}

/**
 * The stand-in kubelet's Lease renewal: every `periodMs` from its start (a steady cadence, not one that drifts
 * with the time each write takes), renewTime now (MicroTime: microseconds), the kubelet's default 40 s duration.
 */
class LeaseRenewer {
  private readonly coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  private readonly loop: Promise<void>;
  private stopped = false;
  private count = 0;
  private failure: unknown;

  constructor(
    private readonly node: string,
    private readonly periodMs: number,
  ) {
    this.loop = this.run();
  }

  /** Resolves once `n` renewals were written since the start. */
  async renewals(n: number): Promise<void> {
    await eventually(
      `${n} renewals of ${this.node}'s Lease`,
      async () => (this.count >= n ? true : undefined),
      30_000,
    );
  }

  /** Stops renewing; throws if a renewal failed (the premise, a fresh Lease, would not have held). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    if (this.failure !== undefined) throw this.failure;
  }

  private async run(): Promise<void> {
    const start = Date.now();
    for (let i = 0; !this.stopped; i++) {
      try {
        await this.renew();
      } catch (error) {
        this.failure = error;
        return;
      }
      const next = start + (i + 1) * this.periodMs;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  }

  private async renew(): Promise<void> {
    const renewTime = new Date().toISOString().replace('Z', '000Z');
    await this.coordination.patchNamespacedLease(
      {
        name: this.node,
        namespace: 'kube-node-lease',
        body: { spec: { renewTime, leaseDurationSeconds: 40 } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    this.count++;
  }
}

async function setReady(node: string, status: string, reason: string, message: string): Promise<void> {
  const now = new Date().toISOString();
  const ready = { type: 'Ready', status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now };
  await kubectl([
    'patch',
    'node',
    node,
    '--subresource=status',
    '--type=strategic',
    '-p',
    JSON.stringify({ status: { conditions: [ready] } }),
  ]);
}

/** Events about a cluster-scoped object land in the default namespace. */
async function nodeEvents(node: string, reason: string): Promise<k8s.CoreV1Event[]> {
  const list = await core.listNamespacedEvent({
    namespace: 'default',
    fieldSelector: `involvedObject.kind=Node,involvedObject.name=${node},reason=${reason}`,
  });
  return list.items;
}
