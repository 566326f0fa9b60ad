import { step, newNodeHealth } from '../failover/detector.js';
import {
  leaseAgeMs,
  leaseMissedAfterMs,
  leaseObservation,
  leaseRenewTime,
  leaseStaleAfterMs,
  observedLeaseAgeMs,
  observeLease,
} from './lease-probe.js';
import { readyObservation } from './node-condition.js';

const T0 = Date.parse('2026-05-04T10:00:00Z');

describe('lease probe', () => {
  test('renewTime is read from a Date or an RFC 3339 string', () => {
    expect(leaseRenewTime({ spec: { renewTime: new Date(T0) } })).toBe(T0);
    expect(leaseRenewTime({ spec: { renewTime: '2026-05-04T10:00:00.000000Z' } })).toBe(T0);
    expect(leaseRenewTime({ spec: {} })).toBeUndefined();
    expect(leaseRenewTime(undefined)).toBeUndefined();
  });

  test('age from renewTime; never renewed is infinitely old', () => {
    expect(leaseAgeMs(T0, T0 + 1500)).toBe(1500);
    expect(leaseAgeMs(T0 + 10, T0)).toBe(0);
    expect(leaseAgeMs(undefined, T0)).toBe(Infinity);
  });

  test('stale after leaseDurationSeconds, else the kubelet default of 40 s', () => {
    expect(leaseStaleAfterMs({ spec: { leaseDurationSeconds: 5 } })).toBe(5000);
    expect(leaseStaleAfterMs({ spec: {} })).toBe(40_000);
  });

  test('the observed age follows the local clock, whatever the node’s clock says', () => {
    // The node's clock is an hour behind: its renewTime looks an hour old, but it keeps changing.
    const skewed = T0 - 3_600_000;
    let sighting = observeLease(undefined, skewed, T0);
    expect(observedLeaseAgeMs(sighting, T0 + 5000)).toBe(5000);
    sighting = observeLease(sighting, skewed + 10_000, T0 + 10_000);
    expect(observedLeaseAgeMs(sighting, T0 + 12_000)).toBe(2000);
    // Unchanged renewTime keeps the sighting, so the age grows.
    expect(observeLease(sighting, skewed + 10_000, T0 + 20_000)).toBe(sighting);
    expect(observedLeaseAgeMs(sighting, T0 + 60_000)).toBe(50_000);
  });

  test('a Lease that missed its renewal is one channel of evidence: Suspect alone, Failed with Ready Unknown', () => {
    const config = { failureThreshold: 1, successThreshold: 1 };
    const result = step(newNodeHealth('n1'), leaseObservation('n1', 41_000, 40_000, T0), config);
    expect(result.state.health).toBe('Suspect');
    const failed = step(result.state, { kind: 'condition', node: 'n1', at: T0, status: 'Unknown' }, config);
    expect(failed.state.health).toBe('Failed');
    expect(failed.state.failureReason).toEqual({ source: 'lease', ageMs: 41_000, staleAfterMs: 40_000 });
  });

  test('a renewal is due at the interval the renewer promised; a slower measured cadence widens the window', () => {
    let sighting = observeLease(undefined, T0, T0, 40_000);
    expect(sighting.renewalSeen).toBe(false);
    sighting = observeLease(sighting, T0 + 12_000, T0 + 12_000, 40_000);
    sighting = observeLease(sighting, T0 + 24_000, T0 + 24_100, 40_000);
    expect(sighting).toMatchObject({ renewalSeen: true, intervalMs: 12_100 });
    expect(leaseMissedAfterMs({ spec: { leaseDurationSeconds: 40 } }, sighting)).toBe(
      Math.round(12_100 * 1.25 + 500),
    );
    expect(leaseMissedAfterMs({ spec: { leaseDurationSeconds: 40 } })).toBe(13_000);
    // Taken over after the last renewal with a one-day duration: the promise at the last renewal counts.
    expect(leaseMissedAfterMs({ spec: { leaseDurationSeconds: 86_400 } }, sighting)).toBe(
      Math.round(12_100 * 1.25 + 500),
    );
  });

  test('renewals seen faster than promised never narrow the window: a late renewal inside the promise is fresh', () => {
    // What failover-safety (b) did under load: a renewer with a 40 s duration renewed every ~2 s, then one
    // renewal came 5 s after the previous one (two kubectl calls stalled). With the window taken from the
    // measured 2 s cadence (3 s), the Lease was judged missed and a Degraded node was fenced.
    let sighting = observeLease(undefined, T0, T0, 40_000);
    for (let i = 1; i <= 4; i++) sighting = observeLease(sighting, T0 + i * 2_000, T0 + i * 2_000, 40_000);
    expect(sighting.intervalMs).toBe(2_000);
    const missedAfter = leaseMissedAfterMs({ spec: { leaseDurationSeconds: 40 } }, sighting);
    expect(missedAfter).toBe(13_000);
    const now = T0 + 8_000 + 5_000;
    const observation = leaseObservation('n1', observedLeaseAgeMs(sighting, now), missedAfter, now);
    const config = { failureThreshold: 1, successThreshold: 1 };
    expect(step(newNodeHealth('n1'), observation, config).state.evidence.lease).toBe('fresh');
  });

  test('before an interval is measured, a duration edited after the last renewal does not hide a miss', () => {
    // Seen once at start-up and renewed once: no interval yet. Then someone takes the Lease over with a
    // one-day duration and renewTime unchanged (what test/cluster/kill-node.sh does to a dead node).
    let sighting = observeLease(undefined, T0, T0, 40_000);
    sighting = observeLease(sighting, T0 + 10_000, T0 + 10_000, 40_000);
    expect(sighting.intervalMs).toBeUndefined();
    const takenOver = { spec: { leaseDurationSeconds: 86_400 } };
    expect(observeLease(sighting, T0 + 10_000, T0 + 12_000, 86_400_000)).toBe(sighting);
    expect(leaseMissedAfterMs(takenOver, sighting)).toBe(13_000);
    // A Lease renewed with a longer duration is that renewer's promise.
    const renewedLonger = observeLease(sighting, T0 + 20_000, T0 + 20_000, 80_000);
    expect(leaseMissedAfterMs(takenOver, { ...renewedLonger, intervalMs: undefined })).toBe(25_500);
  });
});

describe('readyObservation', () => {
  test.each([
    { conditions: [{ type: 'Ready', status: 'True' }], want: 'True' },
    { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }], want: 'False' },
    { conditions: [{ type: 'Ready', status: 'Unknown' }], want: 'Unknown' },
    { conditions: [], want: 'Unknown' },
  ])('Ready $want', ({ conditions, want }) => {
    const o = readyObservation({ metadata: { name: 'n1' }, status: { conditions } }, T0);
    expect(o).toMatchObject({ kind: 'condition', node: 'n1', at: T0, status: want });
  });
});
