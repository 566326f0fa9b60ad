/**
 * The metrics.k8s.io source against the real metrics-server of the test cluster, which serves kwok's
 * emulated usage: pods use what their `kwok.x-k8s.io/usage-*` annotations say, nodes the sum of their pods.
 */
import * as k8s from '@kubernetes/client-node';
import { MetricsApiSource } from '../../../src/metrics/metrics-api-source.js';
import { UsageStore } from '../../../src/metrics/usage-store.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';

const MI = 2 ** 20;

describe('MetricsApiSource against metrics-server', () => {
  const kc = testKubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let namespace: { name: string; remove: () => Promise<void> };
  let nodes: string[];

  beforeAll(async () => {
    namespace = await createTestNamespace(kc, 'metrics-api');
    const list = await core.listNode();
    nodes = list.items
      .map((n) => n.metadata!.name!)
      .sort()
      .slice(-2);
    // Two pods on the last node (1200m + 300m, 512Mi + 256Mi), one on the one before (700m, 1Gi).
    const pods: Array<[string, string, string, string]> = [
      ['busy-1', nodes[1]!, '1200m', '512Mi'],
      ['busy-2', nodes[1]!, '300m', '256Mi'],
      ['calm', nodes[0]!, '700m', '1Gi'],
    ];
    for (const [name, node, cpu, memory] of pods) {
      await core.createNamespacedPod({
        namespace: namespace.name,
        body: {
          metadata: {
            name,
            annotations: { 'kwok.x-k8s.io/usage-cpu': cpu, 'kwok.x-k8s.io/usage-memory': memory },
          },
          spec: { nodeName: node, containers: [{ name: 'main', image: 'registry.invalid/app' }] },
        },
      });
    }
  });

  afterAll(async () => {
    await namespace?.remove();
  });

  it('reads node and pod usage as metrics-server reports it', async () => {
    const source = new MetricsApiSource(kc);
    // metrics-server needs two scrapes (15 s apart) before it reports a new pod.
    const collection = await eventually(
      'usage of the test pods and their nodes',
      async () => {
        const c = await source.collect();
        const mine = c.pods.filter((p) => p.key.startsWith(`${namespace.name}/`));
        const last = c.nodes.find((n) => n.key === nodes[1]);
        return mine.length === 3 && last !== undefined && (last.usage.cpu ?? 0) > 1400 ? c : undefined;
      },
      100_000,
      2_000,
    );
    const pod = (name: string) => collection.pods.find((p) => p.key === `${namespace.name}/${name}`)!;
    expect(pod('busy-1').usage.cpu).toBeCloseTo(1200, -1);
    expect(pod('busy-1').usage.memory).toBe(512 * MI);
    expect(pod('calm').usage).toEqual({ cpu: expect.closeTo(700, -1), memory: 1024 * MI });
    const node = collection.nodes.find((n) => n.key === nodes[1])!;
    expect(node.usage.cpu).toBeCloseTo(1500, -1);
    expect(node.usage.memory).toBeGreaterThanOrEqual(768 * MI);
    expect(Object.keys(node.usage).sort()).toEqual(['cpu', 'memory']);
    // Timestamps are metrics-server's scrape times: recent, never in the future.
    for (const sample of [...collection.nodes, ...collection.pods]) {
      expect(sample.time).toBeLessThanOrEqual(Date.now() + 1_000);
      expect(Date.now() - sample.time).toBeLessThan(90_000);
    }

    // Through the store: cpu and memory measured, the rest from the fallback (requests).
    const store = new UsageStore({ windowMs: 60_000, staleAfterMs: 120_000, smoothing: { kind: 'mean' } });
    store.record(collection.nodes);
    const requests = { cpu: 1, memory: 1, ephemeralStorage: 77, network: 88, pods: 2 };
    const view = store.view([nodes[1]!], Date.now(), () => requests);
    expect(view.usage.get(nodes[1]!)).toEqual({
      cpu: node.usage.cpu,
      memory: node.usage.memory,
      ephemeralStorage: 77,
      network: 88,
      pods: 2,
    });
    expect(view.stale).toEqual([]);
  });
});
