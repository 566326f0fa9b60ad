import type { V1OwnerReference, V1Pod, V1Volume } from '@kubernetes/client-node';
import { EvictionSchema, type Eviction } from '../api/index.js';
import { podInfoFromPod } from '../model/pod-info.js';
import { pod } from '../testing/builders.js';
import { evictionProtection, type ProtectionReason } from './evictability.js';

const OPERATOR = { namespace: 'fulcrum-system' };
const DEFAULTS: Eviction = EvictionSchema.parse({});

const owner = (kind: string): V1OwnerReference => ({
  apiVersion: 'apps/v1',
  kind,
  name: 'w',
  uid: 'u',
  controller: true,
});

/** A pod `shop/web` owned by a ReplicaSet, changed by `edit`. */
function podWith(edit: (p: V1Pod) => void = () => undefined, namespace = 'shop'): V1Pod {
  const p = pod('web', namespace).obj();
  p.metadata!.ownerReferences = [owner('ReplicaSet')];
  edit(p);
  return p;
}
const volume = (v: V1Volume) => (p: V1Pod) => {
  p.spec!.volumes = [...(p.spec!.volumes ?? []), v];
};

interface Row {
  scenario: string;
  pod: V1Pod;
  rules?: Partial<Eviction>;
  want: ProtectionReason | undefined;
  wantSetting?: string;
}

const rows: Row[] = [
  // What is never evicted by default, one row per protected class.
  { scenario: 'an ordinary ReplicaSet pod', pod: podWith(), want: undefined },
  {
    scenario: 'a StatefulSet pod without volumes',
    pod: podWith((p) => (p.metadata!.ownerReferences = [owner('StatefulSet')])),
    want: undefined,
  },
  { scenario: 'a bare pod', pod: podWith((p) => (p.metadata!.ownerReferences = [])), want: 'NoController' },
  {
    scenario: 'a pod with a non-controller owner only',
    pod: podWith((p) => (p.metadata!.ownerReferences = [{ ...owner('ConfigMap'), controller: false }])),
    want: 'NoController',
  },
  {
    scenario: 'a DaemonSet pod',
    pod: podWith((p) => (p.metadata!.ownerReferences = [owner('DaemonSet')])),
    want: 'DaemonSetPod',
  },
  {
    scenario: 'a mirror pod',
    pod: podWith((p) => (p.metadata!.annotations!['kubernetes.io/config.mirror'] = 'x')),
    want: 'MirrorPod',
  },
  {
    scenario: "a pod in the operator's namespace",
    pod: podWith(undefined, 'fulcrum-system'),
    want: 'OperatorPod',
  },
  {
    scenario: "a pod with the operator's labels elsewhere",
    pod: podWith((p) =>
      Object.assign(p.metadata!.labels!, {
        'app.kubernetes.io/name': 'fulcrum',
        'app.kubernetes.io/component': 'operator',
      }),
    ),
    want: 'OperatorPod',
  },
  {
    scenario: 'a pod with only one of the operator labels',
    pod: podWith((p) => (p.metadata!.labels!['app.kubernetes.io/name'] = 'fulcrum')),
    want: undefined,
  },
  {
    scenario: 'a pod in kube-system',
    pod: podWith(undefined, 'kube-system'),
    want: 'SystemNamespace',
    wantSetting: 'namespaces.include',
  },
  {
    scenario: 'a system-cluster-critical pod',
    pod: podWith((p) => (p.spec!.priorityClassName = 'system-cluster-critical')),
    want: 'SystemCritical',
    wantSetting: 'evictSystemCriticalPods',
  },
  {
    scenario: 'a system-node-critical pod',
    pod: podWith((p) => (p.spec!.priorityClassName = 'system-node-critical')),
    want: 'SystemCritical',
  },
  {
    scenario: 'a pod of priority 2000000000',
    pod: podWith((p) => (p.spec!.priority = 2_000_000_000)),
    want: 'SystemCritical',
  },
  {
    scenario: 'a pod of priority 1999999999',
    pod: podWith((p) => (p.spec!.priority = 1_999_999_999)),
    want: undefined,
  },
  {
    scenario: 'a pod with an emptyDir',
    pod: podWith(volume({ name: 'scratch', emptyDir: {} })),
    want: 'LocalStorage',
    wantSetting: 'evictLocalStoragePods',
  },
  {
    scenario: 'a pod with a memory emptyDir (as the descheduler: any medium)',
    pod: podWith(volume({ name: 'm', emptyDir: { medium: 'Memory' } })),
    want: 'LocalStorage',
  },
  {
    scenario: 'a pod with a hostPath',
    pod: podWith(volume({ name: 'h', hostPath: { path: '/var/log' } })),
    want: 'LocalStorage',
  },
  {
    scenario: 'a pod with a configMap volume only',
    pod: podWith(volume({ name: 'c', configMap: { name: 'c' } })),
    want: undefined,
  },
  {
    scenario: 'a pod with a PVC',
    pod: podWith(volume({ name: 'd', persistentVolumeClaim: { claimName: 'data' } })),
    want: 'PersistentVolumeClaim',
    wantSetting: 'evictPvcPods',
  },
  {
    scenario: 'a pod with a generic ephemeral volume',
    pod: podWith(volume({ name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } })),
    want: 'PersistentVolumeClaim',
  },
  // Opt-ins, one row per class.
  {
    scenario: 'system-critical with evictSystemCriticalPods',
    pod: podWith((p) => (p.spec!.priorityClassName = 'system-node-critical')),
    rules: { evictSystemCriticalPods: true },
    want: undefined,
  },
  {
    scenario: 'emptyDir with evictLocalStoragePods',
    pod: podWith(volume({ name: 's', emptyDir: {} })),
    rules: { evictLocalStoragePods: true },
    want: undefined,
  },
  {
    scenario: 'PVC with evictPvcPods',
    pod: podWith(volume({ name: 'd', persistentVolumeClaim: { claimName: 'data' } })),
    rules: { evictPvcPods: true },
    want: undefined,
  },
  {
    scenario: 'kube-system named in namespaces.include',
    pod: podWith(undefined, 'kube-system'),
    rules: { namespaces: { include: ['kube-system'] } },
    want: undefined,
  },
  {
    scenario: 'kube-system with an exclude list',
    pod: podWith(undefined, 'kube-system'),
    rules: { namespaces: { exclude: ['other'] } },
    want: 'SystemNamespace',
  },
  {
    scenario: 'each opt-in lifts only its own class: emptyDir and PVC, local storage allowed',
    pod: podWith((p) => {
      volume({ name: 's', emptyDir: {} })(p);
      volume({ name: 'd', persistentVolumeClaim: { claimName: 'x' } })(p);
    }),
    rules: { evictLocalStoragePods: true },
    want: 'PersistentVolumeClaim',
  },
  // Namespace lists.
  {
    scenario: 'a namespace in exclude',
    pod: podWith(),
    rules: { namespaces: { exclude: ['shop'] } },
    want: 'NamespaceExcluded',
  },
  {
    scenario: 'a namespace not in exclude',
    pod: podWith(),
    rules: { namespaces: { exclude: ['other'] } },
    want: undefined,
  },
  {
    scenario: 'a namespace in include',
    pod: podWith(),
    rules: { namespaces: { include: ['shop'] } },
    want: undefined,
  },
  {
    scenario: 'a namespace missing from include',
    pod: podWith(),
    rules: { namespaces: { include: ['other'] } },
    want: 'NamespaceNotIncluded',
  },
  // Opt-ins never reach what cannot move or is the operator.
  {
    scenario: 'every opt-in set: a bare pod stays',
    pod: podWith((p) => (p.metadata!.ownerReferences = [])),
    rules: { evictSystemCriticalPods: true, evictLocalStoragePods: true, evictPvcPods: true },
    want: 'NoController',
  },
  {
    scenario: "the operator's namespace in include",
    pod: podWith(undefined, 'fulcrum-system'),
    rules: { namespaces: { include: ['fulcrum-system'] } },
    want: 'OperatorPod',
  },
];

describe('evictionProtection', () => {
  it.each(rows)('$scenario: $want', ({ pod: p, rules, want, wantSetting }) => {
    const protection = evictionProtection(podInfoFromPod(p), { ...DEFAULTS, ...rules }, OPERATOR);
    expect(protection?.reason).toBe(want);
    if (wantSetting !== undefined) expect(protection?.setting).toBe(wantSetting);
  });

  it('without rules (a pool written before spec.eviction) protects exactly as the defaults do', () => {
    for (const { pod: p, rules } of rows) {
      if (rules !== undefined) continue;
      const info = podInfoFromPod(p);
      expect(evictionProtection(info, undefined, OPERATOR)).toEqual(
        evictionProtection(info, DEFAULTS, OPERATOR),
      );
    }
  });

  it("out of a cluster (no $POD_NAMESPACE) only the operator's labels mark its pods", () => {
    const inLeaseNamespace = podInfoFromPod(podWith(undefined, 'fulcrum-system'));
    expect(evictionProtection(inLeaseNamespace, DEFAULTS, {})).toBeUndefined();
    expect(evictionProtection(inLeaseNamespace, DEFAULTS, undefined)).toBeUndefined();
  });

  it('a PodInfo literal without traits is an ordinary pod; its priority alone can make it system-critical', () => {
    const base = { namespace: 'shop', labels: {}, priority: 0 };
    expect(evictionProtection(base, DEFAULTS, OPERATOR)).toBeUndefined();
    expect(evictionProtection({ ...base, priority: 2_000_000_000 }, DEFAULTS, OPERATOR)?.reason).toBe(
      'SystemCritical',
    );
  });
});
