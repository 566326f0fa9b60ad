/**
 * The status subresource and printer columns on a real API server: the status the operator writes is accepted
 * through server-side apply, malformed status is refused, and `kubectl get` shows the columns.
 */
import { kubectl, createTestNamespace, testKubeConfig } from '../support/cluster.js';
import {
  FulcrumObjects,
  installCrds,
  policyObject,
  poolObject,
  serverMessage,
  uniqueName,
} from './fulcrum-api.js';

const kc = testKubeConfig();
const objects = new FulcrumObjects(kc);
let namespace: { name: string; remove: () => Promise<void> };
const now = new Date().toISOString(); // with milliseconds, as the operator writes it

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'api-status');
});

afterAll(async () => {
  await objects.deleteCreated();
  await namespace?.remove();
});

/** Every field of ResourcePool status filled, as the operator might write it. */
const fullPoolStatus = {
  observedGeneration: 1,
  nodes: { total: 5, ready: 4, hot: 1, unhealthy: 1, fenced: 0, contested: ['node-9'] },
  resources: {
    cpu: {
      capacity: '20',
      requested: '12500m',
      usage: '9',
      utilization: 62.5,
      maxNodeUtilization: 79,
      ceiling: 80,
    },
    memory: { capacity: '80Gi', requested: '40Gi', utilization: 50, ceiling: 85 },
    network: { capacity: '50G', requested: '10G', utilization: 20, ceiling: 70 },
  },
  load: 48.2,
  imbalance: 7.5,
  metricsTime: now,
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'NodesSelected',
      message: '4/5 nodes ready',
      lastTransitionTime: now,
      observedGeneration: 1,
    },
    { type: 'Balanced', status: 'False', reason: 'HotNodes', message: 'node-3 hot', lastTransitionTime: now },
  ],
  lastActions: [
    {
      time: now,
      action: 'Evict',
      dryRun: true,
      pod: 'shop/cart-1',
      node: 'node-3',
      targetNode: 'node-1',
      reason: 'cpu 91% > 80%',
    },
  ],
  counters: { placements: 10, evictions: 1, dryRunEvictions: 1, failovers: 0 },
  failover: {
    failedNodes: [{ name: 'node-5', since: now, phase: 'Fenced' }],
    lastFailover: { node: 'node-5', detectedAt: now, fencedAt: now, podsRescheduled: 12, durationMs: 1840 },
  },
  recommendation: { nodes: 6, reason: 'forecast cpu 85% in 10m', time: now },
};

/** `kubectl get` output as a header row and the first data row, split into cells. */
async function table(args: string[]): Promise<{ header: string[]; row: string[] }> {
  const [header = '', row = ''] = (await kubectl(['get', ...args])).stdout.trim().split('\n');
  return { header: header.split(/\s+/), row: row.split(/\s+/) };
}

describe('ResourcePool status', () => {
  it('accepts a full status through server-side apply and shows it in kubectl get', async () => {
    const pool = poolObject(uniqueName('status'), {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'status' } },
    });
    await objects.create(pool);
    const stored = await objects.applyStatus(pool, fullPoolStatus);
    expect(stored.status).toEqual(fullPoolStatus);

    const { header, row } = await table(['rpool', pool.metadata.name]);
    expect(header).toEqual(['NAME', 'NODES', 'HEALTHY', 'CPU%', 'MEM%', 'READY', 'AGE']);
    expect(row.slice(0, 6)).toEqual([pool.metadata.name, '5', '4', '62.5', '50', 'True']);
    const wide = await table(['rpool', pool.metadata.name, '-o', 'wide']);
    expect(wide.header.slice(7)).toEqual(['NET%', 'IMBALANCE', 'STRATEGY', 'REBALANCING', 'FAILOVER']);
    expect(wide.row.slice(-5)).toEqual(['20', '7.5', 'LeastLoaded', 'Enforce', 'Enforce']);
  });

  it('refuses a malformed status, naming the field (the operator cannot write garbage either)', async () => {
    const pool = poolObject(uniqueName('badstatus'), {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'x' } },
    });
    await objects.create(pool);
    const malformed = {
      conditions: [{ type: 'Ready', status: 'Maybe', reason: 'X', lastTransitionTime: now }],
    };
    const error = await objects.applyStatus(pool, malformed).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(serverMessage(error)).toContain('status.conditions[0].status');
  });
});

describe('WorkloadPolicy status', () => {
  it('shows the policy columns, and selects policies by spec.pool with a field selector', async () => {
    const inGeneral = policyObject(uniqueName('general'), namespace.name, {
      selector: { matchLabels: { app: 'a' } },
      pool: 'general',
      priority: 900,
    });
    const inBatch = policyObject(uniqueName('batch'), namespace.name, {
      selector: { matchLabels: { app: 'b' } },
      pool: 'batch',
      movable: false,
    });
    await objects.create(inGeneral);
    await objects.create(inBatch);
    await objects.applyStatus(inGeneral, {
      observedGeneration: 1,
      matchedPods: 3,
      effectivePriority: 900,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'PoolBound', message: 'ok', lastTransitionTime: now },
      ],
    });

    const { header, row } = await table(['wpol', inGeneral.metadata.name, '-n', namespace.name]);
    expect(header).toEqual(['NAME', 'POOL', 'PRIORITY', 'MOVABLE', 'PODS', 'READY', 'AGE']);
    expect(row.slice(0, 6)).toEqual([inGeneral.metadata.name, 'general', '900', 'true', '3', 'True']);

    const selectorArgs = ['wpol', '-n', namespace.name, '--field-selector', 'spec.pool=batch', '-o', 'name'];
    const selected = await kubectl(['get', ...selectorArgs]);
    expect(selected.stdout.trim().split('\n')).toEqual([
      `workloadpolicy.fulcrum.io/${inBatch.metadata.name}`,
    ]);
  });
});
