/**
 * The failure detector: one pure state machine per node, driven by observations (probe results, Lease age,
 * the node's Ready condition) and the pool's thresholds.
 *
 *   Healthy ──fail──► Suspect ──(failureThreshold consecutive fails)──► Failed
 *      ▲                 │ ok                                              │ ok
 *      └─────────────────┘                                                 ▼
 *      └──────────────(successThreshold consecutive oks)─────────────── Recovering ──fail──► Failed
 *
 * Guarantees (property-tested in detector.test.ts):
 * - a node becomes Failed only on the failureThreshold-th consecutive failing vote;
 * - a Failed node becomes Healthy only on the successThreshold-th consecutive successful vote;
 * - every step is O(1), allocates one object and never awaits (p99 about 1.3 µs: bench failover-plan).
 *
 * What counts as a vote — feed the votes of the pool's probe type once per period:
 * | observation                         | vote                                                           |
 * |-------------------------------------|----------------------------------------------------------------|
 * | `probe` ok                          | success                                                        |
 * | `probe` not ok                      | failure, reason `probe` with the error text                    |
 * | `probe` inconclusive                | none: the probe was never attempted (no address, address       |
 * |                                     | refused by the guard); recorded in `inconclusive`, streaks kept |
 * | `lease` ageMs <= staleAfterMs       | success                                                        |
 * | `lease` ageMs >  staleAfterMs       | failure, reason `lease`                                        |
 * | `condition` Ready False/Unknown     | failure, reason `condition`                                    |
 * | `condition` Ready True              | none: Ready lags the probes by tens of seconds, so it may      |
 * |                                     | never cut short a detection in progress                         |
 *
 * Do not feed `lease` observations to a pool probed by TCP/HTTP: a dead node's Lease stays fresh for up to
 * its lease duration, and those success votes would reset the failure streak.
 *
 * Observations older than the last one applied (`at` < `lastObservedAt`) are ignored, so a late result can
 * never undo a newer one.
 */
import type { Probe } from '../api/index.js';

export type NodeHealth = 'Healthy' | 'Suspect' | 'Failed' | 'Recovering';

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
  /** The probe was never attempted (no usable address, address refused by the guard): not a vote. */
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
  /** The Lease counts as failing when older than this (for example its leaseDurationSeconds). */
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
  /** Consecutive failing votes before a node is Failed (>= 1). */
  failureThreshold: number;
  /** Consecutive successful votes before a Failed node is Healthy again (>= 1). */
  successThreshold: number;
}

/** One node's detector state: plain, immutable data (every step returns a new object when anything changes). */
export interface NodeHealthState {
  node: string;
  health: NodeHealth;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** `at` of the last observation applied; older ones are ignored. */
  lastObservedAt: number | undefined;
  /** When the current unhealthy episode began (first failing vote after Healthy); cleared on Healthy. */
  suspectSince: number | undefined;
  /** When the node was declared Failed; kept through Recovering, cleared on Healthy. */
  failedAt: number | undefined;
  /** When the node last became Healthy again after a failure. */
  recoveredAt: number | undefined;
  /** The vote that made the node Failed; kept until it is Healthy again. */
  failureReason: FailureReason | undefined;
  /** The most recent failing vote (also while Suspect). */
  lastFailure: FailureReason | undefined;
  /** Why the last probe could not be attempted; cleared by the next conclusive probe. */
  inconclusive: string | undefined;
}

export interface Transition {
  node: string;
  from: NodeHealth;
  to: NodeHealth;
  at: number;
  /** Set on transitions into Suspect and Failed. */
  reason?: FailureReason;
}

export interface StepResult {
  state: NodeHealthState;
  /**
   * What changed, in order. A step makes at most two transitions: with failureThreshold 1 a Healthy node goes
   * Healthy → Suspect → Failed in one step, and with successThreshold 1 Failed → Recovering → Healthy, so the
   * cycle is always walked in full.
   */
  transitions: Transition[];
}

/** The detector thresholds of a pool's probe settings. */
export function detectorConfig(probe: Pick<Probe, 'failureThreshold' | 'successThreshold'>): DetectorConfig {
  return { failureThreshold: probe.failureThreshold, successThreshold: probe.successThreshold };
}

/**
 * The state of a node the detector has not observed yet: Healthy, unless the caller knows it fenced the node
 * (a fence marker survived an operator restart), in which case it starts Failed, so that it is unfenced only
 * after successThreshold good probes rather than at once.
 */
export function newNodeHealth(node: string, failed?: { at: number; reason: FailureReason }): NodeHealthState {
  return {
    node,
    health: failed ? 'Failed' : 'Healthy',
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastObservedAt: undefined,
    suspectSince: failed?.at,
    failedAt: failed?.at,
    recoveredAt: undefined,
    failureReason: failed?.reason,
    lastFailure: failed?.reason,
    inconclusive: undefined,
  };
}

/** Suspect, Failed or Recovering: what the partition guard counts. */
export function isUnhealthy(state: NodeHealthState | undefined): boolean {
  return state !== undefined && state.health !== 'Healthy';
}

type Vote = { ok: true } | { ok: false; reason: FailureReason } | undefined;

/** The vote an observation casts (see the table at the top of this file); undefined for no vote. */
export function voteOf(observation: Observation): Vote {
  switch (observation.kind) {
    case 'probe':
      if (observation.inconclusive) return undefined;
      return observation.ok
        ? { ok: true }
        : { ok: false, reason: { source: 'probe', message: observation.reason ?? 'probe failed' } };
    case 'lease':
      return observation.ageMs <= observation.staleAfterMs
        ? { ok: true }
        : {
            ok: false,
            reason: { source: 'lease', ageMs: observation.ageMs, staleAfterMs: observation.staleAfterMs },
          };
    case 'condition': {
      if (observation.status === 'True') return undefined;
      const reason: FailureReason = { source: 'condition', status: observation.status };
      if (observation.reason !== undefined) reason.reason = observation.reason;
      if (observation.message !== undefined) reason.message = observation.message;
      return { ok: false, reason };
    }
  }
}

/**
 * Applies one observation to one node's state. Pure: `state` is not modified. Throws if the observation is
 * about another node (a wiring bug, not a runtime condition).
 */
export function step(state: NodeHealthState, observation: Observation, config: DetectorConfig): StepResult {
  if (observation.node !== state.node) {
    throw new Error(`observation for node ${observation.node} applied to the state of ${state.node}`);
  }
  const at = observation.at;
  if (state.lastObservedAt !== undefined && at < state.lastObservedAt) return { state, transitions: [] };
  const vote = voteOf(observation);
  if (vote === undefined) {
    const inconclusive =
      observation.kind === 'probe' && observation.inconclusive
        ? (observation.reason ?? 'probe not attempted')
        : state.inconclusive;
    return { state: { ...state, lastObservedAt: at, inconclusive }, transitions: [] };
  }
  const inconclusive = observation.kind === 'probe' ? undefined : state.inconclusive;
  return vote.ok
    ? onSuccess(state, at, inconclusive, config)
    : onFailure(state, at, vote.reason, inconclusive, config);
}

function onFailure(
  state: NodeHealthState,
  at: number,
  reason: FailureReason,
  inconclusive: string | undefined,
  config: DetectorConfig,
): StepResult {
  const failures = state.consecutiveFailures + 1;
  const next: NodeHealthState = {
    ...state,
    consecutiveFailures: failures,
    consecutiveSuccesses: 0,
    lastObservedAt: at,
    lastFailure: reason,
    inconclusive,
  };
  const transitions: Transition[] = [];
  const node = state.node;
  switch (state.health) {
    case 'Healthy':
      next.health = 'Suspect';
      next.suspectSince = at;
      transitions.push({ node, from: 'Healthy', to: 'Suspect', at, reason });
      break;
    case 'Recovering':
      // Not healthy yet: back to Failed, keeping the original failure time and reason.
      next.health = 'Failed';
      transitions.push({ node, from: 'Recovering', to: 'Failed', at, reason });
      return { state: next, transitions };
    case 'Failed':
    case 'Suspect':
      break;
  }
  if (next.health === 'Suspect' && failures >= config.failureThreshold) {
    next.health = 'Failed';
    next.failedAt = at;
    next.failureReason = reason;
    transitions.push({ node, from: 'Suspect', to: 'Failed', at, reason });
  }
  return { state: next, transitions };
}

function onSuccess(
  state: NodeHealthState,
  at: number,
  inconclusive: string | undefined,
  config: DetectorConfig,
): StepResult {
  const successes = state.consecutiveSuccesses + 1;
  const node = state.node;
  switch (state.health) {
    case 'Healthy':
      return {
        state: {
          ...state,
          consecutiveFailures: 0,
          consecutiveSuccesses: successes,
          lastObservedAt: at,
          inconclusive,
        },
        transitions: [],
      };
    case 'Suspect':
      // A blip: one success clears the suspicion.
      return {
        state: healthy(state, at, successes, inconclusive, state.recoveredAt),
        transitions: [{ node, from: 'Suspect', to: 'Healthy', at }],
      };
    case 'Failed':
    case 'Recovering': {
      const transitions: Transition[] = [];
      if (state.health === 'Failed') transitions.push({ node, from: 'Failed', to: 'Recovering', at });
      if (successes >= config.successThreshold) {
        transitions.push({ node, from: 'Recovering', to: 'Healthy', at });
        return { state: healthy(state, at, successes, inconclusive, at), transitions };
      }
      return {
        state: {
          ...state,
          health: 'Recovering',
          consecutiveFailures: 0,
          consecutiveSuccesses: successes,
          lastObservedAt: at,
          inconclusive,
        },
        transitions,
      };
    }
  }
}

function healthy(
  state: NodeHealthState,
  at: number,
  successes: number,
  inconclusive: string | undefined,
  recoveredAt: number | undefined,
): NodeHealthState {
  return {
    node: state.node,
    health: 'Healthy',
    consecutiveFailures: 0,
    consecutiveSuccesses: successes,
    lastObservedAt: at,
    suspectSince: undefined,
    failedAt: undefined,
    recoveredAt,
    failureReason: undefined,
    lastFailure: state.lastFailure,
    inconclusive,
  };
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

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
