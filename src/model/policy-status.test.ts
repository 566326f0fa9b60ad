import { pod } from '../testing/builders.js';
import { podInfoFromPod } from './pod-info.js';
import { computePolicyStatus } from './policy-status.js';

describe('computePolicyStatus', () => {
  const pods = [pod('a').label('app', 'checkout').obj(), pod('b').label('app', 'checkout').obj(), pod('c').label('app', 'other').obj()].map(podInfoFromPod);
  const input = { generation: 2, pool: 'general', selector: { matchLabels: { app: 'checkout' } } };
  const cases = [
    { name: 'missing pool', pool: { exists: false } as const, wantStatus: 'False', wantReason: 'PoolNotFound' },
    { name: 'invalid pool', pool: { exists: true, valid: false, ready: false } as const, wantStatus: 'False', wantReason: 'PoolInvalid' },
    { name: 'valid pool', pool: { exists: true, valid: true, ready: true } as const, wantStatus: 'True', wantReason: 'PoolBound' },
  ];
  it.each(cases)('$name', ({ pool, wantStatus, wantReason }) => {
    const status = computePolicyStatus(input, pool, pods);
    expect(status.matchedPods).toBe(2);
    expect(status.conditions[0]).toMatchObject({ type: 'Ready', status: wantStatus, reason: wantReason, observedGeneration: 2 });
  });
});
