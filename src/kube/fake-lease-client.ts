import { ApiStatusError } from './errors.js';
import type { LeaseClient } from './lease-client.js';
import type { LeaseRecord, LeaseSnapshot } from './lease-decision.js';

/** A LeaseClient whose connection a test can cut (`down = true`). */
export type FakeLeaseClient = LeaseClient & { down: boolean };

/**
 * One Lease on an in-memory API server with optimistic concurrency (409 on a stale resourceVersion), for
 * unit tests of leader election. Each candidate gets its own client, so one can be partitioned away.
 */
export class FakeLeaseServer {
  snapshot: LeaseSnapshot | undefined;
  private rv = 0;

  client(): FakeLeaseClient {
    const write = (record: LeaseRecord): LeaseSnapshot => {
      this.snapshot = { record: { ...record }, resourceVersion: String(++this.rv) };
      return structuredClone(this.snapshot);
    };
    const c: FakeLeaseClient = {
      down: false,
      get: async () => {
        if (c.down) throw unreachable();
        return this.snapshot && structuredClone(this.snapshot);
      },
      create: async (record) => {
        if (c.down) throw unreachable();
        if (this.snapshot) throw new ApiStatusError(409, 'lease already exists');
        return write(record);
      },
      replace: async (record, resourceVersion) => {
        if (c.down) throw unreachable();
        if (this.snapshot?.resourceVersion !== resourceVersion) throw new ApiStatusError(409, 'conflict');
        return write(record);
      },
    };
    return c;
  }

  /** Overwrites the Lease as another writer would (new resourceVersion). */
  overwrite(record: Partial<LeaseRecord>): void {
    const base = this.snapshot?.record ?? {
      holderIdentity: '',
      leaseDurationSeconds: 15,
      acquireTime: 0,
      renewTime: 0,
      leaseTransitions: 0,
    };
    this.snapshot = { record: { ...base, ...record }, resourceVersion: String(++this.rv) };
  }
}

function unreachable(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
}
