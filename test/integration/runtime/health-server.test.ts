/**
 * The health server with real informers on the real API server: /readyz follows informer sync, /healthz
 * stays ok, /metrics exposes the operator metrics. Binds to 127.0.0.1 only.
 */
import { Registry } from 'prom-client';
import {
  HealthServer,
  informersNotWedged,
  informersSynced,
} from '../../../src/observability/health-server.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { startConfigMapInformer } from './helpers.js';

const kc = testKubeConfig();

test('serves /healthz, /readyz (after sync) and /metrics', async () => {
  const ns = await createTestNamespace(kc, 'rt-health');
  const registry = new Registry();
  const metrics = new OperatorMetrics(registry, { version: 'test' });
  const h = startConfigMapInformer(kc, ns.name);
  metrics.registerInformers([h.informer]);
  const server = new HealthServer({
    host: '127.0.0.1',
    port: 0,
    registry,
    liveness: { informers: informersNotWedged([h.informer]) },
    readiness: { informers: informersSynced([h.informer]) },
  });
  const stop = new AbortController();
  const serving = server.start(stop.signal);
  try {
    const address = await eventually('listening', () => server.address());
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${address.port}${path}`);
      return { status: res.status, body: await res.text() };
    };
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
    await eventually('ready', async () => ((await get('/readyz')).status === 200 ? true : undefined));
    expect((await get('/readyz?verbose')).body).toContain('[+]informers ok');
    const text = (await get('/metrics')).body;
    expect(text).toContain('fulcrum_build_info{version="test"');
    expect(text).toContain('fulcrum_informer_synced{resource="configmaps"} 1');
    expect((await get('/nope')).status).toBe(404);
  } finally {
    stop.abort();
    await serving;
    await h.stop();
    await ns.remove();
  }
});

test('/readyz fails, naming the informer, before the first list', async () => {
  const registry = new Registry();
  const neverSynced = { name: 'pods', health: () => ({ synced: false, wedged: false }) };
  const server = new HealthServer({
    host: '127.0.0.1',
    port: 0,
    registry,
    readiness: { informers: informersSynced([neverSynced]) },
    liveness: {
      informers: informersNotWedged([{ ...neverSynced, health: () => ({ synced: false, wedged: true }) }]),
    },
  });
  const stop = new AbortController();
  const serving = server.start(stop.signal);
  try {
    const address = await eventually('listening', () => server.address());
    const ready = await fetch(`http://127.0.0.1:${address.port}/readyz`);
    expect(ready.status).toBe(500);
    expect(await ready.text()).toContain('[-]informers failed: not synced: pods');
    const live = await fetch(`http://127.0.0.1:${address.port}/healthz`);
    expect(live.status).toBe(500);
    expect(await live.text()).toContain('wedged: pods');
  } finally {
    stop.abort();
    await serving;
  }
});
