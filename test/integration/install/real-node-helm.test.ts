/**
 * The chart as a user installs it, on a real node: `helm install` with the chart's defaults plus only the image
 * reference, the image built from the Dockerfile (`make image`) and run by containerd on the test cluster's real
 * node (kubelet + containerd + runc, `test/cluster/up.sh --real-nodes 1`). Both replicas become Running and Ready
 * there, one holds the Lease, a pool gets its status from the operator in the pod; `helm test` passes; `helm
 * upgrade` to a changed value rolls the Deployment while the Lease is never left unrenewed for longer than its
 * duration; `helm uninstall` leaves the CRDs and the pool.
 *
 * Needs the real node and helm; `make test` provides both (FULCRUM_REQUIRE_REAL_NODE), elsewhere it is skipped.
 * The kwok nodes are cordoned while the release is installed, so the scheduler can only choose the real node
 * (the image exists only there; kwok would "run" any image).
 */
import { execFileSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { FulcrumObjects, installCrds, poolObject, uniqueName } from '../api/fulcrum-api.js';
import { GROUP, RESOURCE_POOL_PLURAL, WORKLOAD_POLICY_PLURAL } from '../../../src/api/group.js';
import { eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { fulcrumStatus } from '../support/operator.js';
import { CHART, helm, helmBinary } from './install-support.js';

const REAL_NODE = 'real-node-0';
const IMAGE_REPOSITORY = 'localhost/fulcrum';
const RELEASE = 'fulcrum-real';
const NAMESPACE = 'fulcrum-real';
const LEASE = 'fulcrum-leader';
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
async function readyPods(count: number, timeoutMs = 120_000): Promise<k8s.V1Pod[]> {
  return eventually(
    `${count} Ready operator pods`,
    async () => {
      const pods = (
        await core.listNamespacedPod({
          namespace: NAMESPACE,
          labelSelector: 'app.kubernetes.io/name=fulcrum',
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

      await objects.create(poolObject(pool, { nodeSelector: { matchLabels: { type: 'kwok' } } }));
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
    'helm test passes',
    async () => {
      await helmRun(['test', RELEASE, '--namespace', NAMESPACE, '--timeout', '3m']);
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
    'helm uninstall leaves the CRDs and the pools',
    async () => {
      await helmRun(['uninstall', RELEASE, '--namespace', NAMESPACE, '--wait']);
      await kubectl(['get', 'crd', ...CRDS]);
      await kubectl(['get', RESOURCE_POOL_PLURAL, pool]);
      await eventually(
        'the operator pods gone',
        async () =>
          (await core.listNamespacedPod({ namespace: NAMESPACE })).items.length === 0 ? true : undefined,
        120_000,
        1000,
      );
    },
    STEP_TIMEOUT_MS,
  );
});
