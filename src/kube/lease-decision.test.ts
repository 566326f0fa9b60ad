import {
  decide,
  mayStillLead,
  observe,
  releasedRecord,
  type LeaseRecord,
  type LeaseSnapshot,
} from './lease-decision.js';

const T0 = 1_000_000;
const record = (over: Partial<LeaseRecord> = {}): LeaseRecord => ({
  holderIdentity: 'other',
  leaseDurationSeconds: 15,
  acquireTime: T0 - 60_000,
  renewTime: T0 - 1000,
  leaseTransitions: 3,
  ...over,
});
const snap = (over: Partial<LeaseRecord> = {}, rv = '10'): LeaseSnapshot => ({
  record: record(over),
  resourceVersion: rv,
});

describe('lease decision', () => {
  test.each([
    {
      scenario: 'no Lease yet: create it as holder',
      current: undefined,
      now: T0,
      want: { action: 'create', record: { holderIdentity: 'me', leaseTransitions: 0, acquireTime: T0 } },
    },
    {
      scenario: 'held by another and observed 14 s ago: wait',
      current: { snapshot: snap(), observedAt: T0 - 14_000 },
      now: T0,
      want: { action: 'wait', holder: 'other', expiresAt: T0 + 1000 },
    },
    {
      scenario: 'held by another and unchanged for 15 s: take over, transitions + 1',
      current: { snapshot: snap(), observedAt: T0 - 15_000 },
      now: T0,
      want: {
        action: 'update',
        resourceVersion: '10',
        record: { holderIdentity: 'me', leaseTransitions: 4, acquireTime: T0 },
      },
    },
    {
      scenario: 'the holder renewTime is ancient but we just observed it: wait (no trust in remote clocks)',
      current: { snapshot: snap({ renewTime: T0 - 3_600_000 }), observedAt: T0 },
      now: T0 + 1000,
      want: { action: 'wait' },
    },
    {
      scenario: 'held by us: renew, keeping acquireTime and transitions',
      current: { snapshot: snap({ holderIdentity: 'me' }), observedAt: T0 - 2000 },
      now: T0,
      want: {
        action: 'update',
        record: { holderIdentity: 'me', leaseTransitions: 3, acquireTime: T0 - 60_000, renewTime: T0 },
      },
    },
    {
      scenario: 'released (empty holder): take over at once',
      current: { snapshot: snap({ holderIdentity: '', leaseDurationSeconds: 1 }), observedAt: T0 },
      now: T0,
      want: {
        action: 'update',
        record: { holderIdentity: 'me', leaseTransitions: 4, leaseDurationSeconds: 15 },
      },
    },
    {
      scenario: "expiry uses the holder's leaseDurationSeconds, not ours",
      current: { snapshot: snap({ leaseDurationSeconds: 60 }), observedAt: T0 - 20_000 },
      now: T0,
      want: { action: 'wait', expiresAt: T0 + 40_000 },
    },
  ])('$scenario', ({ current, now, want }) => {
    expect(decide(current, now, 'me', 15)).toMatchObject(want);
  });

  test.each([
    { scenario: 'first sight starts the clock', previous: undefined, rv: '10', wantObservedAt: T0 },
    {
      scenario: 'same resourceVersion keeps the old time',
      previous: T0 - 5000,
      rv: '10',
      wantObservedAt: T0 - 5000,
    },
    {
      scenario: 'a renewal (new resourceVersion) restarts the clock',
      previous: T0 - 5000,
      rv: '11',
      wantObservedAt: T0,
    },
  ])('observe: $scenario', ({ previous, rv, wantObservedAt }) => {
    const prev = previous === undefined ? undefined : { snapshot: snap({}, '10'), observedAt: previous };
    expect(observe(prev, snap({}, rv), T0).observedAt).toBe(wantObservedAt);
  });

  test('release clears the holder and shortens the lease to 1 s', () => {
    expect(releasedRecord(record({ holderIdentity: 'me' }), T0)).toMatchObject({
      holderIdentity: '',
      leaseDurationSeconds: 1,
      leaseTransitions: 3,
    });
  });

  test.each([
    { sinceRenewMs: 0, want: true },
    { sinceRenewMs: 9_999, want: true },
    { sinceRenewMs: 10_000, want: false },
  ])(
    'a leader stops acting at renewDeadline: $sinceRenewMs ms after renewing → $want',
    ({ sinceRenewMs, want }) => {
      expect(mayStillLead(T0, T0 + sinceRenewMs, 10_000)).toBe(want);
    },
  );

  test('safety: the old leader stops before any observer can take over', () => {
    // The leader renews at time r (request sent). An observer sees the new version at o >= r.
    // The leader stops at r + renewDeadline; the observer may take over at o + leaseDuration.
    for (const [renewDeadline, leaseSeconds] of [
      [10_000, 15],
      [2_000, 3],
    ] as const) {
      for (const observerDelay of [0, 500, 5000]) {
        const r = T0;
        const o = r + observerDelay;
        const takeover = decide(
          { snapshot: snap({ leaseDurationSeconds: leaseSeconds }), observedAt: o },
          r + renewDeadline,
          'x',
          leaseSeconds,
        );
        expect(takeover.action).toBe('wait');
        expect(mayStillLead(r, r + renewDeadline, renewDeadline)).toBe(false);
      }
    }
  });
});
