/**
 * Lease probe, pure: the kubelet renews its node's Lease in kube-node-lease (every 10 s by default, lease
 * duration 40 s); a Lease not renewed for longer than its duration means the kubelet is gone or cut off from
 * the API server. No traffic goes to the node.
 *
 * Two ways to judge the age:
 * - `leaseAgeMs(renewTime, now)`: from the renewTime the kubelet wrote. Simple, but trusts the node's clock.
 * - `observeLease` + `observedLeaseAgeMs`: from when this operator last *saw* renewTime change, on its own
 *   clock, as the node lifecycle controller does. Immune to clock skew; after an operator restart the age
 *   starts at 0, so a node dead before the restart is detected one lease duration later. Prefer this one.
 */
import type { LeaseObservation } from '../failover/detector.js';

/** Kubernetes' default node lease duration (kubelet nodeLeaseDurationSeconds). */
export const DEFAULT_NODE_LEASE_DURATION_MS = 40_000;

/** The parts of a coordination.k8s.io/v1 Lease used here (a V1Lease fits). */
export interface LeaseLike {
  spec?: { renewTime?: Date | string; leaseDurationSeconds?: number };
}

/** renewTime in ms since the epoch; undefined when never renewed or unreadable. */
export function leaseRenewTime(lease: LeaseLike | undefined): number | undefined {
  const raw = lease?.spec?.renewTime;
  if (raw === undefined || raw === null) return undefined;
  const ms = raw instanceof Date ? raw.getTime() : Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

/** How long a Lease may go unrenewed: its leaseDurationSeconds, else the kubelet default (40 s). */
export function leaseStaleAfterMs(lease: LeaseLike | undefined): number {
  const seconds = lease?.spec?.leaseDurationSeconds;
  return seconds !== undefined && seconds > 0 ? seconds * 1000 : DEFAULT_NODE_LEASE_DURATION_MS;
}

/** now − renewTime (never negative); Infinity when the Lease was never renewed. */
export function leaseAgeMs(renewTime: number | undefined, now: number): number {
  return renewTime === undefined ? Number.POSITIVE_INFINITY : Math.max(0, now - renewTime);
}

/** The last renewTime this operator saw for a node's Lease, and when it saw it change (local clock). */
export interface LeaseSighting {
  renewTime: number | undefined;
  observedAt: number;
  /** This operator has seen renewTime change at least once (a renewal it witnessed, not one it inherited). */
  renewalSeen?: boolean;
  /** The gap between the last two renewals this operator saw (its own clock): the kubelet's real cadence. */
  intervalMs?: number;
  /** The Lease's duration when renewTime last changed: what the renewer promised, not a later edit. */
  durationMs?: number;
}

/**
 * When a renewal counts as missed: 25 % (plus half a second) after it was due. It is due one renew interval
 * after the last one, and the renew interval is the one the renewer promised: a quarter of the lease duration
 * the Lease had when it was last renewed (the kubelet's rule: nodeLeaseDurationSeconds 40 → every 10 s, so a
 * renewal is missed after 13 s). A slower cadence measured between the last two renewals this operator saw
 * widens the window (a renewer that has been late before is not dead when it is late again); a faster one
 * never narrows it: a renewer that happened to renew often and then renews late, still inside its promise,
 * is alive (the cause of a fenced Degraded node under load: renewals seen 2 s apart made a 4 s gap "missed").
 * The duration at the last renewal, not the current one, lets no later edit of the Lease (another holder, a
 * longer duration, with renewTime unchanged) hide a dead kubelet.
 */
export function leaseMissedAfterMs(lease: LeaseLike | undefined, sighting?: LeaseSighting): number {
  const promised = (sighting?.durationMs ?? leaseStaleAfterMs(lease)) * 0.25;
  const interval = Math.max(promised, sighting?.intervalMs ?? 0);
  return Math.round(interval * 1.25 + 500);
}

/**
 * Updates a sighting: the local clock restarts only when renewTime changed. `durationMs` is the Lease's
 * duration now (leaseStaleAfterMs), kept only from a sighting where renewTime changed.
 */
export function observeLease(
  previous: LeaseSighting | undefined,
  renewTime: number | undefined,
  now: number,
  durationMs?: number,
): LeaseSighting {
  if (previous && previous.renewTime === renewTime) return previous;
  const sighting: LeaseSighting = { renewTime, observedAt: now, renewalSeen: previous !== undefined };
  if (durationMs !== undefined) sighting.durationMs = durationMs;
  const interval = previous?.renewalSeen ? now - previous.observedAt : undefined;
  // A gap shorter than a second is two writes of one renewal (or a Lease recreated), not the cadence.
  if (interval !== undefined && interval >= 1000) sighting.intervalMs = interval;
  else if (previous?.intervalMs !== undefined) sighting.intervalMs = previous.intervalMs;
  return sighting;
}

/** Time since the sighting last changed; Infinity if the Lease has never been renewed at all. */
export function observedLeaseAgeMs(sighting: LeaseSighting, now: number): number {
  if (sighting.renewTime === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, now - sighting.observedAt);
}

/** The detector observation for a Lease of the given age. */
export function leaseObservation(
  node: string,
  ageMs: number,
  staleAfterMs: number,
  at: number,
): LeaseObservation {
  return { kind: 'lease', node, at, ageMs, staleAfterMs };
}
