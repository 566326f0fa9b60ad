import { pod } from '../../testing/builders.js';
import { FakeCluster, until } from '../../testing/fake-cluster.js';
import { createPolicyController } from './policy-controller.js';

// The policy controller in process, on informers fed by fake list/watch sources: its watches (the policy
// itself, pools, pods) and its status writes. test/integration/policies/ checks it on the real API server.

interface PolicyStatus {
  matchedPods?: number;
  effectivePriority?: number;
  conditions?: Array<{ type: string; status: string; reason?: string }>;
}

let cluster: FakeCluster;
let stop: AbortController;
let running: Promise<void>;

beforeEach(async () => {
  cluster = new FakeCluster();
  cluster.sources.workloadPolicies.apply({
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'WorkloadPolicy',
    metadata: { name: 'web', namespace: 'apps', generation: 1 },
    spec: { pool: 'general', selector: { matchLabels: { app: 'web' } } },
  });
  const controller = createPolicyController(cluster.deps());
  await cluster.start();
  stop = new AbortController();
  running = controller.start(stop.signal);
});

afterEach(async () => {
  stop.abort();
  await running;
  cluster.shutDown();
});

const status = () => cluster.statusOf('web', 'apps') as PolicyStatus | undefined;
const ready = () => status()?.conditions?.find((c) => c.type === 'Ready');

test('a policy naming a missing pool is PoolNotFound, and Ready once the pool appears (its watch)', async () => {
  expect(await until('PoolNotFound', () => ready()?.reason === 'PoolNotFound' && ready())).toMatchObject({
    status: 'False',
  });
  cluster.sources.resourcePools.apply({
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'ResourcePool',
    metadata: { name: 'general', generation: 1 },
    spec: { nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'general' } } },
  });
  await until('Ready=True', () => ready()?.status === 'True');
});

test('pods of its namespace (their watch) are counted when they match, others are not', async () => {
  await until('a status', () => status());
  cluster.addPod(pod('web-0', 'apps').label('app', 'web').obj());
  cluster.addPod(pod('db-0', 'apps').label('app', 'db').obj());
  cluster.addPod(pod('web-0', 'elsewhere').label('app', 'web').obj());
  await until('one matched pod', () => status()?.matchedPods === 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(status()?.matchedPods).toBe(1);
});
