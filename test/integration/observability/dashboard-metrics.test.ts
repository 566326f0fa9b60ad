/**
 * Every metric the Grafana dashboard and the alerts read exists in the operator's real /metrics: `fulcrum run`
 * (the built CLI) against the test cluster, with one pool of one kwok node so the per-pool series are written,
 * scraped over HTTP. A name the operator does not export (renamed, misspelt, never registered) fails here
 * instead of leaving a panel empty or an alert silent. The alerts are read from the chart as rendered, the
 * dashboard from the file the chart ships in its ConfigMap.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { installCrds } from '../api/fulcrum-api.js';
import { eventually, testKubeConfig } from '../support/cluster.js';
import { addNode } from '../support/operator.js';
import { startOperatorProcess, type OperatorProcess } from '../support/operator-process.js';
import { CHART, helm, helmBinary, parseManifests } from '../install/install-support.js';
import { dashboardExpressions, metricNames, renderedRuleGroups } from './observability-support.js';

const HELM = helmBinary();
if (!HELM && process.env.FULCRUM_REQUIRE_HELM)
  throw new Error('helm is not built: run test/cluster/build-helm.sh');
const testWithHelm = HELM ? test : test.skip;

/** Series Prometheus itself makes for every target. */
const PROMETHEUS_SERIES = new Set(['up']);
const suffix = Math.random().toString(36).slice(2, 7);
const pool = `dash-${suffix}`;
const nodeName = `dash-${suffix}`;
const admin = testKubeConfig();
const custom = admin.makeApiClient(k8s.CustomObjectsApi);
let operator: OperatorProcess | undefined;

/** name → type, from the `# TYPE` lines, and the names that have at least one sample for the pool. */
async function scrape(): Promise<{ types: Map<string, string>; text: string }> {
  const text = await (await fetch(`http://127.0.0.1:${operator!.port}/metrics`)).text();
  const types = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(m[1]!, m[2]!);
  return { types, text };
}

/** A name as exported: a histogram's _bucket, _sum and _count are its series. */
function exported(name: string, types: ReadonlyMap<string, string>): boolean {
  if (types.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && ['histogram', 'summary'].includes(types.get(base) ?? '');
}

beforeAll(async () => {
  await installCrds(admin);
  await addNode(nodeName, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': pool } });
  await custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'ResourcePool',
      metadata: { name: pool },
      spec: { nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } } },
    },
  });
  operator = await startOperatorProcess(`dashboard-${suffix}`, ['--leader-elect=false']);
}, 120_000);

afterAll(async () => {
  await operator?.kill('SIGTERM');
  await custom
    .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL, name: pool })
    .catch(() => undefined);
  await admin
    .makeApiClient(k8s.CoreV1Api)
    .deleteNode({ name: nodeName })
    .catch(() => undefined);
});

test('the operator writes the per-pool series the dashboard and the alerts are built on', async () => {
  const samples = [
    `fulcrum_pool_ceiling_percent{pool="${pool}",resource="cpu"} 80`,
    `fulcrum_pool_ceiling_percent{pool="${pool}",resource="memory"} 85`,
    `fulcrum_rebalance_stale_nodes{pool="${pool}"}`,
    `fulcrum_failover_condition{pool="${pool}",condition="PartitionSuspected"} 0`,
    `fulcrum_failover_nodes{pool="${pool}",state="fenced"} 0`,
    `fulcrum_failover_probes{pool="${pool}",outcome="answering"}`,
    `fulcrum_leader 1`,
  ];
  const text = await eventually(
    'the pool’s series on /metrics',
    async () => {
      const { text } = await scrape();
      return samples.every((s) => text.split('\n').some((l) => l.startsWith(s))) ? text : undefined;
    },
    60_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${operator?.output().slice(-3000)}`);
  });
  expect(text).toContain(`fulcrum_failover_condition{pool="${pool}",condition="FailoverActive"} 0`);
}, 90_000);

testWithHelm(
  'every metric name of the dashboard and the alerts is on the operator’s /metrics',
  async () => {
    const rules = await renderedRuleGroups(HELM!);
    const used = new Map<string, string>();
    for (const g of rules.groups)
      for (const r of g.rules) for (const name of metricNames(r.expr)) used.set(name, `alert ${r.alert}`);
    for (const expr of dashboardExpressions())
      for (const name of metricNames(expr)) if (!used.has(name)) used.set(name, 'dashboard');
    const { types } = await scrape();
    const missing = [...used.entries()]
      .filter(([name]) => !PROMETHEUS_SERIES.has(name) && !exported(name, types))
      .map(([name, where]) => `${name} (${where})`);
    expect(missing).toEqual([]);
    // Guard against a parser that finds nothing: the dashboard reads well over a dozen metrics.
    expect(used.size).toBeGreaterThan(15);
    expect(exported('fulcrum_pool_utilisation_percent', types)).toBe(false);
  },
  60_000,
);

testWithHelm(
  'the dashboard ships as a ConfigMap with the Grafana sidecar label, only when enabled',
  async () => {
    const render = async (...set: string[]) =>
      parseManifests(
        (
          await helm(HELM!, [
            'template',
            'fulcrum',
            CHART,
            '-n',
            'fulcrum-system',
            ...set.flatMap((s) => ['--set', s]),
          ])
        ).stdout,
      ).filter((m) => m.kind === 'ConfigMap' && m.metadata.name === 'fulcrum-dashboard');
    expect(await render()).toEqual([]);
    const [map] = await render('grafanaDashboard.enabled=true');
    const { labels } = map!.metadata as unknown as { labels: Record<string, string> };
    expect(labels.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse((map!.data as Record<string, string>)['fulcrum.json']!) as { uid: string };
    expect(dashboard.uid).toBe('fulcrum-overview');
  },
  60_000,
);
