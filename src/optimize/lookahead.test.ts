import { zeroResources, type ResourceVector } from '../model/resources.js';
import { formatSpan, lookaheadUsage } from './lookahead.js';
import { UsageForecaster } from './usage-forecaster.js';

const STEP = 60_000;
const ALLOCATABLE: ResourceVector = { ...zeroResources(), cpu: 8_000, memory: 32 * 2 ** 30, pods: 110 };

/** Feeds `cpu(t)` for node `key` every 15 s for `minutes`; returns the last sample's time. */
function feed(f: UsageForecaster, key: string, minutes: number, cpu: (t: number) => number): number {
  let t = 0;
  for (; t <= minutes * 60_000; t += 15_000) f.record([{ key, time: t, usage: { cpu: cpu(t) } }]);
  return t - 15_000;
}

const cpu = (value: number): ResourceVector => ({ ...zeroResources(), cpu: value });

describe('lookaheadUsage', () => {
  it('adds the growth a ready Holt forecast expects over the horizon to usage now, with a note', () => {
    const f = new UsageForecaster({ method: 'Holt', stepMs: STEP });
    const now = feed(f, 'up', 20, (t) => 2_000 + t / 1_000); // +60 m per minute
    feed(f, 'flat', 20, () => 3_000);
    const current = new Map([
      ['up', cpu(3_000)], // a pod just left: usage now is below what the model learnt
      ['flat', cpu(3_000)],
      ['unknown', cpu(500)],
    ]);
    const ahead = lookaheadUsage({
      forecaster: f,
      current,
      now,
      horizonMs: 10 * 60_000,
      allocatable: () => ALLOCATABLE,
    });
    expect(ahead.usage.get('up')?.cpu).toBeCloseTo(3_600, -1); // 3000 + 10 min × 60 m
    expect(ahead.usage.get('flat')?.cpu).toBeCloseTo(3_000, 0);
    expect(ahead.usage.get('unknown')).toEqual(cpu(500));
    expect(ahead.notes.get('up')).toBe('cpu 45% in 10m');
    expect(ahead.notes.has('flat')).toBe(false);
    expect(ahead.notes.has('unknown')).toBe(false);
  });

  it('never lowers usage for a falling forecast, and adds nothing before the forecast is ready', () => {
    const falling = new UsageForecaster({ method: 'Holt', stepMs: STEP });
    const now = feed(falling, 'down', 20, (t) => 6_000 - t / 1_000);
    const current = new Map([['down', cpu(4_800)]]);
    const input = { current, now, horizonMs: 600_000, allocatable: () => ALLOCATABLE };
    expect(lookaheadUsage({ ...input, forecaster: falling }).usage.get('down')).toEqual(cpu(4_800));
    const young = new UsageForecaster({ method: 'Holt', stepMs: STEP, minSteps: 50 });
    feed(young, 'down', 20, (t) => 1_000 + t / 100);
    expect(lookaheadUsage({ ...input, forecaster: young }).usage.get('down')).toEqual(cpu(4_800));
  });

  it('expects no growth from EWMA, which has no trend', () => {
    const f = new UsageForecaster({ method: 'EWMA', stepMs: STEP });
    const now = feed(f, 'up', 20, (t) => 2_000 + t / 1_000);
    const ahead = lookaheadUsage({
      forecaster: f,
      current: new Map([['up', cpu(3_200)]]),
      now,
      horizonMs: 600_000,
      allocatable: () => ALLOCATABLE,
    });
    expect(ahead.usage.get('up')).toEqual(cpu(3_200));
    expect(ahead.notes.size).toBe(0);
  });
});

describe('formatSpan', () => {
  it.each([
    [45_000, '45s'],
    [600_000, '10m'],
    [90_000, '1m30s'],
    [7_200_000, '2h'],
    [5_400_000, '1h30m'],
  ])('%d ms is %s', (ms, text) => expect(formatSpan(ms)).toBe(text));
});
