/**
 * The rebalancing scenario of rebalance-e2e.test.ts (scenario.ts: 10 nodes of the test's own pool, 3 hot),
 * measured through the Prometheus source instead of metrics.k8s.io: a real Prometheus server (Debian's
 * package, test/cluster/prometheus.sh) scrapes, every second, an exporter this test runs on 127.0.0.1
 * (usage-exporter.ts), which publishes node_exporter-style series computed from the live pods' intended
 * usage. The operator runs in this process with `metricsSource: { kind: 'prometheus' }` and the default
 * PromQL (cpu and memory; the rate window shortened to 5 s, see below). In order:
 *  1. DryRun: Fulcrum sees the three hot nodes through Prometheus and evicts nothing;
 *  2. exporter stopped, mode Enforce: Prometheus marks the series stale, the samples age, and Fulcrum acts
 *     on nothing while MetricsAvailable/Balanced say why;
 *  3. exporter back: Fulcrum moves pods until every node is within tolerance, within every budget, never the
 *     high-priority pods nor the PDB-protected one;
 *  4. balanced: no eviction for 10 more intervals.
 * Prometheus resolves usage to a second, so the pool runs with a shorter interval and cooldown than the
 * metrics-server scenario (whose 15 s scrapes need 8 s and 45 s).
 */
import { defaultPrometheusQueries } from '../../../src/metrics/prometheus-queries.js';
import { PrometheusSource } from '../../../src/metrics/prometheus-source.js';
import type { MetricsSourceConfig } from '../../../src/metrics/source-config.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createOperator } from '../../../src/runtime/operator.js';
import { eventually, testKubeConfig } from '../support/cluster.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { condition, RebalanceScenario, type PoolObject } from './scenario.js';
import { UsageExporter, type NodeUsage } from './usage-exporter.js';

const INTERVAL_MS = 5_000;
const COOLDOWN_MS = 30_000;
const TOLERANCE = 10;
const CPU_PER_NODE = 8_000; // millicores

const kc = testKubeConfig();
const scenario = new RebalanceScenario(kc, `rbp-${Math.random().toString(36).slice(2, 7)}`, {
  interval: `${INTERVAL_MS / 1000}s`,
  cooldown: `${COOLDOWN_MS / 1000}s`,
  tolerance: TOLERANCE,
  // Two collections (one per interval) in the window; rate() over 5 s adds at most 5 s of lag on top.
  metricsWindow: '10s',
});
const exporter = new UsageExporter(kc, scenario.nodes);
let prometheus: RunningPrometheus | undefined;
const stop = new AbortController();
let running: Promise<void> | undefined;
/** Pod uid → node of the pods that must never move (critical, fragile), taken before the operator starts. */
const untouchable = new Map<string, string>();
/** Performed evictions seen in status, by pod (status keeps only the 20 newest actions: poll and collect). */
const evictions = new Map<string, { at: number; from: string; to?: string }>();

/**
 * The production queries with a 5 s rate window instead of 1 m (rate() reads low until a series is one
 * window old, and the exporter's restart in phase 3 starts its series afresh for Prometheus). The exporter
 * publishes cpu and memory only, like metrics-server; the other two queries are off rather than empty.
 */
function sourceConfig(url: string): Extract<MetricsSourceConfig, { kind: 'prometheus' }> {
  return {
    kind: 'prometheus',
    url,
    queries: { ...defaultPrometheusQueries('5s'), ephemeralStorage: null, network: null },
  };
}

/** Node cpu in millicores as Fulcrum's source reads it from Prometheus now. */
async function cpuThroughPrometheus(): Promise<Map<string, number>> {
  const source = new PrometheusSource(sourceConfig((prometheus as RunningPrometheus).url));
  const c = await source.collect();
  return new Map(c.nodes.flatMap((s) => (s.usage.cpu === undefined ? [] : [[s.key, s.usage.cpu]])));
}

/** Whether every node's load is within `TOLERANCE` points of the mean (loads in % of 8 CPU). */
function withinTolerance(cpu: (node: string) => number): boolean {
  const loads = scenario.nodes.map((n) => (cpu(n) / CPU_PER_NODE) * 100);
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  return loads.every((l) => l <= mean + TOLERANCE);
}

async function pool(): Promise<PoolObject> {
  const object = await scenario.poolObject();
  for (const a of object.status?.lastActions ?? []) {
    if (a.action === 'Evict' && a.dryRun !== true && a.pod && a.node)
      evictions.set(a.pod, {
        at: Date.parse(a.time),
        from: a.node,
        ...(a.targetNode ? { to: a.targetNode } : {}),
      });
  }
  return object;
}

async function podUids(): Promise<Set<string>> {
  return new Set((await scenario.pods()).map((p) => p.metadata?.uid as string));
}

beforeAll(async () => {
  await scenario.setUp();
  for (const p of await scenario.pods()) {
    const tier = p.metadata?.labels?.tier;
    if (tier === 'critical' || tier === 'fragile')
      untouchable.set(p.metadata?.uid as string, p.spec?.nodeName as string);
  }
  await exporter.start();
  await exporter.serve();
  prometheus = await startPrometheus([exporter.target]);
  // The exporter publishes the scenario's usage (hot-2: 1000 + 800 + 2 × 1500 m) and Prometheus returns it
  // through the production PromQL, before the operator starts.
  const intended = exporter.current();
  expect(intended.get(scenario.hotNodes[2] as string)).toEqual<NodeUsage>({
    cpu: 4_800,
    memory: 4 * 64 * 2 ** 20,
  });
  await eventually(
    'Prometheus reporting the scenario’s usage',
    async () => {
      const cpu = await cpuThroughPrometheus();
      return scenario.nodes.every((n) => Math.abs((cpu.get(n) ?? NaN) - (intended.get(n)?.cpu ?? NaN)) < 50)
        ? true
        : undefined;
    },
    60_000,
    1_000,
  );
  const logger = createLogger({ level: process.env.FULCRUM_TEST_LOG_LEVEL ?? 'silent' });
  const operator = createOperator({
    kubeConfig: kc,
    logger,
    health: { host: '127.0.0.1', port: 0 },
    rebalancing: { metricsSource: sourceConfig(prometheus.url) },
  });
  running = operator.start(stop.signal);
}, 180_000);

afterAll(async () => {
  stop.abort();
  await running;
  await exporter.close();
  await prometheus?.stop();
  await scenario.cleanUp();
}, 60_000);

test('DryRun: the three hot nodes are seen through Prometheus, and nothing is evicted', async () => {
  const before = await podUids();
  const object = await eventually(
    'DryRun evictions recorded',
    async () => {
      const p = await pool();
      return (p.status?.counters?.dryRunEvictions ?? 0) >= 2 ? p : undefined;
    },
    60_000,
    1_000,
  );
  expect(object.status?.nodes?.hot).toBe(3);
  expect(condition(object, 'MetricsAvailable')).toMatchObject({ status: 'True', reason: 'Fresh' });
  expect(condition(object, 'Balanced')).toMatchObject({ status: 'False', reason: 'Rebalancing' });
  for (const node of scenario.hotNodes) expect(condition(object, 'Balanced')?.message).toContain(node);
  const dry = (object.status?.lastActions ?? []).filter((a) => a.action === 'Evict' && a.dryRun === true);
  expect(dry.length).toBeGreaterThanOrEqual(2);
  for (const a of dry) expect(scenario.hotNodes).toContain(a.node);
  expect(evictions.size).toBe(0);
  expect(await podUids()).toEqual(before);
  expect(await scenario.nodesWithHotTaint()).toEqual([]);
}, 90_000);

test('exporter stopped: the metrics go stale, nothing is moved, and the conditions say why', async () => {
  await exporter.unserve();
  // Prometheus itself stops returning the nodes (its staleness markers, then the 5 s rate window).
  await eventually(
    'the series gone from Prometheus',
    async () => ((await cpuThroughPrometheus()).size === 0 ? true : undefined),
    30_000,
    1_000,
  );
  const stale = await eventually(
    'MetricsAvailable=False',
    async () => {
      const p = await pool();
      return condition(p, 'MetricsAvailable')?.status === 'False' ? p : undefined;
    },
    60_000,
    1_000,
  );
  expect(condition(stale, 'MetricsAvailable')).toMatchObject({ reason: 'MetricsStale' });
  expect(condition(stale, 'MetricsAvailable')?.message).toMatch(/10 of 10 nodes have no fresh usage metrics/);
  expect(condition(stale, 'MetricsAvailable')?.message).toContain(`${scenario.nodes[0]} (too old)`);
  expect(condition(stale, 'Balanced')).toMatchObject({ status: 'Unknown', reason: 'MetricsStale' });

  // Enforce on a pool whose usage (still hot, by the exporter's own account) nobody can see.
  await scenario.setMode('Enforce');
  const before = await podUids();
  await new Promise((r) => setTimeout(r, 5 * INTERVAL_MS));
  const after = await pool();
  expect(condition(after, 'Balanced')).toMatchObject({ status: 'Unknown', reason: 'MetricsStale' });
  expect(condition(after, 'MetricsAvailable')?.status).toBe('False');
  expect(after.status?.counters?.evictions ?? 0).toBe(0);
  expect(evictions.size).toBe(0);
  expect(await podUids()).toEqual(before);
  expect(await scenario.nodesWithHotTaint()).toEqual([]);
  expect(withinTolerance((n) => exporter.current().get(n)?.cpu ?? NaN)).toBe(false);
}, 120_000);

test('exporter back: Fulcrum moves pods until every node is within tolerance, within its budgets', async () => {
  await exporter.serve();
  const balanced = await eventually(
    'Balanced=True after moves',
    async () => {
      const p = await pool();
      return condition(p, 'Balanced')?.status === 'True' && evictions.size >= 1 ? p : undefined;
    },
    240_000,
    1_000,
  );
  expect(balanced.status?.nodes?.hot).toBe(0);
  expect(condition(balanced, 'MetricsAvailable')?.status).toBe('True');
  // Every move came off a hot node, every hot node was relieved, and only batch pods left.
  for (const move of evictions.values()) expect(scenario.hotNodes).toContain(move.from);
  const relieved = new Set([...evictions.values()].map((e) => e.from));
  expect([...relieved].sort()).toEqual([...scenario.hotNodes].sort());
  expect([...evictions.keys()].every((pod) => pod.split('/')[1]?.startsWith('batch-'))).toBe(true);
  expect(balanced.status?.counters?.evictions).toBe(evictions.size);

  // Budgets: at most maxEvictionsPerCycle (2) per interval; a node loses a pod at most once per cooldown.
  const times = [...evictions.values()].map((e) => e.at).sort((a, b) => a - b);
  for (const t of times)
    expect(times.filter((u) => u >= t && u < t + INTERVAL_MS / 2).length).toBeLessThanOrEqual(2);
  for (const node of scenario.hotNodes) {
    const off = [...evictions.values()]
      .filter((e) => e.from === node)
      .map((e) => e.at)
      .sort((a, b) => a - b);
    for (let i = 1; i < off.length; i++)
      expect((off[i] as number) - (off[i - 1] as number)).toBeGreaterThanOrEqual(COOLDOWN_MS);
  }

  // High-priority and PDB-protected pods were never touched; the PDB's hold was reported.
  const pods = await scenario.pods();
  for (const [uid, node] of untouchable) {
    const pod = pods.find((p) => p.metadata?.uid === uid);
    expect(pod?.spec?.nodeName).toBe(node);
    expect(pod?.metadata?.deletionTimestamp).toBeUndefined();
  }
  const holds = await scenario.poolEvents('EvictionBlocked');
  expect(holds.some((e) => e.message?.includes('fragile') && e.message.includes('disruption budget'))).toBe(
    true,
  );

  // Every node within tolerance, both by the pods' intended usage and as Prometheus reports it.
  await eventually(
    'every node within tolerance by the exporter and by Prometheus',
    async () => {
      const cpu = await cpuThroughPrometheus();
      const intended = exporter.current();
      return withinTolerance((n) => cpu.get(n) ?? NaN) && withinTolerance((n) => intended.get(n)?.cpu ?? NaN)
        ? true
        : undefined;
    },
    30_000,
    1_000,
  );
  await eventually(
    'hot taints lifted',
    async () => ((await scenario.nodesWithHotTaint()).length === 0 ? true : undefined),
    30_000,
    1_000,
  );
}, 300_000);

test('after balance, no eviction for 10 more intervals', async () => {
  const before = (await pool()).status?.counters?.evictions ?? 0;
  const uids = await podUids();
  await new Promise((r) => setTimeout(r, 10 * INTERVAL_MS + 2_000));
  const after = await pool();
  expect(after.status?.counters?.evictions ?? 0).toBe(before);
  expect(condition(after, 'Balanced')?.status).toBe('True');
  expect(condition(after, 'MetricsAvailable')?.status).toBe('True');
  expect(await podUids()).toEqual(uids);
}, 120_000);
