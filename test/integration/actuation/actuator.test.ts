/**
 * The Actuator against the real API server: PDBs, DryRun, budgets, uid preconditions, and node writes that
 * never clobber a concurrent change. Pods are bound straight to this suite's own kwok node.
 */
import * as k8s from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { ActionMetrics } from '../../../src/actuation/action-metrics.js';
import { Actuator, type ActuatorOptions } from '../../../src/actuation/actuator.js';
import { kubeActuationClient, type ActuationClient } from '../../../src/actuation/kube-client.js';
import type { ActionContext, PodRef } from '../../../src/actuation/action-requests.js';
import { EventRecorder } from '../../../src/kube/event-recorder.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { createTestNamespace, eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { addNode } from '../support/operator.js';

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const policy = kc.makeApiClient(k8s.PolicyV1Api);
const suffix = Math.random().toString(36).slice(2, 7);
const nodeName = `act-${suffix}`;
let ns: { name: string; remove: () => Promise<void> };
let events: EventRecorder;

const context = (mode: ActionContext['mode'] = 'Enforce'): ActionContext => ({
  source: 'rebalance',
  pool: `pool-${suffix}`,
  reason: 'integration test',
  mode,
});

function actuator(options: Partial<ActuatorOptions> = {}): { actuator: Actuator; registry: Registry } {
  const registry = new Registry();
  const made = new Actuator({
    client: kubeActuationClient(core),
    events,
    logger: silentLogger(),
    metrics: new ActionMetrics(registry),
    ...options,
  });
  return { actuator: made, registry };
}

async function runningPod(name: string, labels: Record<string, string> = {}): Promise<PodRef> {
  const pod = await core.createNamespacedPod({
    namespace: ns.name,
    body: {
      metadata: { name, labels },
      spec: { nodeName, containers: [{ name: 'app', image: 'registry.invalid/app' }] },
    },
  });
  await eventually(`pod ${name} running`, async () => {
    const got = await core.readNamespacedPod({ name, namespace: ns.name });
    return got.status?.phase === 'Running' ? true : undefined;
  });
  return { namespace: ns.name, name, uid: pod.metadata!.uid!, node: nodeName };
}

async function podUid(name: string): Promise<string | undefined> {
  try {
    return (await core.readNamespacedPod({ name, namespace: ns.name })).metadata?.uid;
  } catch {
    return undefined;
  }
}

async function eventReasons(object: string): Promise<string[]> {
  await events.flush();
  const list = await core.listNamespacedEvent({
    namespace: ns.name,
    fieldSelector: `involvedObject.name=${object}`,
  });
  return list.items.map((e) => e.reason ?? '');
}

async function actionCount(registry: Registry, labels: string): Promise<number> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`fulcrum_actions_total{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

beforeAll(async () => {
  ns = await createTestNamespace(kc, 'actuator');
  events = new EventRecorder(core, { logger: silentLogger(), minWriteIntervalMs: 0 });
  await addNode(nodeName, { cpu: '8', memory: '32Gi', labels: { 'fulcrum.io/test': `act-${suffix}` } });
});

afterAll(async () => {
  await events?.close();
  await core.deleteNode({ name: nodeName }).catch(() => undefined);
  await ns?.remove();
});

test('an eviction refused by a PodDisruptionBudget is Blocked, reported, and the pod stays', async () => {
  const pod = await runningPod('guarded', { app: 'guarded' });
  await policy.createNamespacedPodDisruptionBudget({
    namespace: ns.name,
    body: {
      metadata: { name: 'guarded' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    },
  });
  await eventually('PDB observed the pod', async () => {
    const pdb = await policy.readNamespacedPodDisruptionBudget({ name: 'guarded', namespace: ns.name });
    return pdb.status?.currentHealthy === 1 && pdb.status.disruptionsAllowed === 0 ? true : undefined;
  });
  const { actuator: act, registry } = actuator();
  const result = await act.evict({ ...context(), pod });
  expect(result.outcome).toBe('Blocked');
  expect(result.message).toMatch(/could not evict pod .*guarded.*disruption budget/i);
  expect(await podUid('guarded')).toBe(pod.uid);
  expect(await actionCount(registry, 'source="rebalance",action="Evict",outcome="Blocked"')).toBe(1);
  expect(await eventReasons('guarded')).toContain('EvictBlocked');
});

test('an eviction without a PDB in the way is Done and the pod goes', async () => {
  const pod = await runningPod('free');
  const { actuator: act } = actuator();
  expect((await act.evict({ ...context(), pod })).outcome).toBe('Done');
  await eventually('evicted pod gone', async () => ((await podUid('free')) === undefined ? true : undefined));
  // Evicting it again: it is gone, which is not an error.
  expect((await act.evict({ ...context(), pod })).outcome).toBe('Gone');
});

test('DryRun writes nothing, but logs, records a "would" Event and counts', async () => {
  const pod = await runningPod('rehearsed');
  const { actuator: act, registry } = actuator();
  const deletion = await act.deletePod({ ...context('DryRun'), pod, force: true });
  expect(deletion).toMatchObject({ outcome: 'DryRun' });
  expect(deletion.message).toMatch(/^would delete pod/);
  const cordon = await act.cordon(context('DryRun'), nodeName);
  expect(cordon.outcome).toBe('DryRun');
  expect(await podUid('rehearsed')).toBe(pod.uid);
  expect((await core.readNode({ name: nodeName })).spec?.unschedulable).toBeFalsy();
  expect(await eventReasons('rehearsed')).toContain('DeletePodDryRun');
  expect(await actionCount(registry, 'source="rebalance",action="DeletePod",outcome="DryRun"')).toBe(1);
  expect(await actionCount(registry, 'source="rebalance",action="Cordon",outcome="DryRun"')).toBe(1);
});

test('an exhausted budget denies the action and nothing is deleted', async () => {
  const first = await runningPod('budget-a');
  const second = await runningPod('budget-b');
  const { actuator: act, registry } = actuator({
    budgets: [{ name: 'one-per-minute', scope: 'pool', actions: ['DeletePod'], limit: 1, windowMs: 60_000 }],
  });
  expect((await act.deletePod({ ...context(), pod: first, force: true })).outcome).toBe('Done');
  const denied = await act.deletePod({ ...context(), pod: second, force: true });
  expect(denied.outcome).toBe('Denied');
  expect(denied.retryAfterMs).toBeGreaterThan(0);
  expect(denied.message).toMatch(/one-per-minute exhausted/);
  expect(await podUid('budget-b')).toBe(second.uid);
  expect(await actionCount(registry, 'source="rebalance",action="DeletePod",outcome="Denied"')).toBe(1);
});

test('the uid precondition protects a same-named replacement', async () => {
  const original = await runningPod('same-name');
  await core.deleteNamespacedPod({ name: 'same-name', namespace: ns.name, gracePeriodSeconds: 0 });
  await eventually('original gone', async () =>
    (await podUid('same-name')) === undefined ? true : undefined,
  );
  const replacement = await runningPod('same-name');
  expect(replacement.uid).not.toBe(original.uid);
  const { actuator: act } = actuator();
  const result = await act.deletePod({ ...context(), pod: original, force: true });
  expect(result.outcome).toBe('Gone');
  expect(result.message).toMatch(/another pod now has the name/);
  expect(await podUid('same-name')).toBe(replacement.uid);
});

test('a node write never clobbers a change made between its read and its write', async () => {
  // A client that lets someone else taint the node right after the actuator's first read.
  const real = kubeActuationClient(core);
  let interfered = false;
  const racing: ActuationClient = {
    ...real,
    readNode: async (name, signal) => {
      const node = await real.readNode(name, signal);
      if (!interfered) {
        interfered = true;
        await kubectl(['taint', 'node', name, 'someone-else=1:NoSchedule']);
      }
      return node;
    },
  };
  const { actuator: act } = actuator({ client: racing });
  const taint = { key: `fulcrum.io/test-${suffix}`, value: 'x', effect: 'NoSchedule' };
  const result = await act.changeNode({
    ...context(),
    node: nodeName,
    label: 'Fence',
    changes: [
      { kind: 'Cordon' },
      { kind: 'Taint', taint },
      { kind: 'Annotate', key: 'fulcrum.io/m', value: 'v' },
    ],
  });
  expect(result).toMatchObject({ outcome: 'Done', changed: true });
  const node = await core.readNode({ name: nodeName });
  expect(node.spec?.unschedulable).toBe(true);
  // Both taints are there (and the node lifecycle controller's own unschedulable taint may be, too).
  expect(node.spec?.taints?.map((t) => t.key)).toEqual(expect.arrayContaining([taint.key, 'someone-else']));
  expect(node.metadata?.annotations?.['fulcrum.io/m']).toBe('v');
  // Undo: the other taint stays.
  const undo = await act.changeNode({
    ...context(),
    node: nodeName,
    changes: [
      { kind: 'Untaint', key: taint.key },
      { kind: 'Uncordon' },
      { kind: 'Unannotate', key: 'fulcrum.io/m' },
    ],
  });
  expect(undo.outcome).toBe('Done');
  const after = await core.readNode({ name: nodeName });
  expect(after.spec?.unschedulable).toBeFalsy();
  expect(after.spec?.taints?.map((t) => t.key)).toContain('someone-else');
  expect(after.spec?.taints?.map((t) => t.key)).not.toContain(taint.key);
  expect(after.metadata?.annotations?.['fulcrum.io/m']).toBeUndefined();
  // Asking again finds nothing to change and writes nothing.
  const again = await act.uncordon(context(), nodeName);
  expect(again).toMatchObject({ outcome: 'Done', changed: false });
});

test('a missing node is Gone', async () => {
  const { actuator: act } = actuator();
  expect((await act.cordon(context(), `no-such-node-${suffix}`)).outcome).toBe('Gone');
});
