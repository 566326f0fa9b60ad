/**
 * The TCP probe against real sockets — bound to 127.0.0.1 only, as every test must be. Timeouts use a socket
 * that is never connected, so no packet leaves the process.
 */
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { TimeoutError } from '../clock/clock.js';
import { allowCidrs } from './address-guard.js';
import type { ConnectFn } from './network-probe.js';
import { tcpProbe } from './tcp-probe.js';

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** A connect function that records its calls and returns a socket that never connects anywhere. */
function neverConnects(): { connect: ConnectFn; calls: Array<{ host: string; port: number }> } {
  const calls: Array<{ host: string; port: number }> = [];
  return {
    calls,
    connect: (options) => {
      calls.push(options);
      return new Socket();
    },
  };
}

describe('tcpProbe', () => {
  test('a listening port answers ok', async () => {
    const { server, port } = await listen();
    try {
      const outcome = await tcpProbe({ host: '127.0.0.1', port }, { timeoutMs: 1000 });
      expect(outcome.ok).toBe(true);
    } finally {
      await close(server);
    }
  });

  test('a closed port fails with "connection refused"', async () => {
    const { server, port } = await listen();
    await close(server);
    const outcome = await tcpProbe({ host: '127.0.0.1', port }, { timeoutMs: 1000 });
    expect(outcome).toMatchObject({ ok: false, reason: `tcp 127.0.0.1:${port}: connection refused` });
  });

  test('a connection that never opens fails after the timeout', async () => {
    const spy = neverConnects();
    const outcome = await tcpProbe({ host: '127.0.0.1', port: 9 }, { timeoutMs: 50, connect: spy.connect });
    expect(outcome).toMatchObject({ ok: false, reason: 'tcp 127.0.0.1:9: timed out after 50 ms' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(40);
    expect(outcome.ok === false && outcome.inconclusive).toBeFalsy();
  });

  test('a signal aborted with a TimeoutError fails as a timeout; any other abort is inconclusive', async () => {
    const timedOut = new AbortController();
    const pending = tcpProbe(
      { host: '127.0.0.1', port: 9 },
      { signal: timedOut.signal, connect: neverConnects().connect },
    );
    timedOut.abort(new TimeoutError(250));
    expect(await pending).toMatchObject({ ok: false, reason: 'tcp 127.0.0.1:9: timed out after 250 ms' });

    const stopped = new AbortController();
    const cut = tcpProbe(
      { host: '127.0.0.1', port: 9 },
      { signal: stopped.signal, connect: neverConnects().connect },
    );
    stopped.abort();
    expect(await cut).toMatchObject({ ok: false, inconclusive: true });
  });

  test.each(['169.254.169.254', 'fd00:ec2::254', '0.0.0.0', 'fe80::1', '224.0.0.1', 'localhost'])(
    'the default guard refuses %s without attempting a connection',
    async (host) => {
      const spy = neverConnects();
      const outcome = await tcpProbe({ host, port: 10250 }, { timeoutMs: 50, connect: spy.connect });
      expect(spy.calls).toEqual([]);
      expect(outcome).toMatchObject({ ok: false, inconclusive: true });
      expect(outcome.ok === false && outcome.reason).toMatch(/refused by the address guard/);
    },
  );

  test('a narrower guard refuses even loopback addresses outside it', async () => {
    const spy = neverConnects();
    const outcome = await tcpProbe(
      { host: '127.0.0.1', port: 1 },
      { guard: allowCidrs(['127.0.5.0/24']), connect: spy.connect },
    );
    expect(spy.calls).toEqual([]);
    expect(outcome).toMatchObject({ ok: false, inconclusive: true });
  });
});
