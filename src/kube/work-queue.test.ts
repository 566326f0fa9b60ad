import { FakeClock } from '../clock/fake-clock.js';
import { BucketRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter } from './rate-limiter.js';
import { WorkQueue, type WorkQueueMetrics } from './work-queue.js';
import {
  runWorkers,
  TerminalError,
  type ReconcileMetrics,
  type ReconcileOutcome,
  type ReconcileResult,
} from './workers.js';

function newQueue(clock = new FakeClock()) {
  const metrics = { depth: 0, adds: 0, retries: 0, worked: [] as number[] };
  const sink: WorkQueueMetrics = {
    depth: (n) => (metrics.depth = n),
    added: () => metrics.adds++,
    retried: () => metrics.retries++,
    queued: () => undefined,
    worked: (s) => metrics.worked.push(s),
  };
  const queue = new WorkQueue({
    name: 'test',
    clock,
    metrics: sink,
    rateLimiter: new ItemExponentialRateLimiter(5, 1000),
  });
  return { queue, clock, metrics };
}

/** Drains whatever is queued right now, in order, marking each key done. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const out: string[] = [];
  while (queue.length > 0) {
    const key = (await queue.get())!;
    out.push(key);
    queue.done(key);
  }
  return out;
}

describe('WorkQueue', () => {
  test.each([
    { scenario: 'distinct keys keep FIFO order', adds: ['a', 'b', 'c'], want: ['a', 'b', 'c'] },
    {
      scenario: 'a queued key added again is not queued twice',
      adds: ['a', 'b', 'a', 'a'],
      want: ['a', 'b'],
    },
    { scenario: 'dedupe keeps the first position', adds: ['b', 'a', 'b'], want: ['b', 'a'] },
  ])('dedupe: $scenario', async ({ adds, want }) => {
    const { queue, metrics } = newQueue();
    adds.forEach((k) => queue.add(k));
    expect(queue.length).toBe(want.length);
    expect(metrics.depth).toBe(want.length);
    expect(metrics.adds).toBe(want.length);
    expect(await drain(queue)).toEqual(want);
  });

  test('a key added while processing is queued again once, only after done', async () => {
    const { queue } = newQueue();
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    queue.add('a');
    expect(queue.length).toBe(0);
    queue.done(key!);
    expect(queue.length).toBe(1);
    expect(await drain(queue)).toEqual(['a']);
  });

  test('get waits for an add', async () => {
    const { queue } = newQueue();
    const pending = queue.get();
    queue.add('x');
    await expect(pending).resolves.toBe('x');
  });

  test.each([
    { failures: 1, wantDelays: [5] },
    { failures: 4, wantDelays: [5, 10, 20, 40] },
    { failures: 10, wantDelays: [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000] },
  ])('backoff grows ×2 from 5 ms and caps at 1000 ms ($failures failures)', ({ failures, wantDelays }) => {
    const limiter = new ItemExponentialRateLimiter(5, 1000);
    const delays = Array.from({ length: failures }, () => limiter.when('k'));
    expect(delays).toEqual(wantDelays);
    expect(limiter.numRequeues('k')).toBe(failures);
    expect(limiter.when('other')).toBe(5);
  });

  test('forget resets a key to the base delay', async () => {
    const { queue, clock } = newQueue();
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    expect(queue.numRequeues('a')).toBe(2);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    await clock.advance(10);
    expect(await drain(queue)).toEqual(['a']);
  });

  test('addRateLimited waits the backoff and counts a retry', async () => {
    const { queue, clock, metrics } = newQueue();
    queue.addRateLimited('a'); // 5 ms
    queue.addRateLimited('a'); // 10 ms, but the earlier pending 5 ms wins
    await clock.advance(4);
    expect(queue.length).toBe(0);
    await clock.advance(1);
    expect(queue.length).toBe(1);
    expect(metrics.retries).toBe(2);
  });

  test.each([
    { scenario: 'fires after the delay', calls: [[100]], checkAt: [99, 100], wantLen: [0, 1] },
    { scenario: 'an earlier time replaces a later one', calls: [[500], [100]], checkAt: [100], wantLen: [1] },
    {
      scenario: 'a later time does not delay an earlier one',
      calls: [[100], [500]],
      checkAt: [100],
      wantLen: [1],
    },
    { scenario: 'zero delay adds at once', calls: [[0]], checkAt: [0], wantLen: [1] },
  ])('addAfter: $scenario', async ({ calls, checkAt, wantLen }) => {
    const { queue, clock } = newQueue();
    calls.forEach(([ms]) => queue.addAfter('k', ms!));
    let now = 0;
    for (let i = 0; i < checkAt.length; i++) {
      await clock.advance(checkAt[i]! - now);
      now = checkAt[i]!;
      expect(queue.length).toBe(wantLen[i]);
    }
    await clock.advance(1000);
    expect(await drain(queue)).toEqual(['k']);
  });

  test('shutDown drops pending and delayed keys, wakes waiters, ignores later adds', async () => {
    const { queue, clock } = newQueue();
    const waiter = newQueue().queue;
    const pending = waiter.get();
    waiter.shutDown();
    await expect(pending).resolves.toBeUndefined();
    queue.add('a');
    queue.addAfter('b', 100);
    queue.shutDown();
    queue.add('c');
    await clock.advance(200);
    expect(queue.length).toBe(0);
    await expect(queue.get()).resolves.toBeUndefined();
    expect(clock.pendingTimers()).toBe(0);
  });

  test('bucket limiter allows a burst then spaces requests at its rate', () => {
    const clock = new FakeClock();
    const bucket = new BucketRateLimiter({ perSecond: 10, burst: 3, clock });
    expect([bucket.when(), bucket.when(), bucket.when(), bucket.when(), bucket.when()]).toEqual([
      0, 0, 0, 100, 200,
    ]);
    const max = new MaxOfRateLimiter(
      new ItemExponentialRateLimiter(5, 1000),
      new BucketRateLimiter({ perSecond: 10, burst: 1, clock }),
    );
    expect([max.when('a'), max.when('a')]).toEqual([5, 100]);
  });
});

describe('runWorkers', () => {
  /** A reconciler scripted per call; records start/end to detect concurrency. */
  function scripted(script: Array<(key: string) => Promise<ReconcileResult | void>>) {
    const log: string[] = [];
    let call = 0;
    let active = 0;
    let maxActivePerKey = 0;
    const activeKeys = new Map<string, number>();
    const reconcile = async (key: string): Promise<ReconcileResult | void> => {
      const n = (activeKeys.get(key) ?? 0) + 1;
      activeKeys.set(key, n);
      maxActivePerKey = Math.max(maxActivePerKey, n);
      active++;
      log.push(key);
      try {
        const step = script[Math.min(call++, script.length - 1)]!;
        return await step(key);
      } finally {
        active--;
        activeKeys.set(key, activeKeys.get(key)! - 1);
      }
    };
    return { reconcile, log, stats: () => ({ active, maxActivePerKey }) };
  }

  test('never processes one key concurrently, even with many workers and repeated adds', async () => {
    const clock = new FakeClock();
    const { queue } = newQueue(clock);
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((r) => (release = r));
    const s = scripted([() => blocked, async () => undefined]);
    const controller = new AbortController();
    const running = runWorkers(queue, 4, s.reconcile, controller.signal);
    queue.add('a');
    await clock.flush();
    for (let i = 0; i < 5; i++) queue.add('a');
    await clock.flush();
    expect(s.log).toEqual(['a']);
    release();
    await clock.flush();
    expect(s.log).toEqual(['a', 'a']);
    expect(s.stats().maxActivePerKey).toBe(1);
    controller.abort();
    await running;
  });

  test.each([
    {
      scenario: 'success forgets the key',
      step: async () => undefined,
      wantRequeues: 0,
      wantRunsAfter1s: 1,
      wantOutcomes: { success: 1 },
    },
    {
      scenario: 'requeueAfterMs runs the key again after the delay',
      step: async () => ({ requeueAfterMs: 300 }),
      wantRequeues: 0,
      wantRunsAfter1s: 4,
      wantOutcomes: { requeue: 4 },
    },
    {
      scenario: 'an error retries with backoff (5, 10, 20, 40, 80, 160, 320 ms...)',
      step: async () => {
        throw new Error('transient');
      },
      wantRequeues: 8,
      wantRunsAfter1s: 8,
      wantOutcomes: { error: 8 },
    },
    {
      scenario: 'a TerminalError is not retried',
      step: async () => {
        throw new TerminalError('bad spec');
      },
      wantRequeues: 0,
      wantRunsAfter1s: 1,
      wantOutcomes: { error: 1 },
    },
  ])(
    '$scenario (each run counted by outcome)',
    async ({ step, wantRequeues, wantRunsAfter1s, wantOutcomes }) => {
      const clock = new FakeClock();
      const { queue } = newQueue(clock);
      const s = scripted([step]);
      const outcomes: Partial<Record<ReconcileOutcome, number>> = {};
      const metrics: ReconcileMetrics = {
        reconciled: (outcome) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1),
      };
      const controller = new AbortController();
      const running = runWorkers(queue, 2, s.reconcile, controller.signal, undefined, metrics);
      queue.add('k');
      await clock.advance(1000);
      expect(s.log).toHaveLength(wantRunsAfter1s);
      expect(queue.numRequeues('k')).toBe(wantRequeues);
      expect(outcomes).toEqual(wantOutcomes);
      controller.abort();
      await running;
    },
  );

  test('abort waits for in-flight reconciles, then resolves', async () => {
    const clock = new FakeClock();
    const { queue } = newQueue(clock);
    let finished = false;
    const controller = new AbortController();
    const running = runWorkers(
      queue,
      1,
      async (_key, signal) => {
        await new Promise<void>((r) => signal.addEventListener('abort', () => r()));
        finished = true;
      },
      controller.signal,
    );
    queue.add('a');
    await clock.flush();
    controller.abort();
    await running;
    expect(finished).toBe(true);
    expect(queue.isShuttingDown).toBe(true);
  });
});
