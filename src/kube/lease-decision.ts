/**
 * The pure part of leader election (client-go's tryAcquireOrRenew, minus the I/O): given the Lease as read
 * from the server and what this candidate has observed of it, decide whether to create, take over, renew,
 * or wait. Expiry is judged on the local clock from when the candidate *observed* the record change, never
 * from timestamps written by another machine, so clock skew between replicas cannot cause two leaders.
 */

/** The fields of a Lease spec that leader election uses; times are milliseconds since the epoch. */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: number;
  renewTime: number;
  leaseTransitions: number;
}

/** A Lease as read from the server. */
export interface LeaseSnapshot {
  record: LeaseRecord;
  resourceVersion: string;
}

/** The last distinct version of the Lease this candidate saw, and when (local clock). */
export interface LeaseObservation {
  snapshot: LeaseSnapshot;
  observedAt: number;
}

export type LeaseDecision =
  | { action: 'create'; record: LeaseRecord }
  | { action: 'update'; record: LeaseRecord; resourceVersion: string }
  | { action: 'wait'; holder: string; expiresAt: number };

/** Updates the observation: the clock restarts only when the Lease changed (new resourceVersion). */
export function observe(
  previous: LeaseObservation | undefined,
  current: LeaseSnapshot,
  now: number,
): LeaseObservation {
  if (previous && previous.snapshot.resourceVersion === current.resourceVersion) return previous;
  return { snapshot: current, observedAt: now };
}

/**
 * What to do now. A Lease held by someone else is respected until `observedAt + its leaseDurationSeconds`;
 * an empty holder (a released Lease) can be taken at once. Renewing keeps acquireTime and the transition
 * count; taking over bumps the count.
 */
export function decide(
  current: LeaseObservation | undefined,
  now: number,
  identity: string,
  leaseDurationSeconds: number,
): LeaseDecision {
  if (!current) {
    return {
      action: 'create',
      record: {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
  }
  const { record, resourceVersion } = current.snapshot;
  const expiresAt = current.observedAt + record.leaseDurationSeconds * 1000;
  if (record.holderIdentity !== '' && record.holderIdentity !== identity && now < expiresAt) {
    return { action: 'wait', holder: record.holderIdentity, expiresAt };
  }
  const renewing = record.holderIdentity === identity;
  return {
    action: 'update',
    resourceVersion,
    record: {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: renewing ? record.acquireTime : now,
      renewTime: now,
      leaseTransitions: renewing ? record.leaseTransitions : record.leaseTransitions + 1,
    },
  };
}

/** The record written on graceful release: no holder, 1 s duration, so a standby takes over at once. */
export function releasedRecord(record: LeaseRecord, now: number): LeaseRecord {
  return { ...record, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
}

/**
 * Whether a leader that last renewed successfully at `lastRenewAt` (the time its request was sent) may
 * still act at `now`. It must stop `renewDeadlineMs` after that, which is before any other candidate can
 * consider the Lease expired (`leaseDuration` after it observed the renewal, which is later still).
 */
export function mayStillLead(lastRenewAt: number, now: number, renewDeadlineMs: number): boolean {
  return now - lastRenewAt < renewDeadlineMs;
}
