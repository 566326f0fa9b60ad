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
}

/** Updates a sighting: the local clock restarts only when renewTime changed. */
export function observeLease(
  previous: LeaseSighting | undefined,
  renewTime: number | undefined,
  now: number,
): LeaseSighting {
  if (previous && previous.renewTime === renewTime) return previous;
  return { renewTime, observedAt: now };
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
