import fc from 'fast-check';
import type { AllocationBasis, AllocationStrategy } from '../api/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { podInfoFromPod, type PodInfo } from '../model/pod-info.js';
import { zeroResources, type ResourceVector } from '../model/resources.js';
import { modelOf, node, placementPoolFixture, pod, type PlacementPoolBuilder } from '../testing/builders.js';
import { DEFAULT_POD_FILTERS } from './filters.js';
import { DEFAULT_NODE_FILTERS } from './node-filters.js';
import { SLOTS, writeSlots } from './load.js';
import { NO_POOL_MESSAGE } from './reasons.js';
import { schedule } from './schedule.js';
import { SCORE_PLUGINS } from './scoring.js';
import { PoolSnapshot } from './snapshot.js';
import { assume, forget, newPlacementState, recentlyAssumedByNode, type PlacementState } from './state.js';
import { untoleratedPreferNoSchedule } from './taints.js';
import type { Decision, PlacementPool } from './framework.js';
import type { PlacementContext } from './placement-context.js';

const CPU_ONLY = { cpu: 1, memory: 0, ephemeralStorage: 0, network: 0 };

function context(
  model: ClusterModel,
  pool: PlacementPool,
  extra: Partial<PlacementContext> = {},
): PlacementContext {
  return { model, podPool: pool.name, pool, now: 0, ...extra };
}

function placedNode(decision: Decision): string | undefined {
  return decision.kind === 'placed' ? decision.node : undefined;
}

/** Four 8-core nodes with 4, 2, 5 and 6.2 cores requested. */
function fourNodes(): ClusterModel {
  const used: Record<string, string> = { a: '4', b: '2', c: '5', d: '6200m' };
  return modelOf(
    Object.keys(used).map((n) => node(n).inPool('general').obj()),
    Object.entries(used).map(([n, cpu]) => pod(`on-${n}`).requests({ cpu }).onNode(n).obj()),
  );
}

describe('schedule: strategies', () => {
  const base = (): PlacementPoolBuilder =>
    placementPoolFixture('general').basis('Requests').weights(CPU_ONLY).members(['a', 'b', 'c', 'd']);
  const halfCore = podInfoFromPod(pod('new').requests({ cpu: '500m' }).obj());

  it.each([
    { name: 'LeastLoaded picks the lowest load after placement', pool: () => base(), wantNode: 'b' },
    {
      name: 'BinPack picks the fullest node that stays within the ceiling (d would reach 83.75%)',
      pool: () => base().strategy('BinPack'),
      wantNode: 'c',
    },
    {
      name: 'Weighted without node weights is LeastLoaded',
      pool: () => base().strategy('Weighted').nodeWeightLabel('fulcrum.io/weight'),
      wantNode: 'b',
    },
    {
      name: 'RoundRobin starts at the smallest name',
      pool: () => base().strategy('RoundRobin'),
      wantNode: 'a',
    },
  ])('$name', ({ pool, wantNode }) => {
    expect(placedNode(schedule(halfCore, context(fourNodes(), pool().obj())))).toBe(wantNode);
  });

  it.each([
    {
      name: 'weight label',
      build: () => node('a').inPool('general').label('fulcrum.io/weight', '3'),
      want: 'a',
    },
    {
      name: 'weight annotation',
      build: () => node('a').inPool('general').annotate('fulcrum.io/weight', '3'),
      want: 'a',
    },
    {
      name: 'weight that is not a number counts as 1',
      build: () => node('a').inPool('general').label('fulcrum.io/weight', 'heavy'),
      want: 'b',
    },
  ])('Weighted reads the node weight from a $name', ({ build, want }) => {
    // a: (100 − 56.25) × 3 = 131 beats b: (100 − 31.25) × 1 = 68.75.
    const model = modelOf(
      [build().obj(), node('b').inPool('general').obj()],
      [pod('x').requests({ cpu: '4' }).onNode('a').obj(), pod('y').requests({ cpu: '2' }).onNode('b').obj()],
    );
    const pool = placementPoolFixture('general')
      .strategy('Weighted')
      .nodeWeightLabel('fulcrum.io/weight')
      .basis('Requests')
      .weights(CPU_ONLY)
      .members(['a', 'b'])
      .obj();
    expect(placedNode(schedule(halfCore, context(model, pool)))).toBe(want);
  });

  it.each([
    { name: 'continues after the cursor', cursor: 'a', ineligible: [], wantNode: 'b' },
    { name: 'skips ineligible nodes', cursor: 'a', ineligible: ['b'], wantNode: 'c' },
    { name: 'wraps around after the last name', cursor: 'c', ineligible: ['d'], wantNode: 'a' },
    { name: 'continues from a cursor that left the pool', cursor: 'bb', ineligible: [], wantNode: 'c' },
  ])('RoundRobin $name', ({ cursor, ineligible, wantNode }) => {
    const state = newPlacementState();
    state.roundRobinCursor.set('general', cursor);
    const pool = base().strategy('RoundRobin').obj();
    const decision = schedule(
      halfCore,
      context(fourNodes(), pool, { state, failedNodes: new Set(ineligible) }),
    );
    expect(placedNode(decision)).toBe(wantNode);
  });

  it('breaks ties by node name', () => {
    const model = modelOf(['z', 'm', 'q'].map((n) => node(n).inPool('general').obj()));
    const pool = placementPoolFixture('general').members(['z', 'm', 'q']).obj();
    expect(placedNode(schedule(halfCore, context(model, pool)))).toBe('m');
  });

  it.each([
    // b is the least loaded node; a the next.
    { name: 'avoids a node with an untolerated PreferNoSchedule taint', tolerate: false, wantNode: 'a' },
    { name: 'ignores the taint when the pod tolerates it', tolerate: true, wantNode: 'b' },
  ])('LeastLoaded $name, whatever its load', ({ tolerate, wantNode }) => {
    const model = fourNodes();
    const hot = node('b').inPool('general').taint('fulcrum.io/hot', 'PreferNoSchedule').obj();
    model.upsertNode(modelOf([hot]).node('b')!);
    const p = pod('new').requests({ cpu: '500m' });
    if (tolerate) p.tolerate({ key: 'fulcrum.io/hot', operator: 'Exists' });
    expect(placedNode(schedule(podInfoFromPod(p.obj()), context(model, base().obj())))).toBe(wantNode);
  });

  it('uses a PreferNoSchedule node when it is the only one that fits', () => {
    const model = fourNodes();
    model.upsertNode(
      modelOf([node('b').inPool('general').taint('fulcrum.io/hot', 'PreferNoSchedule').obj()]).node('b')!,
    );
    const big = podInfoFromPod(pod('big').requests({ cpu: '3' }).obj()); // only b (2 + 3 = 5 ≤ 6.4) fits
    expect(placedNode(schedule(big, context(model, base().obj())))).toBe('b');
  });

  it('leaves the model and the snapshot as they were', () => {
    const model = fourNodes();
    const pool = base().obj();
    const snapshot = PoolSnapshot.take({ model, pool, now: 0 });
    const used = Float64Array.from(snapshot.used);
    schedule(halfCore, context(model, pool, { snapshot }));
    expect(snapshot.used).toEqual(used);
    expect(model.requested('b').cpu).toBe(2000);
  });

  it('reports the load after placement and the feasible count', () => {
    const decision = schedule(halfCore, context(fourNodes(), base().obj()));
    expect(decision).toEqual({
      kind: 'placed',
      pool: 'general',
      node: 'b',
      score: 68.75,
      load: 31.25,
      feasibleNodes: 3,
    });
  });
});

describe('schedule: why a pod cannot be placed', () => {
  /** 9 nodes in pool batch; g1..g3 in general with 7 of 8 cores requested. */
  function twelveNodes(general: (name: string) => ReturnType<typeof node>): ClusterModel {
    const names = ['g1', 'g2', 'g3'];
    return modelOf(
      [
        ...Array.from({ length: 9 }, (_, i) =>
          node(`b${i + 1}`)
            .inPool('batch')
            .obj(),
        ),
        ...names.map((n) => general(n).obj()),
      ],
      names.map((n) => pod(`busy-${n}`).requests({ cpu: '7' }).onNode(n).obj()),
    );
  }
  const pool = placementPoolFixture('general').members(['g1', 'g2', 'g3']).obj();
  const oneCore = podInfoFromPod(pod('p').requests({ cpu: '1' }).obj());

  it('counts reasons over all 12 nodes, most frequent first', () => {
    const decision = schedule(
      oneCore,
      context(
        twelveNodes((n) => node(n).inPool('general')),
        pool,
      ),
    );
    expect(decision).toMatchObject({
      kind: 'unschedulable',
      status: 'unschedulable',
      pool: 'general',
      summary: '0/12 nodes are available: 9 not in pool general, 3 over cpu ceiling 80%.',
    });
    expect(decision.kind === 'unschedulable' && decision.rejections).toHaveLength(12);
    expect(decision.kind === 'unschedulable' && decision.counts[1]?.example).toEqual({
      code: 'OverCeiling',
      resource: 'cpu',
      requested: 1000,
      used: 7000,
      allocatable: 8000,
      ceilingPercent: 80,
    });
  });

  it('orders equal counts by text', () => {
    const general = (n: string) => {
      const b = node(n).inPool('general');
      return n === 'g1' ? b.notReady() : n === 'g2' ? b.unschedulable() : b;
    };
    const decision = schedule(oneCore, context(twelveNodes(general), pool));
    expect(decision.kind === 'unschedulable' && decision.summary).toBe(
      '0/12 nodes are available: 9 not in pool general, 1 cordoned, 1 not ready, 1 over cpu ceiling 80%.',
    );
  });

  it('is unresolvable when no node fails on resources alone', () => {
    const decision = schedule(
      oneCore,
      context(
        twelveNodes((n) => node(n).inPool('general').notReady()),
        pool,
      ),
    );
    expect(decision).toMatchObject({
      status: 'unresolvable',
      summary: '0/12 nodes are available: 9 not in pool general, 3 not ready.',
    });
  });

  it('explains a pod that names no pool', () => {
    const decision = schedule(oneCore, {
      ...context(
        twelveNodes((n) => node(n)),
        pool,
      ),
      podPool: undefined,
    });
    expect(decision).toEqual({
      kind: 'unschedulable',
      status: 'unresolvable',
      pool: undefined,
      rejections: [],
      counts: [],
      summary: NO_POOL_MESSAGE,
    });
  });

  it('explains a pod that names a pool that does not exist', () => {
    const decision = schedule(oneCore, { ...context(modelOf([]), pool), podPool: 'gpu', pool: undefined });
    expect(decision).toMatchObject({
      status: 'unresolvable',
      pool: 'gpu',
      summary: 'pod names pool gpu, which does not exist or is not valid',
    });
  });
});

describe('assume and forget', () => {
  it('makes the next decision see the pod, and forget undoes it', () => {
    const model = modelOf([node('a').inPool('general').obj(), node('b').inPool('general').obj()]);
    const pool = placementPoolFixture('general').basis('Requests').members(['a', 'b']).obj();
    const state = newPlacementState();
    const first = podInfoFromPod(pod('p1').requests({ cpu: '2' }).obj());
    const decision = schedule(first, context(model, pool, { state }));
    expect(placedNode(decision)).toBe('a');
    assume(model, first, decision as { node: string; pool: string }, { state, now: 0 });
    expect(model.requested('a').cpu).toBe(2000);
    const second = podInfoFromPod(pod('p2').requests({ cpu: '2' }).obj());
    expect(placedNode(schedule(second, context(model, pool, { state })))).toBe('b');
    forget(model, first, { state });
    expect(model.requested('a').cpu).toBe(0);
    expect(state.assumed.size).toBe(0);
  });

  it('keeps a batch snapshot in step with assume and forget', () => {
    const model = modelOf([node('a').inPool('general').obj(), node('b').inPool('general').obj()]);
    const pool = placementPoolFixture('general').basis('Requests').members(['a', 'b']).obj();
    const snapshot = PoolSnapshot.take({ model, pool, now: 0 });
    const p = podInfoFromPod(pod('p').requests({ cpu: '2' }).obj());
    assume(model, p, { node: 'a', pool: 'general' }, { snapshot });
    expect(snapshot.used[0]).toBe(2000);
    assume(model, p, { node: 'b', pool: 'general' }, { snapshot }); // re-placed: a gets its room back
    expect([snapshot.used[0], snapshot.used[SLOTS]]).toEqual([0, 2000]);
    forget(model, p, { snapshot });
    expect([snapshot.used[0], snapshot.used[SLOTS]]).toEqual([0, 0]);
    expect(PoolSnapshot.take({ model, pool, now: 0 }).used).toEqual(snapshot.used);
  });

  it('counts assumed pods on top of measured usage until the window passes', () => {
    const model = modelOf([node('a').inPool('general').obj()]);
    const state = newPlacementState(60_000);
    const p = podInfoFromPod(pod('p').requests({ cpu: '1' }).obj());
    assume(model, p, { node: 'a', pool: 'general' }, { state, now: 1_000 });
    expect(recentlyAssumedByNode(model, state, 61_000)?.get('a')?.cpu).toBe(1000);
    expect(recentlyAssumedByNode(model, state, 61_001)).toBeUndefined();
    model.deletePod(p.key);
    expect(recentlyAssumedByNode(model, state, 2_000)).toBeUndefined();
  });
});

// ---- Properties ----------------------------------------------------------------------------------------

const STRATEGIES: AllocationStrategy[] = ['LeastLoaded', 'BinPack', 'Weighted', 'RoundRobin'];
const BASES: AllocationBasis[] = ['Requests', 'Usage', 'Max'];

const nodeArb = fc.record({
  cpu: fc.integer({ min: 0, max: 16 }).map((c) => c * 1000),
  memoryGi: fc.integer({ min: 1, max: 64 }),
  networkG: fc.constantFrom(0, 1, 10),
  pods: fc.integer({ min: 1, max: 20 }),
  ready: fc.constantFrom(true, true, true, true, false),
  cordoned: fc.constantFrom(false, false, false, true),
  failed: fc.constantFrom(false, false, false, true),
  tainted: fc.constantFrom(undefined, undefined, 'NoSchedule', 'PreferNoSchedule'),
  inPool: fc.constantFrom(true, true, true, false),
  weight: fc.constantFrom(undefined, '0', '1', '2.5', '10'),
  /** Measured usage as a fraction of what the ceiling allows, or none. */
  usage: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
});

const podArb = fc.record({
  cpu: fc.integer({ min: 0, max: 4000 }),
  memoryMi: fc.integer({ min: 0, max: 8192 }),
  networkM: fc.constantFrom(0, 0, 10, 100),
  tolerates: fc.boolean(),
});

const scenarioArb = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 8 }),
  pods: fc.array(podArb, { minLength: 1, maxLength: 60 }),
  strategy: fc.constantFrom(...STRATEGIES),
  basis: fc.constantFrom(...BASES),
  cpuCeiling: fc.integer({ min: 1, max: 100 }),
  memoryCeiling: fc.integer({ min: 1, max: 100 }),
  batch: fc.integer({ min: 0, max: 5 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  model: ClusterModel;
  pool: PlacementPool;
  usage: Map<string, ResourceVector>;
  failed: Set<string>;
  pods: PodInfo[];
  batch: number;
}

function build(s: Scenario): Built {
  const pool = placementPoolFixture('general')
    .strategy(s.strategy)
    .basis(s.basis)
    .ceilings({ cpu: s.cpuCeiling, memory: s.memoryCeiling })
    .nodeWeightLabel('fulcrum.io/weight')
    .obj();
  if (s.strategy !== 'Weighted') delete pool.allocation.nodeWeightLabel;
  const nodes = s.nodes.map((n, i) => {
    const b = node(`n${i}`).allocatable({
      cpu: `${n.cpu}m`,
      memory: `${n.memoryGi}Gi`,
      pods: String(n.pods),
    });
    if (n.networkG) b.annotate('fulcrum.io/network-capacity', `${n.networkG}G`);
    if (!n.ready) b.notReady();
    if (n.cordoned) b.unschedulable();
    if (n.tainted) b.taint('dedicated', n.tainted as 'NoSchedule', 'x');
    if (n.weight !== undefined) b.label('fulcrum.io/weight', n.weight);
    b.label('fulcrum.io/pool', n.inPool ? 'general' : 'other');
    return b.obj();
  });
  const model = modelOf(nodes);
  pool.members = s.nodes.flatMap((n, i) => (n.inPool ? [`n${i}`] : []));
  const usage = new Map<string, ResourceVector>();
  s.nodes.forEach((n, i) => {
    if (n.usage === undefined) return;
    const alloc = model.node(`n${i}`)!.allocatable;
    const within = (r: 'cpu' | 'memory' | 'ephemeralStorage' | 'network'): number =>
      Math.floor((n.usage! * alloc[r] * pool.ceilings[r]) / 100);
    usage.set(`n${i}`, {
      cpu: within('cpu'),
      memory: within('memory'),
      ephemeralStorage: within('ephemeralStorage'),
      network: within('network'),
      pods: 0,
    });
  });
  const failed = new Set(s.nodes.flatMap((n, i) => (n.failed ? [`n${i}`] : [])));
  const pods = s.pods.map((p, i) => {
    const b = pod(`p${i}`).requests({ cpu: `${p.cpu}m`, memory: `${p.memoryMi}Mi` });
    if (p.networkM) b.annotate('fulcrum.io/network-request', `${p.networkM}M`);
    if (p.tolerates) b.tolerate({ key: 'dedicated', operator: 'Exists' });
    return podInfoFromPod(b.obj());
  });
  return { model, pool, usage, failed, pods, batch: s.batch };
}

/** What a node uses on the pool's basis, recomputed from scratch: every pod on it was assumed by the test. */
function usedFromScratch(b: Built, name: string): ResourceVector {
  const requested = zeroResources();
  for (const p of b.model.allPods()) {
    if (p.nodeName !== name) continue;
    for (const r of ['cpu', 'memory', 'ephemeralStorage', 'network', 'pods'] as const)
      requested[r] += p.requests[r];
  }
  const measured = b.usage.get(name);
  if (b.pool.allocation.basis === 'Requests' || !measured) return requested;
  const out = { ...requested };
  for (const r of ['cpu', 'memory', 'ephemeralStorage', 'network'] as const) {
    const usage = measured[r] + requested[r];
    out[r] = b.pool.allocation.basis === 'Max' ? Math.max(usage, requested[r]) : usage;
  }
  return out;
}

function scheduleAll(
  b: Built,
  onDecision: (pod: PodInfo, decision: Decision, state: PlacementState) => void,
): void {
  const state = newPlacementState();
  let snapshot: PoolSnapshot | undefined;
  b.pods.forEach((p, i) => {
    const ctx = context(b.model, b.pool, { usage: b.usage, failedNodes: b.failed, state, now: i });
    // Batches of `batch` decisions share a snapshot that assume keeps current; 0 means a fresh one each time.
    if (b.batch > 0 && i % b.batch === 0) snapshot = PoolSnapshot.take({ ...ctx, pool: b.pool });
    const decision = schedule(p, { ...ctx, snapshot });
    onDecision(p, decision, state);
    if (decision.kind === 'placed') assume(b.model, p, decision, { state, now: i, snapshot });
  });
}

describe('schedule: properties', () => {
  it('no sequence of placements takes any node over any ceiling or its pod count', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const b = build(s);
        scheduleAll(b, () => undefined);
        for (const info of b.model.allNodes()) {
          const used = usedFromScratch(b, info.name);
          for (const r of ['cpu', 'memory', 'ephemeralStorage', 'network'] as const) {
            expect(used[r] * 100).toBeLessThanOrEqual(b.pool.ceilings[r] * info.allocatable[r]);
          }
          expect(used.pods).toBeLessThanOrEqual(info.allocatable.pods);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('places on the node a brute-force filter-then-rank over every node would choose, or on none', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const b = build(s);
        scheduleAll(b, (p, decision, state) => {
          const ranked = bruteForce(b, p, state);
          if (decision.kind === 'placed') {
            expect(decision.node).toBe(ranked[0]);
          } else {
            expect(ranked).toEqual([]);
            expect(decision.rejections.map((r) => r.node).sort()).toEqual(
              [...b.model.allNodes()].map((n) => n.name).sort(),
            );
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('round-robin cycles through eligible nodes evenly (counts differ by at most 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 60 }),
        (eligible, placements) => {
          const names = eligible.map((_, i) => `node-${String.fromCharCode(97 + ((i * 7) % 26))}${i}`);
          const model = modelOf(
            names.map((n, i) => {
              const b = node(n).inPool('general').allocatable({ cpu: '1000', pods: '1000' });
              return eligible[i] ? b.obj() : b.notReady().obj();
            }),
          );
          const pool = placementPoolFixture('general').strategy('RoundRobin').members(names).obj();
          const state = newPlacementState();
          const counts = new Map<string, number>();
          for (let i = 0; i < placements; i++) {
            const p = podInfoFromPod(pod(`p${i}`).requests({ cpu: '10m' }).obj());
            const decision = schedule(p, context(model, pool, { state }));
            if (decision.kind !== 'placed') {
              expect(eligible.some(Boolean)).toBe(false);
              return;
            }
            counts.set(decision.node, (counts.get(decision.node) ?? 0) + 1);
            // In name order, wrapping around: the i-th placement goes to the (i mod k)-th eligible name.
            const cycle = names.filter((_, j) => eligible[j]).sort();
            expect(decision.node).toBe(cycle[i % cycle.length]);
            assume(model, p, decision, { state, now: i });
          }
          const perEligible = names.filter((_, i) => eligible[i]).map((n) => counts.get(n) ?? 0);
          expect(Math.max(...perEligible) - Math.min(...perEligible)).toBeLessThanOrEqual(1);
          expect(names.filter((_, i) => !eligible[i]).every((n) => !counts.has(n))).toBe(true);
        },
      ),
    );
  });
});

/**
 * Every node passing every filter, ranked as the engine ranks: tier, score, name. Independent of the engine's
 * loop and of its incremental snapshot: usage is recounted from the pods, on a snapshot of every node.
 */
function bruteForce(b: Built, p: PodInfo, state: PlacementState): string[] {
  const members = new Set(b.pool.members);
  const all = [...b.model.allNodes()];
  const snapshot = PoolSnapshot.take({
    model: b.model,
    pool: { ...b.pool, members: all.map((n) => n.name) },
    now: 0,
  });
  all.forEach((info, i) => writeSlots(snapshot.used, i, usedFromScratch(b, info.name)));
  // Each pod filter on its own, over every node: a node must pass them all.
  const verdicts = DEFAULT_POD_FILTERS.map((f) => {
    const rejected = new Uint8Array(all.length);
    f.filterAll(p, snapshot, rejected, 1);
    return rejected;
  });
  const scores = new Float64Array(all.length);
  const cursor = state.roundRobinCursor.get(b.pool.name);
  SCORE_PLUGINS[b.pool.allocation.strategy].scoreAll(
    { pod: p, pool: b.pool, cursor },
    snapshot,
    new Uint8Array(all.length),
    scores,
  );
  const ranked: Array<{ name: string; tier: number; score: number }> = [];
  all.forEach((info, i) => {
    const facts = { name: info.name, info, inPool: members.has(info.name), failed: b.failed.has(info.name) };
    if (!DEFAULT_NODE_FILTERS.every((f) => f.filterNode(facts, b.pool).code === 'success')) return;
    if (verdicts.some((rejected) => rejected[i] !== 0)) return;
    const tier = untoleratedPreferNoSchedule(info.taints, p.tolerations);
    ranked.push({ name: info.name, tier, score: scores[i] as number });
  });
  ranked.sort((x, y) => x.tier - y.tier || y.score - x.score || (x.name < y.name ? -1 : 1));
  return ranked.map((r) => r.name);
}
