/**
 * Consolidation's packing efficiency against the lower bound (total requests over per-node capacity at the
 * ceiling): pools spread thin are consolidated interval after interval, every eviction's replacement bound
 * where the plan said, until nothing more can be drained. Target: at least 95 % of the lower bound's
 * efficiency (bench/REPORT.md, "Consolidation").
 */
import { consolidate, PACKING_POOLS, spreadPool } from './packing-trial.js';

describe('consolidation packing efficiency', () => {
  it.each(PACKING_POOLS)(
    'reaches at least 95 % of the lower bound (seed $seed, $nodes nodes, $pods pods)',
    ({ seed, nodes, pods }) => {
      for (const strategy of ['LeastLoaded', 'BinPack'] as const) {
        const { packing } = consolidate(spreadPool(seed, nodes, pods), strategy);
        expect(packing.boundEfficiency).toBeGreaterThanOrEqual(95);
        expect(packing.nodesInUse).toBeLessThan(nodes);
      }
    },
  );
});
