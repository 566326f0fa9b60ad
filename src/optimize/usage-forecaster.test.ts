import { zeroResources } from '../model/resources.js';
import { UsageForecaster } from './usage-forecaster.js';

const STEP = 60_000;

/** Node `key` using `cpu(t)` millicores, sampled every 15 s for `minutes`. */
function feed(f: UsageForecaster, key: string, minutes: number, cpu: (t: number) => number): number {
  let t = 0;
  for (; t <= minutes * 60_000; t += 15_000)
    f.record([{ key, time: t, usage: { cpu: cpu(t), memory: 1e9 } }]);
  return t - 15_000;
}

describe('UsageForecaster', () => {
  test('forecasts each measured resource of each key; unmeasured resources have none', () => {
    const f = new UsageForecaster({ method: 'Holt', stepMs: STEP });
    const now = feed(f, 'n1', 20, (t) => 1000 + t / 1000); // +60 millicores per minute
    const all = f.forecastAll('n1', now + 10 * 60_000);
    expect(all.cpu?.ready).toBe(true);
    expect(all.cpu?.value).toBeCloseTo(1000 + (now + 600_000) / 1000, 0);
    expect(all.cpu?.trendPerMinute).toBeCloseTo(60, 3);
    expect(all.memory?.value).toBeCloseTo(1e9, 0);
    expect(all.network).toBeUndefined();
    expect(f.forecast('n2', 'cpu', now)).toBeUndefined();
  });

  test('a forecast is not ready before minSteps steps were learnt', () => {
    const f = new UsageForecaster({ method: 'Holt', stepMs: STEP, minSteps: 5 });
    const now = feed(f, 'n1', 3, () => 500);
    expect(f.forecast('n1', 'cpu', now)?.ready).toBe(false);
  });

  test('lookahead plans on the larger of usage now and a ready forecast, never less than now', () => {
    const f = new UsageForecaster({ method: 'Holt', stepMs: STEP });
    const rising = feed(f, 'up', 20, (t) => 1000 + t / 1000);
    feed(f, 'down', 20, (t) => 5000 - t / 1000);
    const current = { ...zeroResources(), cpu: 2000, memory: 1e9 };
    expect(f.lookahead('up', current, rising + 600_000).cpu).toBeGreaterThan(2000);
    // 'down' is at 3,800 now and heading for 3,200.
    const down = { ...current, cpu: 3800 };
    expect(f.lookahead('down', down, rising + 600_000).cpu).toBe(3800);
    expect(f.lookahead('unknown', current, rising)).toEqual(current);
  });

  test('retain forgets deleted keys', () => {
    const f = new UsageForecaster({ method: 'EWMA', stepMs: STEP });
    feed(f, 'a', 2, () => 1);
    feed(f, 'b', 2, () => 1);
    f.retain((key) => key === 'a');
    expect(f.size).toBe(1);
    expect(f.seriesOf('b', 'cpu')).toBeUndefined();
  });
});
