import { poolTotalForecast } from './pool-total.js';
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
