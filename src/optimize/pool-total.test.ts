import { CEILING_RESOURCES } from '../model/resources.js';
import { poolTotalForecast, poolTotalForecasts } from './pool-total.js';
import { UsageForecaster } from './usage-forecaster.js';

describe('poolTotalForecast', () => {
  test('sums ready node forecasts and counts unforecast nodes at their usage now', () => {
    const f = new UsageForecaster({ method: 'Holt', stepMs: 60_000 });
    let t = 0;
    for (; t <= 20 * 60_000; t += 15_000)
      f.record([
        { key: 'a', time: t, usage: { cpu: 1000 + t / 1000 } }, // +60 m/min
        { key: 'b', time: t, usage: { cpu: 2000 } },
      ]);
    const now = t - 15_000;
    const total = poolTotalForecast(f, ['a', 'b', 'c'], 'cpu', now + 600_000, (n) => (n === 'c' ? 500 : 0));
    expect(total.nodes).toBe(2);
    expect(total.unforecast).toBe(1);
    expect(total.value).toBeCloseTo(1000 + (now + 600_000) / 1000 + 2000 + 500, 0);
    expect(total.trendPerMinute).toBeCloseTo(60, 3);
    expect(total.high).toBeGreaterThanOrEqual(total.value);
    expect(total.low).toBeLessThanOrEqual(total.value);
  });
});

describe('poolTotalForecasts (one pass, every resource)', () => {
  // A seeded generator: the property below runs on the same pools every time.
  function prng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  test.each([1, 2, 3, 4, 5])('equals poolTotalForecast per resource exactly (seed %i)', (seed) => {
    const rand = prng(seed);
    const f = new UsageForecaster({ method: rand() < 0.5 ? 'Holt' : 'EWMA', stepMs: 60_000 });
    const nodes = Array.from({ length: 40 }, (_, i) => `n${i}`);
    // Nodes start at different times and measure different resources, so some forecasts are not ready
    // and some resources are never measured: both branches of the sum are taken.
    const start = nodes.map(() => Math.floor(rand() * 12) * 15_000);
    const measured = nodes.map(() => CEILING_RESOURCES.filter(() => rand() < 0.8));
    let t = 0;
    for (; t <= 8 * 60_000; t += 15_000) {
      const samples = nodes.flatMap((key, i) =>
        t < (start[i] as number)
          ? []
          : [
              {
                key,
                time: t,
                usage: Object.fromEntries(measured[i]!.map((r) => [r, 100 + rand() * 50 + t / 1e4])),
              },
            ],
      );
      f.record(samples);
    }
    const current = new Map(nodes.map((n) => [n, 10 + rand() * 5]));
    const at = t + 600_000;
    const all = poolTotalForecasts(f, nodes, at, (node, out) => {
      for (const r of CEILING_RESOURCES)
        out[r] = (current.get(node) as number) * (1 + CEILING_RESOURCES.indexOf(r));
    });
    for (const [k, r] of CEILING_RESOURCES.entries()) {
      const one = poolTotalForecast(f, nodes, r, at, (node) => (current.get(node) as number) * (1 + k));
      expect(all[r]).toEqual(one);
    }
    expect(CEILING_RESOURCES.some((r) => all[r].nodes > 0 && all[r].unforecast > 0)).toBe(true);
  });
});

test('poolTotalForecasts stays equal to poolTotalForecast across steps, reordered lists and forgotten keys', () => {
  const f = new UsageForecaster({ method: 'Holt', stepMs: 60_000, minSteps: 2 });
  const keys = ['a', 'b', 'c', 'd'];
  // 'e' is always asked about at the same place, so a remembered answer would be found again.
  const lists = [keys, ['b', 'a', 'c', 'd'], ['a', 'b', 'c', 'd', 'e']];
  for (let round = 0, t = 0; round < 40; round++, t += 15_000) {
    // 'e' is learnt only from round 20: asked about before then, it must not be remembered as unknown.
    const learnt = round < 20 ? keys : [...keys, 'e'];
    f.record(learnt.map((key, i) => ({ key, time: t, usage: { cpu: 100 * (i + 1) + round * (i + 1) } })));
    if (round === 36) f.retain((k) => k !== 'c'); // 'c' is forgotten, then learnt again
    const nodes = lists[round % lists.length] as string[];
    const at = t + 600_000;
    const all = poolTotalForecasts(f, nodes, at, (_, out) => {
      for (const r of CEILING_RESOURCES) out[r] = 7;
    });
    for (const r of CEILING_RESOURCES) expect(all[r]).toEqual(poolTotalForecast(f, nodes, r, at, () => 7));
    if (round === 35) expect(all.cpu.unforecast).toBe(0); // 'e' is forecast by then
  }
});
