/**
 * UsageForecaster.record's shortcuts (series by resource index, the last round's keys by position) learn
 * what one `add` per value learns.
 */
import { CEILING_RESOURCES } from '../model/resources.js';
import type { UsageSample } from '../metrics/metrics-source.js';
import { UsageForecaster } from './usage-forecaster.js';

const STEP = 60_000;

test('each resource of a sample is learnt by its own series', () => {
  const f = new UsageForecaster({ method: 'EWMA', stepMs: STEP, minSteps: 1 });
  for (let t = 0; t <= 3 * STEP; t += 15_000)
    f.record([{ key: 'n', time: t, usage: { cpu: 1, memory: 2, ephemeralStorage: 3, network: 4 } }]);
  CEILING_RESOURCES.forEach((r, k) => expect(f.forecast('n', r, 4 * STEP)?.value).toBe(k + 1));
});

test('rounds in shifting order, with keys forgotten between them, learn what add learns', () => {
  const byRecord = new UsageForecaster({ method: 'Holt', stepMs: STEP });
  const byAdd = new UsageForecaster({ method: 'Holt', stepMs: STEP });
  const keys = ['a', 'b', 'c', 'd', 'e'];
  let seed = 3;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let round = 0, t = 0; round < 60; round++, t += 15_000) {
    // Mostly the same order (the positional memory hits), sometimes rotated or missing a key.
    const shift = round % 7 === 0 ? round % keys.length : 0;
    const order = [...keys.slice(shift), ...keys.slice(0, shift)].filter(() => rand() > 0.1);
    const samples: UsageSample[] = order.map((key) => ({
      key,
      time: t,
      usage: { cpu: 100 + rand() * 10 + round, memory: 1e9 * (1 + rand()) },
    }));
    byRecord.record(samples);
    for (const s of samples)
      for (const r of CEILING_RESOURCES) {
        const v = s.usage[r];
        if (v !== undefined) byAdd.add(s.key, r, s.time, v);
      }
    if (round === 30) {
      // 'b' is deleted and comes back: it must start a new series, not reuse the forgotten one.
      byRecord.retain((k) => k !== 'b');
      byAdd.retain((k) => k !== 'b');
    }
  }
  const at = 60 * 15_000 + 600_000;
  for (const key of keys)
    for (const r of CEILING_RESOURCES)
      expect(byRecord.forecast(key, r, at)).toEqual(byAdd.forecast(key, r, at));
  expect(byRecord.forecast('b', 'cpu', at)?.steps).toBeLessThan(
    byRecord.forecast('a', 'cpu', at)?.steps as number,
  );
});
