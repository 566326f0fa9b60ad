import { EventEmitter } from 'node:events';
import { FakeLeaseServer } from '../kube/fake-lease-client.js';
import { LeaderElector } from '../kube/leader-election.js';
import { silentLogger } from '../logging/logger.js';
import { Manager } from './manager.js';
import { runUntilSignalled } from './signals.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    proc: {
      on: emitter.on.bind(emitter),
      off: emitter.off.bind(emitter),
      exit: (code?: number) => {
        exits.push(code ?? 0);
      },
    } as unknown as Pick<NodeJS.Process, 'on' | 'off' | 'exit'>,
    emitter,
    exits,
  };
}

describe('runUntilSignalled', () => {
  test('SIGTERM stops the runnables, releases the lease, and exits 0', async () => {
    const server = new FakeLeaseServer();
    const elector = new LeaderElector({
      client: server.client(),
      identity: 'me',
      leaseDurationMs: 1000,
      renewDeadlineMs: 600,
      retryPeriodMs: 100,
    });
    let stopped = false;
    const manager = new Manager({ leaderElector: elector }).add({
      name: 'work',
      needsLeader: true,
      start: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            stopped = true;
            resolve();
          }),
        ),
    });
    const { proc, emitter, exits } = fakeProcess();
    const done = runUntilSignalled((s) => manager.start(s), silentLogger(), proc);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.snapshot?.record.holderIdentity).toBe('me');
    emitter.emit('SIGTERM', 'SIGTERM');
    await done;
    expect(stopped).toBe(true);
    expect(server.snapshot?.record.holderIdentity).toBe('');
    expect(exits).toEqual([0]);
    expect(emitter.listenerCount('SIGTERM')).toBe(0);
  });

  test('a failing manager exits 1', async () => {
    const { proc, exits } = fakeProcess();
    await runUntilSignalled(async () => Promise.reject(new Error('boom')), silentLogger(), proc);
    expect(exits).toEqual([1]);
  });
});
