import { Registry } from 'prom-client';
import { Actuator, type ActuationClient } from '../../actuation/index.js';
import { silentLogger } from '../../logging/logger.js';
import { OperatorMetrics } from '../../observability/metrics.js';
import { node } from '../../testing/builders.js';
import { FakeCluster, until } from '../../testing/fake-cluster.js';
import { PolicyCache } from '../caches/policy-cache.js';
import { createFailoverController } from './failover-controller.js';
import { FAILOVER_FIELD_MANAGER } from './failover-status-writer.js';

// The failover controller in process, on informers fed by fake list/watch sources: its status part and its
// watches (a change of a member node reconciles its pool, a node outside every pool nothing). Lease probes
// only, so nothing here touches the network. test/integration/failover/ checks failing nodes end to end.

const noCalls: ActuationClient = {
  evict: () => Promise.reject(new Error('unexpected eviction')),
  deletePod: () => Promise.reject(new Error('unexpected deletion')),
  readNode: () => Promise.reject(new Error('unexpected node read')),
  patchNode: () => Promise.reject(new Error('unexpected node patch')),
};

let cluster: FakeCluster;
let metrics: OperatorMetrics;
let stop: AbortController;
let running: Promise<void>;

beforeEach(async () => {
  cluster = new FakeCluster();
  metrics = new OperatorMetrics(new Registry(), { version: 'test' });
  cluster.sources.resourcePools.apply({
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'ResourcePool',
    metadata: { name: 'web', generation: 1 },
    spec: {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'web' } },
      // One probe round at the start and none for 10 minutes: no transition enqueues the pool meanwhile.
      failover: { mode: 'DryRun', probe: { type: 'Lease', period: '10m' } },
    },
  });
  cluster.addNode(node('n1').inPool('web').obj());
  cluster.addNode(node('n2').inPool('web').obj());
  cluster.addNode(node('other').obj());
  const deps = cluster.deps();
  const controller = createFailoverController({
    ...deps,
    metrics,
    actuator: new Actuator({ client: noCalls, events: deps.events, logger: silentLogger() }),
    policies: new PolicyCache(cluster.informers.workloadPolicies),
  });
  await cluster.start();
  stop = new AbortController();
  running = controller.start(stop.signal);
});

afterEach(async () => {
  stop.abort();
  await running;
  cluster.shutDown();
});

async function finishedReconciles(): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('fulcrum_reconcile_total')!.get();
  return metric.values
    .filter((v) => v.labels.controller === 'failover' && v.labels.result !== 'error')
    .reduce((sum, v) => sum + v.value, 0);
}

test('writes its part of the pool status under its own field manager', async () => {
  const write = await until('a failover status write', () =>
    cluster.statusWrites.find((w) => w.name === 'web' && w.fieldManager === FAILOVER_FIELD_MANAGER),
  );
  const types = (write.status.conditions as Array<{ type: string }>).map((c) => c.type);
  expect(types).toContain('FailoverActive');
});

test('a change of a member node reconciles its pool; a node outside every pool does not', async () => {
  await until('the first reconcile', async () => (await finishedReconciles()) > 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = await finishedReconciles();
  cluster.addNode(node('other').label('team', 'a').obj());
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await finishedReconciles()).toBe(before);
  cluster.addNode(node('n1').inPool('web').label('team', 'a').obj());
  await until('a reconcile after the member changed', async () => (await finishedReconciles()) > before);
});
