import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { FakeClock } from '../clock/fake-clock.js';
import { ConnectionReusingKubeConfig } from './connection-reuse.js';

/** A kubeconfig with TLS material (a CA and a client certificate), as the test cluster's and most real ones. */
function loaded(kc: ConnectionReusingKubeConfig, user = 'u'): ConnectionReusingKubeConfig {
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: 'Y2E=', skipTLSVerify: false }],
    users: [
      { name: 'u', certData: 'Y2VydA==', keyData: 'a2V5' },
      { name: 'v', certData: 'Y2VydDI=', keyData: 'a2V5Mg==' },
    ],
    contexts: [
      { name: 'x', cluster: 'c', user: 'u' },
      { name: 'y', cluster: 'c', user: 'v' },
    ],
    currentContext: user === 'u' ? 'x' : 'y',
  });
  return kc;
}

async function dispatcherOf(kc: ConnectionReusingKubeConfig): Promise<unknown> {
  const context = new RequestContext('https://127.0.0.1:6443/api/v1/nodes', HttpMethod.GET);
  await kc.applySecurityAuthentication(context);
  return context.getDispatcher();
}

describe('ConnectionReusingKubeConfig: one pooled connection Agent for every request', () => {
  test('requests share the Agent the first one got, instead of one Agent (one TLS handshake) each', async () => {
    const kc = loaded(new ConnectionReusingKubeConfig());
    const first = await dispatcherOf(kc);
    expect(first).toBeDefined();
    for (let i = 0; i < 5; i++) expect(await dispatcherOf(kc)).toBe(first);
  });

  test('after maxAgeMs a fresh Agent takes over, so rotated credentials are read again', async () => {
    const clock = new FakeClock();
    const kc = loaded(new ConnectionReusingKubeConfig({ clock, maxAgeMs: 1000 }));
    const first = await dispatcherOf(kc);
    await clock.advance(999);
    expect(await dispatcherOf(kc)).toBe(first);
    await clock.advance(1);
    const second = await dispatcherOf(kc);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(await dispatcherOf(kc)).toBe(second);
  });

  test('another user gets an Agent of its own', async () => {
    const kc = loaded(new ConnectionReusingKubeConfig());
    const first = await dispatcherOf(kc);
    kc.setCurrentContext('y');
    const other = await dispatcherOf(kc);
    expect(other).not.toBe(first);
  });
});
