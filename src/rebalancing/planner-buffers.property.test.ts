/**
 * The planner reuses per-node work buffers kept with the snapshot it is given (loads, previous heat, the
 * nearby-node scan), so plans on a kept snapshot allocate nothing per node. Property: whatever plans ran on
 * that snapshot before (other heat, other settings, another node set hot), a plan on it is the plan a fresh
 * snapshot gives, and it leaves the snapshot's arrays as it found them.
 */
import fc from 'fast-check';
import { PoolSnapshot } from '../placement/snapshot.js';
import { planRebalance } from './planner.js';
import { GI, inputOf, NOW, scenario, type NodeSpec } from './planner-fixtures.js';
import type { RebalanceSettings } from './settings.js';
import type { NodeHeat } from './rebalance-plan.js';

const nodesArb: fc.Arbitrary<NodeSpec[]> = fc.integer({ min: 3, max: 80 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, n) =>
      fc.record({
        name: fc.constant(`n${n}`),
        cpu: fc.constantFrom(4000, 8000, 16000),
        memory: fc.constant(32 * GI),
        ready: fc.constantFrom(true, true, true, false),
        hotTaint: fc.constantFrom(false, false, false, true),
        pods: fc.integer({ min: 0, max: 8 }).chain((k) =>
          fc.tuple(
            ...Array.from({ length: k }, (_, i) =>
              fc.record({
                name: fc.constant(`p${n}-${i}`),
                namespace: fc.constantFrom('a', 'b'),
                priority: fc.constantFrom(0, 10, 100),
                cpu: fc.integer({ min: 100, max: 3000 }),
                memory: fc.integer({ min: 0, max: 4 }).map((g) => g * GI),
              }),
            ),
          ),
        ),
      }),
    ),
  ),
);

/** Heat carried from a previous interval: a few nodes (some not in the pool any more) hot or on a streak. */
const heatArb = (count: number): fc.Arbitrary<Map<string, NodeHeat>> =>
  fc
    .array(
      fc.tuple(
        fc.integer({ min: 0, max: count + 2 }),
        fc.record({ streak: fc.integer({ min: 0, max: 3 }), hot: fc.boolean() }),
      ),
      { maxLength: 6 },
    )
    .map((entries) => new Map(entries.map(([n, h]) => [`n${n}`, h])));

const settingsArb: fc.Arbitrary<Partial<RebalanceSettings>> = fc.record({
  tolerance: fc.integer({ min: 2, max: 15 }),
  recoveryTolerance: fc.constant(1),
  consecutive: fc.integer({ min: 1, max: 3 }),
  maxEvictionsPerCycle: fc.integer({ min: 1, max: 6 }),
  maxEvictionsPerNode: fc.constant(1),
});

describe('planRebalance on a kept snapshot', () => {
  it('plans as on a fresh snapshot, whatever ran on the kept one before, and restores it', () => {
    fc.assert(
      fc.property(
        nodesArb.chain((nodes) =>
          fc.tuple(
            fc.constant(nodes),
            fc.array(fc.tuple(heatArb(nodes.length), settingsArb), { minLength: 1, maxLength: 4 }),
          ),
        ),
        ([nodes, runs]) => {
          const s = scenario(nodes);
          const kept = PoolSnapshot.take({ model: s.model, pool: s.pool, now: NOW });
          const used = Float64Array.from(kept.used);
          const blocked = Uint8Array.from(kept.blocked);
          for (const [heat, settings] of runs) {
            const onKept = planRebalance(inputOf(s, { heat, settings, snapshot: kept }));
            const onFresh = planRebalance(inputOf(s, { heat, settings }));
            expect(onKept).toEqual(onFresh);
            expect(Array.from(kept.used)).toEqual(Array.from(used));
            expect(Array.from(kept.blocked)).toEqual(Array.from(blocked));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
