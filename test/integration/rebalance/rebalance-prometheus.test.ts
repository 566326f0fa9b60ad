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
import { startOperator, type RunningOperator } from '../support/operator.js';
import { eventually, testKubeConfig } from '../support/cluster.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { PerformedMoves } from './performed-moves.js';
import { condition, RebalanceScenario } from './scenario.js';
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
let operator: RunningOperator | undefined;
const moves = new PerformedMoves(scenario);

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

const pool = () => moves.pool();
const podUids = () => moves.podUids();
beforeAll(async () => {
  await scenario.setUp();
  await moves.rememberUntouchable();
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
  operator = await startOperator(kc, { rebalancing: { metricsSource: sourceConfig(prometheus.url) } });
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  await exporter.close();
  await prometheus?.stop();
  await scenario.cleanUp();
}, 60_000);

test('DryRun: the three hot nodes are seen through Prometheus, and nothing is evicted', async () => {
  const object = await moves.expectDryRunOnly();
  expect(condition(object, 'MetricsAvailable')).toMatchObject({ status: 'True', reason: 'Fresh' });
  for (const node of scenario.hotNodes) expect(condition(object, 'Balanced')?.message).toContain(node);
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
  await moves.expectNothingMoved(before);
  expect(withinTolerance((n) => exporter.current().get(n)?.cpu ?? NaN)).toBe(false);
}, 120_000);

test('exporter back: Fulcrum moves pods until every node is within tolerance, within its budgets', async () => {
  await exporter.serve();
  const balanced = await eventually(
    'Balanced=True after moves',
    async () => {
      const p = await pool();
      return condition(p, 'Balanced')?.status === 'True' && moves.byPod.size >= 1 ? p : undefined;
    },
    240_000,
    1_000,
  );
  expect(balanced.status?.nodes?.hot).toBe(0);
  expect(condition(balanced, 'MetricsAvailable')?.status).toBe('True');
  // Every hot node was relieved.
  const relieved = new Set([...moves.byPod.values()].map((e) => e.from));
  expect([...relieved].sort()).toEqual([...scenario.hotNodes].sort());
  moves.expectWithinBudgets(balanced, INTERVAL_MS, COOLDOWN_MS);
  await moves.expectUntouchedAndHoldReported();

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
