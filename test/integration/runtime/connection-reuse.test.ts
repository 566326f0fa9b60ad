/**
 * The operator's API clients keep their connections: on the real API server (client-certificate TLS), many
 * requests through one ConnectionReusingKubeConfig open at most as many connections as ran at once — with the
 * client library's default, each request opened (and handshook) a connection of its own.
 */
import * as k8s from '@kubernetes/client-node';
import { ConnectionReusingKubeConfig } from '../../../src/kube/connection-reuse.js';

interface PoolStats {
  connected: number;
}

function reusingKubeConfig(): ConnectionReusingKubeConfig {
  const path = process.env.FULCRUM_TEST_KUBECONFIG;
  if (!path) throw new Error('FULCRUM_TEST_KUBECONFIG is not set: run `make cluster-up`');
  const kc = new ConnectionReusingKubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** The Agent every request of `kc` is sent with, and its open connections to the API server. */
async function connections(kc: ConnectionReusingKubeConfig): Promise<number> {
  const context = new k8s.RequestContext(`${kc.getCurrentCluster()?.server}/version`, k8s.HttpMethod.GET);
  await kc.applySecurityAuthentication(context);
  const stats = (context.getDispatcher() as unknown as { stats: Record<string, PoolStats> }).stats;
  return Object.values(stats).reduce((sum, pool) => sum + pool.connected, 0);
}

describe('ConnectionReusingKubeConfig against the real API server', () => {
  test('sequential requests share one connection; concurrent ones at most one each', async () => {
    const kc = reusingKubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    for (let i = 0; i < 20; i++) await core.readNamespace({ name: 'default' });
    expect(await connections(kc)).toBe(1);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 10; i++) await core.readNamespace({ name: 'default' });
      }),
    );
    const open = await connections(kc);
    expect(open).toBeGreaterThanOrEqual(1);
    expect(open).toBeLessThanOrEqual(8);
  });
});
