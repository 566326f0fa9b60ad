import { BoundedSeries } from './bounded-series.js';

describe('BoundedSeries', () => {
  test('samples within a step fold into its mean; the next step closes it with the mean time', () => {
    const s = new BoundedSeries(1000, 4);
    expect(s.add(100, 10)).toBeUndefined();
    expect(s.add(300, 20)).toBeUndefined();
    expect(s.add(1200, 5)).toEqual({ step: 0, mean: 15, time: 200 });
    expect(s.points()).toEqual([
      [0, 15],
      [1000, 5],
    ]);
  });

  test('memory is bounded: only the last `capacity` steps are held, whatever the uptime', () => {
    const s = new BoundedSeries(1000, 4);
    for (let t = 0; t < 1_000_000; t += 500) s.add(t, t / 1000);
    const points = s.points();
    expect(points).toHaveLength(4);
    expect(points[0]?.[0]).toBe(996_000);
    expect(points[3]).toEqual([999_000, 999.25]);
  });

  test('skipped steps are gaps, and a sample older than the newest step is ignored', () => {
    const s = new BoundedSeries(1000, 8);
    s.add(0, 1);
    s.add(3500, 4);
    expect(s.add(2000, 99)).toBeUndefined();
    expect(s.points()).toEqual([
      [0, 1],
      [3000, 4],
    ]);
  });

  test('a gap longer than the ring clears every old step', () => {
    const s = new BoundedSeries(1000, 4);
    for (let t = 0; t < 4000; t += 1000) s.add(t, 1);
    s.add(100_000, 2);
    expect(s.points()).toEqual([[100_000, 2]]);
  });

  test.each([
    { scenario: 'a steady trend is not volatile', values: [1, 2, 3, 4, 5, 6, 7], wantStddev: 0 },
    { scenario: 'alternating values are', values: [0, 2, 0, 2, 0, 2, 0, 2], wantStddev: 2 },
  ])('step volatility: $scenario', ({ values, wantStddev }) => {
    const s = new BoundedSeries(1000, 16);
    values.forEach((v, i) => s.add(i * 1000, v));
    expect(s.stepVolatility().stddev).toBeCloseTo(wantStddev, 1);
  });

  test('rejects a non-positive step or a capacity below 2', () => {
    expect(() => new BoundedSeries(0, 4)).toThrow(/stepMs/);
    expect(() => new BoundedSeries(1000, 1)).toThrow(/capacity/);
  });
});
