/**
 * Properties of the consolidation planner, checked against a brute-force oracle that replays its moves on
 * plain per-node request sums (no snapshot, no placement engine): no destination crosses a ceiling, no
 * budget is exceeded, only movable pods leave, only draining nodes are emptied, and the drain limits hold.
 */
import fc from 'fast-check';
import { GI, scenario, type NodeSpec, type PodSpec } from '../rebalancing/planner-fixtures.js';
import { CEILING_RESOURCES, type ResourceVector } from '../model/resources.js';
import { consolidationInput } from './fixtures.js';
import { planConsolidation } from './planner.js';
import type { ConsolidationSettings } from './settings.js';

const podArb = (node: number, i: number): fc.Arbitrary<PodSpec> =>
  fc.record({
    name: fc.constantFrom(`p${node}-${i}`, `p${node}-${i}`, `p${node}-${i}`, `ds-${node}-${i}`),
    namespace: fc.constantFrom('a', 'b'),
    priority: fc.constantFrom(0, 0, 100),
    cpu: fc.integer({ min: 100, max: 3000 }),
    memory: fc.integer({ min: 0, max: 8 }).map((g) => g * GI),
    movable: fc.constantFrom(true, true, true, true, false),
    ageMs: fc.constantFrom(3_600_000, 3_600_000, 3_600_000, 30_000),
    pdbs: fc.constantFrom<string[]>([], [], ['x'], ['y']),
  });

const clusterArb: fc.Arbitrary<NodeSpec[]> = fc.integer({ min: 2, max: 9 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, n) =>
      fc.record({
        name: fc.constant(`n${n}`),
        cpu: fc.constantFrom(4000, 8000, 16000),
        memory: fc.constant(32 * GI),
        pods: fc
          .integer({ min: 0, max: 6 })
          .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => podArb(n, i)))),
      }),
    ),
  ),
);

const settingsArb: fc.Arbitrary<Partial<ConsolidationSettings>> = fc.record({
  maxDrainingNodes: fc.integer({ min: 1, max: 3 }),
  maxEvictionsPerCycle: fc.integer({ min: 1, max: 8 }),
  minNodes: fc.integer({ min: 0, max: 3 }),
});

describe('planConsolidation properties', () => {
  it('never plans a move that crosses a ceiling or a budget', () => {
    fc.assert(
      fc.property(
        clusterArb,
        settingsArb,
        fc.record({ x: fc.integer({ min: 0, max: 2 }), y: fc.integer({ min: 0, max: 2 }) }),
        fc.subarray(['n0', 'n1', 'n2'], { maxLength: 2 }),
        fc.constantFrom<'LeastLoaded' | 'BinPack'>('LeastLoaded', 'BinPack'),
        (nodes, settings, pdbs, drainingNames, strategy) => {
          const s = scenario(nodes, {
            strategy,
            pdbs,
            weights: { cpu: 1, memory: 1, ephemeralStorage: 0, network: 0 },
          });
          const draining = new Map(
            drainingNames.filter((n) => s.pool.members.includes(n)).map((n) => [n, 0]),
          );
          const input = consolidationInput(s, { settings, draining });
          const plan = planConsolidation(input);
          const all = { ...input.settings };

          // Budgets: per cycle, and per disruption budget.
          expect(plan.evictions.length).toBeLessThanOrEqual(all.maxEvictionsPerCycle);
          for (const [pdb, allowed] of Object.entries(pdbs))
            expect(plan.evictions.filter((e) => e.budgets.includes(`pdb:${pdb}`)).length).toBeLessThanOrEqual(
              allowed,
            );

          // Only movable pods, only off draining nodes, never onto a draining node.
          const drained = new Set([...draining.keys(), ...plan.draining]);
          for (const e of plan.evictions) {
            const pod = s.model.pod(e.pod);
            expect(pod && input.facts.movable(pod) && !input.facts.staysOnNode(pod)).toBe(true);
            expect(plan.draining).toContain(e.from);
            expect(drained.has(e.expectedTo)).toBe(false);
          }

          // Ceilings: replay every move on plain request sums; each destination stays within every ceiling.
          const used = new Map<string, ResourceVector>(s.pool.members.map((n) => [n, s.model.requested(n)]));
          for (const e of plan.evictions) {
            const pod = s.model.pod(e.pod);
            const to = used.get(e.expectedTo);
            if (!pod || !to) throw new Error('move names an unknown pod or node');
            for (const r of CEILING_RESOURCES) to[r] += pod.requests[r];
          }
          for (const node of new Set(plan.evictions.map((e) => e.expectedTo))) {
            const info = s.model.node(node);
            const u = used.get(node) as ResourceVector;
            for (const r of CEILING_RESOURCES) {
              const cap = info?.allocatable[r] ?? 0;
              if (cap > 0) expect(u[r] * 100).toBeLessThanOrEqual(s.pool.ceilings[r] * cap + 1e-6);
            }
          }

          // Drain limits: a new drain starts only within maxDrainingNodes and above minNodes in use.
          const started = plan.marks.filter((m) => m.kind === 'StartDrain');
          if (started.length > 0) {
            expect(plan.draining.length).toBeLessThanOrEqual(all.maxDrainingNodes);
            expect(plan.packing.nodesInUse - plan.draining.length).toBeGreaterThanOrEqual(all.minNodes);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
