/**
 * The ClusterRole and Roles of deploy/operator are enough: the real operator, authenticated as the fulcrum
 * ServiceAccount (a token from the TokenRequest API, as a pod would have), syncs every informer, wins its
 * Lease, writes pool and policy status and records Events. And they are not more than needed.
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_PLURAL, VERSION, WORKLOAD_POLICY_PLURAL } from '../../../src/api/group.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createOperator } from '../../../src/runtime/operator.js';
import {
  FulcrumObjects,
  installCrds,
  policyObject,
  poolObject as resourcePool,
  uniqueName,
} from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { addNode, fulcrumStatus } from '../support/operator.js';
import { kustomizeOperator, OPERATOR_NAMESPACE } from './install-support.js';

const SERVICE_ACCOUNT = 'fulcrum';
const LEASE = 'fulcrum-leader';
const admin = testKubeConfig();
const core = admin.makeApiClient(k8s.CoreV1Api);
const custom = admin.makeApiClient(k8s.CustomObjectsApi);
const fulcrum = new FulcrumObjects(admin);
const pool = uniqueName('rbac');
const nodeName = `${pool}-n0`;
let namespace: { name: string; remove: () => Promise<void> };

/** A kubeconfig for the same server that authenticates as the operator's ServiceAccount. */
async function serviceAccountKubeConfig(): Promise<k8s.KubeConfig> {
  const request = await core.createNamespacedServiceAccountToken({
    name: SERVICE_ACCOUNT,
    namespace: OPERATOR_NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = admin.getCurrentCluster()!;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: SERVICE_ACCOUNT, token: request.status!.token }],
    contexts: [{ name: SERVICE_ACCOUNT, cluster: cluster.name, user: SERVICE_ACCOUNT }],
    currentContext: SERVICE_ACCOUNT,
  });
  return kc;
}

/**
 * `kubectl auth can-i` as the ServiceAccount (impersonated by the admin). `resource` is `plural[.group]`, with
 * `/subresource` (pods/binding) or `:name` (leases:fulcrum-leader).
 */
async function canI(verb: string, resource: string, namespaceName?: string): Promise<boolean> {
  const [kindAndSub, name] = resource.split(':');
  const [plural, subresource] = (kindAndSub as string).split('/');
  const args = ['auth', 'can-i', verb, name ? `${plural}/${name}` : (plural as string)];
  if (subresource) args.push(`--subresource=${subresource}`);
  args.push(`--as=system:serviceaccount:${OPERATOR_NAMESPACE}:${SERVICE_ACCOUNT}`);
  if (namespaceName) args.push('-n', namespaceName);
  const answer = await kubectl(args).then(
    (r) => r.stdout.trim(),
    (e: { stdout?: string }) => (e.stdout ?? '').trim(),
  );
  return answer === 'yes';
}

beforeAll(async () => {
  await installCrds(admin);
  // Everything of deploy/operator but the Deployment: its pods would only be simulated here, taking room on
  // nodes other suites count.
  const objects = (await kustomizeOperator()).filter((m) => m.kind !== 'Deployment');
  await kubectl(
    ['apply', '--server-side', '--force-conflicts', '--field-manager=fulcrum-install-tests', '-f', '-'],
    objects.map((o) => JSON.stringify(o)).join('\n'),
  );
  namespace = await createTestNamespace(admin, 'rbac');
  await addNode(nodeName, { cpu: '4', memory: '8Gi', labels: { 'fulcrum.io/pool': pool } });
});

afterAll(async () => {
  await custom
    .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL, name: pool })
    .catch(() => undefined);
  await core.deleteNode({ name: nodeName }).catch(() => undefined);
  await namespace?.remove();
});

test('as its ServiceAccount, the operator syncs, leads, writes pool and policy status and records Events', async () => {
  const kc = await serviceAccountKubeConfig();
  // The token really is the ServiceAccount's, not an admin's: it may not read Secrets.
  await expect(
    kc.makeApiClient(k8s.CoreV1Api).listNamespacedSecret({ namespace: 'default' }),
  ).rejects.toMatchObject({
    code: 403,
  });
  const identity = `rbac-test-${Math.random().toString(36).slice(2, 7)}`;
  const operator = createOperator({
    kubeConfig: kc,
    logger: createLogger({ level: process.env.FULCRUM_TEST_LOG_LEVEL ?? 'silent' }),
    health: { host: '127.0.0.1', port: 0 },
    leaderElection: {
      enabled: true,
      namespace: OPERATOR_NAMESPACE,
      name: LEASE,
      identity,
      retryPeriodMs: 500,
    },
  });
  const stop = new AbortController();
  const done = operator.start(stop.signal);
  try {
    // A forbidden list would keep its informer from ever syncing.
    await eventually('every informer synced as the ServiceAccount', () =>
      operator.informers.all().every((i) => i.hasSynced()) ? true : undefined,
    );
    await eventually('the Lease held by this operator', async () => {
      const lease = await admin
        .makeApiClient(k8s.CoordinationV1Api)
        .readNamespacedLease({ name: LEASE, namespace: OPERATOR_NAMESPACE });
      return lease.spec?.holderIdentity === identity ? true : undefined;
    });
    await fulcrum.create(resourcePool(pool, { nodeSelector: { matchLabels: { 'fulcrum.io/pool': pool } } }));
    await fulcrum.create(
      policyObject('web', namespace.name, { selector: { matchLabels: { app: 'web' } }, pool }),
    );
    await eventually('pool status written', async () => {
      const status = await fulcrumStatus<{ nodes?: { total?: number } }>(admin, RESOURCE_POOL_PLURAL, pool);
      return status?.nodes?.total === 1 ? true : undefined;
    });
    await eventually('policy status written', async () => {
      const status = await fulcrumStatus<{ effectivePriority?: number }>(
        admin,
        WORKLOAD_POLICY_PLURAL,
        'web',
        namespace.name,
      );
      return status?.effectivePriority === 0 ? true : undefined;
    });
    await eventually('an Event about the pool', async () => {
      const events = await core.listEventForAllNamespaces({ fieldSelector: `involvedObject.name=${pool}` });
      return events.items.length > 0 ? true : undefined;
    });
  } finally {
    stop.abort();
    await done;
  }
});

test.each([
  ['create', 'pods/binding', 'default'],
  ['create', 'pods/eviction', 'default'],
  ['delete', 'pods', 'default'],
  ['patch', 'pods/status', 'default'],
  ['patch', 'nodes', undefined],
  ['list', 'nodes.metrics.k8s.io', undefined],
  // The secure metrics server reviews its scrapers' tokens.
  ['create', 'tokenreviews.authentication.k8s.io', undefined],
  ['create', 'subjectaccessreviews.authorization.k8s.io', undefined],
  ['patch', 'resourcepools.fulcrum.io/status', undefined],
  ['watch', 'leases', 'kube-node-lease'],
  ['update', 'leases:fulcrum-leader', OPERATOR_NAMESPACE],
])(
  'the ServiceAccount may %s %s (namespace %s): controllers act on pods and nodes',
  async (verb, resource, ns) => {
    expect(await canI(verb, resource, ns)).toBe(true);
  },
);

test.each([
  ['get', 'secrets', 'default'],
  ['create', 'pods', 'default'],
  ['create', 'pods/exec', 'default'],
  // Only the kubelet-summary metrics source needs the kubelets' API; the default (metrics-api) does not.
  ['get', 'nodes/proxy', undefined],
  ['delete', 'nodes', undefined],
  ['update', 'resourcepools.fulcrum.io', undefined],
  ['watch', 'leases', 'default'],
  ['update', 'leases:someone-elses', OPERATOR_NAMESPACE],
  ['update', 'leases:fulcrum-leader', 'default'],
])('the ServiceAccount may not %s %s (namespace %s): least privilege', async (verb, resource, ns) => {
  expect(await canI(verb, resource, ns)).toBe(false);
});
