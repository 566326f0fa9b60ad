/**
 * Ceilings first: a node over a ceiling is relieved in the interval that shows it, as the hot spot
 * needs (four nodes at 90 % CPU from one Deployment, twelve idle nodes beside them), while balance keeps its
 * hysteresis, cooldowns and budgets.
 */
import { planRebalance } from './planner.js';
import { inputOf, NOW, podsOf, scenario, type NodeSpec } from './planner-fixtures.js';
import { overCeilings, poolLoads } from './node-load.js';
import { PoolSnapshot } from '../placement/snapshot.js';
import type { RebalancePlan } from './rebalance-plan.js';

/** 16 nodes of 8 cores: four with twelve 600m pods of one Deployment (90 %), twelve idle. */
function hotSpot(extra: { pdbs?: string[] } = {}): NodeSpec[] {
  return Array.from({ length: 16 }, (_, i) => ({
    name: `n${String(i).padStart(2, '0')}`,
    pods:
      i < 4
        ? podsOf(`web-${i}`, 12, 600, { namespace: 'shop', workload: 'ReplicaSet/shop/web', ...extra })
        : [],
  }));
}

/** The example pool's rebalancing defaults (deploy/examples/resourcepool-general.yaml). */
const DEFAULTS = {
  consecutive: 3,
  maxEvictionsPerCycle: 5,
  maxEvictionsPerNode: 1,
  maxEvictionsPerNamespace: 2,
};

function overAfter(s: ReturnType<typeof scenario>, plan: RebalancePlan): string[] {
  for (const e of plan.evictions) {
    const pod = s.model.pod(e.pod)!;
    s.model.upsertPod({ ...pod, nodeName: e.expectedTo });
  }
  const snapshot = PoolSnapshot.take({ model: s.model, pool: s.pool, now: NOW });
  return poolLoads(snapshot, s.pool.weights)
    .considered.filter((i) => overCeilings(snapshot, i, s.pool.ceilings).length > 0)
    .map((i) => snapshot.names[i] as string);
}

describe('urgent moves', () => {
  it('bring every node of a hot spot under the ceiling in the first interval, past the balance budgets', () => {
    const s = scenario(hotSpot());
    const plan = planRebalance(inputOf(s, { settings: DEFAULTS }));
    const urgent = plan.evictions.filter((e) => e.mode === 'Urgent');
    // 90 % → under 80 % takes two 600m pods per node (82.5 %, then 75 %): 8 moves, over the balance budgets
    // of 5 per cycle, 1 per node and 2 per namespace.
    expect(urgent).toHaveLength(8);
    expect(plan.evictions.every((e) => e.mode === 'Urgent')).toBe(true);
    for (const e of urgent) expect(Number(e.expectedTo.slice(1))).toBeGreaterThanOrEqual(4);
    expect(overAfter(s, plan)).toEqual([]);
    expect(plan.taints.map((t) => t.node)).toEqual(['n00', 'n01', 'n02', 'n03']);
  });

  it('ignore workload cooldowns and pod age', () => {
    const s = scenario(hotSpot());
    const history = [{ at: NOW - 60_000, pod: 'shop/web-9-0', workload: 'ReplicaSet/shop/web', from: 'n00' }];
    const plan = planRebalance(
      inputOf(s, { settings: { ...DEFAULTS, minPodAgeMs: 10 * 3_600_000 }, history }),
    );
    expect(plan.evictions.filter((e) => e.mode === 'Urgent')).toHaveLength(8);
  });

  it('hold to PodDisruptionBudgets, shared with balance', () => {
    const s = scenario(hotSpot({ pdbs: ['web'] }), { pdbs: { web: 3 } });
    const plan = planRebalance(inputOf(s, { settings: DEFAULTS }));
    expect(plan.evictions).toHaveLength(3);
    expect(plan.skipCounts.DisruptionBudget).toBeGreaterThan(0);
  });

  it('stop at the pool urgent budget, and 0 turns them off (then the node waits for consecutive)', () => {
    const s = scenario(hotSpot());
    const capped = planRebalance(inputOf(s, { settings: { ...DEFAULTS, maxUrgentEvictionsPerCycle: 5 } }));
    expect(capped.evictions).toHaveLength(5);
    expect(capped.skipCounts.UrgentBudget).toBeUndefined(); // stopped before asking further
    const off = planRebalance(
      inputOf(s, { settings: { ...DEFAULTS, maxUrgentEvictionsPerCycle: 0, consecutive: 1 } }),
    );
    expect(off.evictions.map((e) => e.mode)).toEqual(['Balance', 'Balance']);
  });

  it('never send a pod to a node over a ceiling, and leave no node over one when room exists', () => {
    // Two nodes over the ceiling, one just under it (79 %), the rest idle: nothing lands on the 79 % node.
    const nodes = hotSpot().slice(0, 2);
    nodes.push({ name: 'warm', pods: podsOf('w', 79, 80, { namespace: 'other' }) });
    for (let i = 0; i < 3; i++) nodes.push({ name: `idle${i}`, pods: [] });
    const s = scenario(nodes);
    const plan = planRebalance(inputOf(s, { settings: DEFAULTS }));
    expect(plan.evictions.length).toBe(4);
    for (const e of plan.evictions) expect(e.expectedTo).toMatch(/^idle/);
    expect(overAfter(s, plan)).toEqual([]);
  });

  it('say which mode each move came from, in the request and its reason', () => {
    const plan = planRebalance(inputOf(scenario(hotSpot()), { settings: DEFAULTS }));
    expect(plan.evictions[0]?.reason).toMatch(/^Urgent: n0\d is over its cpu ceiling; moving shop\/web-/);
  });
});
