import { Registry } from 'prom-client';
import { FakeClock } from '../clock/fake-clock.js';
import { OperatorMetrics } from '../observability/metrics.js';
import { BackoffCycles, type CycleOutcome } from './backoff-cycles.js';

async function reconcileTotal(registry: Registry, result: string): Promise<number> {
  const metric = await registry.getSingleMetric('fulcrum_reconcile_total')!.get();
  const sample = metric.values.find((v) => v.labels.controller === 'rebalance' && v.labels.result === result);
  return sample?.value ?? 0;
}

function newCycles() {
  const clock = new FakeClock(0);
  const registry = new Registry();
  const metrics = new OperatorMetrics(registry, { version: 'test' });
  const cycles = new BackoffCycles({ clock, metrics: metrics.reconciles('rebalance') });
  return { clock, registry, cycles };
}

const failing = async (): Promise<void> => {
  throw new Error('status write refused');
};

describe('BackoffCycles', () => {
  test('a failing key backs off (1 s, 2 s, 4 s …) and each failure counts result="error"', async () => {
    const { clock, registry, cycles } = newCycles();
    const attempts: Array<{ at: number; outcome: CycleOutcome }> = [];
    // Try every 250 ms for 8 s, as a loop that wakes often would.
    for (let at = 0; at <= 8_000; at += 250) {
      await clock.advance(at - clock.now());
      const outcome = await cycles.run('general', failing);
      if (outcome !== 'backing-off') attempts.push({ at, outcome });
    }
    expect(attempts).toEqual([
      { at: 0, outcome: 'failed' },
      { at: 1_000, outcome: 'failed' },
      { at: 3_000, outcome: 'failed' },
      { at: 7_000, outcome: 'failed' },
    ]);
    expect(cycles.failures('general')).toBe(4);
    expect(await reconcileTotal(registry, 'error')).toBe(4);
    expect(await reconcileTotal(registry, 'success')).toBe(0);
  });

  test('a success ends the backoff; other keys never wait for a failing one', async () => {
    const { clock, registry, cycles } = newCycles();
    expect(await cycles.run('hot', failing)).toBe('failed');
    expect(await cycles.run('calm', async () => undefined)).toBe('ran');
    await clock.advance(1_000);
    expect(await cycles.run('hot', async () => true)).toBe('ran');
    expect(cycles.failures('hot')).toBe(0);
    expect(await cycles.run('hot', failing)).toBe('failed'); // backoff starts over at 1 s
    await clock.advance(999);
    expect(await cycles.run('hot', async () => true)).toBe('backing-off');
    expect(await reconcileTotal(registry, 'success')).toBe(2);
    expect(await reconcileTotal(registry, 'error')).toBe(2);
  });

  test('a cycle that found nothing due is not counted', async () => {
    const { registry, cycles } = newCycles();
    expect(await cycles.run('general', async () => false)).toBe('idle');
    expect(await reconcileTotal(registry, 'success')).toBe(0);
    expect(await reconcileTotal(registry, 'requeue')).toBe(0);
  });
});
