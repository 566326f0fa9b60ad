import { pod } from '../testing/builders.js';
import { podInfoFromPod } from './pod-info.js';
import { computePolicyStatus } from './policy-status.js';
import { maxPriorityFor } from './priority-limits.js';

describe('maxPriorityFor', () => {
  const limits = {
    defaultMaxPriority: 10,
    namespaces: [
      { names: ['prod'], maxPriority: 1000 },
      { names: ['prod', 'x'], maxPriority: 1 },
    ],
  };
  it.each([
    ['prod', 1000],
    ['x', 1],
    ['dev', 10],
  ])('%s → %p (first naming entry wins, else the default)', (ns, want) => {
    expect(maxPriorityFor(limits, ns)).toBe(want);
  });
  it('caps every namespace at 0 without limits: cross-team preemption needs a grant', () => {
    expect(maxPriorityFor(undefined, 'prod')).toBe(0);
    expect(maxPriorityFor({ namespaces: [{ names: ['prod'], maxPriority: 1000 }] }, 'dev')).toBe(0);
  });
});

describe('computePolicyStatus', () => {
  const pods = [
    pod('a').label('app', 'checkout').obj(),
    pod('b').label('app', 'checkout').obj(),
    pod('c').label('app', 'other').obj(),
  ].map(podInfoFromPod);
  const input = {
    generation: 2,
    pool: 'general',
    priority: 500,
    selector: { matchLabels: { app: 'checkout' } },
  };
  const cases = [
    {
      name: 'missing pool',
      pool: { exists: false } as const,
      wantStatus: 'False',
      wantReason: 'PoolNotFound',
      wantPriority: 500,
    },
    {
      name: 'invalid pool',
      pool: { exists: true, valid: false } as const,
      wantStatus: 'False',
      wantReason: 'PoolInvalid',
      wantPriority: 500,
    },
    {
      name: 'valid pool',
      pool: { exists: true, valid: true, maxPriority: undefined } as const,
      wantStatus: 'True',
      wantReason: 'PoolBound',
      wantPriority: 500,
    },
    {
      name: 'limit above the priority',
      pool: { exists: true, valid: true, maxPriority: 900 } as const,
      wantStatus: 'True',
      wantReason: 'PoolBound',
      wantPriority: 500,
    },
    {
      name: 'limit below the priority clamps it',
      pool: { exists: true, valid: true, maxPriority: 100 } as const,
      wantStatus: 'True',
      wantReason: 'PriorityClamped',
      wantPriority: 100,
    },
  ];
  it.each(cases)('$name', ({ pool, wantStatus, wantReason, wantPriority }) => {
    const status = computePolicyStatus(input, pool, pods);
    expect(status.matchedPods).toBe(2);
    expect(status.effectivePriority).toBe(wantPriority);
    expect(status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: wantStatus,
      reason: wantReason,
      observedGeneration: 2,
    });
  });
});
