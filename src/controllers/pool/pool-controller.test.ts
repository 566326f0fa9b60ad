import { node, pod } from '../../testing/builders.js';
import { FakeCluster, until } from '../../testing/fake-cluster.js';
import { createPoolController } from './pool-controller.js';

// The pool controller in process, on informers fed by fake list/watch sources: its watches (the pool
// itself, nodes, pods) and its status writes. test/integration/pools/ checks it on the real API server.

const poolObject = (name: string, spec: Record<string, unknown>, generation = 1) => ({
  apiVersion: 'fulcrum.io/v1alpha1',
  kind: 'ResourcePool',
  metadata: { name, generation },
  spec,
});
const selecting = (pool: string) => ({ nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } } });

interface PoolStatus {
  observedGeneration?: number;
  nodes?: { total?: number; ready?: number };
  conditions?: Array<{ type: string; status: string; reason?: string }>;
}

let cluster: FakeCluster;
let stop: AbortController;
let running: Promise<void>;

beforeEach(async () => {
  cluster = new FakeCluster();
  cluster.sources.resourcePools.apply(poolObject('web', selecting('web')));
  cluster.addNode(node('n1').inPool('web').obj());
  cluster.addNode(node('n2').inPool('web').notReady().obj());
  cluster.addNode(node('other').obj());
  const controller = createPoolController(cluster.deps());
  await cluster.start();
  stop = new AbortController();
  running = controller.start(stop.signal);
});

afterEach(async () => {
  stop.abort();
  await running;
  cluster.shutDown();
});

const status = (name = 'web') => cluster.statusOf(name) as PoolStatus | undefined;

test('writes the members and Ready of every pool it finds at start', async () => {
  const written = await until('a status', () => status()?.nodes);
  expect(written).toMatchObject({ total: 2, ready: 1 });
  expect(status()?.observedGeneration).toBe(1);
  expect(status()?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
});

test('a node joining the pool (its watch) updates the members', async () => {
  await until('a status', () => status()?.nodes);
  cluster.addNode(node('n3').inPool('web').obj());
  await until('three members', () => status()?.nodes?.total === 3);
});

test('a bound pod (its watch) updates the pool its node belongs to, and nothing else', async () => {
  await until('a status', () => status()?.nodes);
  const writes = cluster.statusWrites.length;
  cluster.addPod(pod('a', 'default').requests({ cpu: '2' }).onNode('n1').obj());
  await until('a write after the pod', () => cluster.statusWrites.length > writes);
  expect(cluster.statusWrites.slice(writes).map((w) => w.name)).toEqual(['web']);
});

test('a new generation with an invalid spec is Ready=False InvalidSpec, without retrying', async () => {
  await until('a status', () => status()?.nodes);
  cluster.sources.resourcePools.apply(
    poolObject('web', { ...selecting('web'), ceilings: { cpu: 'lots' } }, 2),
  );
  const ready = await until('Ready=False', () =>
    status()?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False'),
  );
  expect(ready.reason).toBe('InvalidSpec');
  expect(cluster.events).toContain('InvalidSpec');
});

test('a status write that keeps being refused is retried, and a success stops the retries', async () => {
  cluster.refuseStatus = () => true;
  cluster.sources.resourcePools.apply(poolObject('api', selecting('api')));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(status('api')).toBeUndefined();
  cluster.refuseStatus = () => false;
  await until('the retried write', () => status('api')?.nodes);
});
