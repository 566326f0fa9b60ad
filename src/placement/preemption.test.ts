import fc from 'fast-check';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ClusterModel } from '../model/cluster-model.js';
import { podInfoFromPod, type PodInfo } from '../model/pod-info.js';
import { modelOf, node, placementPoolFixture, pod } from '../testing/builders.js';
import {
  findPreemption,
  minAvailableBudget,
  searchPreemption,
  type DisruptionBudget,
  type PreemptionInput,
} from './preemption.js';
import type { PlacementPool } from './framework.js';
import type { PlacementContext } from './placement-context.js';

interface VictimSpec {
  name: string;
  node: string;
  cpu: string;
  priority: number;
  movable?: boolean;
  pdb?: DisruptionBudget;
  policy?: DisruptionBudget;
  deleting?: boolean;
}

function cluster(nodes: V1Node[], specs: VictimSpec[]): { model: ClusterModel; input: PreemptionInput } {
  const pods: V1Pod[] = specs.map((s) => {
    const p = pod(s.name)
      .requests({ cpu: s.cpu })
      .priority(s.priority)
      .onNode(s.node)
      .ownedBy('ReplicaSet', `${s.name}-rs`)
      .obj();
    if (s.deleting) p.metadata!.deletionTimestamp = new Date(0);
    return p;
  });
  const byKey = new Map(specs.map((s) => [`default/${s.name}`, s]));
  const input: PreemptionInput = {
    priorityOf: (p) => p.priority,
    movable: (p) => byKey.get(p.key)?.movable ?? true,
    pdbs: (p) => {
      const b = byKey.get(p.key)?.pdb;
      return b ? [b] : [];
    },
    policyBudgets: (p) => {
      const b = byKey.get(p.key)?.policy;
      return b ? [b] : [];
    },
  };
  return { model: modelOf(nodes, pods), input };
}

const poolOf = (members: string[]): PlacementPool =>
  placementPoolFixture('general').basis('Requests').members(members).obj();
const ctxOf = (model: ClusterModel, pool: PlacementPool): PlacementContext => ({
  model,
  podPool: pool.name,
  pool,
  now: 0,
});
const preemptor = (cpu: string, priority: number): PodInfo =>
  podInfoFromPod(pod('preemptor').requests({ cpu }).priority(priority).obj());

describe('findPreemption', () => {
  // Every node has 8 cores and an 80% ceiling: 6400m usable.
  const one = [node('n1').obj()];
  it.each([
    {
      name: 'evicts the lowest-priority pod that makes room',
      nodes: one,
      pods: [
        { name: 'low', node: 'n1', cpu: '3', priority: 1 },
        { name: 'mid', node: 'n1', cpu: '3', priority: 5 },
      ],
      request: '2',
      priority: 10,
      wantNode: 'n1',
      wantVictims: ['low'],
    },
    {
      name: 'never a pod of equal priority',
      nodes: one,
      pods: [{ name: 'peer', node: 'n1', cpu: '6', priority: 10 }],
      request: '2',
      priority: 10,
      wantNode: undefined,
      wantVictims: [],
    },
    {
      name: 'one big victim rather than two small ones of the same priority',
      nodes: one,
      pods: [
        { name: 'small-1', node: 'n1', cpu: '1', priority: 1 },
        { name: 'small-2', node: 'n1', cpu: '1', priority: 1 },
        { name: 'big', node: 'n1', cpu: '2', priority: 1 },
        { name: 'high', node: 'n1', cpu: '2', priority: 100 },
      ],
      request: '2400m',
      priority: 10,
      wantNode: 'n1',
      wantVictims: ['big'],
    },
    {
      name: 'a PDB with no disruptions left protects its pod',
      nodes: one,
      pods: [
        { name: 'low', node: 'n1', cpu: '3', priority: 1, pdb: { name: 'ns/low', disruptionsAllowed: 0 } },
        { name: 'mid', node: 'n1', cpu: '3', priority: 5 },
      ],
      request: '2',
      priority: 10,
      wantNode: 'n1',
      wantVictims: ['mid'],
    },
    {
      name: 'a shared PDB allows only its disruptions in total',
      nodes: one,
      pods: [
        { name: 'a', node: 'n1', cpu: '2', priority: 1, pdb: { name: 'ns/web', disruptionsAllowed: 1 } },
        { name: 'b', node: 'n1', cpu: '2', priority: 1, pdb: { name: 'ns/web', disruptionsAllowed: 1 } },
        { name: 'c', node: 'n1', cpu: '2', priority: 3 },
      ],
      request: '4400m',
      priority: 10,
      wantNode: 'n1',
      wantVictims: ['a', 'c'],
    },
    {
      name: 'a policy minAvailable protects like a PDB',
      nodes: one,
      pods: [
        {
          name: 'low',
          node: 'n1',
          cpu: '6',
          priority: 1,
          policy: { name: 'ns/checkout', disruptionsAllowed: 0 },
        },
      ],
      request: '2',
      priority: 10,
      wantNode: undefined,
      wantVictims: [],
    },
    {
      name: 'pods that are not movable stay',
      nodes: one,
      pods: [{ name: 'pinned', node: 'n1', cpu: '6', priority: 1, movable: false }],
      request: '2',
      priority: 10,
      wantNode: undefined,
      wantVictims: [],
    },
    {
      name: 'terminating pods are not victims',
      nodes: one,
      pods: [{ name: 'leaving', node: 'n1', cpu: '6', priority: 1, deleting: true }],
      request: '2',
      priority: 10,
      wantNode: undefined,
      wantVictims: [],
    },
    {
      name: 'prefers the node whose victims have the lowest highest priority',
      nodes: [node('n1').obj(), node('n2').obj()],
      pods: [
        { name: 'n1-mid', node: 'n1', cpu: '6', priority: 5 },
        { name: 'n2-low-a', node: 'n2', cpu: '3', priority: 1 },
        { name: 'n2-low-b', node: 'n2', cpu: '3', priority: 1 },
      ],
      request: '4',
      priority: 10,
      wantNode: 'n2',
      wantVictims: ['n2-low-a', 'n2-low-b'],
    },
    {
      name: 'then the fewest victims',
      nodes: [node('n1').obj(), node('n2').obj()],
      pods: [
        { name: 'n1-a', node: 'n1', cpu: '3', priority: 1 },
        { name: 'n1-b', node: 'n1', cpu: '3', priority: 1 },
        { name: 'n2-a', node: 'n2', cpu: '6', priority: 1 },
      ],
      request: '4',
      priority: 10,
      wantNode: 'n2',
      wantVictims: ['n2-a'],
    },
    {
      name: 'then the lowest sum of priorities',
      nodes: [node('n1').obj(), node('n2').obj()],
      pods: [
        { name: 'n1-a', node: 'n1', cpu: '3', priority: 2 },
        { name: 'n1-b', node: 'n1', cpu: '3', priority: 2 },
        { name: 'n2-a', node: 'n2', cpu: '3', priority: 1 },
        { name: 'n2-b', node: 'n2', cpu: '3', priority: 2 },
      ],
      request: '4',
      priority: 10,
      wantNode: 'n2',
      wantVictims: ['n2-a', 'n2-b'],
    },
    {
      name: 'skips nodes no eviction can help (not ready)',
      nodes: [node('n1').notReady().obj(), node('n2').obj()],
      pods: [
        { name: 'n1-low', node: 'n1', cpu: '6', priority: 0 },
        { name: 'n2-mid', node: 'n2', cpu: '6', priority: 5 },
      ],
      request: '2',
      priority: 10,
      wantNode: 'n2',
      wantVictims: ['n2-mid'],
    },
  ] as Array<{
    name: string;
    nodes: V1Node[];
    pods: VictimSpec[];
    request: string;
    priority: number;
    wantNode: string | undefined;
    wantVictims: string[];
  }>)('$name', ({ nodes, pods, request, priority, wantNode, wantVictims }) => {
    const { model, input } = cluster(nodes, pods);
    const pool = poolOf(nodes.map((n) => n.metadata!.name!));
    const found = findPreemption(preemptor(request, priority), ctxOf(model, pool), input);
    expect(found?.node).toBe(wantNode);
    expect((found?.victims ?? []).map((v) => v.name).sort()).toEqual(wantVictims);
  });

  it('stops after maxCandidates working nodes, in pool order', () => {
    const { model, input } = cluster(
      [node('n1').obj(), node('n2').obj()],
      [
        { name: 'n1-mid', node: 'n1', cpu: '6', priority: 5 },
        { name: 'n2-low', node: 'n2', cpu: '6', priority: 1 },
      ],
    );
    const ctx = ctxOf(model, poolOf(['n1', 'n2']));
    expect(findPreemption(preemptor('2', 10), ctx, input)?.node).toBe('n2');
    expect(findPreemption(preemptor('2', 10), ctx, { ...input, maxCandidates: 1 })?.node).toBe('n1');
  });

  it('turns a policy minAvailable into a budget as the disruption controller does', () => {
    expect(minAvailableBudget('ns/p', 2, 5, 4)).toEqual({ name: 'ns/p', disruptionsAllowed: 2 });
    expect(minAvailableBudget('ns/p', '50%', 5, 3)).toEqual({ name: 'ns/p', disruptionsAllowed: 0 });
    expect(minAvailableBudget('ns/p', 3, 5, 1)).toEqual({ name: 'ns/p', disruptionsAllowed: 0 });
  });
});

describe('searchPreemption: what the pool protects', () => {
  // One 8-core node holding a 6-core low-priority pod: only its eviction makes room for the 2-core preemptor.
  const onNode = (edit: (b: ReturnType<typeof pod>) => ReturnType<typeof pod>, namespace = 'shop') =>
    edit(pod('low', namespace).requests({ cpu: '6' }).priority(1).onNode('n1'));
  const owned = (b: ReturnType<typeof pod>) => b.ownedBy('ReplicaSet', 'low-rs');
  it.each([
    { scenario: 'an ordinary pod is a victim', victim: onNode(owned), want: undefined },
    { scenario: 'a bare pod', victim: onNode((b) => b), want: 'NoController' },
    { scenario: 'a pod in kube-system', victim: onNode(owned, 'kube-system'), want: 'SystemNamespace' },
    {
      // By value a system-critical pod outranks every preemptor; by class name alone it is protected too.
      scenario: 'a system-node-critical pod',
      victim: onNode((b) => owned(b).priorityClass('system-node-critical')),
      want: 'SystemCritical',
    },
    {
      scenario: 'a pod with an emptyDir',
      victim: onNode((b) => owned(b).volume({ name: 's', emptyDir: {} })),
      want: 'LocalStorage',
    },
    {
      scenario: 'a pod with a PVC',
      victim: onNode((b) => owned(b).volume({ name: 'd', persistentVolumeClaim: { claimName: 'd' } })),
      want: 'PersistentVolumeClaim',
    },
    {
      scenario: "the operator's pod",
      victim: onNode((b) =>
        owned(b).label('app.kubernetes.io/name', 'fulcrum').label('app.kubernetes.io/component', 'operator'),
      ),
      want: 'OperatorPod',
    },
    {
      scenario: 'a pod with an emptyDir, in a pool that opts in',
      victim: onNode((b) => owned(b).volume({ name: 's', emptyDir: {} })),
      eviction: { evictLocalStoragePods: true, evictPvcPods: false, evictSystemCriticalPods: false },
      want: undefined,
    },
    {
      scenario: 'a namespace the pool excludes',
      victim: onNode(owned),
      eviction: {
        evictLocalStoragePods: false,
        evictPvcPods: false,
        evictSystemCriticalPods: false,
        namespaces: { exclude: ['shop'] },
      },
      want: 'NamespaceExcluded',
    },
  ])('$scenario', ({ victim, eviction, want }) => {
    const model = modelOf([node('n1').obj()], [victim.obj()]);
    const pool = { ...poolOf(['n1']), ...(eviction ? { eviction } : {}) };
    const search = searchPreemption(preemptor('2', 10), ctxOf(model, pool), {
      priorityOf: (p) => p.priority,
      movable: () => true,
      operator: { namespace: 'fulcrum-system' },
    });
    if (want === undefined) {
      expect(search.preemption?.victims.map((v) => v.name)).toEqual(['low']);
      expect(search.protectedPods).toEqual({});
    } else {
      expect(search.preemption).toBeUndefined();
      expect(search.protectedPods).toEqual({ [want]: 1 });
    }
  });
});

describe('findPreemption: properties', () => {
  const podArb = fc.record({
    node: fc.integer({ min: 0, max: 2 }),
    cpu: fc.integer({ min: 0, max: 4000 }),
    priority: fc.integer({ min: -2, max: 5 }),
    movable: fc.constantFrom(true, true, true, false),
    pdb: fc.constantFrom(undefined, 'a', 'b'),
    policy: fc.constantFrom(undefined, 'p'),
  });
  const scenarioArb = fc.record({
    nodes: fc.array(
      fc.record({ cpu: fc.integer({ min: 1, max: 16 }), ready: fc.constantFrom(true, true, true, false) }),
      { minLength: 3, maxLength: 3 },
    ),
    pods: fc.array(podArb, { maxLength: 24 }),
    allowed: fc.record({ a: fc.nat(2), b: fc.nat(2), p: fc.nat(2) }),
    request: fc.integer({ min: 1, max: 8000 }),
    priority: fc.integer({ min: -2, max: 6 }),
    withBudgets: fc.boolean(),
  });

  type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

  function setup(s: Scenario) {
    const nodes = s.nodes.map((n, i) => {
      const b = node(`n${i}`).allocatable({ cpu: String(n.cpu) });
      return n.ready ? b.obj() : b.notReady().obj();
    });
    // Pods are placed only where they fit the allocatable, like the kubelet would admit them.
    const free = s.nodes.map((n) => n.cpu * 1000);
    const specs: VictimSpec[] = [];
    s.pods.forEach((p, i) => {
      if (free[p.node]! < p.cpu) return;
      free[p.node]! -= p.cpu;
      specs.push({
        name: `v${i}`,
        node: `n${p.node}`,
        cpu: `${p.cpu}m`,
        priority: p.priority,
        movable: p.movable,
        pdb: s.withBudgets && p.pdb ? { name: p.pdb, disruptionsAllowed: s.allowed[p.pdb] } : undefined,
        policy: s.withBudgets && p.policy ? { name: p.policy, disruptionsAllowed: s.allowed.p } : undefined,
      });
    });
    const { model, input } = cluster(nodes, specs);
    const pool = poolOf(nodes.map((n) => n.metadata!.name!));
    const me = preemptor(`${s.request}m`, s.priority);
    return { model, input, pool, me, specs: new Map(specs.map((v) => [`default/${v.name}`, v])) };
  }

  const fitsAfter = (
    model: ClusterModel,
    nodeName: string,
    removedKeys: Set<string>,
    request: number,
  ): boolean => {
    let used = 0;
    for (const p of model.allPods())
      if (p.nodeName === nodeName && !removedKeys.has(p.key)) used += p.requests.cpu;
    return (used + request) * 100 <= 80 * model.node(nodeName)!.allocatable.cpu;
  };

  it('never picks an equal or higher priority or unmovable victim, never breaks a budget, and makes the pod fit', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { model, input, pool, me, specs } = setup(s);
        const found = findPreemption(me, ctxOf(model, pool), input);
        if (!found) return;
        expect(model.node(found.node)!.ready).toBe(true);
        const used = new Map<string, number>();
        for (const victim of found.victims) {
          const spec = specs.get(victim.key)!;
          expect(victim.nodeName).toBe(found.node);
          expect(spec.priority).toBeLessThan(s.priority);
          expect(spec.movable).toBe(true);
          for (const b of [spec.pdb && `pdb:${spec.pdb.name}`, spec.policy && `policy:${spec.policy.name}`]) {
            if (b) used.set(b, (used.get(b) ?? 0) + 1);
          }
        }
        for (const [budget, count] of used) {
          const name = budget.split(':')[1] as 'a' | 'b' | 'p';
          expect(count).toBeLessThanOrEqual(s.allowed[name]);
        }
        expect(fitsAfter(model, found.node, new Set(found.victims.map((v) => v.key)), s.request)).toBe(true);
        // Irredundant: sparing any one victim leaves the pod without room.
        for (const spared of found.victims) {
          const rest = new Set(found.victims.filter((v) => v !== spared).map((v) => v.key));
          expect(fitsAfter(model, found.node, rest, s.request)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('finds a node whenever evicting every lower-priority movable pod of some ready node would make room', () => {
    fc.assert(
      fc.property(
        scenarioArb.map((s) => ({ ...s, withBudgets: false })),
        (s) => {
          const { model, input, pool, me } = setup(s);
          const found = findPreemption(me, ctxOf(model, pool), input);
          const possible = pool.members.some((name) => {
            if (!model.node(name)!.ready) return false;
            const removable = new Set(
              [...model.podsOn(name)].filter((key) => {
                const p = model.pod(key)!;
                return p.priority < s.priority && input.movable(p);
              }),
            );
            return fitsAfter(model, name, removable, s.request);
          });
          expect(found !== undefined).toBe(possible);
        },
      ),
      { numRuns: 500 },
    );
  });
});
