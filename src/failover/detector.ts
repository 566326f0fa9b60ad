/**
 * The failure detector: one pure state machine per node. Observations (probe results, Lease ages, the Ready
 * condition) update that node's three channels of evidence; the evidence table (evidence.ts) turns them into
 * a verdict; the state machine adds memory on top, so that a failed node is trusted again only on proof.
 *
 *   Unknown ─► Healthy ◄──► Suspect ──► Failed ──(answering, Lease renewed)──► Recovering ──► Healthy
 *                 ▲  ▲                    ▲  (successThreshold answered probes + fresh Lease) │
 *                 │  └─► Degraded         └──────────────────(evidence fails again)──────────┘
 *
 * Per channel (see evidence.ts for the signals):
 * | observation                       | channel update                                                    |
 * |-----------------------------------|-------------------------------------------------------------------|
 * | `probe` ok                        | probe ok, failure streak 0, success streak + 1                    |
 * | `probe` not ok                    | failure streak + 1 (probe `failing` at failureThreshold)          |
 * | `probe` inconclusive              | nothing but `inconclusive`: the probe was never sent (no address, |
 * |                                   | refused by the address guard, or a node that never answered)      |
 * | `lease` ageMs <= staleAfterMs     | lease fresh                                                       |
 * | `lease` ageMs >  staleAfterMs     | lease missed (its age is kept: at-most-once pods compare it with  |
 * |                                   | the pool's safe time)                                             |
 * | `condition` Ready True            | condition ready                                                   |
 * | `condition` Ready False/Unknown   | condition notReady                                                |
 *
 * Guarantees (tested in detector.test.ts, every table row in evidence.test.ts):
 * - a node becomes Failed only when the evidence table says Failed, that is when two channels agree;
 * - a node starts Unknown (a new leadership term trusts nothing it has not observed itself);
 * - a Failed node becomes Healthy only after successThreshold consecutive answered probes (for Lease pools:
 *   a renewal) with a fresh Lease;
 * - an observation older than the channel's last one is ignored, so a late result never undoes a newer one;
 * - every step is O(1) and never awaits.
 */
import type { Probe } from '../api/index.js';
import {
  evidenceVerdict,
  type ConditionSignal,
  type Evidence,
  type LeaseSignal,
  type ProbeSignal,
} from './evidence.js';

export type NodeHealth = 'Unknown' | 'Healthy' | 'Suspect' | 'Degraded' | 'Failed' | 'Recovering';

/** Ready condition status, as in the core API. */
export type ReadyStatus = 'True' | 'False' | 'Unknown';

/** Why a node is failing, as data; `describeFailure` renders it for events and status messages. */
export type FailureReason =
  | { source: 'probe'; message: string }
  | { source: 'lease'; ageMs: number; staleAfterMs: number }
  | { source: 'condition'; status: Exclude<ReadyStatus, 'True'>; reason?: string; message?: string };

/** The result of one active probe (TCP or HTTP) of a node. `at` is when the result was known. */
export interface ProbeObservation {
  kind: 'probe';
  node: string;
  at: number;
  ok: boolean;
  /** Error text when not ok ("tcp 127.0.0.1:10250: connection refused"). */
  reason?: string;
  /** The probe was never attempted (no usable address, address refused by the guard): not evidence. */
  inconclusive?: boolean;
  /** Time the probe took, when it ran. */
  latencyMs?: number;
}

/** The age of the node's Lease (kube-node-lease), as judged by the caller (see probes/lease-probe.ts). */
export interface LeaseObservation {
  kind: 'lease';
  node: string;
  at: number;
  ageMs: number;
  /** A renewal counts as missed when the Lease is older than this. */
  staleAfterMs: number;
}

/** The node's Ready condition, as last seen by the node informer. */
export interface ConditionObservation {
  kind: 'condition';
  node: string;
  at: number;
  status: ReadyStatus;
  reason?: string;
  message?: string;
}

export type Observation = ProbeObservation | LeaseObservation | ConditionObservation;

export interface DetectorConfig {
  /** Consecutive failed probes before the probe channel says failing (>= 1). */
  failureThreshold: number;
  /** Consecutive answered probes before a Failed node is trusted again (>= 1). */
  successThreshold: number;
  /** Lease pools send no probes: recovery then rests on the Lease alone. */
  probeType?: Probe['type'];
}

/** One node's detector state: plain, immutable data (every step returns a new object). */
export interface NodeHealthState {
  node: string;
  health: NodeHealth;
  /** The channels' latest signals. */
  evidence: Evidence;
  /** Consecutive failed probes (the probe channel's failure streak). */
  consecutiveFailures: number;
  /** Consecutive answered probes. */
  consecutiveSuccesses: number;
  /** Age of the Lease at its last observation (undefined before the first). */
  leaseAgeMs: number | undefined;
  /** Its limit at that observation (the renewal counts as missed beyond it). */
  leaseStaleAfterMs: number | undefined;
  /**
   * The latest Lease renewal this term has seen, on the operator's clock (max of `at − ageMs` over the Lease
   * observations with a finite age). Never earlier than the term's first sighting of the Lease, so a new
   * leader measures the safe time from its own start (confirmed-down.ts).
   */
  leaseRenewedAt: number | undefined;
  /** `at` of the first Lease observation of this term (silence is measured from it if none was finite). */
  leaseFirstSeenAt: number | undefined;
  /** `at` of the first failed probe of the current failure streak (cleared by an answered probe). */
  probeFailingSince: number | undefined;
  /** `at` of the last observation applied, per channel; older ones are ignored. */
  lastAt: { probe?: number; lease?: number; condition?: number };
  /** `at` of the newest observation applied. */
  lastObservedAt: number | undefined;
  /** When the current unhealthy episode began; cleared on Healthy. */
  suspectSince: number | undefined;
  /** When the node was declared Failed; kept through Recovering, cleared on Healthy. */
  failedAt: number | undefined;
  /** When the node last became Healthy again after a failure. */
  recoveredAt: number | undefined;
  /** What made the node Failed; kept until it is Healthy again. */
  failureReason: FailureReason | undefined;
  /** The most recent failing channel reading. */
  lastFailure: FailureReason | undefined;
  /** The last failed probe's error, while the probe channel is not ok. */
  probeFailure: FailureReason | undefined;
  /** Why the last probe could not be attempted; cleared by the next conclusive probe. */
  inconclusive: string | undefined;
}

export interface Transition {
  node: string;
  from: NodeHealth;
  to: NodeHealth;
  at: number;
  /** Set on transitions into Suspect, Degraded and Failed. */
  reason?: FailureReason;
}

export interface StepResult {
  state: NodeHealthState;
  /** What changed (at most one transition per step). */
  transitions: Transition[];
}

/** The detector settings of a pool's probe. */
export function detectorConfig(
  probe: Pick<Probe, 'failureThreshold' | 'successThreshold'> & Partial<Pick<Probe, 'type'>>,
): DetectorConfig {
  return {
    failureThreshold: probe.failureThreshold,
    successThreshold: probe.successThreshold,
    ...(probe.type !== undefined ? { probeType: probe.type } : {}),
  };
}

const NO_EVIDENCE: Evidence = { probe: 'unknown', lease: 'unknown', condition: 'unknown' };

/**
 * The state of a node the detector has not observed: Unknown. `failed` builds a Failed state directly, for
 * tests and benchmarks of the later stages; the operator never starts a node Failed (a new leader needs
 * fresh evidence, fence marker or not).
 */
export function newNodeHealth(node: string, failed?: { at: number; reason: FailureReason }): NodeHealthState {
  return {
    node,
    health: failed ? 'Failed' : 'Unknown',
    evidence: failed ? { probe: 'failing', lease: 'missed', condition: 'unknown' } : NO_EVIDENCE,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    leaseAgeMs: undefined,
    leaseStaleAfterMs: undefined,
    // A node built Failed (tests, benchmarks) has been silent on both channels since `failed.at`.
    leaseRenewedAt: undefined,
    leaseFirstSeenAt: failed?.at,
    probeFailingSince: failed?.at,
    lastAt: {},
    lastObservedAt: undefined,
    suspectSince: failed?.at,
    failedAt: failed?.at,
    recoveredAt: undefined,
    failureReason: failed?.reason,
    lastFailure: failed?.reason,
    probeFailure: failed?.reason.source === 'probe' ? failed.reason : undefined,
    inconclusive: undefined,
  };
}

/** Suspect, Failed or Recovering: what the partition guard counts. Degraded and Unknown nodes are not. */
export function isUnhealthy(state: NodeHealthState | undefined): boolean {
  return (
    state !== undefined &&
    (state.health === 'Suspect' || state.health === 'Failed' || state.health === 'Recovering')
  );
}

/** Whether the node has proven itself healthy: enough answered probes (or, for Lease pools, a renewal) and a fresh Lease. */
export function provenHealthy(state: NodeHealthState, config: DetectorConfig): boolean {
  const leaseOk = state.evidence.lease === 'fresh';
  if (config.probeType === 'Lease') return leaseOk;
  return state.consecutiveSuccesses >= config.successThreshold && state.evidence.probe === 'ok' && leaseOk;
}

/**
 * Applies one observation to one node's state. Pure: `state` is not modified. Throws if the observation is
 * about another node (a wiring bug, not a runtime condition).
 */
export function step(state: NodeHealthState, observation: Observation, config: DetectorConfig): StepResult {
  if (observation.node !== state.node) {
    throw new Error(`observation for node ${observation.node} applied to the state of ${state.node}`);
  }
  const last = state.lastAt[observation.kind];
  if (last !== undefined && observation.at < last) return { state, transitions: [] };
  const next = applyChannel(state, observation, config);
  return decide(next, observation.at, config);
}

/** Updates the channel the observation belongs to. */
function applyChannel(state: NodeHealthState, o: Observation, config: DetectorConfig): NodeHealthState {
  const at = o.at;
  const base: NodeHealthState = {
    ...state,
    lastAt: { ...state.lastAt, [o.kind]: at },
    lastObservedAt: Math.max(state.lastObservedAt ?? at, at),
  };
  switch (o.kind) {
    case 'probe':
      return applyProbe(base, o, config);
    case 'lease':
      return applyLease(base, o);
    case 'condition':
      return applyCondition(base, o);
  }
}

/** The probe channel: streaks of answered and failed probes; an inconclusive probe is no evidence. */
function applyProbe(state: NodeHealthState, o: ProbeObservation, config: DetectorConfig): NodeHealthState {
  if (o.inconclusive) return { ...state, inconclusive: o.reason ?? 'probe not attempted' };
  if (o.ok) {
    const evidence = { ...state.evidence, probe: 'ok' as ProbeSignal };
    return {
      ...state,
      evidence,
      consecutiveFailures: 0,
      consecutiveSuccesses: state.consecutiveSuccesses + 1,
      inconclusive: undefined,
      probeFailingSince: undefined,
    };
  }
  const failures = state.consecutiveFailures + 1;
  const probe: ProbeSignal = failures >= config.failureThreshold ? 'failing' : 'unknown';
  const reason: FailureReason = { source: 'probe', message: o.reason ?? 'probe failed' };
  return {
    ...state,
    evidence: { ...state.evidence, probe },
    consecutiveFailures: failures,
    consecutiveSuccesses: 0,
    inconclusive: undefined,
    probeFailingSince: state.probeFailingSince ?? o.at,
    lastFailure: reason,
    probeFailure: reason,
  };
}

/** The Lease channel: fresh or missed, and the latest renewal the Lease's age proves. */
function applyLease(state: NodeHealthState, o: LeaseObservation): NodeHealthState {
  const at = o.at;
  const lease: LeaseSignal = o.ageMs <= o.staleAfterMs ? 'fresh' : 'missed';
  const next = {
    ...state,
    evidence: { ...state.evidence, lease },
    leaseAgeMs: o.ageMs,
    leaseStaleAfterMs: o.staleAfterMs,
    leaseFirstSeenAt: state.leaseFirstSeenAt ?? at,
    leaseRenewedAt: Number.isFinite(o.ageMs)
      ? Math.max(state.leaseRenewedAt ?? Number.NEGATIVE_INFINITY, at - o.ageMs)
      : state.leaseRenewedAt,
  };
  if (lease === 'missed')
    next.lastFailure = { source: 'lease', ageMs: o.ageMs, staleAfterMs: o.staleAfterMs };
  return next;
}

/** The condition channel: the node's Ready condition, with its reason when it is not True. */
function applyCondition(state: NodeHealthState, o: ConditionObservation): NodeHealthState {
  const condition: ConditionSignal = o.status === 'True' ? 'ready' : 'notReady';
  const next = { ...state, evidence: { ...state.evidence, condition } };
  if (o.status !== 'True') {
    const reason: FailureReason = { source: 'condition', status: o.status };
    if (o.reason !== undefined) reason.reason = o.reason;
    if (o.message !== undefined) reason.message = o.message;
    next.lastFailure = reason;
  }
  return next;
}

/** The state machine on top of the evidence table; see the file comment. */
function decide(state: NodeHealthState, at: number, config: DetectorConfig): StepResult {
  const verdict = evidenceVerdict(state.evidence);
  const from = state.health;
  let to: NodeHealth;
  if (from === 'Failed' || from === 'Recovering') {
    if (verdict === 'Failed') to = 'Failed';
    else if (provenHealthy(state, config)) to = verdict === 'Degraded' ? 'Degraded' : 'Healthy';
    else to = showsLife(state) ? 'Recovering' : 'Failed';
  } else {
    to = verdict;
  }
  if (to === from) return { state, transitions: [] };
  const next: NodeHealthState = { ...state, health: to };
  const transition: Transition = { node: state.node, from, to, at };
  if (to === 'Suspect' || to === 'Failed' || to === 'Degraded') {
    const reason = failureReasonOf(state);
    if (reason) transition.reason = reason;
  }
  if ((to === 'Suspect' || to === 'Failed') && next.suspectSince === undefined) next.suspectSince = at;
  if (to === 'Failed' && from !== 'Recovering') {
    next.failedAt = at;
    next.failureReason = transition.reason;
  }
  if (to === 'Healthy' || to === 'Degraded' || to === 'Unknown') {
    if (from === 'Failed' || from === 'Recovering') next.recoveredAt = at;
    next.suspectSince = undefined;
    next.failedAt = undefined;
    next.failureReason = undefined;
  }
  return { state: next, transitions: [transition] };
}

function showsLife(state: NodeHealthState): boolean {
  return state.evidence.probe === 'ok' || state.evidence.lease === 'fresh';
}

/** The reading that best explains an unhealthy verdict: the fast channel first. */
function failureReasonOf(state: NodeHealthState): FailureReason | undefined {
  const e = state.evidence;
  const l = state.lastFailure;
  if (e.probe === 'failing' && state.probeFailure) return state.probeFailure;
  if (e.lease === 'missed' && state.leaseAgeMs !== undefined) {
    return { source: 'lease', ageMs: state.leaseAgeMs, staleAfterMs: state.leaseStaleAfterMs ?? 0 };
  }
  return l;
}

/** "probe: tcp 127.0.0.1:10250: connection refused", "lease: not renewed for 41.2s (limit 40s)", ... */
export function describeFailure(reason: FailureReason): string {
  switch (reason.source) {
    case 'probe':
      return `probe: ${reason.message}`;
    case 'lease':
      return Number.isFinite(reason.ageMs)
        ? `lease: not renewed for ${seconds(reason.ageMs)} (limit ${seconds(reason.staleAfterMs)})`
        : 'lease: never renewed';
    case 'condition': {
      const detail = [reason.reason, reason.message].filter((s) => s !== undefined && s !== '').join(': ');
      return `condition: Ready=${reason.status}${detail ? ` (${detail})` : ''}`;
    }
  }
}

/** "probe failing, lease missed, Ready notReady": the evidence behind a verdict, for messages. */
export function describeEvidence(evidence: Evidence): string {
  return `probe ${evidence.probe}, lease ${evidence.lease}, Ready ${evidence.condition}`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
