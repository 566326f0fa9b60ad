/**
 * The shipped install probes nodes with no extra setting: the operator runs with exactly the arguments the
 * Helm chart renders with its default values (only the two listen addresses moved to free loopback ports, so
 * parallel suites do not collide), against the test cluster. Nodes are probed at their own InternalIP (kwok
 * nodes have 127.1.x.y), and the probes answer; a node whose annotation redirects its probe to an address that
 * is not its own, or to the cloud metadata address, is refused, never connected to, and reported in the pool's
 * ProbesHealthy condition. The kustomize install renders the same arguments.
 *
 * Only 127.0.0.0/8 is listened on; 169.254.169.254 only appears in an annotation the operator must refuse.
 */
import { createServer, type Server } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { RESOURCE_POOL_PLURAL } from '../../../src/api/group.js';
import { FulcrumObjects, installCrds, poolObject, uniqueName } from '../api/fulcrum-api.js';
import { eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { addNode, fulcrumStatus } from '../support/operator.js';
import { freePort, startOperatorProcess, type OperatorProcess } from '../support/operator-process.js';
import {
  applyOperatorNamespace,
  CHART,
  helm,
  helmBinary,
  kustomizeOperator,
  OPERATOR_NAMESPACE,
  parseManifests,
  type Manifest,
} from './install-support.js';

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const objects = new FulcrumObjects(kc);
const HELM = helmBinary();
const pool = uniqueName('shipped-probes');
/** own0, own1: probed at their InternalIP; elsewhere: redirected off the node; metadata: to 169.254.169.254. */
const nodes = ['own0', 'own1', 'elsewhere', 'metadata'].map((role) => ({ role, name: `${pool}-${role}` }));
const listeners: Server[] = [];
const accepted = new Map<string, number>();
let operator: OperatorProcess | undefined;

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

function containerArgs(manifests: Manifest[]): string[] {
  const deployment = manifests.find((m) => m.kind === 'Deployment') as unknown as {
    spec: { template: { spec: { containers: Array<{ args: string[] }> } } };
  };
  return deployment.spec.template.spec.containers[0]!.args;
}

async function internalIp(name: string): Promise<string> {
  const node = await core.readNode({ name });
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (!ip) throw new Error(`node ${name} has no InternalIP`);
  return ip;
}

/** A TCP listener on host:port that counts the connections it accepts. */
async function listen(host: string, port: number): Promise<void> {
  const server = createServer((socket) => {
    accepted.set(host, (accepted.get(host) ?? 0) + 1);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  listeners.push(server);
}

beforeAll(async () => {
  await installCrds(kc);
  await applyOperatorNamespace(); // where the operator's Lease lives, as installed
  for (const { name } of nodes) {
    await addNode(name, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': pool } });
  }
}, 120_000);

afterAll(async () => {
  await operator?.kill('SIGTERM');
  for (const server of listeners) server.close();
  await objects.deleteCreated();
  for (const { name } of nodes) await core.deleteNode({ name }).catch(() => undefined);
});

(HELM ? test : test.skip)(
  'with the chart’s rendered arguments, nodes are probed at their own addresses; redirects are refused',
  async () => {
    const rendered = containerArgs(
      parseManifests((await helm(HELM!, ['template', 'fulcrum', CHART, '-n', OPERATOR_NAMESPACE])).stdout),
    );
    // Both installs ship the same arguments, and neither names a CIDR for the probes.
    expect(containerArgs(await kustomizeOperator())).toEqual(rendered);
    expect(rendered.some((a) => a.startsWith('--probe-allow-cidrs'))).toBe(false);
    expect(rendered[0]).toBe('run');
    const [health, metrics] = [await freePort(), await freePort()];
    const args = rendered.slice(1).map((arg) => {
      if (arg.startsWith('--health-address=')) return `--health-address=127.0.0.1:${health}`;
      if (arg.startsWith('--metrics-address=')) return `--metrics-address=127.0.0.1:${metrics}`;
      return arg;
    });

    const port = await freePort();
    const ip = new Map<string, string>();
    for (const { role, name } of nodes) ip.set(role, await internalIp(name));
    await listen(ip.get('own0')!, port);
    await listen(ip.get('own1')!, port);
    // A listener at the redirect target too: if the operator connected there, the test would see it.
    const redirect = '127.3.0.9';
    await listen(redirect, port);
    await kubectl(['annotate', 'node', `${pool}-elsewhere`, `fulcrum.io/probe-address=${redirect}`]);
    await kubectl([
      'annotate',
      'node',
      `${pool}-metadata`,
      `fulcrum.io/probe-address=169.254.169.254:${port}`,
    ]);
    await objects.create(
      poolObject(pool, {
        nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } },
        // DryRun: the probes run as in Enforce, nothing is written to nodes or pods.
        failover: { mode: 'DryRun', probe: { type: 'TCP', port } },
      }),
    );

    operator = await startOperatorProcess(uniqueName('shipped'), args);
    const condition = await eventually(
      'ProbesHealthy with every member probed or refused',
      async () => {
        const status = await fulcrumStatus<{ conditions?: Condition[] }>(kc, RESOURCE_POOL_PLURAL, pool);
        const probes = status?.conditions?.find((c) => c.type === 'ProbesHealthy');
        return probes?.message.startsWith('2 answering, 0 failing, 2 refused, 0 not probed yet (of 4)')
          ? probes
          : undefined;
      },
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\noperator output:\n${operator?.output()}`);
    });
    expect(condition).toMatchObject({ status: 'False', reason: 'SomeProbesRefused' });
    expect(condition.message).toMatch(
      /169\.254\.169\.254 is link-local .*never probed|127\.3\.0\.9 from an annotation .*outside --probe-allow-cidrs \(none\)/,
    );
    expect(accepted.get(ip.get('own0')!)).toBeGreaterThan(0);
    expect(accepted.get(ip.get('own1')!)).toBeGreaterThan(0);
    expect(accepted.get(redirect)).toBeUndefined();
    expect(operator.alive()).toBe(true);
  },
  180_000,
);
