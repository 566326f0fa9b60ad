import { FakeClock } from '../../clock/fake-clock.js';
import { API_RECHECK_MS, ApiReachability } from './api-reachability.js';

describe('ApiReachability', () => {
  const signal = new AbortController().signal;

  test('a successful check is the last success; a failed one leaves it as it was', async () => {
    const clock = new FakeClock(10_000);
    let answers = true;
    const reach = new ApiReachability(async () => {
      if (!answers) throw new Error('connection refused');
    }, clock);
    expect(reach.lastSuccessAt).toBeUndefined();
    expect(await reach.fresh(signal)).toBe(10_000);
    answers = false;
    await clock.advance(API_RECHECK_MS);
    expect(await reach.fresh(signal)).toBe(10_000);
  });

  test('a success younger than the recheck interval is reused; concurrent callers share one check', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const reach = new ApiReachability(async () => {
      calls++;
      await Promise.resolve();
    }, clock);
    await Promise.all([reach.fresh(signal), reach.fresh(signal), reach.fresh(signal)]);
    expect(calls).toBe(1);
    await clock.advance(API_RECHECK_MS - 1);
    await reach.fresh(signal);
    expect(calls).toBe(1);
    await clock.advance(1);
    await reach.fresh(signal);
    expect(calls).toBe(2);
  });
});
