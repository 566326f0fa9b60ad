/**
 * Least privilege of the chart, against the real API server: its ServiceAccount cannot read Secrets, exec
 * into pods or reach the kubelets (`kubectl auth can-i`), and its ValidatingAdmissionPolicy lets that identity
 * change on a node only what the operator changes — cordon, its own taints, its own annotations — refusing a
 * label, a foreign taint or a foreign annotation, while the operator's real node writes (the Actuator's JSON
 * patches, as failover and rebalancing make them) pass. Rendered as a release of its own, so it never meets
 * another test's install.
 */
import * as k8s from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { createKubeActuator } from '../../../src/actuation/index.js';
import type { ActionContext } from '../../../src/actuation/action-requests.js';
import { HOT_TAINT } from '../../../src/rebalancing/hot-taint.js';
import { REBALANCED_AT_ANNOTATION } from '../../../src/rebalancing/move-history.js';
import { FENCE_CONFIRMED_ANNOTATION } from '../../../src/failover/confirmed-down.js';
import { FENCED_BY_ANNOTATION, formatFenceMarker } from '../../../src/failover/fence-marker.js';
import { OUT_OF_SERVICE_TAINT_KEY, OUT_OF_SERVICE_TAINT_VALUE } from '../../../src/failover/recovery-plan.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { addNode } from '../support/operator.js';
import { CHART, helm, helmBinary, parseManifests, type Manifest } from './install-support.js';

const HELM = helmBinary();
if (!HELM && process.env.FULCRUM_REQUIRE_HELM)
  throw new Error('helm is not built: run test/cluster/build-helm.sh');
const describeWithHelm = HELM ? describe : describe.skip;

const suffix = Math.random().toString(36).slice(2, 7);
const RELEASE = `vap-${suffix}`;
const NAMESPACE = `fulcrum-vap-${suffix}`;
const SERVICE_ACCOUNT = `${RELEASE}-fulcrum`;
const OPERATOR = `system:serviceaccount:${NAMESPACE}:${SERVICE_ACCOUNT}`;
const nodeName = `vap-${suffix}`;
const FOREIGN_TAINT = { key: 'example.com/dedicated', value: 'db', effect: 'NoSchedule' };
const FOREIGN_ANNOTATION = 'example.com/owner';
const admin = testKubeConfig();
const core = admin.makeApiClient(k8s.CoreV1Api);
let installed: Manifest[] = [];

async function fails(args: string[]): Promise<string> {
  return kubectl(args).then(
    (r) => {
      throw new Error(`kubectl ${args.join(' ')} succeeded: ${r.stdout}`);
    },
    (error: { stderr?: string }) => error.stderr ?? '',
  );
}

/** `resource` is `plural` or `plural/subresource` (pods/exec, nodes/proxy). */
async function canI(verb: string, resource: string, namespace?: string): Promise<boolean> {
  const [plural, subresource] = resource.split('/');
  const args = ['auth', 'can-i', verb, plural!, `--as=${OPERATOR}`];
  if (subresource) args.push(`--subresource=${subresource}`);
  if (namespace) args.push('-n', namespace);
  const answer = await kubectl(args).then(
    (r) => r.stdout.trim(),
    (e: { stdout?: string }) => (e.stdout ?? '').trim(),
  );
  return answer === 'yes';
}

/** A kubeconfig holding a token of the chart's ServiceAccount (TokenRequest), as the operator's pod has. */
async function operatorKubeConfig(): Promise<k8s.KubeConfig> {
  const request = await core.createNamespacedServiceAccountToken({
    name: SERVICE_ACCOUNT,
    namespace: NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const cluster = admin.getCurrentCluster()!;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'operator', token: request.status!.token }],
    contexts: [{ name: 'operator', cluster: cluster.name, user: 'operator' }],
    currentContext: 'operator',
  });
  return kc;
}

async function readNode(): Promise<k8s.V1Node> {
  return core.readNode({ name: nodeName });
}

describeWithHelm('the chart limits the operator to its own node writes', () => {
  beforeAll(async () => {
    const { stdout } = await helm(HELM!, [
      'template',
      RELEASE,
      CHART,
      '--namespace',
      NAMESPACE,
      '--set',
      'crds.enabled=false',
    ]);
    // Everything but the operator's pods, which would only be simulated here.
    installed = parseManifests(stdout).filter((m) => m.kind !== 'Deployment');
    await kubectl(['create', 'namespace', NAMESPACE]);
    await kubectl(
      ['apply', '--server-side', '--field-manager=fulcrum-install-tests', '-f', '-'],
      installed.map((o) => JSON.stringify(o)).join('\n'),
    );
    await addNode(nodeName, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': `vap-${suffix}` } });
    await kubectl(['taint', 'node', nodeName, `${FOREIGN_TAINT.key}=${FOREIGN_TAINT.value}:NoSchedule`]);
    await kubectl(['annotate', 'node', nodeName, `${FOREIGN_ANNOTATION}=team-a`]);
    // A policy is enforced once the API server has loaded it: wait on a server-side dry run (no write).
    await eventually('the admission policy enforced', async () => {
      const refused = await kubectl([
        'label',
        'node',
        nodeName,
        'probe=1',
        '--dry-run=server',
        `--as=${OPERATOR}`,
      ]).then(
        () => false,
        () => true,
      );
      return refused ? true : undefined;
    });
  });

  afterAll(async () => {
    await core.deleteNode({ name: nodeName }).catch(() => undefined);
    await kubectl(
      ['delete', '--ignore-not-found', '--wait=false', '-f', '-'],
      installed.map((o) => JSON.stringify(o)).join('\n'),
    ).catch(() => undefined);
    await kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']).catch(() => undefined);
  });

  test.each([
    ['get', 'secrets', 'default'],
    ['list', 'secrets', NAMESPACE],
    ['create', 'pods/exec', 'default'],
    ['create', 'pods', 'default'],
    ['get', 'nodes/proxy', undefined],
    ['update', 'nodes', undefined],
    ['delete', 'nodes', undefined],
  ])('kubectl auth can-i %s %s (namespace %s) as the operator: no', async (verb, resource, namespace) => {
    expect(await canI(verb, resource, namespace)).toBe(false);
  });

  test('RBAC cannot tell a label from a cordon (can-i patch nodes: yes): the admission policy does', async () => {
    expect(await canI('patch', 'nodes')).toBe(true);
  });

  test.each([
    {
      what: 'a label',
      args: ['label', 'node', nodeName, 'fulcrum.io/pool=stolen', '--overwrite'],
      want: 'may not change node labels',
    },
    {
      what: 'a foreign taint removed',
      args: ['taint', 'node', nodeName, `${FOREIGN_TAINT.key}-`],
      want: 'may add or remove only its own taints',
    },
    {
      what: 'a taint of its own choosing',
      args: ['taint', 'node', nodeName, 'example.com/evil=1:NoExecute'],
      want: 'may add or remove only its own taints',
    },
    {
      what: 'a foreign annotation',
      args: ['annotate', 'node', nodeName, `${FOREIGN_ANNOTATION}=someone-else`, '--overwrite'],
      want: 'may change only its own node annotations',
    },
    {
      what: "a fence agent's fulcrum.io/fence-confirmed set (only the agent may confirm a node is off)",
      args: ['annotate', 'node', nodeName, `${FENCE_CONFIRMED_ANNOTATION}=${new Date().toISOString()}`],
      want: "may remove a fence agent's fulcrum.io/fence-confirmed annotation, never set it",
    },
    {
      what: 'the out-of-service taint with another value',
      args: ['taint', 'node', nodeName, `${OUT_OF_SERVICE_TAINT_KEY}=other:NoExecute`],
      want: 'may write node.kubernetes.io/out-of-service only with value nodeshutdown',
    },
    {
      what: 'the spec beyond unschedulable and taints',
      args: ['patch', 'node', nodeName, '--type=merge', '-p', '{"spec":{"podCIDR":"10.9.0.0/24"}}'],
      want: 'may change only spec.unschedulable',
    },
  ])('as the operator, $what is refused by the admission policy', async ({ args, want }) => {
    const before = await readNode();
    const stderr = await fails([...args, `--as=${OPERATOR}`]);
    expect(stderr).toContain('ValidatingAdmissionPolicy');
    expect(stderr).toContain(want);
    const after = await readNode();
    expect(after.metadata?.labels).toEqual(before.metadata?.labels);
    expect(after.metadata?.annotations).toEqual(before.metadata?.annotations);
    expect(after.spec?.taints).toEqual(before.spec?.taints);
  });

  test('the operator’s own writes, made by the Actuator with its token, pass and leave the rest intact', async () => {
    const actuator = createKubeActuator(await operatorKubeConfig(), {
      events: { record: () => undefined },
      logger: silentLogger(),
      registry: new Registry(),
      budgets: [],
    });
    const context = (source: ActionContext['source']): ActionContext => ({
      source,
      pool: `vap-${suffix}`,
      reason: 'admission policy test',
      mode: 'Enforce',
    });
    const before = await readNode();
    const fence = formatFenceMarker({ pool: `vap-${suffix}`, cordoned: true, tainted: true, at: Date.now() });
    const outOfService = {
      key: OUT_OF_SERVICE_TAINT_KEY,
      value: OUT_OF_SERVICE_TAINT_VALUE,
      effect: 'NoExecute',
    };
    const results = [
      // Failover's fence and unfence, each one write (src/controllers/failover/plan-executor.ts).
      await actuator.changeNode({
        ...context('failover'),
        node: nodeName,
        label: 'Fence',
        changes: [
          { kind: 'Annotate', key: FENCED_BY_ANNOTATION, value: fence },
          { kind: 'Cordon' },
          { kind: 'Taint', taint: outOfService },
        ],
      }),
      // Rebalancing's hot taint and its cooldown stamp (src/controllers/rebalancing/move-executor.ts).
      await actuator.taint(context('rebalance'), nodeName, { ...HOT_TAINT }),
      await actuator.annotate(
        context('rebalance'),
        nodeName,
        REBALANCED_AT_ANNOTATION,
        new Date().toISOString(),
      ),
    ];
    const fenced = await readNode();
    // A human uncordon recorded in the marker (RecordUncordon), and a fence agent's confirmation (set by the
    // agent, an administrator here) that the operator's unfence removes with its fence.
    const uncordonedAt = Date.now();
    const recorded = formatFenceMarker({
      pool: `vap-${suffix}`,
      cordoned: true,
      tainted: true,
      at: uncordonedAt - 1_000,
      uncordonedAt,
    });
    results.push(
      await actuator.changeNode({
        ...context('failover'),
        node: nodeName,
        label: 'RecordUncordon',
        changes: [{ kind: 'Annotate', key: FENCED_BY_ANNOTATION, value: recorded }],
      }),
    );
    await kubectl([
      'annotate',
      'node',
      nodeName,
      `${FENCE_CONFIRMED_ANNOTATION}=${new Date().toISOString()}`,
    ]);
    const undo = [
      await actuator.changeNode({
        ...context('failover'),
        node: nodeName,
        label: 'Unfence',
        changes: [
          { kind: 'Untaint', key: OUT_OF_SERVICE_TAINT_KEY },
          { kind: 'Uncordon' },
          { kind: 'Unannotate', key: FENCE_CONFIRMED_ANNOTATION },
          { kind: 'Unannotate', key: FENCED_BY_ANNOTATION },
        ],
      }),
      await actuator.untaint(context('rebalance'), nodeName, HOT_TAINT.key),
      await actuator.unannotate(context('rebalance'), nodeName, REBALANCED_AT_ANNOTATION),
    ];
    expect([...results, ...undo].map((r) => `${r.outcome} ${r.outcome === 'Done' ? '' : r.message}`)).toEqual(
      Array(7).fill('Done '),
    );
    expect(fenced.spec?.unschedulable).toBe(true);
    // (The node lifecycle controller adds node.kubernetes.io/unschedulable to a cordoned node on its own.)
    expect(fenced.spec?.taints?.map((t) => t.key)).toEqual(
      expect.arrayContaining([FOREIGN_TAINT.key, OUT_OF_SERVICE_TAINT_KEY, HOT_TAINT.key]),
    );
    expect(fenced.metadata?.annotations?.[FENCED_BY_ANNOTATION]).toBe(fence);
    const after = await eventually('the controller’s unschedulable taint gone after uncordon', async () => {
      const node = await readNode();
      return node.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unschedulable') ? undefined : node;
    });
    expect(after.spec?.unschedulable).toBeFalsy();
    expect(after.spec?.taints).toEqual(before.spec?.taints);
    expect(after.metadata?.labels).toEqual(before.metadata?.labels);
    expect(after.metadata?.annotations).toEqual(before.metadata?.annotations);
  });

  test('the policy binds the operator only: an administrator still labels nodes', async () => {
    await kubectl(['label', 'node', nodeName, `admin-${suffix}=yes`]);
    expect((await readNode()).metadata?.labels?.[`admin-${suffix}`]).toBe('yes');
  });

  // Last: it widens this release's ClusterRole. The default (metrics-api) grants no nodes/proxy (above); only
  // the kubelet-summary source, which reads the kubelets' /stats/summary through it, does.
  test('with rebalancing.metricsSource=kubelet-summary, and only then, the operator may get nodes/proxy', async () => {
    const { stdout } = await helm(HELM!, [
      ...['template', RELEASE, CHART, '--namespace', NAMESPACE, '--set', 'crds.enabled=false'],
      ...['--set', 'rebalancing.metricsSource=kubelet-summary'],
    ]);
    const roles = parseManifests(stdout).filter((m) => m.kind === 'ClusterRole');
    await kubectl(
      ['apply', '--server-side', '--field-manager=fulcrum-install-tests', '-f', '-'],
      roles.map((o) => JSON.stringify(o)).join('\n'),
    );
    await eventually('nodes/proxy granted', async () =>
      (await canI('get', 'nodes/proxy')) ? true : undefined,
    );
    expect(await canI('get', 'secrets', 'default')).toBe(false);
    expect(await canI('create', 'pods/exec', 'default')).toBe(false);
  });
});
