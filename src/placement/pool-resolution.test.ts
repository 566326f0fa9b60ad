import { parseWorkloadPolicy, type WorkloadPolicy } from '../api/index.js';
import { podInfoFromPod } from '../model/pod-info.js';
import { pod } from '../testing/builders.js';
import { podMovable, podPriority, resolvePodPool } from './pool-resolution.js';

function policy(
  name: string,
  spec: { app: string; pool: string; priority?: number; movable?: boolean },
  namespace = 'shop',
): WorkloadPolicy {
  const parsed = parseWorkloadPolicy({
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'WorkloadPolicy',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: spec.app } },
      pool: spec.pool,
      priority: spec.priority,
      movable: spec.movable,
    },
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('resolvePodPool', () => {
  it.each([
    {
      name: 'the only matching policy',
      labels: { app: 'checkout' },
      policies: [policy('checkout', { app: 'checkout', pool: 'general' })],
      want: { source: 'policy', pool: 'general', policy: 'checkout' },
    },
    {
      name: 'the highest priority among matching policies',
      labels: { app: 'checkout' },
      policies: [
        policy('low', { app: 'checkout', pool: 'batch', priority: 10 }),
        policy('high', { app: 'checkout', pool: 'general', priority: 900 }),
      ],
      want: { source: 'policy', pool: 'general', policy: 'high' },
    },
    {
      name: 'the smaller name between equal priorities',
      labels: { app: 'checkout' },
      policies: [
        policy('b', { app: 'checkout', pool: 'batch' }),
        policy('a', { app: 'checkout', pool: 'general' }),
      ],
      want: { source: 'policy', pool: 'general', policy: 'a' },
    },
    {
      name: 'a policy beats the pod label',
      labels: { app: 'checkout', 'fulcrum.io/pool': 'batch' },
      policies: [policy('checkout', { app: 'checkout', pool: 'general' })],
      want: { source: 'policy', pool: 'general', policy: 'checkout' },
    },
    {
      name: 'the pod label when no policy matches',
      labels: { app: 'cart', 'fulcrum.io/pool': 'batch' },
      policies: [policy('checkout', { app: 'checkout', pool: 'general' })],
      want: { source: 'label', pool: 'batch' },
    },
    {
      name: 'policies of other namespaces are ignored',
      labels: { app: 'checkout' },
      policies: [policy('checkout', { app: 'checkout', pool: 'general' }, 'other')],
      want: undefined,
    },
    { name: 'nothing names a pool', labels: { app: 'checkout' }, policies: [], want: undefined },
  ])('$name', ({ labels, policies, want }) => {
    const p = pod('p', 'shop');
    for (const [k, v] of Object.entries(labels)) p.label(k, v);
    const resolution = resolvePodPool(podInfoFromPod(p.obj()), policies);
    expect(
      resolution && {
        source: resolution.source,
        pool: resolution.pool,
        ...(resolution.source === 'policy' ? { policy: resolution.policy.metadata.name } : {}),
      },
    ).toEqual(want);
  });
});

describe('podPriority and podMovable', () => {
  const p = podInfoFromPod(pod('p', 'shop').label('app', 'checkout').priority(7).obj());
  it.each([
    {
      name: 'PriorityClass value without a policy',
      policies: [],
      limit: undefined,
      want: 7,
      wantMovable: true,
    },
    {
      name: 'policy priority',
      policies: [policy('c', { app: 'checkout', pool: 'general', priority: 900, movable: false })],
      limit: undefined,
      want: 900,
      wantMovable: false,
    },
    {
      name: "policy priority lowered to the pool's namespace limit",
      policies: [policy('c', { app: 'checkout', pool: 'general', priority: 900 })],
      limit: 500,
      want: 500,
      wantMovable: true,
    },
  ])('$name', ({ policies, limit, want, wantMovable }) => {
    const resolution = resolvePodPool(p, policies);
    expect(podPriority(p, resolution, limit)).toBe(want);
    expect(podMovable(resolution)).toBe(wantMovable);
  });
});
