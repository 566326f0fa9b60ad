/**
 * `fulcrum simulate --kubeconfig` (the built CLI) against the real API server. The simulation must agree
 * with the cluster's own facts: its "before" figures with the pool status the operator writes, its
 * unschedulable summary with the nodes the server lists, and — once the simulated placements are made real by
 * binding the pods where it said — its "after" figures with the status the operator then writes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { RESOURCE_POOL_PLURAL } from '../../../src/api/group.js';
import type { PoolForecast, SimulationReport } from '../../../src/simulate/outcome.js';
import { FulcrumObjects, installCrds, poolObject as resourcePool, uniqueName } from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, repoRoot, testKubeConfig } from '../support/cluster.js';
import { addNode, fulcrumStatus, startOperator, type RunningOperator } from '../support/operator.js';

const run = promisify(execFile);
const CLI = resolve(repoRoot, 'dist/src/cli/main.js');

interface PoolStatus {
  resources?: Record<
    string,
    { capacity?: string; requested?: string; utilization?: number; ceiling?: number }
  >;
}

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const fulcrum = new FulcrumObjects(kc);
const pool = uniqueName('sim');
const nodeNames = [0, 1, 2].map((i) => `${pool}-n${i}`);
let namespace: { name: string; remove: () => Promise<void> };
let running: RunningOperator;
let workdir: string;

/** Runs the built CLI; resolves with exit code and output whatever the code. */
async function simulateCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'simulate', ...args], {
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function bindPod(name: string, nodeName: string, cpu: string): Promise<void> {
  await core.createNamespacedPod({
    namespace: namespace.name,
    body: {
      metadata: { name, labels: { 'fulcrum.io/pool': pool } },
      spec: {
        nodeName,
        containers: [{ name: 'app', image: 'registry.invalid/app', resources: { requests: { cpu } } }],
      },
    },
  });
}

/** The pool's status figures as the simulation's forecast states them (before or after). */
function forecastAs(forecast: PoolForecast, when: 'Before' | 'After'): PoolStatus['resources'] {
  return Object.fromEntries(
    Object.entries(forecast.resources).map(([resource, f]) => [
      resource,
      {
        capacity: f.capacity,
        requested: when === 'Before' ? f.requestedBefore : f.requestedAfter,
        utilization: when === 'Before' ? f.utilizationBefore : f.utilizationAfter,
        ceiling: f.ceiling,
      },
    ]),
  );
}

async function poolResourcesWhen(requestedCpu: string): Promise<PoolStatus['resources']> {
  return eventually(`pool ${pool} status with ${requestedCpu} cpu requested`, async () => {
    const status = await fulcrumStatus<PoolStatus>(kc, RESOURCE_POOL_PLURAL, pool);
    return status?.resources?.cpu?.requested === requestedCpu ? status.resources : undefined;
  });
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'simulate');
  workdir = mkdtempSync(join(tmpdir(), 'fulcrum-simulate-'));
  for (const name of nodeNames)
    await addNode(name, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': pool } });
  await fulcrum.create(
    resourcePool(pool, {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } },
      allocation: { strategy: 'LeastLoaded', basis: 'Requests' },
    }),
  );
  // n0 at 50% cpu, n1 at 25%, n2 empty: 3 of 12 CPU requested.
  await bindPod('resident-0', nodeNames[0]!, '2');
  await bindPod('resident-1', nodeNames[1]!, '1');
  running = await startOperator(kc);
  await poolResourcesWhen('3');
});

afterAll(async () => {
  await running?.stop();
  await fulcrum.deleteCreated();
  await namespace?.remove();
  for (const name of nodeNames) await core.deleteNode({ name }).catch(() => undefined);
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

test('simulation read from the API server agrees with the pool status before, and after its placements are made real', async () => {
  const pending = join(workdir, 'pending.yaml');
  writeFileSync(
    pending,
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace.name} }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web, fulcrum.io/pool: ${pool} } }
    spec:
      schedulerName: fulcrum
      containers: [{ name: app, image: registry.invalid/app, resources: { requests: { cpu: '1' } } }]
---
apiVersion: v1
kind: Pod
metadata: { name: huge, namespace: ${namespace.name}, labels: { fulcrum.io/pool: ${pool} } }
spec:
  schedulerName: fulcrum
  containers: [{ name: app, image: registry.invalid/app, resources: { requests: { cpu: '4' } } }]
`,
  );
  const result = await simulateCli([
    '--kubeconfig',
    process.env.FULCRUM_TEST_KUBECONFIG!,
    '--pending',
    pending,
    '-o',
    'json',
  ]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(result.stdout) as SimulationReport;
  const ours = report.pods.filter((p) => p.pod.startsWith(`${namespace.name}/`));

  // 1. Where the pods go: LeastLoaded puts web-0 on the empty n2, web-1 on n1 (tied with n2 at 50%, name order).
  expect(ours.map((p) => [p.pod, p.result, p.result === 'Unschedulable' ? p.reason : p.node])).toEqual([
    [`${namespace.name}/web-0`, 'Placed', nodeNames[2]],
    [`${namespace.name}/web-1`, 'Placed', nodeNames[1]],
    [`${namespace.name}/huge`, 'Unschedulable', expect.any(String)],
  ]);

  // 2. The summary counts every node the server lists: all but ours are outside the pool; 4 CPU fits no node
  //    under the 80% ceiling whatever is evicted, so preemption does not help.
  const nodeCount = (await core.listNode()).items.length;
  const huge = ours[2]!;
  expect(huge.result === 'Unschedulable' && huge.reason).toBe(
    `0/${nodeCount} nodes are available: ${nodeCount - 3} not in pool ${pool}, 3 over cpu ceiling 80%.`,
  );

  // 3. "Before" is the operator's pool status, figure for figure.
  const forecast = report.pools.find((p) => p.name === pool)!;
  const before = await fulcrumStatus<PoolStatus>(kc, RESOURCE_POOL_PLURAL, pool);
  expect(forecastAs(forecast, 'Before')).toEqual(before?.resources);

  // 4. Bind the pods where the simulation put them: the operator's status then reads as "after".
  for (const outcome of ours) {
    if (outcome.result === 'Placed') await bindPod(outcome.pod.split('/')[1]!, outcome.node, '1');
  }
  expect(forecastAs(forecast, 'After')).toEqual(
    await poolResourcesWhen(forecast.resources.cpu.requestedAfter),
  );
});

test('bad input exits 1 naming the file and object, and nothing is simulated', async () => {
  const pending = join(workdir, 'bad.yaml');
  writeFileSync(
    pending,
    `apiVersion: v1\nkind: Pod\nmetadata: { name: bound }\nspec: { nodeName: ${nodeNames[0]}, containers: [{ name: a }] }\n`,
  );
  const result = await simulateCli([
    '--kubeconfig',
    process.env.FULCRUM_TEST_KUBECONFIG!,
    '--pending',
    pending,
  ]);
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr: `fulcrum simulate: ${pending}: Pod default/bound (document 1): is already bound to node ${nodeNames[0]}; remove spec.nodeName to simulate it\n`,
  });
});
