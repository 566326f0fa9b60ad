/**
 * Two `fulcrum run` processes on one cluster: exactly one leads and writes; when the leader dies the other
 * takes over within the lease duration; an API server restart under both crashes neither, and both resume
 * watching.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { FulcrumObjects, installCrds, poolObject as resourcePool, uniqueName } from '../api/fulcrum-api.js';
import { clusterScript, createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { addNode, fulcrumStatus } from '../support/operator.js';
import { startOperatorProcess, type OperatorProcess } from '../support/operator-process.js';

const LEASE_SECONDS = 4;
const RETRY_SECONDS = 0.5;
const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const fulcrum = new FulcrumObjects(kc);
const label = uniqueName('le');
const pool = label;
const nodes: string[] = [];
const processes: OperatorProcess[] = [];
let namespace: { name: string; remove: () => Promise<void> };

type PoolStatus = { nodes?: { total?: number } };

async function start(identity: string): Promise<OperatorProcess> {
  const p = await startOperatorProcess(identity, [
    '--lease-namespace',
    namespace.name,
    '--lease-duration',
    String(LEASE_SECONDS),
    '--renew-deadline',
    '3',
    '--retry-period',
    String(RETRY_SECONDS),
    '--log-level',
    'warn',
  ]);
  processes.push(p);
  await eventually(
    `${identity} ready`,
    async () => ((await fetch(`http://127.0.0.1:${p.port}/readyz`)).ok ? true : undefined),
    30_000,
  );
  return p;
}

async function leaders(candidates: OperatorProcess[]): Promise<OperatorProcess[]> {
  const flags = await Promise.all(candidates.map((p) => p.metric('fulcrum_leader')));
  return candidates.filter((_, i) => flags[i] === 1);
}

async function poolNodeCount(): Promise<number | undefined> {
  return (await fulcrumStatus<PoolStatus>(kc, RESOURCE_POOL_PLURAL, pool))?.nodes?.total;
}

async function addPoolNode(): Promise<void> {
  const name = `${label}-n${nodes.length}`;
  nodes.push(name);
  await addNode(name, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': label } });
}

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'leader');
  await addPoolNode();
  await fulcrum.create(resourcePool(pool, { nodeSelector: { matchLabels: { 'fulcrum.io/pool': label } } }));
});

afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  for (const name of nodes) await core.deleteNode({ name }).catch(() => undefined);
  await custom
    .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL, name: pool })
    .catch(() => undefined);
  await namespace?.remove();
});

test('exactly one replica leads and only the leader writes status', async () => {
  const a = await start('replica-a');
  const b = await start('replica-b');
  const [leader] = await eventually('one leader', async () => {
    const found = await leaders([a, b]);
    return found.length === 1 ? found : undefined;
  });
  const standby = leader === a ? b : a;
  await eventually('pool status written', async () => ((await poolNodeCount()) === 1 ? true : undefined));
  await addPoolNode();
  await eventually('status follows a second node', async () =>
    (await poolNodeCount()) === 2 ? true : undefined,
  );

  expect(await leader!.metric('fulcrum_status_writes_total{kind="ResourcePool"}')).toBeGreaterThan(0);
  expect(await standby.metric('fulcrum_status_writes_total{kind="ResourcePool"}')).toBeUndefined();
  expect(await standby.metric('fulcrum_leader')).toBe(0);
  // The standby keeps a warm cache all the same.
  expect(await standby.metric('fulcrum_informer_objects{resource="resourcepools"}')).toBeGreaterThanOrEqual(
    1,
  );
  const lease = await kc
    .makeApiClient(k8s.CoordinationV1Api)
    .readNamespacedLease({ name: 'fulcrum-leader', namespace: namespace.name });
  expect(lease.spec?.holderIdentity).toBe(leader!.identity);
});

test('when the leader is killed the standby takes over within the lease duration and keeps status true', async () => {
  const [leader] = await leaders(processes.filter((p) => p.alive()));
  const standby = processes.find((p) => p.alive() && p !== leader)!;
  const killedAt = Date.now();
  await leader!.kill('SIGKILL');
  await eventually(
    'standby leads',
    async () => ((await standby.metric('fulcrum_leader')) === 1 ? true : undefined),
    30_000,
    100,
  );
  const takeoverMs = Date.now() - killedAt;
  console.log(
    `leader takeover after SIGKILL: ${takeoverMs} ms (lease ${LEASE_SECONDS} s, retry ${RETRY_SECONDS} s)`,
  );
  // The standby last saw a renewal at most one retry period before the kill; it waits one lease duration
  // from then, and notices at its next retry. One more second covers the API round trips.
  expect(takeoverMs).toBeLessThan((LEASE_SECONDS + 2 * RETRY_SECONDS + 1) * 1000);

  await addPoolNode();
  await eventually('the new leader keeps status true', async () =>
    (await poolNodeCount()) === 3 ? true : undefined,
  );
});

test('an API server restart crashes neither replica and both resume watching', async () => {
  const survivor = processes.find((p) => p.alive())!;
  const fresh = await start('replica-c');
  const before = (await fresh.metric('fulcrum_informer_objects{resource="nodes"}')) ?? 0;

  await clusterScript('restart-apiserver.sh');
  await addPoolNode(); // a change made only after the restart

  for (const p of [survivor, fresh]) {
    await eventually(
      `${p.identity} sees the node added after the restart`,
      async () =>
        ((await p.metric('fulcrum_informer_objects{resource="nodes"}')) ?? 0) >= before + 1
          ? true
          : undefined,
      60_000,
    );
    expect(p.alive()).toBe(true);
  }
  await eventually(
    'status follows the change made after the restart',
    async () => ((await poolNodeCount()) === 4 ? true : undefined),
    60_000,
  );
  const current = await leaders([survivor, fresh]);
  expect(current).toHaveLength(1);
});
