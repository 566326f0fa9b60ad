/**
 * Rebalancing end to end on the real control plane, metrics-server serving kwok's emulated usage (see
 * scenario.ts for the pool: 10 nodes, 3 hot). One operator runs in this process with rebalancing on the
 * metrics.k8s.io source. In order:
 *  1. DryRun: the plan is recorded in status (lastActions, counters) and nothing is evicted or tainted;
 *  2. metrics-server stopped, mode Enforce: no action, and MetricsAvailable/Balanced say why;
 *  3. metrics-server back: Fulcrum moves pods until every node is within tolerance, within every budget,
 *     never the high-priority pods nor the PDB-protected one (reported as an Event);
 *  4. balanced: no eviction for 10 more intervals.
 * metrics-server scrapes every 15 s and needs two scrapes for a new pod: the phases take minutes.
 */
import { MetricsApiSource } from '../../../src/metrics/metrics-api-source.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createOperator } from '../../../src/runtime/operator.js';
import { eventually, testKubeConfig } from '../support/cluster.js';
import {
  clusterComponent,
  componentRunning,
  condition,
  COOLDOWN_MS,
  INTERVAL_MS,
  REBALANCING,
  RebalanceScenario,
  type PoolObject,
} from './scenario.js';

const kc = testKubeConfig();
const scenario = new RebalanceScenario(kc, `rb-${Math.random().toString(36).slice(2, 7)}`);
const stop = new AbortController();
let running: Promise<void> | undefined;
/** Pod uid → node of the pods that must never move (critical, fragile), taken before the operator starts. */
const untouchable = new Map<string, string>();
/** Performed evictions seen in status, by pod (status keeps only the 20 newest actions: poll and collect). */
const evictions = new Map<string, { at: number; from: string; to?: string }>();

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
  // metrics-server reports each hot node's load before the operator starts (two scrapes after the pods ran).
  const source = new MetricsApiSource(kc);
  await eventually(
    'metrics-server reporting the scenario’s usage',
    async () => {
      const c = await source.collect();
      const cpu = (n: string) => c.nodes.find((s) => s.key === n)?.usage.cpu ?? 0;
      return scenario.nodes.every((n) => cpu(n) >= 300) && cpu(scenario.hotNodes[2] as string) >= 4_700
        ? true
        : undefined;
    },
    110_000,
    2_000,
  );
  const logger = createLogger({ level: process.env.FULCRUM_TEST_LOG_LEVEL ?? 'silent' });
  const operator = createOperator({
    kubeConfig: kc,
    logger,
    health: { host: '127.0.0.1', port: 0 },
    rebalancing: { metricsSource: { kind: 'metrics-api' } },
  });
  running = operator.start(stop.signal);
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running;
  if (!(await componentRunning('metrics-server'))) await clusterComponent('start', 'metrics-server');
  await scenario.cleanUp();
}, 60_000);

test('DryRun records the moves it would make in status and evicts nothing', async () => {
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
  expect(condition(object, 'Balanced')).toMatchObject({ status: 'False', reason: 'Rebalancing' });
  expect(condition(object, 'Balanced')?.message).toContain('would evict');
  const dry = (object.status?.lastActions ?? []).filter((a) => a.action === 'Evict' && a.dryRun === true);
  expect(dry.length).toBeGreaterThanOrEqual(2);
  for (const a of dry) expect(scenario.hotNodes).toContain(a.node);
  expect(evictions.size).toBe(0);
  expect(await podUids()).toEqual(before);
  expect(await scenario.nodesWithHotTaint()).toEqual([]);
}, 90_000);

test('stale metrics (metrics-server stopped): no action, and the conditions say why', async () => {
  await clusterComponent('stop', 'metrics-server');
  const stale = await eventually(
    'MetricsAvailable=False',
    async () => {
      const p = await pool();
      return condition(p, 'MetricsAvailable')?.status === 'False' ? p : undefined;
    },
    90_000,
    1_000,
  );
  expect(condition(stale, 'MetricsAvailable')).toMatchObject({ reason: 'MetricsStale' });
  expect(condition(stale, 'MetricsAvailable')?.message).toMatch(/no fresh usage metrics/);
  expect(condition(stale, 'Balanced')).toMatchObject({ status: 'Unknown', reason: 'MetricsStale' });

  await scenario.setMode('Enforce');
  const before = await podUids();
  await new Promise((r) => setTimeout(r, 4 * INTERVAL_MS));
  const after = await pool();
  expect(condition(after, 'Balanced')).toMatchObject({ status: 'Unknown', reason: 'MetricsStale' });
  expect(condition(after, 'MetricsAvailable')?.message).toMatch(/the last collection failed/);
  expect(after.status?.counters?.evictions ?? 0).toBe(0);
  expect(evictions.size).toBe(0);
  expect(await podUids()).toEqual(before);
  expect(await scenario.nodesWithHotTaint()).toEqual([]);
}, 150_000);

test('with metrics back, Fulcrum moves pods until every node is within tolerance, within its budgets', async () => {
  await clusterComponent('start', 'metrics-server');
  const balanced = await eventually(
    'Balanced=True after moves',
    async () => {
      const p = await pool();
      return condition(p, 'Balanced')?.status === 'True' && evictions.size >= 1 ? p : undefined;
    },
    330_000,
    1_000,
  );
  expect(balanced.status?.nodes?.hot).toBe(0);
  expect(condition(balanced, 'MetricsAvailable')?.status).toBe('True');
  // Every move came off a hot node; each hot node's batch pods left, nothing else.
  for (const move of evictions.values()) expect(scenario.hotNodes).toContain(move.from);
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

  // Every node within tolerance, as metrics-server itself reports it (loads in % of 8 CPU).
  const source = new MetricsApiSource(kc);
  await eventually(
    'every node within tolerance by metrics-server',
    async () => {
      const c = await source.collect();
      const loads = scenario.nodes.map(
        (n) => ((c.nodes.find((s) => s.key === n)?.usage.cpu ?? NaN) / 8_000) * 100,
      );
      const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
      return loads.every((l) => l <= mean + REBALANCING.tolerance) ? true : undefined;
    },
    60_000,
    2_000,
  );
  await eventually(
    'hot taints lifted',
    async () => ((await scenario.nodesWithHotTaint()).length === 0 ? true : undefined),
    60_000,
    1_000,
  );

  // The pool controller's conditions (manager fulcrum) and ours (fulcrum-balancer) stand side by side.
  const object = await pool();
  const types = (object.status?.conditions ?? []).map((c) => c.type).sort();
  expect(types).toEqual(
    expect.arrayContaining(['Balanced', 'CapacityPressure', 'MetricsAvailable', 'Ready']),
  );
  const managers = (object.metadata?.managedFields ?? []).map((m) => m.manager);
  expect(managers).toEqual(expect.arrayContaining(['fulcrum', 'fulcrum-balancer']));
}, 400_000);

test('after balance, no eviction for 10 more intervals', async () => {
  const before = (await pool()).status?.counters?.evictions ?? 0;
  const uids = await podUids();
  await new Promise((r) => setTimeout(r, 10 * INTERVAL_MS + 2_000));
  const after = await pool();
  expect(after.status?.counters?.evictions ?? 0).toBe(before);
  expect(condition(after, 'Balanced')?.status).toBe('True');
  expect(await podUids()).toEqual(uids);
}, 150_000);
