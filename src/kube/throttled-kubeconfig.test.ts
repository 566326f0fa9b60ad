import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { FakeClock } from '../clock/fake-clock.js';
import { newKubeConfig, ThrottledKubeConfig } from './throttled-kubeconfig.js';

function loaded(kc: KubeConfig): KubeConfig {
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

/** Starts `n` requests' authentication step; returns how many have completed so far, as a function. */
function startRequests(kc: KubeConfig, n: number): () => number {
  let done = 0;
  for (let i = 0; i < n; i++) {
    const context = new RequestContext('https://127.0.0.1:6443/api/v1/nodes', HttpMethod.GET);
    void kc.applySecurityAuthentication(context).then(() => done++);
  }
  return () => done;
}

describe('ThrottledKubeConfig: a client-side QPS and burst over every API request', () => {
  test('a burst passes at once, then requests go at qps', async () => {
    const clock = new FakeClock();
    const kc = loaded(new ThrottledKubeConfig({ qps: 10, burst: 3 }, { clock }));
    const done = startRequests(kc, 5);
    await clock.flush();
    expect(done()).toBe(3);
    await clock.advance(100);
    expect(done()).toBe(4);
    await clock.advance(100);
    expect(done()).toBe(5);
  });

  test('requests still carry the credentials of the kubeconfig', async () => {
    const kc = loaded(new ThrottledKubeConfig({ qps: 100, burst: 1 }));
    const context = new RequestContext('https://127.0.0.1:6443/api/v1/nodes', HttpMethod.GET);
    await kc.applySecurityAuthentication(context);
    expect(context.getHeaders()).toMatchObject({ Authorization: 'Bearer t' });
  });

  test.each([
    { scenario: 'zero qps', limit: { qps: 0, burst: 1 }, wantError: 'qps must be positive' },
    { scenario: 'fractional burst', limit: { qps: 5, burst: 1.5 }, wantError: 'burst must be an integer' },
  ])('refuses $scenario', ({ limit, wantError }) => {
    expect(() => new ThrottledKubeConfig(limit)).toThrow(wantError);
  });

  test('qps 0 means no client-side limit: a plain KubeConfig', () => {
    expect(newKubeConfig({ qps: 0, burst: 0 })).not.toBeInstanceOf(ThrottledKubeConfig);
    expect(newKubeConfig({ qps: 20, burst: 40 })).toBeInstanceOf(ThrottledKubeConfig);
  });
});
