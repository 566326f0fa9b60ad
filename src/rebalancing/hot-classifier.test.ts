import fc from 'fast-check';
import { COOL, nextHeat, startingHeat, type HeatRule } from './hot-classifier.js';
import type { NodeHeat } from './rebalance-plan.js';

const rule: HeatRule = { tolerance: 10, recoveryTolerance: 5, consecutive: 3, relative: true };

describe('hot classification', () => {
  it.each([
    ['cool node within tolerance stays cool', COOL, 49, false, COOL],
    ['a breach starts a streak', COOL, 51, false, { streak: 1, hot: false }],
    [
      'the third breach in a row makes it hot',
      { streak: 2, hot: false },
      51,
      false,
      { streak: 3, hot: true },
    ],
    ['a pause resets the streak', { streak: 2, hot: false }, 49, false, COOL],
    ['over a ceiling is hot at once, whatever the mean', COOL, 30, true, { streak: 3, hot: true }],
    ['hot stays hot between the marks', { streak: 3, hot: true }, 46, false, { streak: 3, hot: true }],
    ['hot cools below the recovery mark', { streak: 3, hot: true }, 44, false, COOL],
    [
      'hot stays hot over a ceiling even below the mean',
      { streak: 3, hot: true },
      10,
      true,
      { streak: 3, hot: true },
    ],
  ])('%s', (_, previous, load, overCeiling, want) => {
    expect(nextHeat(previous as NodeHeat, { load, mean: 40, overCeiling }, rule)).toEqual(want);
  });

  it('starts a node carrying the hot taint as hot when nothing is remembered', () => {
    expect(startingHeat(undefined, true, 3)).toEqual({ streak: 3, hot: true });
    expect(startingHeat(undefined, false, 3)).toBe(COOL);
    expect(startingHeat({ streak: 1, hot: false }, true, 3)).toEqual({ streak: 1, hot: false });
  });

  it('property: never hot before `consecutive` breaching intervals in a row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (loads, consecutive) => {
          const r = { ...rule, consecutive };
          let heat: NodeHeat = COOL;
          let run = 0;
          for (const load of loads) {
            const breach = load > 50;
            run = breach ? run + 1 : 0;
            const wasHot = heat.hot;
            heat = nextHeat(heat, { load, mean: 40, overCeiling: false }, r);
            if (heat.hot && !wasHot) expect(run).toBeGreaterThanOrEqual(consecutive);
          }
        },
      ),
    );
  });
});
