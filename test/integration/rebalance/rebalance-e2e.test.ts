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
import { startOperator, type RunningOperator } from '../support/operator.js';
import { eventually, testKubeConfig } from '../support/cluster.js';
import {
  clusterComponent,
  componentRunning,
  condition,
  COOLDOWN_MS,
  INTERVAL_MS,
  REBALANCING,
  RebalanceScenario,
} from './scenario.js';
import { PerformedMoves } from './performed-moves.js';

const kc = testKubeConfig();
const scenario = new RebalanceScenario(kc, `rb-${Math.random().toString(36).slice(2, 7)}`);
let operator: RunningOperator | undefined;
const moves = new PerformedMoves(scenario);

const pool = () => moves.pool();
const podUids = () => moves.podUids();
beforeAll(async () => {
  await scenario.setUp();
  await moves.rememberUntouchable();
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
  operator = await startOperator(kc, { rebalancing: { metricsSource: { kind: 'metrics-api' } } });
}, 240_000);

afterAll(async () => {
  await operator?.stop();
  if (!(await componentRunning('metrics-server'))) await clusterComponent('start', 'metrics-server');
  await scenario.cleanUp();
}, 60_000);

test('DryRun records the moves it would make in status and evicts nothing', async () => {
  const object = await moves.expectDryRunOnly();
  expect(condition(object, 'Balanced')?.message).toContain('would evict');
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
  await moves.expectNothingMoved(before);
}, 150_000);

test('with metrics back, Fulcrum moves pods until every node is within tolerance, within its budgets', async () => {
  await clusterComponent('start', 'metrics-server');
  const balanced = await eventually(
    'Balanced=True after moves',
    async () => {
      const p = await pool();
      return condition(p, 'Balanced')?.status === 'True' && moves.byPod.size >= 1 ? p : undefined;
    },
    330_000,
    1_000,
  );
  expect(balanced.status?.nodes?.hot).toBe(0);
  expect(condition(balanced, 'MetricsAvailable')?.status).toBe('True');
  moves.expectWithinBudgets(balanced, INTERVAL_MS, COOLDOWN_MS);
  await moves.expectUntouchedAndHoldReported();

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
