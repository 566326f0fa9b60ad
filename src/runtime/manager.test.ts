import { FakeLeaseServer } from '../kube/fake-lease-client.js';
import { LeaderElector } from '../kube/leader-election.js';
import { Manager, ManagerError } from './manager.js';
import type { Runnable } from '../lifecycle/runnable.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A runnable that records its lifecycle and runs until aborted (or misbehaves on request). */
function probe(
  name: string,
  needsLeader: boolean,
  behaviour: 'well' | 'returns' | 'throws' | 'stuck' = 'well',
) {
  const log: string[] = [];
  let running = false;
  const runnable: Runnable = {
    name,
    needsLeader,
    async start(signal) {
      log.push('start');
      running = true;
      try {
        if (behaviour === 'returns') return;
        if (behaviour === 'throws') throw new Error('boom');
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
        if (behaviour === 'stuck') await new Promise(() => undefined);
      } finally {
        running = false;
        log.push('stop');
      }
    },
  };
  return { runnable, log, isRunning: () => running };
}

const fastElection = (server: FakeLeaseServer, identity: string) => {
  const client = server.client();
  return {
    client,
    elector: new LeaderElector({
      client,
      identity,
      leaseDurationMs: 1000,
      renewDeadlineMs: 600,
      retryPeriodMs: 100,
    }),
  };
};

describe('Manager', () => {
  test('without an elector, every runnable starts, and all stop on shutdown', async () => {
    const a = probe('cache', false);
    const b = probe('controller', true);
    const manager = new Manager().add(a.runnable, b.runnable);
    const controller = new AbortController();
    const done = manager.start(controller.signal);
    await wait(10);
    expect([a.isRunning(), b.isRunning()]).toEqual([true, true]);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    expect([a.log, b.log]).toEqual([
      ['start', 'stop'],
      ['start', 'stop'],
    ]);
  });

  test.each([
    { behaviour: 'returns' as const, want: /returned before it was stopped/ },
    { behaviour: 'throws' as const, want: /failed: boom/ },
  ])(
    'a runnable that $behaviour on its own stops everything and fails start',
    async ({ behaviour, want }) => {
      const healthy = probe('healthy', false);
      const bad = probe('bad', false, behaviour);
      const done = new Manager().add(healthy.runnable, bad.runnable).start(new AbortController().signal);
      await expect(done).rejects.toThrow(want);
      expect(healthy.log).toEqual(['start', 'stop']);
    },
  );

  test('a runnable that will not stop makes start reject after stopTimeoutMs', async () => {
    const stuck = probe('stuck', false, 'stuck');
    const controller = new AbortController();
    const done = new Manager({ stopTimeoutMs: 50 }).add(stuck.runnable).start(controller.signal);
    await wait(10);
    controller.abort();
    await expect(done).rejects.toBeInstanceOf(ManagerError);
  });

  test('leader runnables run only on the leader; the standby takes over when the leader shuts down', async () => {
    const server = new FakeLeaseServer();
    const one = fastElection(server, 'one');
    const two = fastElection(server, 'two');
    const work1 = probe('work', true);
    const work2 = probe('work', true);
    const cache1 = probe('cache', false);
    const cache2 = probe('cache', false);
    const stop1 = new AbortController();
    const stop2 = new AbortController();
    const m1 = new Manager({ leaderElector: one.elector })
      .add(work1.runnable, cache1.runnable)
      .start(stop1.signal);
    await wait(50);
    const m2 = new Manager({ leaderElector: two.elector })
      .add(work2.runnable, cache2.runnable)
      .start(stop2.signal);
    await wait(300);
    expect([work1.isRunning(), work2.isRunning(), cache1.isRunning(), cache2.isRunning()]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    // Graceful shutdown of the leader: its work stops before the Lease is released.
    let holderWhenWorkStopped: string | undefined;
    const originalStop = work1.log.push.bind(work1.log);
    work1.log.push = (...items: string[]) => {
      if (items.includes('stop')) holderWhenWorkStopped = server.snapshot?.record.holderIdentity;
      return originalStop(...items);
    };
    stop1.abort();
    await m1;
    expect(holderWhenWorkStopped).toBe('one');
    expect(server.snapshot?.record.holderIdentity).toBe('');
    await wait(1000);
    expect(work2.isRunning()).toBe(true);
    stop2.abort();
    await m2;
  });

  test('losing the lease stops leader runnables; regaining it starts them again', async () => {
    const server = new FakeLeaseServer();
    const one = fastElection(server, 'one');
    const work = probe('work', true);
    const stop = new AbortController();
    const done = new Manager({ leaderElector: one.elector }).add(work.runnable).start(stop.signal);
    await wait(200);
    expect(work.isRunning()).toBe(true);
    one.client.down = true;
    await wait(1500);
    expect(work.isRunning()).toBe(false);
    expect(one.elector.isLeader()).toBe(false);
    one.client.down = false;
    await wait(1500);
    expect(work.isRunning()).toBe(true);
    expect(work.log).toEqual(['start', 'stop', 'start']);
    stop.abort();
    await done;
  });
});
