import fc from 'fast-check';
import { smooth } from './smoothing.js';
import { staleAfterIntervals, UsageStore } from './usage-store.js';

const T = Date.parse('2026-01-01T10:00:00Z');
const requests = { cpu: 100, memory: 1000, ephemeralStorage: 10, network: 5, pods: 2 };

function store(smoothing: ConstructorParameters<typeof UsageStore>[0]['smoothing'] = { kind: 'mean' }) {
  return new UsageStore({ windowMs: 60_000, staleAfterMs: staleAfterIntervals(15_000), smoothing });
}

describe('UsageStore', () => {
  it('averages the samples of the window before the newest one, per resource', () => {
    const s = store();
    s.record([
      { key: 'n1', time: T - 90_000, usage: { cpu: 9000 } }, // outside the window: dropped
      { key: 'n1', time: T - 30_000, usage: { cpu: 1000, memory: 10 } },
      { key: 'n1', time: T - 15_000, usage: { cpu: 2000 } },
      { key: 'n1', time: T, usage: { cpu: 3000, memory: 30 } },
    ]);
    expect(s.read('n1', T + 5_000)).toEqual({
      state: 'fresh',
      usage: { cpu: 2000, memory: 20 },
      time: T,
      ageMs: 5_000,
      samples: 3,
    });
  });

  it('says what part of a key’s samples predates a moment (a move the smoothed reading still carries)', () => {
    const s = store();
    s.record([0, 15_000, 30_000, 45_000].map((d) => ({ key: 'n1', time: T + d, usage: { cpu: 1 } })));
    expect(s.shareAtOrBefore('n1', T - 1)).toBe(0);
    expect(s.shareAtOrBefore('n1', T + 20_000)).toBe(0.5);
    expect(s.shareAtOrBefore('n1', T + 45_000)).toBe(1);
    expect(s.shareAtOrBefore('none', T)).toBe(0);
  });

  it('smooths with a percentile when configured', () => {
    const s = store({ kind: 'percentile', percentile: 90 });
    s.record(
      [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((cpu, i) => ({
        key: 'n1',
        time: T - i * 1000,
        usage: { cpu },
      })),
    );
    expect(s.read('n1', T)).toMatchObject({ state: 'fresh', usage: { cpu: 90 } });
  });

  it('counts a sample repeated with the same timestamp once', () => {
    const s = store();
    s.record([
      { key: 'n1', time: T - 15_000, usage: { cpu: 1000 } },
      { key: 'n1', time: T, usage: { cpu: 3000 } },
      { key: 'n1', time: T, usage: { cpu: 3000 } },
      { key: 'n1', time: T, usage: { cpu: 3000 } },
    ]);
    expect(s.read('n1', T)).toMatchObject({ usage: { cpu: 2000 }, samples: 2 });
  });

  it('reports a key stale, with a reason and no usage, once its newest sample is older than three intervals', () => {
    const s = store();
    s.record([{ key: 'n1', time: T, usage: { cpu: 1000 } }]);
    expect(s.read('n1', T + 45_000).state).toBe('fresh');
    expect(s.read('n1', T + 45_001)).toEqual({ state: 'stale', reason: 'TooOld', time: T, ageMs: 45_001 });
    expect(s.read('n2', T)).toEqual({ state: 'stale', reason: 'NoSamples' });
  });

  it('builds usage vectors: measured resources smoothed, the rest from requests; stale keys listed, idle keys zero', () => {
    const s = store();
    s.record([
      { key: 'n1', time: T, usage: { cpu: 700, memory: 7000 } },
      { key: 'n2', time: T - 120_000, usage: { cpu: 1 } },
    ]);
    const view = s.view(
      ['n1', 'n2', 'n3', 'idle'],
      T + 1_000,
      () => requests,
      (key) => key === 'idle',
    );
    expect(view.usage).toEqual(
      new Map([
        ['n1', { ...requests, cpu: 700, memory: 7000 }],
        ['idle', requests],
      ]),
    );
    expect(view.stale).toEqual([
      { key: 'n2', reason: 'TooOld', ageMs: 121_000 },
      { key: 'n3', reason: 'NoSamples' },
    ]);
    expect(view).toMatchObject({ newestTime: T, maxAgeMs: 1_000 });
  });

  it('forgets keys that are not retained', () => {
    const s = store();
    s.record([{ key: 'gone', time: T, usage: { cpu: 1 } }]);
    s.retain((key) => key !== 'gone');
    expect(s.read('gone', T).state).toBe('stale');
  });

  it('property: a fresh reading lies between the smallest and largest sample of the window, whatever the order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            offset: fc.integer({ min: 0, max: 59_000 }),
            cpu: fc.integer({ min: 0, max: 64_000 }),
          }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.boolean(),
        (samples, percentile) => {
          const s = store(percentile ? { kind: 'percentile', percentile: 95 } : { kind: 'mean' });
          s.record(samples.map(({ offset, cpu }) => ({ key: 'n', time: T - offset, usage: { cpu } })));
          const newest = T - Math.min(...samples.map((x) => x.offset));
          const reading = s.read('n', newest);
          if (reading.state !== 'fresh') throw new Error('expected fresh');
          const values = samples.map((x) => x.cpu);
          expect(reading.usage.cpu).toBeGreaterThanOrEqual(Math.min(...values) - 1e-9);
          expect(reading.usage.cpu).toBeLessThanOrEqual(Math.max(...values) + 1e-9);
        },
      ),
    );
  });
});

describe('smooth', () => {
  it.each([
    [{ kind: 'mean' as const }, [1, 2, 3, 10], 4],
    [{ kind: 'percentile' as const, percentile: 50 }, [10, 1, 3, 2], 2],
    [{ kind: 'percentile' as const, percentile: 100 }, [10, 1, 3, 2], 10],
    [{ kind: 'percentile' as const, percentile: 0 }, [10, 1, 3, 2], 1],
  ])('%j of %j is %d', (smoothing, values, want) => {
    expect(smooth(values, smoothing)).toBe(want);
  });
});
