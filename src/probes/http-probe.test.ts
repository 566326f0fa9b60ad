/** The HTTP probe against a real server bound to 127.0.0.1 only, as every test must be. */
import { createServer, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { httpProbe } from './http-probe.js';
import type { ConnectFn } from './network-probe.js';

let server: Server;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    switch (req.url) {
      case '/':
      case '/healthz':
        res.writeHead(200).end('ok');
        break;
      case '/moved':
        res.writeHead(302, { location: '/healthz' }).end();
        break;
      case '/broken':
        res.writeHead(503).end('no');
        break;
      case '/hang':
        break; // accepts the request and never answers
      case '/stream':
        res.writeHead(200);
        res.write('first chunk'); // and never ends the body
        break;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpProbe', () => {
  test.each([
    { path: '/healthz', wantOk: true },
    { path: '/moved', wantOk: true },
    { path: '/broken', wantOk: false, wantReason: 'status 503' },
    { path: '/missing', wantOk: false, wantReason: 'status 404' },
  ])('GET $path: ok is $wantOk', async ({ path, wantOk, wantReason }) => {
    const outcome = await httpProbe({ host: '127.0.0.1', port }, { path, timeoutMs: 1000 });
    expect(outcome.ok).toBe(wantOk);
    if (wantReason)
      expect(outcome).toMatchObject({ reason: `http GET 127.0.0.1:${port}${path}: ${wantReason}` });
  });

  test('the status line decides; a body that never ends is cut off without an error', async () => {
    const outcome = await httpProbe({ host: '127.0.0.1', port }, { path: '/stream', timeoutMs: 1000 });
    expect(outcome.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50)); // an unhandled 'error' would fail the test here
  });

  test('the path defaults to /', async () => {
    seen.length = 0;
    expect((await httpProbe({ host: '127.0.0.1', port }, { timeoutMs: 1000 })).ok).toBe(true);
    expect(seen).toEqual(['GET /']);
  });

  test('a server that accepts but never answers fails after the timeout', async () => {
    const outcome = await httpProbe({ host: '127.0.0.1', port }, { path: '/hang', timeoutMs: 100 });
    expect(outcome).toMatchObject({
      ok: false,
      reason: `http GET 127.0.0.1:${port}/hang: timed out after 100 ms`,
    });
  });

  test('a closed port fails with "connection refused"', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const closedPort = (other.address() as AddressInfo).port;
    await new Promise((resolve) => other.close(resolve));
    const outcome = await httpProbe({ host: '127.0.0.1', port: closedPort }, { timeoutMs: 1000 });
    expect(outcome).toMatchObject({
      ok: false,
      reason: `http GET 127.0.0.1:${closedPort}/: connection refused`,
    });
  });

  test('the default guard refuses the metadata address without attempting a connection', async () => {
    const calls: unknown[] = [];
    const connect: ConnectFn = (options) => {
      calls.push(options);
      return new Socket();
    };
    const outcome = await httpProbe({ host: '169.254.169.254', port: 80 }, { timeoutMs: 50, connect });
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({ ok: false, inconclusive: true });
  });
});
