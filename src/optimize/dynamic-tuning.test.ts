import { seededNormal } from './known-series.js';
import { tuneRebalancing, type TuningBounds } from './dynamic-tuning.js';
import { LoadVolatility, MIN_CHANGES } from './load-volatility.js';

const DECLARED = { tolerance: 10, recoveryTolerance: 5, intervalMs: 15_000 };
const BOUNDS: TuningBounds = {
  minTolerance: 5,
  maxTolerance: 20,
  minIntervalMs: 10_000,
  maxIntervalMs: 60_000,
};

/** `intervals` intervals of `nodes` nodes at 50 % plus noise of `sd` points, seeded. */
function observed(sd: number, intervals = 40, nodes = 6): LoadVolatility {
  const tracker = new LoadVolatility();
  const noise = seededNormal(3);
  for (let i = 0; i < intervals; i++)
    tracker.observe(new Map(Array.from({ length: nodes }, (_, n) => [`n${n}`, 50 + sd * noise()])));
  return tracker;
}

describe('LoadVolatility', () => {
  it('says nothing until a node has changed MIN_CHANGES times', () => {
    expect(observed(2, MIN_CHANGES).current()).toBeUndefined(); // MIN_CHANGES samples = MIN_CHANGES − 1 changes
    expect(observed(2, MIN_CHANGES + 1).current()?.nodes).toBe(6);
  });

  it('measures the change per interval: about √2 × the noise of independent samples', () => {
    for (const sd of [0.5, 2, 6]) {
      const v = observed(sd, 200).current()!;
      expect(v.points).toBeGreaterThan(sd * Math.SQRT2 * 0.7);
      expect(v.points).toBeLessThan(sd * Math.SQRT2 * 1.3);
    }
    // A steady trend is a change per interval too; flat loads have none.
    const trend = new LoadVolatility();
    for (let i = 0; i < 10; i++) trend.observe(new Map([['a', 10 + 2 * i]]));
    expect(trend.current()?.points).toBeCloseTo(2);
    expect(observed(0).current()?.points).toBe(0);
  });

  it('forgets nodes that are gone (memory: one entry per node)', () => {
    const tracker = observed(2);
    tracker.observe(new Map([['n0', 50]]));
    expect(tracker.current()?.nodes).toBe(1);
  });
});

describe('tuneRebalancing', () => {
  it('holds the declared values, clamped to the bounds, while learning', () => {
    const t = tuneRebalancing(DECLARED, BOUNDS, undefined);
    expect(t).toMatchObject({ tolerance: 10, recoveryTolerance: 5, intervalMs: 15_000 });
    expect(t.reason).toMatch(/^learning the volatility/);
    const narrow = tuneRebalancing(
      DECLARED,
      { ...BOUNDS, minTolerance: 12, maxIntervalMs: 12_000 },
      undefined,
    );
    expect(narrow).toMatchObject({ tolerance: 12, recoveryTolerance: 6, intervalMs: 12_000 });
  });

  it('calm loads: the lowest tolerance and the longest interval', () => {
    const t = tuneRebalancing(DECLARED, BOUNDS, observed(0.3).current());
    expect(t).toMatchObject({ tolerance: 5, recoveryTolerance: 2.5, intervalMs: 60_000 });
    expect(t.reason).toMatch(
      /^node loads change by 0\.\d points per interval \(median of 6 node\(s\)\): tolerance 5 .*\(calm, 10s\.\.1m\)$/,
    );
  });

  it('volatile loads: a tolerance over the noise (3×), and the shortest interval', () => {
    const v = observed(5).current()!;
    const t = tuneRebalancing(DECLARED, BOUNDS, v);
    expect(t.tolerance).toBeCloseTo(Math.min(20, 3 * v.points), 1);
    expect(t.intervalMs).toBe(10_000);
    expect(t.reason).toContain('(volatile, 10s..1m)');
    expect(tuneRebalancing(DECLARED, BOUNDS, { points: 30, nodes: 3 }).tolerance).toBe(20);
  });

  it('in between: the interval moves linearly from the longest to the shortest', () => {
    expect(tuneRebalancing(DECLARED, BOUNDS, { points: 3, nodes: 4 }).intervalMs).toBe(35_000);
    expect(tuneRebalancing(DECLARED, BOUNDS, { points: 2, nodes: 4 })).toMatchObject({
      tolerance: 6,
      intervalMs: 48_000,
    });
  });

  it('stays within the bounds and keeps recoveryTolerance below tolerance, whatever the volatility (property)', () => {
    for (let points = 0; points <= 40; points += 0.7)
      for (const bounds of [
        BOUNDS,
        { minTolerance: 1, maxTolerance: 100, minIntervalMs: 1_000, maxIntervalMs: 3_600_000 },
      ]) {
        const t = tuneRebalancing(DECLARED, bounds, { points, nodes: 5 });
        expect(t.tolerance).toBeGreaterThanOrEqual(bounds.minTolerance);
        expect(t.tolerance).toBeLessThanOrEqual(bounds.maxTolerance);
        expect(t.intervalMs).toBeGreaterThanOrEqual(bounds.minIntervalMs);
        expect(t.intervalMs).toBeLessThanOrEqual(bounds.maxIntervalMs);
        expect(t.recoveryTolerance).toBeLessThan(t.tolerance);
      }
  });
});
