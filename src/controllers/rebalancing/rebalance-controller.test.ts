import { Registry } from 'prom-client';
import { Actuator, type ActuationClient } from '../../actuation/index.js';
import { FakeClock } from '../../clock/fake-clock.js';
import { silentLogger } from '../../logging/logger.js';
import { OperatorMetrics } from '../../observability/metrics.js';
import { PoolUsage } from '../../optimize/pool-usage.js';
import { node } from '../../testing/builders.js';
import { FakeCluster, until } from '../../testing/fake-cluster.js';
import { PolicyCache } from '../caches/policy-cache.js';
import { RebalanceController } from './rebalance-controller.js';
import { BALANCER_FIELD_MANAGER } from './rebalance-status-writer.js';

// The rebalance controller in process: a queued reconciler keyed by pool, on informers fed by fake
// list/watch sources and a fake clock for its requeues and backoff. test/integration/rebalance/ checks it
// on the real API server (rebalance-failure-backoff.test.ts the same backoff with real time).

/** Nothing here plans a move; any API call of the actuator is a failure of the test. */
const noCalls: ActuationClient = {
  evict: () => Promise.reject(new Error('unexpected eviction')),
  deletePod: () => Promise.reject(new Error('unexpected deletion')),
  readNode: () => Promise.reject(new Error('unexpected node read')),
  patchNode: () => Promise.reject(new Error('unexpected node patch')),
};

let cluster: FakeCluster;
let clock: FakeClock;
let metrics: OperatorMetrics;
let stop: AbortController;
let running: Promise<void>;

async function startWith(interval: string, refuseWrites = false): Promise<void> {
  cluster = new FakeCluster();
  if (refuseWrites) cluster.refuseStatus = (w) => w.fieldManager === BALANCER_FIELD_MANAGER;
  clock = new FakeClock();
  metrics = new OperatorMetrics(new Registry(), { version: 'test' });
  cluster.sources.resourcePools.apply({
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'ResourcePool',
    metadata: { name: 'web', generation: 1 },
    spec: {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'web' } },
      rebalancing: { mode: 'DryRun', interval },
    },
  });
  cluster.addNode(node('n1').inPool('web').obj());
  const deps = cluster.deps();
  const controller = new RebalanceController({
    ...deps,
    metrics,
    clock,
    actuator: new Actuator({ client: noCalls, events: deps.events, logger: silentLogger(), clock }),
    policies: new PolicyCache(cluster.informers.workloadPolicies),
    usage: new PoolUsage(),
    metricsLoop: { firstRound: Promise.resolve(), lastFailure: undefined },
  });
  await cluster.start();
  stop = new AbortController();
  running = controller.start(stop.signal);
}

afterEach(async () => {
  stop.abort();
  await running;
  cluster.shutDown();
});

async function reconciles(result: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('fulcrum_reconcile_total')!.get();
  return (
    metric.values.find((v) => v.labels.controller === 'rebalance' && v.labels.result === result)?.value ?? 0
  );
}

/** Moves the fake clock on by `ms`, then waits (real time) for what it woke to finish. */
async function advance(ms: number): Promise<void> {
  await clock.advance(ms);
  await new Promise((resolve) => setTimeout(resolve, 30));
}

const balancerWrites = () => cluster.statusWrites.filter((w) => w.fieldManager === BALANCER_FIELD_MANAGER);

test('an interval runs at once, then once per interval; the reconciles between only requeue', async () => {
  await startWith('10s');
  await until('the first interval', () => balancerWrites().length === 1);
  const balanced = () => (cluster.statusOf('web')?.conditions as Array<{ type: string }>).map((c) => c.type);
  expect(balanced()).toContain('Balanced');
  // Our own status write changed no generation: it triggers nothing.
  await advance(9_999);
  expect(await reconciles('requeue')).toBe(1);
  await advance(1);
  expect(await reconciles('requeue')).toBe(2);
  expect(await reconciles('error')).toBe(0);
});

test('a pool whose interval keeps failing is retried after 1 s, 2 s, 4 s and counts result="error"', async () => {
  await startWith('1s', true);
  await until('the first failed interval', async () => (await reconciles('error')) === 1);
  const errorsAfter = async (ms: number): Promise<number> => {
    await advance(ms);
    return reconciles('error');
  };
  // Without backoff the pool would fail at every 1 s interval.
  expect(await errorsAfter(999)).toBe(1);
  expect(await errorsAfter(1)).toBe(2); // 1 s after the first failure
  expect(await errorsAfter(1_999)).toBe(2);
  expect(await errorsAfter(1)).toBe(3); // then 2 s
  expect(await errorsAfter(3_999)).toBe(3);
  expect(await errorsAfter(1)).toBe(4); // then 4 s
  // Once writes go through again, the retry succeeds and the pool is back to its interval.
  cluster.refuseStatus = () => false;
  await advance(8_000);
  expect(balancerWrites()).toHaveLength(1);
  expect(await errorsAfter(5_000)).toBe(4);
});

test('a deleted pool is forgotten: once its pending requeue has fired, it is not reconciled again', async () => {
  await startWith('1s');
  await until('the first interval', () => balancerWrites().length === 1);
  cluster.sources.resourcePools.delete('web');
  await until('the pool gone from the cache', () => !cluster.informers.resourcePools.get('web'));
  await advance(1_000); // the requeue the first interval asked for finds no pool, and asks for nothing
  const finished = async () => (await reconciles('requeue')) + (await reconciles('success'));
  const total = await finished();
  await advance(10_000);
  expect(await finished()).toBe(total);
  expect(await reconciles('success')).toBeGreaterThan(0);
});
