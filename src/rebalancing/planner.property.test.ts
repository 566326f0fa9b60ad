/**
 * Properties of the rebalance planner, checked against brute-force oracles that replay its moves on plain
 * per-node sums (no snapshot, no placement engine): ceilings, budgets, eviction order and no thrash.
 */
import fc from 'fast-check';
import type { PodInfo } from '../model/pod-info.js';
import { CEILING_RESOURCES, type ResourceVector } from '../model/resources.js';
import { planRebalance } from './planner.js';
import {
  GI,
  inputOf,
  NOW,
  scenario,
  type NodeSpec,
  type PodSpec,
  type Scenario,
} from './planner-fixtures.js';
import type { RebalanceSettings } from './settings.js';
import type { EvictionRequest, MoveRecord, NodeHeat, RebalancePlan } from './rebalance-plan.js';

const podArb = (node: number, i: number): fc.Arbitrary<PodSpec> =>
  fc.constantFrom(0, 0, 10, 100).chain((priority) =>
    fc.record({
      name: fc.constant(`p${node}-${i}`),
      namespace: fc.constantFrom('a', 'b', 'c'),
      priority: fc.constant(priority),
      // Low priorities get the big pods, which often fit nowhere: the eviction order is then put to work.
      cpu: fc.integer({ min: 100, max: priority === 0 ? 5000 : 1500 }),
      memory: fc.integer({ min: 0, max: 6 }).map((g) => g * GI),
      qos: fc.constantFrom('BestEffort' as const, 'Burstable' as const, 'Guaranteed' as const),
      movable: fc.constantFrom(true, true, true, false),
      ageMs: fc.constantFrom(3_600_000, 3_600_000, 3_600_000, 30_000),
      pdbs: fc.constantFrom<string[]>([], [], ['x'], ['y']),
    }),
  );

function clusterArb(sizes: readonly number[]): fc.Arbitrary<NodeSpec[]> {
  return fc.integer({ min: 3, max: 10 }).chain((count) =>
    fc.tuple(
      ...Array.from({ length: count }, (_, n) =>
        fc.record({
          name: fc.constant(`n${n}`),
          cpu: fc.constantFrom(...sizes),
          memory: fc.constant(32 * GI),
          pods: fc
            .integer({ min: 0, max: 10 })
            .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => podArb(n, i)))),
        }),
      ),
    ),
  );
}

const settingsArb: fc.Arbitrary<Partial<RebalanceSettings>> = fc
  .record({
    tolerance: fc.integer({ min: 4, max: 20 }),
    gap: fc.integer({ min: 1, max: 4 }),
    maxEvictionsPerCycle: fc.integer({ min: 1, max: 6 }),
    maxEvictionsPerNode: fc.integer({ min: 1, max: 3 }),
    maxEvictionsPerNamespace: fc.integer({ min: 1, max: 4 }),
    maxUrgentEvictionsPerCycle: fc.integer({ min: 0, max: 6 }),
  })
  .map(({ gap, ...s }) => ({
    ...s,
    recoveryTolerance: s.tolerance - gap,
    maxEvictionsPerNode: Math.min(s.maxEvictionsPerNode, s.maxEvictionsPerCycle),
  }));

const pdbArb = fc.record({ x: fc.integer({ min: 0, max: 2 }), y: fc.integer({ min: 0, max: 2 }) });

/** Per-node used resources (requests), replayed move by move. */
class Ledger {
  readonly used = new Map<string, ResourceVector>();
  constructor(readonly s: Scenario) {
    for (const name of s.pool.members) this.used.set(name, s.model.requested(name));
  }
  move(pod: PodInfo, from: string, to: string): void {
    for (const r of [...CEILING_RESOURCES, 'pods'] as const) {
      (this.used.get(from) as ResourceVector)[r] -= pod.requests[r];
      (this.used.get(to) as ResourceVector)[r] += pod.requests[r];
    }
  }
  withinCeilings(node: string, extra?: ResourceVector): boolean {
    const info = this.s.model.node(node)!;
    const used = this.used.get(node) as ResourceVector;
    return (
      CEILING_RESOURCES.every((r) => {
        const total = used[r] + (extra?.[r] ?? 0);
        return (
          (extra !== undefined && (extra[r] ?? 0) <= 0) ||
          total * 100 <= this.s.pool.ceilings[r] * info.allocatable[r]
        );
      }) && used.pods + (extra?.pods ?? 0) <= info.allocatable.pods
    );
  }
  load(node: string, extra?: ResourceVector): number {
    const info = this.s.model.node(node)!;
    return (((this.used.get(node) as ResourceVector).cpu + (extra?.cpu ?? 0)) / info.allocatable.cpu) * 100;
  }
}

function pod(s: Scenario, key: string): PodInfo {
  return s.model.pod(key) as PodInfo;
}

describe('planRebalance properties', () => {
  it('never takes a destination over a ceiling and never exceeds a budget', () => {
    fc.assert(
      fc.property(clusterArb([4000, 8000, 16000]), settingsArb, pdbArb, (nodes, settings, pdbs) => {
        const s = scenario(nodes, { pdbs });
        const plan = planRebalance(inputOf(s, { settings }));
        const ledger = new Ledger(s);
        for (const e of plan.evictions) {
          const p = pod(s, e.pod);
          expect(ledger.withinCeilings(e.expectedTo, p.requests)).toBe(true);
          ledger.move(p, e.from, e.expectedTo);
        }
        // Balance budgets count balance moves; urgent moves have their own budget, off nodes over a ceiling.
        const balance = plan.evictions.filter((e) => e.mode === 'Balance');
        const urgent = plan.evictions.filter((e) => e.mode === 'Urgent');
        const count = (key: (e: EvictionRequest) => string) => {
          const counts = new Map<string, number>();
          for (const e of balance) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
          return Math.max(0, ...counts.values());
        };
        expect(urgent.length).toBeLessThanOrEqual(settings.maxUrgentEvictionsPerCycle as number);
        const overAtStart = new Set(s.pool.members.filter((n) => !new Ledger(s).withinCeilings(n)));
        for (const e of urgent) expect(overAtStart.has(e.from)).toBe(true);
        expect(balance.length).toBeLessThanOrEqual(settings.maxEvictionsPerCycle as number);
        expect(count((e) => e.from)).toBeLessThanOrEqual(settings.maxEvictionsPerNode as number);
        expect(count((e) => e.namespace)).toBeLessThanOrEqual(settings.maxEvictionsPerNamespace as number);
        for (const [name, allowed] of Object.entries(pdbs)) {
          expect(
            plan.evictions.filter((e) => s.pods.get(e.pod)?.pdbs?.includes(name)).length,
          ).toBeLessThanOrEqual(allowed);
        }
        // Only hot nodes lose pods, and no pod lands on a hot or breaching node.
        const closed = new Set(
          plan.classification.filter((c) => c.heat.hot || c.breaching).map((c) => c.node),
        );
        for (const e of plan.evictions) {
          expect(plan.heat.get(e.from)?.hot).toBe(true);
          expect(closed.has(e.expectedTo)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never moves a pod while a lower-priority movable pod on the same node would do', () => {
    fc.assert(
      fc.property(clusterArb([4000, 8000, 16000]), settingsArb, pdbArb, (nodes, settings, pdbs) => {
        const s = scenario(nodes, { pdbs });
        const input = inputOf(s, { settings });
        const plan = planRebalance(input);
        const ledger = new Ledger(s);
        const closed = new Set(
          plan.classification.filter((c) => c.heat.hot || c.breaching).map((c) => c.node),
        );
        const open = s.pool.members.filter((n) => !closed.has(n));
        const mark = plan.meanLoad + (input.settings.tolerance + input.settings.recoveryTolerance) / 2;
        const perNamespace = new Map<string, number>();
        const pdbLeft = new Map(Object.entries(pdbs));
        const moved = new Set<string>();
        for (const e of plan.evictions) {
          const victim = pod(s, e.pod);
          for (const key of s.model.podsOn(e.from)) {
            const q = pod(s, key);
            const spec = s.pods.get(key)!;
            const urgent = e.mode === 'Urgent';
            if (key === e.pod || moved.has(key) || !(q.priority < victim.priority)) continue;
            if (spec.movable === false) continue;
            // Urgent moves ignore pod age, the namespace budget and the balance destination mark.
            if (!urgent && (spec.ageMs ?? 0) < input.settings.minPodAgeMs) continue;
            if (!urgent && (perNamespace.get(q.namespace) ?? 0) >= input.settings.maxEvictionsPerNamespace)
              continue;
            if ((spec.pdbs ?? []).some((b) => (pdbLeft.get(b) ?? 0) <= 0)) continue;
            const limit = urgent ? ledger.load(e.from) : Math.min(mark, ledger.load(e.from));
            const wouldDo = open.some(
              (d) => ledger.withinCeilings(d, q.requests) && ledger.load(d, q.requests) < limit,
            );
            expect({ pod: key, wouldDo, instead: e.pod }).toEqual({
              pod: key,
              wouldDo: false,
              instead: e.pod,
            });
          }
          if (e.mode === 'Balance')
            perNamespace.set(victim.namespace, (perNamespace.get(victim.namespace) ?? 0) + 1);
          for (const b of s.pods.get(e.pod)?.pdbs ?? []) pdbLeft.set(b, (pdbLeft.get(b) ?? 0) - 1);
          ledger.move(victim, e.from, e.expectedTo);
          moved.add(e.pod);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('plans no eviction for a pool where no node is hot', () => {
    // Every node within `tolerance` of every other and below the ceilings: none can breach.
    const balancedArb = fc
      .record({
        base: fc.integer({ min: 0, max: 55 }),
        tolerance: fc.integer({ min: 4, max: 20 }),
        nodes: fc.array(
          fc.record({
            jitter: fc.double({ min: 0, max: 0.99, noNaN: true }),
            pods: fc.integer({ min: 1, max: 8 }),
          }),
          {
            minLength: 2,
            maxLength: 12,
          },
        ),
      })
      .map(({ base, tolerance, nodes }) => ({
        tolerance,
        nodes: nodes.map(({ jitter, pods }, n): NodeSpec => {
          const millicores = Math.floor(((base + jitter * (tolerance - 1)) / 100) * 8000);
          return {
            name: `n${n}`,
            pods: Array.from({ length: pods }, (_, i) => ({
              name: `p${n}-${i}`,
              cpu: Math.max(1, Math.floor(millicores / pods)),
            })),
          };
        }),
      }));
    fc.assert(
      fc.property(balancedArb, ({ tolerance, nodes }) => {
        const s = scenario(nodes);
        const plan = planRebalance(inputOf(s, { settings: { tolerance, recoveryTolerance: tolerance - 2 } }));
        expect(plan.evictions).toEqual([]);
        expect(plan.taints).toEqual([]);
        expect(plan.status.conditions[0]).toMatchObject({ type: 'Balanced', status: 'True' });
      }),
      { numRuns: 300 },
    );
  });

  it('does not thrash: no pod moves twice urgently nor twice to balance within the cooldown, and once nothing breaches, nothing more is planned', () => {
    fc.assert(
      fc.property(clusterArb([8000]), settingsArb, (nodes, settings) => {
        const s = scenario(nodes);
        const interval = 15_000;
        let heat = new Map<string, NodeHeat>();
        const history: MoveRecord[] = [];
        const lastMove = new Map<string, number>();
        let quietSince: number | undefined;
        for (let cycle = 0; cycle < 50; cycle++) {
          const now = NOW + cycle * interval;
          const plan: RebalancePlan = planRebalance(
            inputOf(s, {
              settings: { ...settings, cooldownMs: 60_000, minPodAgeMs: 30_000 },
              now,
              heat,
              history,
            }),
          );
          heat = plan.heat;
          if (quietSince !== undefined) expect(plan.evictions).toEqual([]);
          for (const e of plan.evictions) {
            // An urgent move may have to start a hot node (no destination below the balance mark was left),
            // which balance then relieves, possibly with a pod it balanced before: that is fine once the pod's
            // cooldown is over. Never twice urgently (static requests cannot push a node over a ceiling again).
            const previous = lastMove.get(`${e.mode} ${e.pod}`);
            if (e.mode === 'Urgent') expect(previous).toBeUndefined();
            else if (previous !== undefined) expect(now - previous).toBeGreaterThanOrEqual(60_000);
            lastMove.set(`${e.mode} ${e.pod}`, now);
            const p = pod(s, e.pod);
            // The replacement: same key for tracking, a new pod on the expected node.
            s.model.upsertPod({ ...p, nodeName: e.expectedTo, creationTimestamp: now });
            history.push({ at: now, pod: e.pod, from: e.from, to: e.expectedTo });
          }
          if (quietSince === undefined && plan.classification.every((c) => !c.breaching && !c.heat.hot))
            quietSince = cycle;
        }
      }),
      { numRuns: 150 },
    );
  });
});
