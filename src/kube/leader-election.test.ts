import { FakeClock } from '../clock/fake-clock.js';
import { FakeLeaseServer, type FakeLeaseClient } from './fake-lease-client.js';
import { LeaderElector, type LeaderElectionOptions } from './leader-election.js';

interface Candidate {
  elector: LeaderElector;
  client: FakeLeaseClient;
  controller: AbortController;
  events: string[];
  done: Promise<void>;
}

function candidate(
  server: FakeLeaseServer,
  clock: FakeClock,
  name: string,
  options: Partial<LeaderElectionOptions> = {},
): Candidate {
  const client = server.client();
  const events: string[] = [];
  const elector = new LeaderElector({ client, clock, identity: name, random: () => 0, ...options });
  const controller = new AbortController();
  const done = elector.run(controller.signal, {
    onStartedLeading: () => events.push('started'),
    onStoppedLeading: async () => {
      events.push('stopping');
      await clock.flush();
      events.push('stopped');
    },
  });
  return { elector, client, controller, events, done };
}

/** Advances in small steps, asserting at every step that two candidates never lead at once. */
async function run(clock: FakeClock, ms: number, candidates: Candidate[], step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await clock.advance(step);
    const leaders = candidates.filter((c) => c.elector.isLeader());
    expect(leaders.length).toBeLessThanOrEqual(1);
  }
}

/** Milliseconds until `c` leads (advancing the clock), failing after `limit`. */
async function timeUntilLeader(
  clock: FakeClock,
  c: Candidate,
  all: Candidate[],
  limit = 60_000,
): Promise<number> {
  const start = clock.now();
  while (!c.elector.isLeader()) {
    if (clock.now() - start > limit) throw new Error('never became leader');
    await run(clock, 100, all);
  }
  return clock.now() - start;
}

describe('LeaderElector', () => {
  test('exactly one of two candidates leads, and keeps leading', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = candidate(server, clock, 'a');
    const b = candidate(server, clock, 'b');
    await run(clock, 60_000, [a, b]);
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(server.snapshot?.record.leaseTransitions).toBe(0);
    expect(b.elector.currentLeader()).toBe('a');
    a.controller.abort();
    b.controller.abort();
    await clock.advance(0);
    await Promise.all([a.done, b.done]);
  });

  test('a crashed leader (no release) is replaced within leaseDuration + 2 retry periods', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = candidate(server, clock, 'a', { releaseOnCancel: false });
    await clock.advance(0);
    const b = candidate(server, clock, 'b');
    await run(clock, 10_000, [a, b]);
    expect(a.elector.isLeader()).toBe(true);
    a.controller.abort();
    const takeover = await timeUntilLeader(clock, b, [a, b]);
    expect(takeover).toBeGreaterThanOrEqual(15_000 - 2_400);
    expect(takeover).toBeLessThanOrEqual(15_000 + 2 * 2_400);
    expect(server.snapshot?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    b.controller.abort();
    await clock.advance(0);
  });

  test('graceful stop: stops acting first, then releases, and the standby takes over within a retry period', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = candidate(server, clock, 'a');
    await clock.advance(0);
    const b = candidate(server, clock, 'b');
    await run(clock, 10_000, [a, b]);
    a.controller.abort();
    await clock.advance(0);
    await a.done;
    expect(a.events).toEqual(['started', 'stopping', 'stopped']);
    expect(server.snapshot?.record.holderIdentity).toBe('');
    expect(await timeUntilLeader(clock, b, [a, b])).toBeLessThanOrEqual(2_400 + 100);
    b.controller.abort();
    await clock.advance(0);
  });

  test('a leader cut off from the API server stops at renewDeadline, before the standby takes over', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = candidate(server, clock, 'a');
    await clock.advance(0);
    const b = candidate(server, clock, 'b');
    await run(clock, 10_000, [a, b]);
    a.client.down = true;
    const cutAt = clock.now();
    while (a.elector.isLeader()) await run(clock, 100, [a, b]);
    expect(clock.now() - cutAt).toBeLessThanOrEqual(10_000);
    expect(a.events).toEqual(['started', 'stopping', 'stopped']);
    await timeUntilLeader(clock, b, [a, b]);
    a.client.down = false;
    await run(clock, 30_000, [a, b]);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.elector.currentLeader()).toBe('b');
    a.controller.abort();
    b.controller.abort();
    await clock.advance(0);
  });

  test('a lone leader that lost its lease during an outage leads again when the API server returns', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = candidate(server, clock, 'a');
    await run(clock, 5_000, [a]);
    a.client.down = true;
    await run(clock, 12_000, [a]);
    expect(a.elector.isLeader()).toBe(false);
    a.client.down = false;
    await run(clock, 3_000, [a]);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.events).toEqual(['started', 'stopping', 'stopped', 'started']);
    a.controller.abort();
    await clock.advance(0);
  });

  test('a leader that finds another holder on the Lease stops at once', async () => {
    const clock = new FakeClock();
    const server = new FakeLeaseServer();
    const a = candidate(server, clock, 'a');
    await run(clock, 3_000, [a]);
    server.overwrite({ holderIdentity: 'intruder' });
    await run(clock, 2_100, [a]);
    expect(a.elector.isLeader()).toBe(false);
    a.controller.abort();
    await clock.advance(0);
  });

  test.each([
    { scenario: 'renewDeadline ≥ leaseDuration', opts: { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 } },
    {
      scenario: 'retryPeriod too close to renewDeadline',
      opts: { renewDeadlineMs: 2_000, retryPeriodMs: 2_000 },
    },
  ])('rejects unsafe timing: $scenario', ({ opts }) => {
    expect(() => new LeaderElector({ client: new FakeLeaseServer().client(), ...opts })).toThrow();
  });
});
