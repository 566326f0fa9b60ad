/**
 * The chart as a user installs it, on a real node: `helm install` with the chart's defaults plus only the image
 * reference, the image built from the Dockerfile (`make image`) and run by containerd on the test cluster's real
 * node (kubelet + containerd + runc, `test/cluster/up.sh --real-nodes 1`). Both replicas become Running and Ready
 * there, one holds the Lease, a pool gets its status from the operator in the pod; on kwok nodes a failover and
 * a rebalance happen, driven by that operator (its probes reach the nodes' hosts over the pod network, see
 * real-node-pools.ts); `helm test` runs the chart's test hook on the real node and passes, and fails once the
 * operator is gone; `helm upgrade` to a changed value rolls the Deployment while the Lease is never left
 * unrenewed for longer than its duration; `helm uninstall` leaves the CRDs and the pool.
 *
 * Needs the real node and helm; `make test` provides both (FULCRUM_REQUIRE_REAL_NODE), elsewhere it is skipped.
 * The kwok nodes are cordoned while the release is installed, so the scheduler can only choose the real node
 * (the image exists only there; kwok would "run" any image).
 */
import { execFileSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { FENCED_BY_ANNOTATION } from '../../../src/failover/index.js';
import { FulcrumObjects, installCrds, poolObject, uniqueName } from '../api/fulcrum-api.js';
import { GROUP, RESOURCE_POOL_PLURAL, WORKLOAD_POLICY_PLURAL } from '../../../src/api/group.js';
import { eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { fulcrumStatus } from '../support/operator.js';
import { clusterScript } from '../failover/scenario.js';
import { CHART, helm, helmBinary } from './install-support.js';
import { RealNodePools, type PoolView } from './real-node-pools.js';

const REAL_NODE = 'real-node-0';
const IMAGE_REPOSITORY = 'localhost/fulcrum';
const RELEASE = 'fulcrum-real';
const NAMESPACE = 'fulcrum-real';
const LEASE = 'fulcrum-leader';
/** The chart's `helm test` pod: <fullname>-test (the release name holds the chart's, so fullname = release). */
const TEST_POD = `${RELEASE}-test`;
const CRDS = [RESOURCE_POOL_PLURAL, WORKLOAD_POLICY_PLURAL].map((plural) => `${plural}.${GROUP}`);

function realNodeExists(): boolean {
  try {
    execFileSync(
      'kubectl',
      ['--kubeconfig', process.env.FULCRUM_TEST_KUBECONFIG ?? '', 'get', 'node', REAL_NODE],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
}

const HELM = helmBinary();
const REAL = realNodeExists();
if ((!HELM || !REAL) && process.env.FULCRUM_REQUIRE_REAL_NODE) {
  throw new Error(
    'FULCRUM_REQUIRE_REAL_NODE: needs helm (build-helm.sh) and the real node (up.sh --real-nodes 1)',
  );
}
const describeReal = HELM && REAL ? describe : describe.skip;

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
const objects = new FulcrumObjects(kc);
const pool = uniqueName('real-node-pool');
const STEP_TIMEOUT_MS = 360_000;

async function helmRun(args: string[]): Promise<string> {
  return (await helm(HELM!, ['--kubeconfig', process.env.FULCRUM_TEST_KUBECONFIG ?? '', ...args])).stdout;
}

/** The release's pods, once `count` of them are Running and Ready (and none other is left). */
/** The operator's pods only: the helm test hook pod shares the chart's name label and outlives its run. */
const OPERATOR_PODS = 'app.kubernetes.io/component=operator';

async function operatorPodsGone(): Promise<void> {
  await eventually(
    'the operator pods gone',
    async () =>
      (await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: OPERATOR_PODS })).items.length ===
      0
        ? true
        : undefined,
    120_000,
    1000,
  );
}

async function readyPods(count: number, timeoutMs = 120_000): Promise<k8s.V1Pod[]> {
  return eventually(
    `${count} Ready operator pods`,
    async () => {
      const pods = (
        await core.listNamespacedPod({
          namespace: NAMESPACE,
          labelSelector: OPERATOR_PODS,
        })
      ).items.filter((p) => !p.metadata?.deletionTimestamp);
      const ready = pods.filter(
        (p) =>
          p.status?.phase === 'Running' &&
          p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return pods.length === count && ready.length === count ? ready : undefined;
    },
    timeoutMs,
    1000,
  );
}

async function lease(): Promise<k8s.V1Lease> {
  return coordination.readNamespacedLease({ name: LEASE, namespace: NAMESPACE });
}

/**
 * Samples the Lease every second while `during` runs; returns the longest time any sample saw since the last
 * renewal (the time the Lease was left unrenewed).
 */
async function longestUnrenewedMs(during: Promise<unknown>): Promise<number> {
  let done = false;
  let longest = 0;
  const finished = during.finally(() => {
    done = true;
  });
  while (!done) {
    const spec = (await lease()).spec;
    const renewed = spec?.renewTime ? new Date(spec.renewTime as unknown as string).getTime() : 0;
    longest = Math.max(longest, Date.now() - renewed);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await finished;
  return longest;
}

describeReal('the Helm chart on a real node, image from the Dockerfile', () => {
  beforeAll(async () => {
    // CRDs other test files installed (kubectl apply) become the release's, as `helm install` requires.
    await installCrds(kc);
    for (const crd of CRDS) {
      await kubectl(['label', 'crd', crd, 'app.kubernetes.io/managed-by=Helm', '--overwrite']);
      await kubectl([
        'annotate',
        'crd',
        crd,
        `meta.helm.sh/release-name=${RELEASE}`,
        `meta.helm.sh/release-namespace=${NAMESPACE}`,
        '--overwrite',
      ]);
    }
    await kubectl(['cordon', '-l', 'type=kwok']);
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await objects.deleteCreated().catch(() => undefined);
    await helmRun(['uninstall', RELEASE, '--namespace', NAMESPACE, '--wait']).catch(() => undefined);
    await kubectl(['uncordon', '-l', 'type=kwok']).catch(() => undefined);
    // The `helm test` hook's cluster-scoped RBAC, left behind by the failing run (helm removes hooks only on success).
    await kubectl([
      'delete',
      'clusterrole,clusterrolebinding',
      '-l',
      `app.kubernetes.io/instance=${RELEASE}`,
      '--ignore-not-found',
    ]).catch(() => undefined);
    await kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']).catch(() => undefined);
  }, STEP_TIMEOUT_MS);

  test(
    'install with the defaults and the image: both replicas Ready on the real node, one leads, pools get status',
    async () => {
      await helmRun([
        'install',
        RELEASE,
        CHART,
        '--namespace',
        NAMESPACE,
        '--create-namespace',
        '--set',
        `image.repository=${IMAGE_REPOSITORY}`,
        '--wait',
        '--timeout',
        '5m',
      ]);
      const pods = await readyPods(2);
      expect(pods.map((p) => p.spec?.nodeName)).toEqual([REAL_NODE, REAL_NODE]);
      expect(pods.map((p) => p.spec?.containers[0]?.image)).toEqual(
        Array(2).fill(expect.stringMatching(/^localhost\/fulcrum:/)),
      );
      const holder = await eventually(
        'a leader',
        async () => (await lease()).spec?.holderIdentity || undefined,
      );
      expect(pods.map((p) => p.metadata?.name)).toContain(holder.split('_')[0]);

      // The cluster's own kwok nodes: the pools of the failover and rebalance test label theirs, and an older
      // pool selecting those too would keep them (NodeClaimedByAnotherPool).
      await objects.create(
        poolObject(pool, {
          nodeSelector: {
            matchLabels: { type: 'kwok' },
            matchExpressions: [{ key: 'fulcrum.io/pool', operator: 'DoesNotExist' }],
          },
        }),
      );
      const status = await eventually(
        `status of pool ${pool}`,
        async () => {
          const s = await fulcrumStatus<{ nodes?: { total?: number } }>(kc, RESOURCE_POOL_PLURAL, pool);
          return s?.nodes?.total ? s : undefined;
        },
        90_000,
        1000,
      );
      expect(status.nodes?.total).toBeGreaterThan(0);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'the operator in the pod, shipped defaults: a dead kwok node fails over, a hot kwok node has a pod moved off',
    async () => {
      const pools = new RealNodePools(kc, uniqueName('inpod'));
      const condition = (s: PoolView, type: string) => s.conditions?.find((c) => c.type === type);
      try {
        await pools.setUp();
        // The pod's probes reach every node's host at its InternalIP (198.18.0.x), with no probe setting.
        const idle = await eventually(
          'failover pool: probes answering, no failed node',
          async () => {
            const s = await pools.pool(pools.failoverPool);
            return condition(s, 'ProbesHealthy')?.status === 'True' &&
              condition(s, 'FailoverActive')?.reason === 'NoFailedNodes'
              ? s
              : undefined;
          },
          90_000,
          1000,
        );
        expect(condition(idle, 'ProbesHealthy')?.message).toMatch(/^3 answering, 0 failing, 0 refused/);
        const victim = (await pools.webRunning('the web pods Running', 90_000))[0]!.node!;
        const killed = Date.now();
        await clusterScript('kill-node.sh', [victim]);
        await eventually(
          `the failover of ${victim}`,
          async () => {
            const s = await pools.pool(pools.failoverPool);
            const last = s.failover?.lastFailover;
            return last?.node === victim && (last.podsRescheduled ?? 0) >= 1 ? s : undefined;
          },
          120_000,
          1000,
        );
        const web = await pools.webRunning('the web pods Running elsewhere', 60_000, victim);
        expect(web.map((p) => p.node)).not.toContain(victim);
        const fenced = await core.readNode({ name: victim });
        expect(fenced.spec?.unschedulable).toBe(true);
        expect(fenced.metadata?.annotations?.[FENCED_BY_ANNOTATION]).toBeDefined();
        console.log(
          `in-pod failover: ${victim} killed, web pods Running elsewhere after ${Date.now() - killed} ms`,
        );

        const hot = pools.rebalanceNodes[0]!;
        const moved = await eventually(
          `a batch pod moved off ${hot}`,
          async () => {
            const s = await pools.pool(pools.rebalancePool);
            const batch = (await pools.pods()).filter((p) => p.app.startsWith('batch-') && p.running);
            const elsewhere = batch.filter((p) => p.node !== hot);
            return (s.counters?.evictions ?? 0) >= 1 && batch.length === 3 && elsewhere.length >= 1
              ? s
              : undefined;
          },
          180_000,
          2000,
        );
        expect(moved.lastActions?.some((a) => !a.dryRun && a.node === hot)).toBe(true);
        console.log(`in-pod rebalance: a pod moved off ${hot} ${Date.now() - killed} ms after the kill`);
      } finally {
        await pools.cleanUp();
      }
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "helm test runs the chart's checks on the real node and passes",
    async () => {
      // Not `helm test --logs`: Helm asks for the logs of every test hook by name, and the hook's
      // ServiceAccount and RBAC are hooks too (deleted on success), so it fails; the pod is kept and read here.
      await helmRun(['test', RELEASE, '--namespace', NAMESPACE, '--timeout', '3m']);
      const pod = await core.readNamespacedPod({ name: TEST_POD, namespace: NAMESPACE });
      const out = (await kubectl(['logs', TEST_POD, '--namespace', NAMESPACE])).stdout;
      expect(pod.spec?.nodeName).toBe(REAL_NODE);
      expect(pod.status?.phase).toBe('Succeeded');
      expect(out).toMatch(/^ok {3}pod \S+ \/readyz: 200$/m);
      expect(out).toMatch(/^ok {3}pod \S+ \/metrics without a token: 401/m);
      expect(out).toMatch(/^ok {3}1 replica\(s\) report fulcrum_leader 1$/m);
      // The install test's pool, by now older than the minute the hook gives a new pool.
      expect(out).toContain(`ok   pool ${pool}: Ready=True`);
      expect(out).toContain('all checks passed');
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'helm upgrade to a changed value rolls the Deployment; the Lease is never unrenewed for longer than its duration',
    async () => {
      const before = (await readyPods(2)).map((p) => p.metadata?.name);
      const durationMs = ((await lease()).spec?.leaseDurationSeconds ?? 0) * 1000;
      const upgrade = helmRun([
        'upgrade',
        RELEASE,
        CHART,
        '--namespace',
        NAMESPACE,
        '--reuse-values',
        '--set',
        'logLevel=debug',
        '--wait',
        '--timeout',
        '5m',
      ]);
      const longest = await longestUnrenewedMs(upgrade);
      const after = await readyPods(2);
      expect(after.map((p) => p.metadata?.name).filter((n) => before.includes(n))).toEqual([]);
      expect(after[0]?.spec?.containers[0]?.args).toContain('--log-level=debug');
      expect(durationMs).toBeGreaterThan(0);
      expect(longest).toBeLessThan(durationMs);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'helm test fails when the operator is not running',
    async () => {
      await kubectl(['scale', 'deployment', RELEASE, '--namespace', NAMESPACE, '--replicas=0']);
      await operatorPodsGone();
      const failed = await helmRun(['test', RELEASE, '--namespace', NAMESPACE, '--timeout', '2m']).then(
        () => undefined,
        (error: { stdout?: string; stderr?: string }) => error,
      );
      expect(failed).toBeDefined();
      const pod = await core.readNamespacedPod({ name: TEST_POD, namespace: NAMESPACE });
      expect(pod.status?.phase).toBe('Failed');
      const logs = (await kubectl(['logs', TEST_POD, '--namespace', NAMESPACE])).stdout;
      expect(logs).toContain(`FAIL 0 operator pod(s) in ${NAMESPACE}`);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'helm uninstall leaves the CRDs and the pools',
    async () => {
      await helmRun(['uninstall', RELEASE, '--namespace', NAMESPACE, '--wait']);
      await kubectl(['get', 'crd', ...CRDS]);
      await kubectl(['get', RESOURCE_POOL_PLURAL, pool]);
      await operatorPodsGone();
    },
    STEP_TIMEOUT_MS,
  );
});
