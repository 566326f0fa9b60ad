/**
 * `fulcrum validate`, `status` and `explain` (the built CLI) against the real API server.
 *
 * validate: every case of the invalid-manifest corpus and every example is sent to the API server (dry run,
 * strict field validation, as kubectl apply does) and given to `fulcrum validate`; both must accept or refuse
 * it, and name the same fields.
 *
 * status / explain: a pool of three kwok nodes in the state the operator leaves behind — one node hot (the
 * rebalancer's fulcrum.io/hot taint), one failed and fenced (failover's fence marker, cordon, out-of-service
 * taint and status.failover.failedNodes) — and a pod too large for any node below the ceiling.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { API_VERSION, RESOURCE_POOL_KIND, WORKLOAD_POLICY_KIND } from '../../../src/api/group.js';
import { invalidManifestObject, invalidManifests } from '../../../src/api/testdata/invalid-manifests.js';
import type { ValidationReport } from '../../../src/validate/validate-documents.js';
import { FulcrumObjects, installCrds, uniqueName, type FulcrumObject } from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, repoRoot, testKubeConfig } from '../support/cluster.js';
import { addNodes } from '../support/operator.js';

const run = promisify(execFile);
const CLI = resolve(repoRoot, 'dist/src/cli/main.js');
const kc = testKubeConfig();
const objects = new FulcrumObjects(kc);
const core = kc.makeApiClient(k8s.CoreV1Api);
let namespace: { name: string; remove: () => Promise<void> };
let workdir: string;

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'cli');
  workdir = mkdtempSync(join(tmpdir(), 'fulcrum-cli-'));
});

afterAll(async () => {
  await objects.deleteCreated();
  await namespace?.remove();
  rmSync(workdir, { recursive: true, force: true });
});

/** The fields the API server names for `object` (dry run, strict), or undefined when it accepts it. */
async function serverVerdict(object: FulcrumObject): Promise<string[] | undefined> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const plural = object.kind === RESOURCE_POOL_KIND ? 'resourcepools' : 'workloadpolicies';
  const common = {
    group: 'fulcrum.io',
    version: 'v1alpha1',
    plural,
    body: object,
    dryRun: 'All',
    fieldValidation: 'Strict',
  };
  try {
    if (object.metadata.namespace)
      await custom.createNamespacedCustomObject({ ...common, namespace: object.metadata.namespace });
    else await custom.createClusterCustomObject(common);
    return undefined;
  } catch (error) {
    const body = (error as { body?: unknown }).body;
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as {
      code?: number;
      message?: string;
      details?: { causes?: Array<{ field?: string; message?: string }> };
    };
    if (status.code === 400) {
      // Strict decoding: 'strict decoding error: unknown field "spec.colour"'.
      return [...(status.message ?? '').matchAll(/unknown field "([^"]+)"/g)]
        .map((m) => m[1] as string)
        .sort();
    }
    // The object-level "some validation rules were not checked" error has no field: the server writes <nil>.
    return (status.details?.causes ?? []).map((c) => (c.field === '<nil>' ? '' : (c.field ?? ''))).sort();
  }
}

describe('fulcrum validate agrees with the API server', () => {
  const examplesDir = resolve(repoRoot, 'deploy/examples');
  const cases: Array<{ scenario: string; object: FulcrumObject }> = [
    ...invalidManifests.map((c) => ({
      scenario: c.scenario,
      object: invalidManifestObject(c, uniqueName('inv'), 'NS') as FulcrumObject,
    })),
    ...readdirSync(examplesDir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((file) =>
        parseAllDocuments(readFileSync(join(examplesDir, file), 'utf8')).map((d) => ({
          scenario: `example ${file}`,
          object: d.toJS() as FulcrumObject,
        })),
      )
      .filter(({ object }) => object.kind === RESOURCE_POOL_KIND || object.kind === WORKLOAD_POLICY_KIND),
    {
      scenario: 'unknown field',
      object: {
        apiVersion: API_VERSION,
        kind: RESOURCE_POOL_KIND,
        metadata: { name: 'x' },
        spec: { nodeSelector: { matchLabels: { a: 'b' } }, colour: 'red' },
      },
    },
    {
      scenario: 'type error and a failing rule (rules skipped)',
      object: {
        apiVersion: API_VERSION,
        kind: RESOURCE_POOL_KIND,
        metadata: { name: 'x' },
        spec: { nodeSelector: {}, ceilings: { cpu: 'high' } },
      },
    },
  ];

  it(`on ${cases.length} cases: same verdict, same fields`, async () => {
    const sent = cases.map(({ scenario, object }) => {
      const metadata = { ...object.metadata, name: uniqueName('v') };
      if (object.kind === WORKLOAD_POLICY_KIND) metadata.namespace = namespace.name;
      return { scenario, object: { ...object, metadata } };
    });
    const file = join(workdir, 'corpus.yaml');
    writeFileSync(file, sent.map(({ object }) => stringify(object)).join('---\n'));
    const { code, stdout } = await cli(['validate', '-f', file, '-o', 'json']);
    expect(code).toBe(1); // the corpus has invalid objects
    const report = JSON.parse(stdout) as ValidationReport;
    expect(report.objects).toHaveLength(sent.length);
    const mismatches: string[] = [];
    for (const [i, { scenario, object }] of sent.entries()) {
      const server = await serverVerdict(object);
      const result = report.objects[i]!;
      const ours =
        result.result === 'valid' ? undefined : [...new Set(result.errors.map((e) => e.field))].sort();
      const theirs = server === undefined ? undefined : [...new Set(server)];
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        mismatches.push(
          `${scenario}: validate ${JSON.stringify(ours)}, API server ${JSON.stringify(theirs)}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('fulcrum status and explain on a pool with a hot, a failed and a healthy node', () => {
  const pool = uniqueName('ops');
  const [hot, failed, healthy] = ['hot', 'failed', 'ok'].map((s) => `${pool}-${s}`) as [
    string,
    string,
    string,
  ];

  beforeAll(async () => {
    await addNodes(
      [hot, failed, healthy].map((name) => ({
        name,
        cpu: '4',
        memory: '8Gi',
        labels: { 'fulcrum.io/pool': pool },
      })),
    );
    const poolObject: FulcrumObject = {
      apiVersion: API_VERSION,
      kind: RESOURCE_POOL_KIND,
      metadata: { name: pool },
      spec: { nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } }, allocation: { basis: 'Requests' } },
    };
    await objects.create(poolObject);
    await objects.applyStatus(poolObject, {
      failover: { failedNodes: [{ name: failed, since: new Date().toISOString(), phase: 'Fenced' }] },
    });
    const patch = (name: string, body: object) =>
      core.patchNode({ name, body }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await patch(hot, { spec: { taints: [{ key: 'fulcrum.io/hot', effect: 'PreferNoSchedule' }] } });
    const marker = JSON.stringify({ pool, cordoned: true, tainted: true, at: new Date().toISOString() });
    await patch(failed, {
      metadata: { annotations: { 'fulcrum.io/fenced-by': marker } },
      spec: {
        unschedulable: true,
        taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoSchedule' }],
      },
    });
    // 3.5 CPU never fits below the 80 % ceiling of a 4-CPU node.
    await core.createNamespacedPod({
      namespace: namespace.name,
      body: {
        metadata: { name: 'too-big', labels: { 'fulcrum.io/pool': pool } },
        spec: {
          schedulerName: 'fulcrum',
          containers: [{ name: 'c', image: 'registry.invalid/c', resources: { requests: { cpu: '3500m' } } }],
        },
      },
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([hot, failed, healthy].map((name) => core.deleteNode({ name }).catch(() => undefined)));
  });

  it('status marks the hot node and the failed node, plain when piped', async () => {
    const { code, stdout } = await cli([
      'status',
      pool,
      '--kubeconfig',
      process.env.FULCRUM_TEST_KUBECONFIG!,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(`POOL ${pool}`);
    expect(stdout).toMatch(new RegExp(`^  ${hot} .* hot$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^  ${failed} .* failed,fenced,cordoned$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^  ${healthy} .* ok$`, 'm'));
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/\u001b/);
  });

  it('status --watch prints a new frame when the pool changes, and ends cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [
      CLI,
      'status',
      pool,
      '--watch',
      '--interval',
      '0.5',
      '--kubeconfig',
      process.env.FULCRUM_TEST_KUBECONFIG!,
    ]);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const cordoned = new RegExp(`^  ${healthy} .* cordoned$`, 'm');
    try {
      await eventually('a first frame', () => (output.includes(`POOL ${pool}`) ? true : undefined));
      expect(output).not.toMatch(cordoned);
      await core.patchNode(
        { name: healthy, body: { spec: { unschedulable: true } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually('a later frame shows the cordon', () => (cordoned.test(output) ? true : undefined));
      // Piped, frames follow each other: the first one is still there, unchanged.
      expect(output.split(`POOL ${pool}`).length).toBeGreaterThan(2);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    await core.patchNode(
      { name: healthy, body: { spec: { unschedulable: false } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  });

  it('status -o json gives the same markers to scripts', async () => {
    const { stdout } = await cli([
      'status',
      pool,
      '-o',
      'json',
      '--kubeconfig',
      process.env.FULCRUM_TEST_KUBECONFIG!,
    ]);
    const view = JSON.parse(stdout) as {
      pools: Array<{ nodes: Array<{ name: string; markers: string[] }> }>;
    };
    expect(Object.fromEntries(view.pools[0]!.nodes.map((n) => [n.name, n.markers]))).toEqual({
      [hot]: ['hot'],
      [failed]: ['failed', 'fenced', 'cordoned'],
      [healthy]: [],
    });
  });

  it("explain prints a pending pod's reason for every node", async () => {
    const { code, stdout } = await cli([
      'explain',
      'pod',
      `${namespace.name}/too-big`,
      '--kubeconfig',
      process.env.FULCRUM_TEST_KUBECONFIG!,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Pool:        ${pool} (from label fulcrum.io/pool)`);
    expect(stdout).toMatch(
      /Placement now: fits nowhere: 0\/\d+ nodes are available: .*2 over cpu ceiling 80%/,
    );
    expect(stdout).toMatch(new RegExp(`^  ${failed} +\\S+ +marked failed$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^  ${hot} +\\S+ +over cpu ceiling 80%$`, 'm'));
  });
});
