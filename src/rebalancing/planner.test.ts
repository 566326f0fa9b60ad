import { EvictionTrait } from '../model/eviction-traits.js';
import { MAX_DESTINATION_SEARCHES, planRebalance } from './planner.js';
import { inputOf, NOW, podsOf, scenario, type NodeSpec } from './planner-fixtures.js';
import type { RebalancePlan } from './rebalance-plan.js';

/** Ten 8-core nodes: three at `hotCpu` millicores requested in 500m pods, seven at `coolCpu`. */
function threeHot(hotCpu = 6000, coolCpu = 2000, extra: Partial<NodeSpec> = {}): NodeSpec[] {
  return Array.from({ length: 10 }, (_, i) => ({
    name: `n${i}`,
    pods: podsOf(`p${i}`, (i < 3 ? hotCpu : coolCpu) / 500, 500, { namespace: `ns${i}` }),
    ...extra,
  }));
}

const moved = (plan: RebalancePlan) => plan.evictions.map((e) => `${e.pod} ${e.from}->${e.expectedTo}`);

describe('planRebalance', () => {
  it('moves one pod off each hot node to the least loaded nodes, within the cycle budget', () => {
    const plan = planRebalance(inputOf(scenario(threeHot())));
    // mean = (3*75 + 7*25)/10 = 40%; hot = load > 50%.
    expect(plan.classification.filter((c) => c.heat.hot).map((c) => c.node)).toEqual(['n0', 'n1', 'n2']);
    expect(plan.evictions).toHaveLength(3);
    expect(new Set(plan.evictions.map((e) => e.from))).toEqual(new Set(['n0', 'n1', 'n2']));
    for (const e of plan.evictions) expect(['n0', 'n1', 'n2']).not.toContain(e.expectedTo);
    expect(plan.taints.map((t) => `${t.kind} ${t.node}`)).toEqual(['Taint n0', 'Taint n1', 'Taint n2']);
    expect(plan.status.conditions.find((c) => c.type === 'Balanced')).toMatchObject({
      status: 'False',
      reason: 'Rebalancing',
    });
  });

  it('plans nothing for a balanced pool and reports Balanced=True', () => {
    const plan = planRebalance(inputOf(scenario(threeHot(2000, 2000))));
    expect(plan.actions).toEqual([]);
    expect(plan.status.conditions.find((c) => c.type === 'Balanced')).toMatchObject({
      status: 'True',
      reason: 'WithinTolerance',
    });
  });

  it('waits for `consecutive` breaching intervals before a node is hot', () => {
    const s = scenario(threeHot());
    const settings = { consecutive: 3 };
    const first = planRebalance(inputOf(s, { settings }));
    const second = planRebalance(inputOf(s, { settings, heat: first.heat }));
    const third = planRebalance(inputOf(s, { settings, heat: second.heat }));
    expect([first.evictions.length, second.evictions.length, third.evictions.length]).toEqual([0, 0, 3]);
    expect(second.heat.get('n0')).toEqual({ streak: 2, hot: false });
  });

  it('keeps a hot node hot until it is below the recovery mark (hysteresis)', () => {
    // n0 at 31.25% with mean 25.6%: above mean+5 (recovery) but not above mean+10 (tolerance).
    const nodes = threeHot(2000, 2000);
    nodes[0] = { ...nodes[0]!, pods: podsOf('p0', 5, 500) };
    const s = scenario(nodes);
    const cold = planRebalance(inputOf(s));
    expect(cold.heat.get('n0')).toBeUndefined(); // absent from the heat map: cool
    const hot = planRebalance(inputOf(s, { heat: new Map([['n0', { streak: 1, hot: true }]]) }));
    expect(hot.heat.get('n0')).toEqual({ streak: 1, hot: true });
  });

  it('treats a node carrying the hot taint as hot after a restart (no heat in memory)', () => {
    const nodes = threeHot(2000, 2000);
    nodes[0] = { ...nodes[0]!, pods: podsOf('p0', 5, 500), hotTaint: true }; // 31% vs mean ~26%+5
    const plan = planRebalance(inputOf(scenario(nodes)));
    expect(plan.heat.get('n0')?.hot).toBe(true);
    expect(plan.taints).toEqual([]);
  });

  it('untaints a node that has cooled', () => {
    const nodes = threeHot(2000, 2000);
    nodes[4] = { ...nodes[4]!, hotTaint: true };
    const plan = planRebalance(inputOf(scenario(nodes)));
    expect(plan.taints.map((t) => `${t.kind} ${t.node}`)).toEqual(['Untaint n4']);
  });

  it('evicts the lowest priority first, then BestEffort before Burstable before Guaranteed', () => {
    const nodes = threeHot(2000, 2000);
    nodes[0] = {
      name: 'n0',
      pods: [
        { name: 'high', cpu: 1000, priority: 100, qos: 'BestEffort' },
        { name: 'low-guaranteed', cpu: 1000, priority: 0, qos: 'Guaranteed' },
        { name: 'low-besteffort', cpu: 1000, priority: 0, qos: 'BestEffort' },
        { name: 'low-burstable', cpu: 1000, priority: 0, qos: 'Burstable' },
        { name: 'mid', cpu: 2000, priority: 50 },
      ],
    };
    const plan = planRebalance(
      inputOf(scenario(nodes), { settings: { maxEvictionsPerNode: 3, maxEvictionsPerNamespace: 5 } }),
    );
    // 75% → 37.5% (cool mark 35%): three evictions, by priority then QoS; the priority 50 and 100 pods stay.
    expect(plan.evictions.map((e) => e.pod)).toEqual([
      'default/low-besteffort',
      'default/low-burstable',
      'default/low-guaranteed',
    ]);
  });

  it('prefers the smallest pod that cools the node on its own, else the one that relieves most', () => {
    // Nine 32-core nodes at 25%, so any of these pods finds room without making a new hot node.
    const others: NodeSpec[] = Array.from({ length: 9 }, (_, i) => ({
      name: `m${i}`,
      cpu: 32_000,
      pods: podsOf(`m${i}`, 8, 1000, { namespace: `m${i}` }),
    }));
    // n0 at 75%, mean 30%, cool mark 35%: no single pod suffices, so the one relieving most (b) goes.
    const big = [
      { name: 'a', cpu: 1000 },
      { name: 'b', cpu: 3000 },
      { name: 'c', cpu: 2000 },
    ];
    expect(moved(planRebalance(inputOf(scenario([{ name: 'n0', pods: big }, ...others]))))).toEqual([
      'default/b n0->m0',
    ]);
    // n0 at 45%, mean 27%, cool mark 32%: b (15%) and c (25%) suffice, a (5%) does not: the smaller, b, goes.
    const small = [
      { name: 'a', cpu: 400 },
      { name: 'b', cpu: 1200 },
      { name: 'c', cpu: 2000 },
    ];
    expect(moved(planRebalance(inputOf(scenario([{ name: 'n0', pods: small }, ...others]))))).toEqual([
      'default/b n0->m0',
    ]);
  });

  it('does not move a pod whose destination would end up hot', () => {
    // n0 at 75% on 8 cores among 25% nodes (mean 30%): either 3000m pod would take any node to 62.5%.
    const nodes = threeHot(2000, 2000);
    nodes[0] = { name: 'n0', pods: podsOf('big', 2, 3000) };
    const plan = planRebalance(inputOf(scenario(nodes)));
    expect(plan.evictions).toEqual([]);
    expect(plan.skipCounts).toEqual({ DestinationWouldBeHot: 2 });
  });

  it('bounds the destination searches of one plan, and skips demands that already found no room', () => {
    // 100 hot nodes whose only pods (3000m) would make any destination hot, among 100 nodes at 25%.
    const hot = Array.from({ length: 100 }, (_, i): NodeSpec => ({
      name: `h${i}`,
      pods: podsOf(`h${i}`, 2, 3000, { namespace: `h${i}` }),
    }));
    const cool = Array.from({ length: 100 }, (_, i): NodeSpec => ({
      name: `c${i}`,
      pods: podsOf(`c${i}`, 4, 500),
    }));
    const plan = planRebalance(inputOf(scenario([...hot, ...cool])));
    // Each failed search asks the engine twice: over the nearby (coolest) nodes, then over the whole pool.
    expect(plan.skipCounts).toEqual({ DestinationWouldBeHot: MAX_DESTINATION_SEARCHES / 2, SearchLimit: 1 });
    // Pods too big for any node: found by the room scan alone, without asking the placement engine.
    const full = Array.from({ length: 100 }, (_, i): NodeSpec => ({
      name: `f${i}`,
      pods: podsOf(`f${i}`, 6, 1000),
    }));
    const stuck = Array.from({ length: 10 }, (_, i): NodeSpec => ({
      name: `s${i}`,
      pods: [{ name: `s${i}`, namespace: `s${i}`, cpu: 7000 }],
    }));
    const crowded = planRebalance(inputOf(scenario([...stuck, ...full])));
    expect(crowded.skipCounts).toEqual({ NoDestination: 10 });
    expect(crowded.destinationSearches).toBe(0);
    expect(plan.destinationSearches).toBe(MAX_DESTINATION_SEARCHES);
  });

  it('finds a destination outside the coolest nodes when only such a node suits the pod', () => {
    // 100 nodes at 25%, one labelled 32-core node at 31.25%: never among the 64 coolest, yet the only fit.
    const cool = Array.from({ length: 100 }, (_, i): NodeSpec => ({
      name: `c${i}`,
      pods: podsOf(`c${i}`, 4, 500),
    }));
    const special: NodeSpec = {
      name: 'ssd',
      cpu: 32_000,
      labels: { disk: 'ssd' },
      pods: podsOf('ssd', 20, 500),
    };
    const hot: NodeSpec = {
      name: 'hot',
      pods: [
        { name: 'db', cpu: 500, nodeSelector: { disk: 'ssd' } },
        ...podsOf('filler', 11, 500, { movable: false }),
      ],
    };
    const plan = planRebalance(inputOf(scenario([hot, special, ...cool])));
    expect(moved(plan)).toEqual(['default/db hot->ssd']);
  });

  it('skips pods that are not movable, too young, or in cooldown, and nodes in cooldown', () => {
    const nodes = threeHot();
    nodes[0] = { name: 'n0', pods: [{ name: 'fixed', cpu: 6000, movable: false }] };
    nodes[1] = { name: 'n1', pods: [{ name: 'young', cpu: 6000, ageMs: 60_000 }] };
    nodes[2] = { name: 'n2', pods: [{ name: 'w', cpu: 6000, workload: 'ReplicaSet/default/w' }] };
    nodes[3] = { name: 'n3', pods: podsOf('p3', 12, 500), rebalancedAt: NOW - 60_000 };
    const history = [{ at: NOW - 10_000, pod: 'default/gone', workload: 'ReplicaSet/default/w', from: 'n9' }];
    const plan = planRebalance(inputOf(scenario(nodes), { history }));
    expect(plan.evictions).toEqual([]);
    expect(plan.skipCounts).toEqual({ NotMovable: 1, TooYoung: 1, WorkloadCooldown: 1 });
    expect(plan.classification.find((c) => c.node === 'n3')).toMatchObject({ coolingDown: true });
    expect(plan.status.conditions.find((c) => c.type === 'Balanced')).toMatchObject({ reason: 'NoSafeMove' });
  });

  it('never moves what the pool protects by default, says why, and moves the ordinary pod', () => {
    const nodes = threeHot();
    const big = { cpu: 1500 };
    const operatorLabels = { 'app.kubernetes.io/name': 'fulcrum', 'app.kubernetes.io/component': 'operator' };
    // Protected pods first in eviction order (lowest priority): the planner must pass over each of them.
    nodes[0] = {
      name: 'n0',
      pods: [
        { name: 'dns', namespace: 'kube-system', priority: -5, ...big },
        { name: 'critical', priority: -4, evictionTraits: EvictionTrait.SystemCritical, ...big },
        { name: 'scratch', priority: -3, evictionTraits: EvictionTrait.LocalStorage, ...big },
        { name: 'op', priority: -2, labels: operatorLabels, ...big },
        { name: 'db', priority: -1, evictionTraits: EvictionTrait.PersistentVolumeClaim, ...big },
        { name: 'bare', priority: -1, evictionTraits: EvictionTrait.NoController, ...big },
        { name: 'web', priority: 0, ...big },
      ],
    };
    const plan = planRebalance(inputOf(scenario(nodes), { operator: { namespace: 'fulcrum-system' } }));
    expect(plan.evictions.filter((e) => e.from === 'n0').map((e) => e.pod)).toEqual(['default/web']);
    expect(plan.skipCounts).toMatchObject({
      SystemNamespace: 1,
      SystemCritical: 1,
      LocalStorage: 1,
      OperatorPod: 1,
      PersistentVolumeClaim: 1,
      NoController: 1,
    });
    expect(plan.skipped.find((s) => s.pod === 'default/scratch')).toMatchObject({
      reason: 'LocalStorage',
      detail: 'see spec.eviction.evictLocalStoragePods',
    });
  });

  it('moves a protected class once the pool opts in, and honours namespace lists', () => {
    const nodes = threeHot();
    nodes[0] = {
      name: 'n0',
      pods: [
        { name: 'scratch', priority: -1, evictionTraits: EvictionTrait.LocalStorage, cpu: 1500 },
        { name: 'other', namespace: 'team-b', priority: -2, cpu: 1500 },
        { name: 'big', priority: 5, cpu: 3000 },
      ],
    };
    const eviction = {
      evictLocalStoragePods: true,
      evictPvcPods: false,
      evictSystemCriticalPods: false,
      namespaces: { exclude: ['team-b'] },
    };
    const plan = planRebalance(inputOf(scenario(nodes, { eviction })));
    expect(plan.evictions.filter((e) => e.from === 'n0').map((e) => e.pod)).toEqual(['default/scratch']);
    expect(plan.skipCounts).toMatchObject({ NamespaceExcluded: 1 });
  });

  it('never moves a pod where no node stays within the ceilings', () => {
    // Every other node at 75% of 8 cores: a 1000m pod would take any of them to 87.5% > 80%.
    const nodes: NodeSpec[] = [
      { name: 'n0', pods: [{ name: 'big', cpu: 7000 }] },
      ...Array.from({ length: 4 }, (_, i) => ({ name: `m${i}`, pods: podsOf(`m${i}`, 6, 1000) })),
      { name: 'idle', cpu: 1000 }, // small node: 1000m of 1000m allocatable is over 80%
    ];
    const plan = planRebalance(inputOf(scenario(nodes)));
    expect(plan.heat.get('n0')?.hot).toBe(true);
    expect(plan.evictions).toEqual([]);
    expect(Object.keys(plan.skipCounts)).toEqual(['NoDestination']);
  });

  it('honours a PodDisruptionBudget and the namespace budget', () => {
    const nodes = threeHot();
    nodes[0] = { name: 'n0', pods: podsOf('a', 12, 500, { pdbs: ['web'] }) };
    nodes[1] = { name: 'n1', pods: podsOf('b', 12, 500, { pdbs: ['web'] }) };
    const plan = planRebalance(
      inputOf(scenario(nodes, { pdbs: { web: 1 } }), { settings: { maxEvictionsPerNamespace: 5 } }),
    );
    expect(plan.evictions.filter((e) => e.budgets.includes('pdb:web'))).toHaveLength(1);
    const oneNamespace = threeHot().map((n) => ({
      ...n,
      pods: n.pods?.map((p) => ({ ...p, namespace: 'shop' })),
    }));
    const ns = planRebalance(inputOf(scenario(oneNamespace), { settings: { maxEvictionsPerNamespace: 2 } }));
    expect(ns.evictions).toHaveLength(2);
    expect(ns.skipCounts.NamespaceBudget).toBeGreaterThan(0);
  });

  it('holds everything on stale metrics and says which nodes are stale', () => {
    const s = scenario(threeHot(), { basis: 'Usage' });
    const heat = new Map([['n0', { streak: 1, hot: true }]]);
    const plan = planRebalance(
      inputOf(s, { heat, metrics: { stale: [{ key: 'n4', reason: 'TooOld', ageMs: 60_000 }] } }),
    );
    expect(plan.halted).toBe('MetricsStale');
    expect(plan.actions).toEqual([]);
    expect(plan.heat).toEqual(heat);
    expect(plan.status.conditions).toEqual([
      expect.objectContaining({ type: 'Balanced', status: 'Unknown', reason: 'MetricsStale' }),
      expect.objectContaining({
        type: 'MetricsAvailable',
        status: 'False',
        message: expect.stringContaining('n4 (too old)'),
      }),
    ]);
  });

  it('balances on measured usage when the basis is Usage, and moves the pod measured to relieve most', () => {
    const s = scenario(threeHot(2000, 2000), { basis: 'Usage' });
    const cpu = (millicores: number) => ({
      cpu: millicores,
      memory: 0,
      ephemeralStorage: 0,
      network: 0,
      pods: 4,
    });
    const usage = new Map(s.pool.members.map((n) => [n, cpu(3000)]));
    usage.set('n5', cpu(7000)); // 87.5%: over the 80% cpu ceiling although its requests say 25%
    const podUsage = new Map([['ns5/p5-3', cpu(1000)]]); // the others count by their 500m requests
    const plan = planRebalance(inputOf(s, { usage, podUsage }));
    expect(plan.classification.find((c) => c.node === 'n5')).toMatchObject({ overCeiling: ['cpu'] });
    expect(plan.evictions.map((e) => [e.pod, e.from])).toEqual([['ns5/p5-3', 'n5']]);
  });

  it('only ceilings make a node hot in a BinPack pool', () => {
    const s = scenario(threeHot(), { strategy: 'BinPack' });
    expect(planRebalance(inputOf(s)).evictions).toEqual([]);
    const over = threeHot();
    over[0] = { name: 'n0', pods: podsOf('p0', 14, 500) }; // 87.5% > 80%
    const plan = planRebalance(inputOf(scenario(over, { strategy: 'BinPack' })));
    // Over the ceiling is urgent: as many moves as it takes to get under it (81.25% after one, 75% after two).
    expect(plan.evictions.map((e) => `${e.mode} ${e.from}`)).toEqual(['Urgent n0', 'Urgent n0']);
  });

  it('leaves the caller snapshot as it found it', async () => {
    const { PoolSnapshot } = await import('../placement/snapshot.js');
    const s = scenario(threeHot());
    const snapshot = PoolSnapshot.take({ model: s.model, pool: s.pool, now: NOW });
    const used = Float64Array.from(snapshot.used);
    const blocked = Uint8Array.from(snapshot.blocked);
    const plan = planRebalance(inputOf(s, { snapshot }));
    expect(plan.evictions.length).toBeGreaterThan(0);
    expect(Float64Array.from(snapshot.used)).toEqual(used);
    expect(Uint8Array.from(snapshot.blocked)).toEqual(blocked);
  });

  it('in mode Off plans nothing but lifting hot taints', () => {
    const nodes = threeHot();
    nodes[0] = { ...nodes[0]!, hotTaint: true };
    const plan = planRebalance(inputOf(scenario(nodes), { settings: { mode: 'Off' } }));
    expect(plan.evictions).toEqual([]);
    expect(plan.taints.map((t) => `${t.kind} ${t.node}`)).toEqual(['Untaint n0']);
    expect(plan.halted).toBe('Off');
  });
});
