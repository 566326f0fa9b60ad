/**
 * The Prometheus metrics source against a real Prometheus server (Debian's package) scraping a small
 * exporter this test runs on loopback. The exporter serves node_exporter-style series with a `node` label
 * whose counters grow at known rates, so the default PromQL must yield known usage.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultPrometheusQueries } from '../../../src/metrics/prometheus-queries.js';
import { PrometheusSource } from '../../../src/metrics/prometheus-source.js';
import { UsageStore } from '../../../src/metrics/usage-store.js';
import { eventually } from '../support/cluster.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

const GI = 2 ** 30;

/** Per node: non-idle cores, memory used, root filesystem used, network bytes/s received and sent. */
const NODES = {
  'node-a': { cores: 0.75, memory: 8 * GI, fs: 40 * GI, rx: 1_500_000, tx: 500_000 },
  'node-b': { cores: 2, memory: 20 * GI, fs: 10 * GI, rx: 100_000, tx: 2_000_000 },
};

function exposition(seconds: number): string {
  const lines: string[] = [];
  for (const [node, n] of Object.entries(NODES)) {
    const l = (extra: string) => `{node="${node}"${extra}}`;
    lines.push(
      `node_cpu_seconds_total${l(',cpu="0",mode="user"')} ${((n.cores * 2) / 3) * seconds}`,
      `node_cpu_seconds_total${l(',cpu="0",mode="system"')} ${(n.cores / 3) * seconds}`,
      `node_cpu_seconds_total${l(',cpu="0",mode="idle"')} ${10 * seconds}`,
      `node_memory_MemTotal_bytes${l('')} ${32 * GI}`,
      `node_memory_MemAvailable_bytes${l('')} ${32 * GI - n.memory}`,
      `node_filesystem_size_bytes${l(',mountpoint="/"')} ${100 * GI}`,
      `node_filesystem_avail_bytes${l(',mountpoint="/"')} ${100 * GI - n.fs}`,
      `node_filesystem_size_bytes${l(',mountpoint="/boot"')} ${GI}`,
      `node_filesystem_avail_bytes${l(',mountpoint="/boot"')} 0`,
      // Two interfaces share the traffic; loopback is left out by the query.
      `node_network_receive_bytes_total${l(',device="eth0"')} ${n.rx * 0.75 * seconds}`,
      `node_network_receive_bytes_total${l(',device="eth1"')} ${n.rx * 0.25 * seconds}`,
      `node_network_transmit_bytes_total${l(',device="eth0"')} ${n.tx * seconds}`,
      `node_network_receive_bytes_total${l(',device="lo"')} ${1e9 * seconds}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('PrometheusSource against a real Prometheus', () => {
  let exporter: Server;
  let prometheus: RunningPrometheus;
  const started = Date.now();

  beforeAll(async () => {
    exporter = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(exposition((Date.now() - started) / 1000 + 1000));
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    const { port } = exporter.address() as AddressInfo;
    prometheus = await startPrometheus([`127.0.0.1:${port}`]);
  });

  afterAll(async () => {
    await prometheus?.stop();
    exporter?.closeAllConnections();
    await new Promise((resolve) => exporter?.close(resolve));
  });

  it('measures all four resources per node with the default PromQL', async () => {
    // The default queries with a 5 s rate window instead of 1 m: rate() reads low until a series is one
    // window old, and this keeps the test short. Everything else is the production PromQL.
    const source = new PrometheusSource({ url: prometheus.url, queries: defaultPrometheusQueries('5s') });
    expect(source.resources).toEqual(['cpu', 'memory', 'ephemeralStorage', 'network']);
    const settled = (c: Awaited<ReturnType<PrometheusSource['collect']>>) =>
      c.nodes.length === 2 &&
      c.nodes.every((s) => Object.keys(s.usage).length === 4) &&
      c.nodes.every(
        (s) => Math.abs((s.usage.cpu as number) - NODES[s.key as keyof typeof NODES].cores * 1000) < 20,
      );
    const collection = await eventually(
      'every resource of both nodes, the rates one window old',
      async () => {
        const c = await source.collect();
        return settled(c) ? c : undefined;
      },
      60_000,
      1_000,
    );
    const byNode = new Map(collection.nodes.map((s) => [s.key, s]));
    for (const [node, want] of Object.entries(NODES)) {
      const sample = byNode.get(node)!;
      expect(Math.abs((sample.usage.cpu as number) - want.cores * 1000)).toBeLessThan(20); // millicores
      expect(sample.usage.memory).toBe(want.memory);
      expect(sample.usage.ephemeralStorage).toBe(want.fs);
      // bits/s of the busier direction, within 1%
      expect(Math.abs((sample.usage.network as number) - 8 * Math.max(want.rx, want.tx))).toBeLessThan(
        0.01 * 8 * Math.max(want.rx, want.tx),
      );
      expect(Math.abs(sample.time - Date.now())).toBeLessThan(10_000);
    }
    expect(collection.problems).toEqual([]);

    // The store turns the samples into the usage vectors placement takes.
    const store = new UsageStore({ windowMs: 60_000, staleAfterMs: 45_000, smoothing: { kind: 'mean' } });
    store.record(collection.nodes);
    const zero = { cpu: 0, memory: 0, ephemeralStorage: 0, network: 0, pods: 3 };
    const view = store.view(['node-a', 'node-c'], Date.now(), () => zero);
    expect(view.usage.get('node-a')).toMatchObject({ memory: 8 * GI, ephemeralStorage: 40 * GI, pods: 3 });
    expect(view.stale).toEqual([{ key: 'node-c', reason: 'NoSamples' }]);
  });

  it('reports a query Prometheus rejects as a problem and keeps the other resources', async () => {
    const source = new PrometheusSource({
      url: prometheus.url,
      queries: { memory: 'sum by (node) (', network: null },
    });
    expect(source.resources).toEqual(['cpu', 'memory', 'ephemeralStorage']);
    const collection = await source.collect();
    expect(collection.problems).toEqual([
      { message: expect.stringMatching(/^memory: prometheus: bad_data: /) },
    ]);
    expect(collection.nodes.map((s) => Object.keys(s.usage).sort())).toEqual([
      ['cpu', 'ephemeralStorage'],
      ['cpu', 'ephemeralStorage'],
    ]);
  });

  it('rejects when every query fails (Prometheus unreachable)', async () => {
    const source = new PrometheusSource({ url: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    await expect(source.collect()).rejects.toThrow(/every query failed/);
  });

  it('stops reporting a node gauge once the exporter is gone (Prometheus marks the series stale)', async () => {
    exporter.closeAllConnections();
    await new Promise((resolve) => exporter.close(resolve));
    const source = new PrometheusSource({ url: prometheus.url });
    await eventually(
      'memory series gone',
      async () => {
        const c = await source.collect();
        return c.nodes.every((s) => s.usage.memory === undefined) ? true : undefined;
      },
      30_000,
      1_000,
    );
  });
});
