/**
 * The lean pod and node records on real objects from the API server: for every pod and node the informers
 * cache, each reader of src/testing/lean-readers.ts gives the same answer on the cached lean record as on
 * the full object read from the API server, and every field it reads is kept; a pod's record, built from
 * wire JSON (managedFields cut from the list's text), is the one built from the client's decoded pod. The pods cover what
 * controllers look at: Deployment replicas (owner, sidecar and init containers, host ports, tolerations,
 * required node affinity, node selector, priority class, network annotation, last-applied annotation),
 * StatefulSet pods with a PVC, a bare pod with emptyDir and hostPath volumes, a gated pod, an
 * unschedulable one.
 */
import * as k8s from '@kubernetes/client-node';
import { waitForCacheSync } from '../../../src/kube/informer.js';
import { createClusterInformers } from '../../../src/kube/informers.js';
import { Interner } from '../../../src/kube/interner.js';
import { LAST_APPLIED_ANNOTATION, leanPod } from '../../../src/kube/lean-pod.js';
import { objectKey } from '../../../src/kube/object-key.js';
import { wireListPage } from '../../../src/kube/wire-list.js';
import { leanRecordProblems } from '../../../src/testing/lean-check.js';
import { NODE_READERS, POD_READERS } from '../../../src/testing/lean-readers.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const scheduling = kc.makeApiClient(k8s.SchedulingV1Api);

const PRIORITY_CLASS = 'lean-objects-high';

function template(app: string): k8s.V1PodTemplateSpec {
  return {
    metadata: {
      labels: { app },
      annotations: { 'fulcrum.io/network-request': '100M', [LAST_APPLIED_ANNOTATION]: '{"big":"json"}' },
    },
    spec: {
      priorityClassName: PRIORITY_CLASS,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'type', operator: 'In', values: ['kwok'] }] }],
          },
        },
      },
      tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
      initContainers: [
        { name: 'init', image: 'busybox', resources: { requests: { cpu: '300m' } } },
        {
          name: 'sidecar',
          image: 'envoy',
          restartPolicy: 'Always',
          resources: { requests: { memory: '32Mi' } },
        },
      ],
      containers: [
        {
          name: 'app',
          image: 'registry.local/app:1',
          env: [{ name: 'MODE', value: 'test' }],
          ports: [{ containerPort: 8080 }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  };
}

test('every cached pod and node answers every reader as the full object does', async () => {
  const ns = await createTestNamespace(kc, 'lean');
  await scheduling
    .createPriorityClass({ body: { metadata: { name: PRIORITY_CLASS }, value: 1000 } })
    .catch((error: unknown) => {
      if ((error as { code?: number }).code !== 409) throw error;
    });
  const informers = createClusterInformers(kc, { backoff: { initialMs: 200, maxMs: 2000 } });
  const stop = new AbortController();
  const running = informers.all().map((i) => i.start(stop.signal));
  try {
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'web' },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('web') },
      },
    });
    const db = template('db');
    db.spec!.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/data' }];
    await apps.createNamespacedStatefulSet({
      namespace: ns.name,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 1,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: db,
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      },
    });
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'bare', labels: { app: 'bare' } },
        spec: {
          containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 18080 }] }],
          volumes: [
            { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
            { name: 'host', hostPath: { path: '/var/log' } },
            { name: 'cm', configMap: { name: 'absent' } },
          ],
        },
      },
    });
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'gated' },
        spec: { schedulingGates: [{ name: 'example.com/wait' }], containers: [{ name: 'c', image: 'x' }] },
      },
    });
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'too-big' },
        spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '999' } } }] },
      },
    });
    // Wait for what the controllers and the scheduler do: replicas Running, the big pod marked Unschedulable.
    await eventually(
      'pods settled',
      async () => {
        const pods = (await core.listNamespacedPod({ namespace: ns.name })).items;
        const running = pods.filter((p) => p.status?.phase === 'Running').length;
        const unschedulable = pods.some((p) =>
          p.status?.conditions?.some((c) => c.reason === 'Unschedulable'),
        );
        return pods.length === 7 && running >= 4 && unschedulable ? pods : undefined;
      },
      60_000,
    );
    expect(await waitForCacheSync(informers.all(), stop.signal)).toBe(true);

    const pods = (await core.listNamespacedPod({ namespace: ns.name })).items;
    const nodes = (await core.listNode()).items;
    const problems: string[] = [];
    for (const pod of pods) {
      const lean = await eventually(`${objectKey(pod)} cached`, () => {
        const cached = informers.pods.get(objectKey(pod));
        return cached?.metadata?.resourceVersion === pod.metadata?.resourceVersion ? cached : undefined;
      });
      problems.push(...leanRecordProblems(pod, lean, POD_READERS).map((p) => `pod ${objectKey(pod)}: ${p}`));
      // The informer builds pod records from wire JSON; the same record as from the client's decoded pod.
      if (sortedJson(lean) !== sortedJson(leanPod(pod, new Interner())))
        problems.push(`pod ${objectKey(pod)}: wire record differs from the decoded pod's`);
      if (!(lean.metadata?.creationTimestamp instanceof Date))
        problems.push(`pod ${objectKey(pod)}: creationTimestamp is not a Date`);
    }
    for (const node of nodes) {
      const lean = informers.nodes.get(objectKey(node));
      if (lean?.metadata?.resourceVersion !== node.metadata?.resourceVersion) continue; // a heartbeat in between
      problems.push(
        ...leanRecordProblems(node, lean!, NODE_READERS).map((p) => `node ${objectKey(node)}: ${p}`),
      );
    }
    expect(problems).toEqual([]);
    // The kinds of content this test is for were really there (so the comparison covered them).
    const cachedDb = informers.pods.get(`${ns.name}/db-0`);
    expect(cachedDb?.spec?.volumes?.filter((v) => v.persistentVolumeClaim)).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } },
    ]);
    expect(cachedDb?.metadata?.ownerReferences?.[0]?.kind).toBe('StatefulSet');
    expect(cachedDb?.spec?.priorityClassName).toBe(PRIORITY_CLASS);
    expect(
      informers.pods
        .get(`${ns.name}/bare`)
        ?.spec?.volumes?.filter((v) => v.emptyDir ?? v.hostPath)
        .map((v) => v.name),
    ).toEqual(['scratch', 'host']);
    const web = pods.find((p) => p.metadata?.labels?.app === 'web' && p.status?.phase === 'Running');
    const cachedWeb = informers.pods.get(objectKey(web!));
    expect(cachedWeb?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION]).toBeUndefined();
    expect(cachedWeb?.spec?.initContainers?.map((c) => c.restartPolicy)).toEqual([undefined, 'Always']);
    expect(nodes.length).toBeGreaterThan(0);

    // The informer's list pages have managedFields cut from the API server's text before parsing
    // (strip-managed-fields.ts): the rest of every real pod is intact, so its record is the decoded pod's.
    expect(pods.every((p) => (p.metadata?.managedFields?.length ?? 0) > 0)).toBe(true);
    const page = await wireListPage<k8s.V1Pod>(kc, `/api/v1/namespaces/${ns.name}/pods`)({}, {});
    expect(page.items.map(objectKey).sort()).toEqual(pods.map(objectKey).sort());
    for (const item of page.items) {
      expect(item.metadata).not.toHaveProperty('managedFields');
      const decoded = pods.find((p) => objectKey(p) === objectKey(item))!;
      if (decoded.metadata?.resourceVersion !== item.metadata?.resourceVersion) continue; // changed in between
      expect(sortedJson(leanPod(item, new Interner()))).toBe(sortedJson(leanPod(decoded, new Interner())));
    }
  } finally {
    stop.abort();
    await Promise.all(running);
    await ns.remove();
  }
});

/** JSON with every object's keys sorted: the wire and the client's decoder order keys differently. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
  );
}
