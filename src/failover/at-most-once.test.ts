/**
 * The at-most-once guarantee, end to end through the pure core (detector → confirmed down → plans), for any
 * interleaving of what the world does and what the operator observes, leader changes included:
 *
 *   no at-most-once pod is ever deleted, force-deleted or released (out-of-service taint) unless the world
 *   gave confirmed-down evidence: the Node was deleted, a fence agent confirmed it off after its last Lease
 *   renewal, an administrator tainted it out-of-service, or — within the current leadership term — its probe
 *   failed and neither an answered probe nor a Lease renewal was seen for the whole safe time.
 *
 * The oracle reads the world's history (renewals, probe answers, term starts), never the detector's state.
 */
import fc from 'fast-check';
import { EvictionTrait } from '../model/eviction-traits.js';
import { nodeInfoFromNode, type NodeInfo } from '../model/node-info.js';
import { podInfoFromPod, type PodInfo } from '../model/pod-info.js';
import { node, pod } from '../testing/builders.js';
import { FENCE_CONFIRMED_ANNOTATION } from './confirmed-down.js';
import {
  newNodeHealth,
  step,
  type DetectorConfig,
  type NodeHealthState,
  type Observation,
} from './detector.js';
import { FENCED_BY_ANNOTATION } from './fence-marker.js';
import {
  isFenced,
  OUT_OF_SERVICE_TAINT_KEY,
  planFailover,
  planNodeGone,
  podClassOf,
  type FailoverPodPolicy,
  type FenceAction,
} from './recovery-plan.js';

const CONFIG: DetectorConfig = { failureThreshold: 3, successThreshold: 2 };
const SAFE_TIME_MS = 20_000;
const STALE_AFTER_MS = 13_000;

type WorldEvent =
  | { kind: 'wait'; ms: number }
  | { kind: 'probe'; result: 'ok' | 'fail' | 'inconclusive' }
  | { kind: 'renew' }
  | { kind: 'ready'; status: 'True' | 'False' | 'Unknown' }
  | { kind: 'fenceAgent'; agoMs: number }
  | { kind: 'removeFenceAgent' }
  | { kind: 'adminTaint' }
  | { kind: 'deleteNode' }
  | { kind: 'leaderChange' };

const eventArb: fc.Arbitrary<WorldEvent> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 100, max: 15_000 }) }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('probe' as const),
      result: fc.constantFrom<'ok' | 'fail' | 'inconclusive'>('fail', 'fail', 'fail', 'ok', 'inconclusive'),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'renew' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('ready' as const),
      status: fc.constantFrom<'True' | 'False' | 'Unknown'>('True', 'False', 'Unknown'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fenceAgent' as const),
      agoMs: fc.integer({ min: -5_000, max: 120_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'removeFenceAgent' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'adminTaint' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'deleteNode' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'leaderChange' as const }) },
);

const policyOf = (): FailoverPodPolicy => ({ failover: 'Reschedule', priority: 0, failoverClass: 'Auto' });
const ownerKind = (p: PodInfo): string | undefined => p.labels.owner;

function podOnN1(name: string, owner: string, pvc = false): PodInfo {
  const info = podInfoFromPod(pod(name, 'ns').onNode('n1').label('owner', owner).obj());
  return pvc
    ? { ...info, evictionTraits: (info.evictionTraits ?? 0) | EvictionTrait.PersistentVolumeClaim }
    : info;
}

const PODS = [
  podOnN1('db-0', 'StatefulSet'),
  podOnN1('web', 'ReplicaSet'),
  podOnN1('data', 'ReplicaSet', true),
];
const AT_MOST_ONCE = new Set(
  PODS.filter((p) => podClassOf(p, { policyOf, ownerKind }).class === 'AtMostOnce').map((p) => p.uid),
);

/** The world and the operator's view of it, as the interleaving unfolds. */
class Run {
  t = Date.parse('2026-05-04T10:00:00Z');
  termStart = this.t;
  lastRenewal = this.t;
  lastOkInTerm: number | undefined;
  /** The first failed probe since the last answer in this term (a renewal does not end the streak). */
  firstFailSinceLife: number | undefined;
  answeredInTerm = false;
  agentAt: number | undefined;
  adminTainted = false;
  deleted = false;
  node: NodeInfo = nodeInfoFromNode(node('n1').obj());
  health: NodeHealthState = newNodeHealth('n1');
  releases = 0;
  violations: string[] = [];

  apply(event: WorldEvent): void {
    switch (event.kind) {
      case 'wait':
        this.t += event.ms;
        break;
      case 'probe':
        this.probe(event.result);
        break;
      case 'renew':
        // A renewal restarts the silence, not the probe's failing streak: the safe time runs from the later
        // of the two (confirmed-down.ts, rule 4).
        this.lastRenewal = this.t;
        break;
      case 'ready':
        this.observe({ kind: 'condition', node: 'n1', at: this.t, status: event.status });
        break;
      case 'fenceAgent':
        this.agentAt = this.t - event.agoMs;
        this.node = withAnnotation(
          this.node,
          FENCE_CONFIRMED_ANNOTATION,
          new Date(this.agentAt).toISOString(),
        );
        break;
      case 'removeFenceAgent':
        this.agentAt = undefined;
        this.node = withAnnotation(this.node, FENCE_CONFIRMED_ANNOTATION, undefined);
        break;
      case 'adminTaint':
        if (!this.node.taints.some((t) => t.key === OUT_OF_SERVICE_TAINT_KEY)) {
          this.adminTainted = true;
          this.node = {
            ...this.node,
            taints: [...this.node.taints, { key: OUT_OF_SERVICE_TAINT_KEY, effect: 'NoSchedule' }],
          };
        }
        break;
      case 'deleteNode':
        this.deleted = true;
        break;
      case 'leaderChange':
        // A new planner state: every node Unknown, nothing answered, the Lease measured from now.
        this.termStart = this.t;
        this.health = newNodeHealth('n1');
        this.lastOkInTerm = undefined;
        this.firstFailSinceLife = undefined;
        this.answeredInTerm = false;
        break;
    }
    // The ticker: the Lease's age on this term's clock, every step.
    const age = this.t - Math.max(this.lastRenewal, this.termStart);
    this.observe({ kind: 'lease', node: 'n1', at: this.t, ageMs: age, staleAfterMs: STALE_AFTER_MS });
    this.plan();
  }

  private probe(result: 'ok' | 'fail' | 'inconclusive'): void {
    if (result === 'ok') {
      this.answeredInTerm = true;
      this.lastOkInTerm = this.t;
      this.firstFailSinceLife = undefined;
      this.observe({ kind: 'probe', node: 'n1', at: this.t, ok: true });
      return;
    }
    // HealthTracker's rule: a failing probe of a node that never answered in this term is not evidence.
    const inconclusive = result === 'inconclusive' || !this.answeredInTerm;
    if (!inconclusive) this.firstFailSinceLife ??= this.t;
    this.observe({
      kind: 'probe',
      node: 'n1',
      at: this.t,
      ok: false,
      ...(inconclusive ? { inconclusive: true } : {}),
    });
  }

  private observe(o: Observation): void {
    this.health = step(this.health, o, CONFIG).state;
  }

  /** The oracle: confirmed-down evidence from the world's history alone. */
  private evidence(): string | undefined {
    if (this.deleted) return 'node deleted';
    if (this.agentAt !== undefined && this.agentAt > this.lastRenewal) return 'fence agent';
    if (this.adminTainted) return 'admin taint';
    // Safe time: a failing streak in this term (no answer since its first failure) and, for the whole safe
    // time since the later of that failure and the last sign of life, no renewal and no answer.
    const life = Math.max(this.termStart, this.lastRenewal, this.lastOkInTerm ?? Number.NEGATIVE_INFINITY);
    const fail = this.firstFailSinceLife;
    if (fail !== undefined && this.t - Math.max(fail, life) >= SAFE_TIME_MS) return 'safe time';
    return undefined;
  }

  private plan(): void {
    const common = { pool: 'p', policyOf, ownerKind, now: this.t, safeTimeMs: SAFE_TIME_MS };
    if (this.deleted) {
      this.check(planNodeGone({ ...common, node: 'n1', pods: PODS }).deletions, []);
      return;
    }
    const plan = planFailover({
      ...common,
      node: this.node,
      health: this.health,
      fencing: 'OutOfServiceTaint',
      fenced: isFenced(this.node),
      pods: PODS,
      leaseRenewTime: () => this.lastRenewal,
    });
    if (plan.step === 'Fence' || plan.step === 'Release') {
      this.check([], plan.actions);
      this.node = applyActions(this.node, plan.actions);
    } else if (plan.step === 'Reschedule') {
      this.check(plan.deletions, []);
    }
  }

  private check(
    deletions: ReadonlyArray<{ uid: string; force: boolean }>,
    actions: readonly FenceAction[],
  ): void {
    const released =
      actions.some((a) => a.kind === 'Taint') || deletions.some((d) => d.force || AT_MOST_ONCE.has(d.uid));
    if (!released) return;
    this.releases++;
    if (this.evidence() === undefined)
      this.violations.push(
        `released at +${this.t - this.termStart}ms of its term without confirmed-down evidence`,
      );
  }
}

function withAnnotation(info: NodeInfo, key: string, value: string | undefined): NodeInfo {
  const annotations = { ...info.annotations };
  if (value === undefined) delete annotations[key];
  else annotations[key] = value;
  return { ...info, annotations };
}

function applyActions(info: NodeInfo, actions: readonly FenceAction[]): NodeInfo {
  let out: NodeInfo = { ...info, taints: [...info.taints] };
  for (const a of actions) {
    if (a.kind === 'Mark') out = withAnnotation(out, a.annotation, a.value);
    else if (a.kind === 'Cordon') out.unschedulable = true;
    else out.taints.push(a.taint);
  }
  return out;
}

describe('at-most-once pods: never released without confirmed-down evidence', () => {
  test('for any interleaving of observations, fence-agent and admin actions, node deletion and leader changes', () => {
    let releases = 0;
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 120 }), (events) => {
        const run = new Run();
        for (const e of events) run.apply(e);
        releases += run.releases;
        expect(run.violations).toEqual([]);
      }),
      { numRuns: 1500 },
    );
    // Not vacuous: the generator does reach releases (with evidence) often.
    expect(releases).toBeGreaterThan(100);
  });

  test('a node that keeps failing its probe but renews its Lease is never released, whatever the time', () => {
    const run = new Run();
    run.apply({ kind: 'probe', result: 'ok' });
    for (let i = 0; i < 200; i++) {
      run.apply({ kind: 'probe', result: 'fail' });
      run.apply({ kind: 'wait', ms: 5000 });
      if (i % 2 === 0) run.apply({ kind: 'renew' });
    }
    expect(run.releases).toBe(0);
    expect(run.node.annotations[FENCED_BY_ANNOTATION]).toBeUndefined();
  });

  test('a dead node (probe failing, Lease silent) is released after the safe time, not before', () => {
    const run = new Run();
    run.apply({ kind: 'probe', result: 'ok' });
    const died = run.t;
    let firstRelease: number | undefined;
    for (let i = 0; i < 60 && firstRelease === undefined; i++) {
      run.apply({ kind: 'probe', result: 'fail' });
      run.apply({ kind: 'wait', ms: 1000 });
      if (run.releases > 0) firstRelease = run.t;
    }
    expect(firstRelease).toBeDefined();
    expect(firstRelease! - died).toBeGreaterThanOrEqual(SAFE_TIME_MS);
    expect(run.violations).toEqual([]);
  });
});
