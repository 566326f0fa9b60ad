import { createServer, type AddressInfo, type Server } from 'node:net';
import type { ProbeObservation } from '../failover/detector.js';
import { realClock, TimeoutError } from '../clock/clock.js';
import { FakeClock } from '../clock/fake-clock.js';
import {
  networkCheckFor,
  probeTarget,
  probeTimings,
  Prober,
  type ProberOptions,
  type ProbeTarget,
} from './prober.js';
import { node } from '../testing/builders.js';
import { allowCidrs } from './address-guard.js';
import { NO_REDIRECTS } from './address-policy.js';
import { tcpCheck } from './tcp-probe.js';
import type { ProbeAddress, ProbeCheck, ProbeOutcome } from './probe-check.js';

const loopback = (i: number): ProbeAddress => ({ host: `127.0.0.${i}`, port: 10250 });

/** A check whose probes the test settles by hand; it records every call and the peak concurrency. */
function manualCheck() {
  const calls: Array<{ address: ProbeAddress; resolve: (o: ProbeOutcome) => void; signal: AbortSignal }> = [];
  let running = 0;
  let peak = 0;
  const check: ProbeCheck = (address, signal) =>
    new Promise<ProbeOutcome>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      const done = (o: ProbeOutcome): void => {
        running--;
        resolve(o);
      };
      calls.push({ address, resolve: done, signal });
      // Like the real checks: a TimeoutError reason is a failure, any other abort is inconclusive.
      signal.addEventListener(
        'abort',
        () =>
          done(
            signal.reason instanceof TimeoutError
              ? { ok: false, reason: `check: timed out after ${signal.reason.ms} ms`, latencyMs: 0 }
              : { ok: false, inconclusive: true, reason: 'stopped', latencyMs: 0 },
          ),
        { once: true },
      );
    });
  return { check, calls, peak: () => peak };
}

/** A check that answers at once: ok for addresses in `up`. */
function instantCheck(up: ReadonlySet<string>) {
  const calls: string[] = [];
  const check: ProbeCheck = (address) => {
    calls.push(address.host);
    return Promise.resolve(
      up.has(address.host)
        ? { ok: true, latencyMs: 1 }
        : { ok: false, reason: 'connection refused', latencyMs: 1 },
    );
  };
  return { check, calls };
}

function setup(targets: ProbeTarget[], overrides: Partial<ProberOptions> & Pick<ProberOptions, 'check'>) {
  const clock = new FakeClock(0);
  const observations: ProbeObservation[] = [];
  const prober = new Prober({
    clock,
    periodMs: 500,
    timeoutMs: 250,
    targets: () => targets,
    onObservation: (o) => observations.push(o),
    jitter: 0,
    ...overrides,
  });
  const controller = new AbortController();
  const running = prober.start(controller.signal);
  return { clock, observations, prober, controller, running };
}

describe('Prober', () => {
  test('probes every target once per period and reports each result', async () => {
    const { check, calls } = instantCheck(new Set(['127.0.0.1']));
    const targets = [1, 2].map((i) => ({ node: `n${i}`, address: loopback(i) }));
    const { clock, observations, controller, running, prober } = setup(targets, { check });
    await clock.flush();
    expect(calls).toEqual(['127.0.0.1', '127.0.0.2']);
    await clock.advance(500);
    await clock.advance(500);
    expect(calls).toHaveLength(6);
    expect(observations.filter((o) => o.node === 'n1').map((o) => [o.at, o.ok])).toEqual([
      [0, true],
      [500, true],
      [1000, true],
    ]);
    expect(observations.find((o) => o.node === 'n2')).toMatchObject({
      ok: false,
      reason: 'connection refused',
    });
    controller.abort();
    await running;
    expect(prober.stats()).toMatchObject({ rounds: 3, probes: 6, skippedBusy: 0 });
  });

  test('never connects to an address the guard refuses; reports it inconclusive instead', async () => {
    const { check, calls } = instantCheck(new Set());
    const targets = [
      { node: 'local', address: loopback(1) },
      { node: 'testnet', address: { host: '192.0.2.1', port: 10250 } },
      { node: 'private', address: { host: '10.0.0.7', port: 10250 } },
    ];
    const { clock, observations, controller, running, prober } = setup(targets, {
      check,
      allowedAddress: allowCidrs(['127.0.0.0/8']),
    });
    await clock.flush();
    controller.abort();
    await running;
    expect(calls).toEqual(['127.0.0.1']);
    expect(observations.find((o) => o.node === 'testnet')).toEqual({
      kind: 'probe',
      node: 'testnet',
      at: 0,
      ok: false,
      inconclusive: true,
      reason: 'probe address 192.0.2.1 refused by the address guard (allowed: 127.0.0.0/8); not probed',
    });
    expect(prober.stats().refused).toBe(2);
  });

  test('by default the last gate refuses a metadata address, even one a target carries', async () => {
    const { check, calls } = instantCheck(new Set());
    const targets = [{ node: 'cloud', address: { host: '169.254.169.254', port: 80 } }];
    const { clock, observations, controller, running, prober } = setup(targets, { check });
    await clock.flush();
    controller.abort();
    await running;
    expect(calls).toEqual([]);
    expect(observations[0]).toMatchObject({ node: 'cloud', inconclusive: true });
    expect(prober.stats().refused).toBe(1);
  });

  test('a target the address policy refused is counted as refused, never probed', async () => {
    const { check, calls } = instantCheck(new Set());
    const targets = [{ node: 'n1', addressError: 'outside --probe-allow-cidrs', refused: true }];
    const { clock, observations, controller, running, prober } = setup(targets, { check });
    await clock.flush();
    controller.abort();
    await running;
    expect(calls).toEqual([]);
    expect(observations[0]).toMatchObject({ inconclusive: true, reason: 'outside --probe-allow-cidrs' });
    expect(prober.stats()).toMatchObject({ refused: 1, inconclusive: 1 });
  });

  test('a node without an address is reported inconclusive with the reason', async () => {
    const { check, calls } = instantCheck(new Set());
    const { clock, observations, controller, running } = setup(
      [{ node: 'n1', addressError: 'node has no InternalIP address' }],
      { check },
    );
    await clock.flush();
    controller.abort();
    await running;
    expect(calls).toEqual([]);
    expect(observations).toEqual([
      {
        kind: 'probe',
        node: 'n1',
        at: 0,
        ok: false,
        inconclusive: true,
        reason: 'node has no InternalIP address',
      },
    ]);
  });

  test('no more probes run at once than the concurrency limit', async () => {
    const manual = manualCheck();
    const targets = Array.from({ length: 7 }, (_, i) => ({ node: `n${i}`, address: loopback(i + 1) }));
    const { clock, controller, running, observations } = setup(targets, {
      check: manual.check,
      concurrency: 3,
    });
    await clock.flush();
    expect(manual.calls).toHaveLength(3);
    for (let i = 0; i < 7; i++) {
      manual.calls[i]!.resolve({ ok: true, latencyMs: 1 });
      await clock.flush();
    }
    expect(manual.calls).toHaveLength(7);
    expect(manual.peak()).toBe(3);
    expect(observations.filter((o) => o.ok)).toHaveLength(7);
    controller.abort();
    await running;
  });

  test('a probe that does not answer within the timeout is a failure, reported at start + timeout', async () => {
    const manual = manualCheck();
    const { clock, controller, running, observations } = setup([{ node: 'n1', address: loopback(1) }], {
      check: manual.check,
    });
    await clock.advance(250);
    expect(observations).toEqual([
      expect.objectContaining({
        node: 'n1',
        at: 250,
        ok: false,
        reason: 'check: timed out after 250 ms',
      }),
    ]);
    expect(observations[0]?.inconclusive).toBeUndefined();
    controller.abort();
    await running;
  });

  test('a check that ignores its signal is abandoned shortly after the timeout, as a failure', async () => {
    const deaf: ProbeCheck = () => new Promise<ProbeOutcome>(() => undefined);
    const { clock, controller, running, observations } = setup([{ node: 'n1', address: loopback(1) }], {
      check: deaf,
    });
    await clock.advance(300);
    expect(observations).toEqual([
      expect.objectContaining({
        node: 'n1',
        at: 300,
        ok: false,
        reason: '127.0.0.1:10250: timed out after 250 ms',
      }),
    ]);
    controller.abort();
    await running;
  });

  test('a node whose previous probe is still running is skipped, never probed twice at once', async () => {
    const manual = manualCheck();
    const { clock, controller, running, prober } = setup([{ node: 'n1', address: loopback(1) }], {
      check: manual.check,
      timeoutMs: 1200,
    });
    await clock.advance(1000);
    expect(manual.calls).toHaveLength(1);
    expect(prober.stats().skippedBusy).toBe(2);
    await clock.advance(500); // timed out at 1200; probed again at 1500
    expect(manual.calls).toHaveLength(2);
    controller.abort();
    await running;
  });

  test('jitter spreads a round over jitter × period', async () => {
    const { check } = instantCheck(new Set(['127.0.0.1', '127.0.0.2']));
    const offsets = [0.5, 0.25];
    const { clock, controller, running, observations } = setup(
      [1, 2].map((i) => ({ node: `n${i}`, address: loopback(i) })),
      { check, jitter: 0.2, random: () => offsets.shift() ?? 0 },
    );
    await clock.advance(100);
    expect(observations.map((o) => [o.node, o.at])).toEqual([
      ['n2', 25],
      ['n1', 50],
    ]);
    controller.abort();
    await running;
  });

  test('stopping ends the loop, waits for probes in flight and drops their cut-short results', async () => {
    const manual = manualCheck();
    const { clock, controller, running, observations } = setup([{ node: 'n1', address: loopback(1) }], {
      check: manual.check,
    });
    await clock.flush();
    controller.abort();
    await running;
    expect(manual.calls[0]?.signal.aborted).toBe(true);
    expect(observations).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('if the observation callback throws, the prober stops and start rejects with that error', async () => {
    const { check } = instantCheck(new Set(['127.0.0.1']));
    const { clock, running } = setup([{ node: 'n1', address: loopback(1) }], {
      check,
      onObservation: () => {
        throw new Error('detector exploded');
      },
    });
    const rejected = expect(running).rejects.toThrow('detector exploded');
    await clock.flush();
    await rejected;
  });

  test.each([
    { options: { periodMs: 0 }, want: /periodMs/ },
    { options: { timeoutMs: -1 }, want: /timeoutMs/ },
    { options: { concurrency: 0 }, want: /concurrency/ },
    { options: { jitter: 1 }, want: /jitter/ },
  ])('rejects bad options: $want', ({ options, want }) => {
    const base: ProberOptions = {
      clock: new FakeClock(),
      periodMs: 500,
      timeoutMs: 250,
      targets: () => [],
      check: instantCheck(new Set()).check,
      onObservation: () => undefined,
    };
    expect(() => new Prober({ ...base, ...options })).toThrow(want);
  });
});

describe('Prober with real TCP probes on 127.0.0.1', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('a node with a listener is ok, one without fails with connection refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const observations: ProbeObservation[] = [];
    const controller = new AbortController();
    const prober = new Prober({
      clock: realClock,
      periodMs: 100,
      timeoutMs: 80,
      targets: () => [
        { node: 'alive', address: { host: '127.0.0.1', port } },
        { node: 'dead', address: { host: '127.0.0.1', port: deadPort } },
      ],
      check: tcpCheck(),
      onObservation: (o) => {
        observations.push(o);
        if (observations.length >= 4) controller.abort();
      },
    });
    await prober.start(controller.signal);
    const alive = observations.filter((o) => o.node === 'alive');
    const dead = observations.filter((o) => o.node === 'dead');
    expect(alive.length).toBeGreaterThanOrEqual(1);
    expect(alive.every((o) => o.ok)).toBe(true);
    expect(dead.length).toBeGreaterThanOrEqual(1);
    expect(dead[0]).toMatchObject({ ok: false, reason: `tcp 127.0.0.1:${deadPort}: connection refused` });
  });
});

describe('prober helpers', () => {
  test('probeTarget: the address, or why there is none', () => {
    const redirects = allowCidrs(['127.0.0.0/8']);
    expect(
      probeTarget(
        node('n1').annotate('fulcrum.io/probe-address', '127.0.1.1:18080').obj(),
        { port: 1 },
        redirects,
      ),
    ).toEqual({
      node: 'n1',
      address: { host: '127.0.1.1', port: 18080 },
    });
    expect(probeTarget(node('n2').obj(), { port: 1 }, redirects)).toEqual({
      node: 'n2',
      addressError: 'node has no fulcrum.io/probe-address annotation and no InternalIP address',
    });
  });

  test('probeTarget: a redirect the address policy refuses is marked refused, with the reason', () => {
    const target = probeTarget(
      node('n1').annotate('fulcrum.io/probe-address', '127.0.1.1:18080').obj(),
      { port: 1 },
      NO_REDIRECTS,
    );
    expect(target).toEqual({
      node: 'n1',
      refused: true,
      addressError: expect.stringMatching(/127\.0\.1\.1 .* outside --probe-allow-cidrs \(none\)/),
    });
  });

  test('probeTimings and networkCheckFor read a pool’s probe settings', () => {
    expect(probeTimings({ period: '500ms', timeout: '250ms' })).toEqual({ periodMs: 500, timeoutMs: 250 });
    expect(networkCheckFor({ type: 'TCP' })).toBeInstanceOf(Function);
    expect(networkCheckFor({ type: 'HTTP', path: '/healthz' })).toBeInstanceOf(Function);
    expect(networkCheckFor({ type: 'Lease' })).toBeUndefined();
  });
});
