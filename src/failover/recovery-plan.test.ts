import fc from 'fast-check';
import { nodeInfoFromNode, type NodeInfo } from '../model/node-info.js';
import { podInfoFromPod, type PodInfo } from '../model/pod-info.js';
import { modelOf, node, pod } from '../testing/builders.js';
import { newNodeHealth, type NodeHealth, type NodeHealthState } from './detector.js';
import { FENCE_CONFIRMED_ANNOTATION } from './confirmed-down.js';
import { FENCED_BY_ANNOTATION, formatFenceMarker, readFenceMarker } from './fence-marker.js';
import {
  OUT_OF_SERVICE_TAINT_KEY,
  outOfServiceTaint,
  planFailover,
  planNodeGone,
  planUnfence,
  podsOnNode,
  type FailoverPlanInput,
  type FailoverPodPolicy,
  type FenceAction,
  type Fencing,
  type UnfenceAction,
} from './recovery-plan.js';

const NOW = Date.parse('2026-05-04T10:00:00Z');
const SAFE_TIME_MS = 60_000;
/** Failed at NOW − 1 s (see health()): the safe time has run out at this time. */
const AFTER_SAFE_TIME = NOW - 1000 + SAFE_TIME_MS;

function health(state: NodeHealth): NodeHealthState {
  const down = state === 'Failed' || state === 'Recovering';
  return {
    ...newNodeHealth(
      'n1',
      down ? { at: NOW - 1000, reason: { source: 'probe', message: 'refused' } } : undefined,
    ),
    health: state,
    consecutiveSuccesses: state === 'Healthy' ? 2 : 0,
  };
}

/** Applies fence or unfence writes to a NodeInfo, as the API server would. */
function apply(info: NodeInfo, actions: ReadonlyArray<FenceAction | UnfenceAction>): NodeInfo {
  const out: NodeInfo = { ...info, annotations: { ...info.annotations }, taints: [...info.taints] };
  for (const a of actions) {
    switch (a.kind) {
      case 'Mark':
        out.annotations[a.annotation] = a.value;
        break;
      case 'Unmark':
        delete out.annotations[a.annotation];
        break;
      case 'Cordon':
        out.unschedulable = true;
        break;
      case 'Uncordon':
        out.unschedulable = false;
        break;
      case 'Taint':
        out.taints.push(a.taint);
        break;
      case 'Untaint':
        out.taints = out.taints.filter((t) => !(t.key === a.taint.key && t.effect === a.taint.effect));
        break;
    }
  }
  return out;
}

/** Policies by app label: app=none → None; priority from the `prio` label (default 0). */
const policyOf = (p: PodInfo): FailoverPodPolicy => ({
  failover: p.labels.app === 'none' ? 'None' : 'Reschedule',
  priority: Number(p.labels.prio ?? 0),
});
const ownerKind = (p: PodInfo): string | undefined => p.labels.owner;

function input(overrides: Partial<FailoverPlanInput> = {}): FailoverPlanInput {
  return {
    pool: 'general',
    node: nodeInfoFromNode(node('n1').inPool('general').obj()),
    health: health('Failed'),
    fencing: 'OutOfServiceTaint',
    fenced: false,
    pods: [],
    policyOf,
    ownerKind,
    now: NOW,
    safeTimeMs: SAFE_TIME_MS,
    ...overrides,
  };
}

/** n1 fenced by Fulcrum (marker, cordon) as the informer would show it after the fence writes. */
function fencedNode(fencing: Fencing = 'OutOfServiceTaint'): NodeInfo {
  const plan = planFailover(input({ fencing }));
  if (plan.step !== 'Fence') throw new Error('expected a fence plan');
  return apply(input().node, plan.actions);
}

/** n1 fenced, then confirmed down after the safe time and released (out-of-service taint). */
function releasedNode(): NodeInfo {
  const plan = planFailover(input({ node: fencedNode(), fenced: true, now: AFTER_SAFE_TIME }));
  if (plan.step !== 'Release') throw new Error(`expected a release plan, got ${plan.step}`);
  return apply(fencedNode(), plan.actions);
}

/** A pod on n1; owner ReplicaSet (Replaceable) unless the labels say otherwise. */
const onN1 = (name: string, labels: Record<string, string> = {}) => {
  const b = pod(name, 'shop').onNode('n1');
  for (const [k, v] of Object.entries({ owner: 'ReplicaSet', ...labels })) if (v !== '') b.label(k, v);
  return podInfoFromPod(b.obj());
};

describe('planFailover: fencing', () => {
  test('an unfenced failed node is fenced first (marker, cordon; no taint before confirmed down) and nothing is deleted', () => {
    const plan = planFailover(input({ pods: [onN1('a')] }));
    expect(plan.step).toBe('Fence');
    if (plan.step !== 'Fence') return;
    expect(plan.actions.map((a) => a.kind)).toEqual(['Mark', 'Cordon']);
    const mark = plan.actions[0] as Extract<FenceAction, { kind: 'Mark' }>;
    expect(mark.annotation).toBe(FENCED_BY_ANNOTATION);
    expect(readFenceMarker({ [FENCED_BY_ANNOTATION]: mark.value })).toEqual({
      pool: 'general',
      cordoned: true,
      tainted: false,
      at: NOW,
    });
    expect(plan.message).toBe('node n1 failed (probe: refused): fencing (mark, cordon)');
  });

  test('CordonOnly fences with a cordon and no taint', () => {
    const plan = planFailover(input({ fencing: 'CordonOnly' }));
    expect(plan.step === 'Fence' && plan.actions.map((a) => a.kind)).toEqual(['Mark', 'Cordon']);
  });

  test('confirmed down, OutOfServiceTaint: Release writes the taint and records it in the marker', () => {
    const plan = planFailover(input({ node: fencedNode(), fenced: true, now: AFTER_SAFE_TIME }));
    if (plan.step !== 'Release') throw new Error(`expected Release, got ${plan.step}`);
    expect(plan.actions.map((a) => a.kind)).toEqual(['Mark', 'Taint']);
    expect(plan.actions[1]).toEqual({
      kind: 'Taint',
      node: 'n1',
      taint: { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoSchedule' },
    });
    expect(readFenceMarker(releasedNode().annotations)).toEqual({
      pool: 'general',
      cordoned: true,
      tainted: true,
      at: NOW,
    });
    expect(plan.confirmed.by).toBe('SafeTime');
  });

  test('the taint effect can be NoExecute when asked (the taint manager then evicts every pod)', () => {
    const plan = planFailover(
      input({ node: fencedNode(), fenced: true, now: AFTER_SAFE_TIME, outOfServiceEffect: 'NoExecute' }),
    );
    expect(plan.step === 'Release' && plan.actions[1]).toEqual({
      kind: 'Taint',
      node: 'n1',
      taint: outOfServiceTaint('NoExecute'),
    });
  });

  test('CordonOnly never taints, even confirmed down', () => {
    const plan = planFailover(
      input({ fencing: 'CordonOnly', node: fencedNode('CordonOnly'), fenced: true, now: AFTER_SAFE_TIME }),
    );
    expect(plan.step).toBe('Reschedule');
  });

  test('a node an administrator cordoned is not cordoned again, and the marker says Fulcrum did not cordon it', () => {
    const cordoned = nodeInfoFromNode(node('n1').unschedulable().obj());
    const plan = planFailover(input({ node: cordoned }));
    if (plan.step !== 'Fence') throw new Error('expected a fence plan');
    expect(plan.actions.map((a) => a.kind)).toEqual(['Mark']);
    const after = apply(cordoned, plan.actions);
    expect(readFenceMarker(after.annotations)).toMatchObject({ cordoned: false, tainted: false });
  });

  test('a half-written fence is completed, keeping what the marker already records', () => {
    const first = planFailover(input());
    if (first.step !== 'Fence') throw new Error('expected a fence plan');
    // Only the marker landed; the cordon write failed.
    const partial = apply(input().node, first.actions.slice(0, 1));
    const retry = planFailover(input({ node: partial, fenced: true, now: NOW + 5000 }));
    if (retry.step !== 'Fence') throw new Error('expected a fence plan');
    expect(retry.actions.map((a) => a.kind)).toEqual(['Mark', 'Cordon']);
    expect(readFenceMarker(apply(partial, retry.actions).annotations)).toEqual({
      pool: 'general',
      cordoned: true,
      tainted: false,
      at: NOW,
    });
  });

  test('the caller saying fenced is not enough: the node must show the fence', () => {
    expect(planFailover(input({ fenced: true, pods: [onN1('a')] })).step).toBe('Fence');
  });

  test('the node showing the fence is not enough: the caller must confirm it', () => {
    expect(planFailover(input({ node: fencedNode(), fenced: false, pods: [onN1('a')] })).step).toBe('Fence');
  });

  test.each(['Healthy', 'Suspect', 'Recovering'] as const)('a %s node is held', (state) => {
    const plan = planFailover(input({ health: health(state), node: fencedNode(), fenced: true }));
    expect(plan).toEqual({ step: 'Hold', node: 'n1', message: `node n1 is ${state}, not Failed` });
  });
});

describe('planFailover: a human uncordon is respected', () => {
  const byHand = (info: NodeInfo): NodeInfo => ({ ...info, unschedulable: false });
  const later = NOW + 5_000;

  test('a fenced node uncordoned by hand is recorded in the marker once, nothing cordoned or deleted', () => {
    const uncordoned = byHand(fencedNode());
    const plan = planFailover(
      input({ node: uncordoned, fenced: false, fenceSeen: true, now: later, pods: [onN1('a')] }),
    );
    expect(plan.step).toBe('RecordUncordon');
    if (plan.step !== 'RecordUncordon') return;
    expect(plan.actions.map((a) => a.kind)).toEqual(['Mark']);
    const recorded = apply(uncordoned, plan.actions);
    expect(readFenceMarker(recorded.annotations)).toMatchObject({
      cordoned: true,
      at: NOW,
      uncordonedAt: later,
    });
    expect(plan.message).toContain('uncordoned by hand while fenced: respecting it');
    // Recorded: from now on held, whatever the caller says about the fence.
    for (const fenced of [true, false]) {
      const next = planFailover(input({ node: recorded, fenced, now: later + 60_000, pods: [onN1('a')] }));
      expect(next.step).toBe('Hold');
    }
  });

  test('even confirmed down and released, an uncordoned node deletes nothing until it fails anew', () => {
    const recordedPlan = planFailover(input({ node: byHand(releasedNode()), fenceSeen: true, now: later }));
    if (recordedPlan.step !== 'RecordUncordon') throw new Error(`got ${recordedPlan.step}`);
    const recorded = apply(byHand(releasedNode()), recordedPlan.actions);
    const plan = planFailover(
      input({
        node: recorded,
        fenced: true,
        now: AFTER_SAFE_TIME + 60_000,
        pods: [onN1('db', { owner: 'StatefulSet' })],
      }),
    );
    expect(plan.step).toBe('Hold');
  });

  test('fresh failing evidence (a failure that began after the uncordon) fences again, as a new fence', () => {
    const first = planFailover(input({ node: byHand(fencedNode()), fenceSeen: true, now: later }));
    if (first.step !== 'RecordUncordon') throw new Error(`got ${first.step}`);
    const recorded = apply(byHand(fencedNode()), first.actions);
    const failedAgain = { ...health('Failed'), failedAt: later + 1_000 };
    const plan = planFailover(input({ node: recorded, health: failedAgain, now: later + 2_000 }));
    expect(plan.step).toBe('Fence');
    if (plan.step !== 'Fence') return;
    expect(plan.actions.map((a) => a.kind)).toEqual(['Mark', 'Cordon']);
    const refenced = apply(recorded, plan.actions);
    expect(readFenceMarker(refenced.annotations)).toEqual({
      pool: 'general',
      cordoned: true,
      tainted: false,
      at: later + 2_000,
    });
    // Uncordoned by hand again: respected again (the new fence is newer than the failure).
    const again = planFailover(
      input({ node: byHand(refenced), health: failedAgain, fenceSeen: true, now: later + 9_000 }),
    );
    expect(again.step).toBe('RecordUncordon');
  });

  test('a new leader that observes the node fail itself has fresh evidence', () => {
    const first = planFailover(input({ node: byHand(fencedNode()), fenceSeen: true, now: later }));
    if (first.step !== 'RecordUncordon') throw new Error(`got ${first.step}`);
    const recorded = apply(byHand(fencedNode()), first.actions);
    const newTerm = { ...health('Failed'), failedAt: later + 30_000 };
    expect(planFailover(input({ node: recorded, health: newTerm, now: later + 31_000 })).step).toBe('Fence');
  });

  test('a marker on a schedulable node never seen fenced is a fence to complete, not an uncordon', () => {
    const plan = planFailover(input({ node: byHand(fencedNode()), now: later }));
    expect(plan.step === 'Fence' && plan.actions.map((a) => a.kind)).toEqual(['Mark', 'Cordon']);
  });

  test('the marker with uncordonedAt round-trips; a malformed one is unreadable', () => {
    const marker = { pool: 'p', cordoned: true, tainted: false, at: NOW, uncordonedAt: later };
    expect(readFenceMarker({ [FENCED_BY_ANNOTATION]: formatFenceMarker(marker) })).toEqual(marker);
    const bad = JSON.stringify({ pool: 'p', cordoned: true, tainted: false, at: 'x', uncordonedAt: 'y' });
    expect(readFenceMarker({ [FENCED_BY_ANNOTATION]: bad })).toBe('invalid');
    const badUncordon = JSON.stringify({
      pool: 'p',
      cordoned: true,
      tainted: false,
      at: new Date(NOW),
      uncordonedAt: 7,
    });
    expect(readFenceMarker({ [FENCED_BY_ANNOTATION]: badUncordon })).toBe('invalid');
  });
});

describe('planFailover: rescheduling', () => {
  test('pods are deleted highest priority first, then by key; the rest are reported skipped', () => {
    const pods = [
      onN1('low', { prio: '1' }),
      onN1('b-high', { prio: '900' }),
      onN1('a-high', { prio: '900' }),
      onN1('mid', { prio: '100' }),
      onN1('keep', { app: 'none', prio: '1000' }),
      onN1('ds', { owner: 'DaemonSet' }),
      onN1('static', { owner: 'Node' }),
      podInfoFromPod(pod('elsewhere', 'shop').onNode('n2').obj()),
      podInfoFromPod(pod('done', 'shop').onNode('n1').phase('Succeeded').obj()),
    ];
    const plan = planFailover(input({ node: fencedNode(), fenced: true, pods }));
    if (plan.step !== 'Reschedule') throw new Error(`expected Reschedule, got ${plan.step}`);
    expect(plan.deletions.map((d) => `${d.pod}@${d.priority}`)).toEqual([
      'shop/a-high@900',
      'shop/b-high@900',
      'shop/mid@100',
      'shop/low@1',
    ]);
    expect(plan.skipped).toEqual([
      { pod: 'shop/done', reason: 'Terminal' },
      { pod: 'shop/ds', reason: 'DaemonSet' },
      { pod: 'shop/keep', reason: 'FailoverNone' },
      { pod: 'shop/static', reason: 'MirrorPod' },
    ]);
    expect(plan.deletions[0]).toEqual({
      kind: 'DeletePod',
      node: 'n1',
      pod: 'shop/a-high',
      namespace: 'shop',
      name: 'a-high',
      uid: 'uid-shop-a-high',
      priority: 900,
      force: false,
      podClass: { class: 'Replaceable', reason: 'ReplicaSet' },
    });
  });

  test('fast path: Replaceable pods are deleted gracefully, at-most-once pods wait and say why', () => {
    const pods = [
      onN1('web'),
      onN1('job', { owner: 'Job' }),
      onN1('db-0', { owner: 'StatefulSet' }),
      onN1('bare', { owner: '' }),
    ];
    const plan = planFailover(input({ node: fencedNode(), fenced: true, pods }));
    if (plan.step !== 'Reschedule') throw new Error(`expected Reschedule, got ${plan.step}`);
    expect(plan.deletions.map((d) => [d.pod, d.force])).toEqual([
      ['shop/job', false],
      ['shop/web', false],
    ]);
    expect(plan.awaiting.map((a) => [a.pod, a.podClass.reason])).toEqual([
      ['shop/bare', 'NoController'],
      ['shop/db-0', 'StatefulSet'],
    ]);
    expect(plan.confirmed.down).toBe(false);
    expect(plan.message).toContain('2 at-most-once pods wait until it is confirmed down');
    expect(plan.message).toContain('released at 2026-05-04T10:00:59.000Z (safe time 60s)');
  });

  test('confirmed down: at-most-once pods and pods stuck terminating are force-deleted', () => {
    const pods = [onN1('db-0', { owner: 'StatefulSet' }), { ...onN1('stuck'), deleting: true }];
    const plan = planFailover(input({ node: releasedNode(), fenced: true, pods, now: AFTER_SAFE_TIME }));
    if (plan.step !== 'Reschedule') throw new Error(`expected Reschedule, got ${plan.step}`);
    expect(plan.deletions.map((d) => [d.pod, d.force])).toEqual([
      ['shop/db-0', true],
      ['shop/stuck', true],
    ]);
    expect(plan.awaiting).toEqual([]);
  });

  test('a fence agent confirmation newer than the last Lease renewal releases at once', () => {
    const confirmedAt = new Date(NOW).toISOString();
    const agent = {
      ...fencedNode(),
      annotations: { ...fencedNode().annotations, [FENCE_CONFIRMED_ANNOTATION]: confirmedAt },
    };
    const plan = planFailover(
      input({
        node: agent,
        fenced: true,
        leaseRenewTime: () => NOW - 30_000,
        pods: [onN1('db-0', { owner: 'StatefulSet' })],
      }),
    );
    expect(plan.step === 'Release' && plan.confirmed.by).toBe('FenceAgent');
    const stale = planFailover(
      input({
        node: agent,
        fenced: true,
        leaseRenewTime: () => NOW + 1,
        pods: [onN1('db-0', { owner: 'StatefulSet' })],
      }),
    );
    expect(stale.step === 'Reschedule' && stale.awaiting.map((a) => a.pod)).toEqual(['shop/db-0']);
  });

  test('planNodeGone force-deletes every Reschedule pod of a deleted node, at-most-once ones included', () => {
    const pods = [onN1('db-0', { owner: 'StatefulSet' }), onN1('web'), onN1('keep', { app: 'none' })];
    const plan = planNodeGone({ node: 'n1', pods, policyOf, ownerKind });
    expect(plan.deletions.map((d) => [d.pod, d.force])).toEqual([
      ['shop/db-0', true],
      ['shop/web', true],
    ]);
    expect(plan.confirmed).toMatchObject({ down: true, by: 'NodeDeleted' });
    expect(plan.skipped).toEqual([{ pod: 'shop/keep', reason: 'FailoverNone' }]);
  });

  test('a mirror pod recognised by the caller is skipped', () => {
    const plan = planFailover(
      input({ node: fencedNode(), fenced: true, pods: [onN1('etcd')], isMirrorPod: () => true }),
    );
    expect(plan.step === 'Reschedule' && plan.skipped).toEqual([{ pod: 'shop/etcd', reason: 'MirrorPod' }]);
  });

  test('before confirmed down, pods already terminating are left alone (no force)', () => {
    const pods = [onN1('a'), { ...onN1('stuck'), deleting: true }];
    const plan = planFailover(
      input({ fencing: 'CordonOnly', node: fencedNode('CordonOnly'), fenced: true, pods }),
    );
    if (plan.step !== 'Reschedule') throw new Error('expected Reschedule');
    expect(plan.deletions.map((d) => [d.pod, d.force])).toEqual([['shop/a', false]]);
    expect(plan.skipped).toEqual([{ pod: 'shop/stuck', reason: 'AlreadyDeleting' }]);
  });

  test('podsOnNode reads the pods of one node from the model', () => {
    const model = modelOf(
      [node('n1').obj(), node('n2').obj()],
      [pod('a').onNode('n1').obj(), pod('b').onNode('n2').obj(), pod('c').onNode('n1').obj()],
    );
    expect(
      podsOnNode(model, 'n1')
        .map((p) => p.key)
        .sort(),
    ).toEqual(['default/a', 'default/c']);
  });
});

describe('planUnfence', () => {
  test('a healthy node fenced by Fulcrum is untainted, uncordoned and unmarked, in that order', () => {
    const plan = planUnfence({ node: releasedNode(), health: health('Healthy'), proven: true });
    if (plan.step !== 'Unfence') throw new Error('expected Unfence');
    expect(plan.actions).toEqual([
      { kind: 'Untaint', node: 'n1', taint: outOfServiceTaint() },
      { kind: 'Uncordon', node: 'n1' },
      { kind: 'Unmark', node: 'n1', annotation: FENCED_BY_ANNOTATION },
    ]);
    const after = apply(releasedNode(), plan.actions);
    expect(after.unschedulable).toBe(false);
    expect(after.taints.some((t) => t.key === OUT_OF_SERVICE_TAINT_KEY)).toBe(false);
    expect(after.annotations[FENCED_BY_ANNOTATION]).toBeUndefined();
  });

  test('a cordon Fulcrum did not make is left in place', () => {
    const cordoned = nodeInfoFromNode(node('n1').unschedulable().obj());
    const fence = planFailover(input({ node: cordoned }));
    if (fence.step !== 'Fence') throw new Error('expected a fence plan');
    const plan = planUnfence({
      node: apply(cordoned, fence.actions),
      health: health('Healthy'),
      proven: true,
    });
    expect(plan.step === 'Unfence' && plan.actions.map((a) => a.kind)).toEqual(['Unmark']);
  });

  test("a fence agent's confirmation is removed with the fence, so it never confirms the next failure", () => {
    const confirmed = {
      ...fencedNode(),
      annotations: { ...fencedNode().annotations, [FENCE_CONFIRMED_ANNOTATION]: new Date(NOW).toISOString() },
    };
    const plan = planUnfence({ node: confirmed, health: health('Healthy'), proven: true });
    expect(plan.step === 'Unfence' && plan.actions).toEqual([
      { kind: 'Uncordon', node: 'n1' },
      { kind: 'Unmark', node: 'n1', annotation: FENCE_CONFIRMED_ANNOTATION },
      { kind: 'Unmark', node: 'n1', annotation: FENCED_BY_ANNOTATION },
    ]);
  });

  test.each(['Suspect', 'Failed', 'Recovering'] as const)('a %s node stays fenced', (state) => {
    expect(planUnfence({ node: fencedNode(), health: health(state), proven: true }).step).toBe('Hold');
  });

  test('a Healthy node not proven yet (successThreshold answered probes and a fresh Lease) keeps the fence', () => {
    expect(planUnfence({ node: fencedNode(), health: health('Healthy'), proven: false })).toMatchObject({
      step: 'Hold',
      message: 'node n1 has not answered successThreshold probes with a fresh Lease yet: keeping it fenced',
    });
  });

  test('an Unknown node (a new leader has no evidence yet) keeps the fence', () => {
    expect(planUnfence({ node: fencedNode(), health: newNodeHealth('n1'), proven: false }).step).toBe('Hold');
  });

  test('a node without the marker is not Fulcrum’s to unfence', () => {
    const cordoned = nodeInfoFromNode(
      node('n1').unschedulable().taint(OUT_OF_SERVICE_TAINT_KEY, 'NoExecute').obj(),
    );
    expect(planUnfence({ node: cordoned, health: health('Healthy'), proven: true })).toEqual({
      step: 'NotFenced',
      node: 'n1',
    });
  });

  test('an unreadable marker is left for a human', () => {
    const edited = nodeInfoFromNode(node('n1').unschedulable().annotate(FENCED_BY_ANNOTATION, 'yes').obj());
    expect(planUnfence({ node: edited, health: health('Healthy'), proven: true }).step).toBe('Hold');
  });

  test('the marker round-trips', () => {
    const marker = { pool: 'p', cordoned: false, tainted: true, at: NOW };
    expect(readFenceMarker({ [FENCED_BY_ANNOTATION]: formatFenceMarker(marker) })).toEqual(marker);
  });
});

describe('planFailover: properties', () => {
  const podArb = fc.record({
    name: fc.stringMatching(/^[a-z]{1,6}$/),
    prio: fc.integer({ min: -5, max: 5 }),
    none: fc.boolean(),
    owner: fc.constantFrom('', 'ReplicaSet', 'Job', 'StatefulSet', 'DaemonSet', 'Node', 'Database'),
    deleting: fc.boolean(),
    onOther: fc.boolean(),
  });
  const scenarioArb = fc.record({
    pods: fc.uniqueArray(podArb, { selector: (p) => p.name, maxLength: 30 }),
    health: fc.constantFrom<NodeHealth>('Healthy', 'Suspect', 'Failed', 'Recovering'),
    fencedByCaller: fc.boolean(),
    nodeFence: fc.constantFrom('none', 'partial', 'full'),
    fencing: fc.constantFrom<Fencing>('OutOfServiceTaint', 'CordonOnly'),
    afterSafeTime: fc.boolean(),
  });

  type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

  /** Plans one scenario and checks the invariants; returns the plan's step. */
  function check(s: Scenario): string {
    const pods = s.pods.map((p) => {
      const labels: Record<string, string> = { prio: String(p.prio) };
      if (p.none) labels.app = 'none';
      if (p.owner) labels.owner = p.owner;
      const b = pod(p.name, 'ns').onNode(p.onOther ? 'n2' : 'n1');
      for (const [k, v] of Object.entries(labels)) b.label(k, v);
      return { ...podInfoFromPod(b.obj()), deleting: p.deleting };
    });
    const full =
      s.afterSafeTime && s.fencing === 'OutOfServiceTaint' ? releasedNode() : fencedNode(s.fencing);
    const nodeInfo =
      s.nodeFence === 'full'
        ? full
        : s.nodeFence === 'partial'
          ? { ...full, unschedulable: false }
          : input().node;
    const plan = planFailover(
      input({
        pods,
        health: health(s.health),
        fenced: s.fencedByCaller,
        node: nodeInfo,
        fencing: s.fencing,
        now: s.afterSafeTime ? AFTER_SAFE_TIME : NOW,
      }),
    );
    if (plan.step === 'Release') expect(s.afterSafeTime && s.health === 'Failed').toBe(true);
    if (plan.step !== 'Reschedule') return plan.step;
    expect(s.health).toBe('Failed');
    expect(s.fencedByCaller).toBe(true);
    expect(s.nodeFence).toBe('full');
    const byKey = new Map(pods.map((p) => [p.key, p]));
    for (const d of plan.deletions) {
      const p = byKey.get(d.pod)!;
      expect(p.nodeName).toBe('n1');
      expect(policyOf(p).failover).toBe('Reschedule');
      expect(['DaemonSet', 'Node']).not.toContain(ownerKind(p));
      // Force only once confirmed down; at-most-once pods only then.
      expect(d.force).toBe(s.afterSafeTime);
      if (d.podClass.class === 'AtMostOnce') expect(s.afterSafeTime).toBe(true);
    }
    for (const a of plan.awaiting) expect(a.podClass.class).toBe('AtMostOnce');
    if (s.afterSafeTime) expect(plan.awaiting).toEqual([]);
    for (let i = 1; i < plan.deletions.length; i++) {
      const a = plan.deletions[i - 1]!;
      const b = plan.deletions[i]!;
      expect(a.priority > b.priority || (a.priority === b.priority && a.pod < b.pod)).toBe(true);
    }
    // Every pod of the node is either deleted or reported, once.
    const accounted = [
      ...plan.deletions.map((d) => d.pod),
      ...plan.skipped.map((x) => x.pod),
      ...plan.awaiting.map((x) => x.pod),
    ].sort();
    const wanted = pods.filter((p) => p.nodeName === 'n1').map((p) => p.key);
    expect(accounted).toEqual(wanted.sort());
    return plan.step;
  }

  test('no pod deletion is planned unless the node is Failed, confirmed fenced and visibly fenced', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => void check(s)),
      { numRuns: 500 },
    );
  });

  test('on a fenced failed node only Reschedule pods are deleted, highest priority first, each pod accounted for', () => {
    const fencedFailed = scenarioArb.map((s) => ({
      ...s,
      health: 'Failed' as const,
      fencedByCaller: true,
      nodeFence: 'full' as const,
    }));
    fc.assert(
      fc.property(fencedFailed, (s) => {
        expect(check(s)).toBe('Reschedule');
      }),
    );
  });
});
