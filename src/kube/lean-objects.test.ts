import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { leanRecordProblems } from '../testing/lean-check.js';
import { NODE_READERS, POD_READERS, type Reader } from '../testing/lean-readers.js';
import { Interner } from './interner.js';
import { leanNode } from './lean-node.js';
import { LAST_APPLIED_ANNOTATION, leanPod, type LeanPod } from './lean-pod.js';

/** A pod as the API server returns it for a Deployment replica, decoded as the informers decode it. */
function fullPod(name: string, overrides: Record<string, unknown> = {}): V1Pod {
  const raw = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: 'web-5d8f-',
      namespace: 'shop',
      uid: `uid-${name}`,
      resourceVersion: '4711',
      creationTimestamp: '2026-12-05T08:00:00Z',
      labels: { app: 'web', 'pod-template-hash': '5d8f' },
      annotations: { 'fulcrum.io/network-request': '200M', [LAST_APPLIED_ANNOTATION]: '{"huge":true}' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-5d8f',
          uid: 'rs-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update' }],
    },
    spec: {
      nodeName: 'node-1',
      schedulerName: 'fulcrum',
      priority: 1000,
      priorityClassName: 'high',
      nodeSelector: { disk: 'ssd' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
          },
        },
      },
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
      initContainers: [
        { name: 'setup', image: 'busybox', resources: { requests: { cpu: '500m' } } },
        {
          name: 'proxy',
          image: 'envoy',
          restartPolicy: 'Always',
          resources: { requests: { cpu: '100m', memory: '64Mi' } },
        },
      ],
      containers: [
        {
          name: 'app',
          image: 'registry/web:1.2.3',
          env: [{ name: 'A', value: 'b' }],
          ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '256Mi' } },
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data-web' } },
        { name: 'scratch', emptyDir: {} },
        { name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
      ],
      serviceAccountName: 'default',
    },
    status: {
      phase: 'Running',
      qosClass: 'Burstable',
      startTime: '2026-12-05T08:00:01Z',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-12-05T08:00:00Z' },
        { type: 'Ready', status: 'True', lastTransitionTime: '2026-12-05T08:00:02Z' },
      ],
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 0, image: 'web', imageID: 'sha', started: true },
      ],
      podIP: '10.0.0.1',
    },
    ...overrides,
  };
  return ObjectSerializer.deserialize(raw, 'V1Pod') as V1Pod;
}

function fullNode(name: string): V1Node {
  const raw = {
    metadata: {
      name,
      uid: `uid-${name}`,
      resourceVersion: '99',
      labels: { 'kubernetes.io/hostname': name, 'fulcrum.io/pool': 'general' },
      annotations: { 'fulcrum.io/network-capacity': '10G', 'fulcrum.io/probe-address': '127.0.1.7:18080' },
    },
    spec: {
      taints: [{ key: 'fulcrum.io/hot', effect: 'PreferNoSchedule', timeAdded: '2026-12-05T08:00:00Z' }],
    },
    status: {
      allocatable: { cpu: '8', memory: '32Gi', 'ephemeral-storage': '100Gi', pods: '110' },
      capacity: { cpu: '8', memory: '32Gi', 'ephemeral-storage': '100Gi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'ok',
          lastHeartbeatTime: '2026-12-05T08:01:00Z',
          lastTransitionTime: '2026-12-05T08:00:00Z',
        },
      ],
      addresses: [{ type: 'InternalIP', address: '127.0.1.7' }],
      images: [{ names: ['registry/web:1.2.3'], sizeBytes: 1000 }],
      nodeInfo: {
        kubeletVersion: 'v1.34.0',
        architecture: 'amd64',
        bootID: 'x',
        containerRuntimeVersion: 'c',
        kernelVersion: 'k',
        kubeProxyVersion: 'k',
        machineID: 'm',
        operatingSystem: 'linux',
        osImage: 'o',
        systemUUID: 's',
      },
    },
  };
  return ObjectSerializer.deserialize(raw, 'V1Node') as V1Node;
}

describe('lean pod records', () => {
  test('every reader gives the same answer on the lean record, and every field it reads is kept', () => {
    const pending = fullPod('pending', {
      spec: { ...fullPod('x').spec, nodeName: undefined, schedulingGates: [{ name: 'wait' }] },
      status: {
        phase: 'Pending',
        nominatedNodeName: 'node-2',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes' },
        ],
      },
    });
    for (const pod of [
      fullPod('web-1'),
      pending,
      fullPod('bare', { metadata: { name: 'bare', namespace: 'x' } }),
    ]) {
      expect(leanRecordProblems(pod, leanPod(pod, new Interner()), POD_READERS)).toEqual([]);
    }
  });

  test('the check fails when a reader reads a field the record drops (the test can fail)', () => {
    const pod = fullPod('web-1');
    const readsImage: Reader<LeanPod> = {
      name: 'reads an image',
      read: (p) => (p as V1Pod).spec?.containers[0]?.image,
    };
    expect(leanRecordProblems(pod, leanPod(pod, new Interner()), [readsImage])).not.toEqual([]);
  });

  test('keeps identity, owners, scheduling constraints, requests, PVC and emptyDir volumes; drops the rest', () => {
    const lean = leanPod(fullPod('web-1'), new Interner());
    expect(lean.kind).toBe('Pod');
    expect(lean.metadata?.annotations).toEqual({ 'fulcrum.io/network-request': '200M' });
    expect(lean.metadata?.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'rs-1', controller: true },
    ]);
    expect(lean.metadata?.managedFields).toBeUndefined();
    expect(lean.metadata?.creationTimestamp).toEqual(new Date('2026-12-05T08:00:00Z'));
    expect(lean.spec?.priorityClassName).toBe('high');
    expect(lean.spec?.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web' } },
      { name: 'scratch', emptyDir: {} },
      { name: 'kube-api-access' },
    ]);
    expect(lean.spec?.containers).toEqual([
      {
        name: 'app',
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '256Mi' } },
        ports: [{ containerPort: 9090, hostPort: 9090 }],
      },
    ]);
    expect(lean.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ]);
    expect(JSON.stringify(lean)).not.toMatch(/registry|env|projected|containerStatuses|podIP|serviceAccount/);
  });

  test('replicas share one frozen copy of their repeated parts; unique identity is their own', () => {
    const interner = new Interner();
    const a = leanPod(fullPod('web-1'), interner);
    const b = leanPod(fullPod('web-2'), interner);
    expect(b.metadata?.labels).toBe(a.metadata?.labels);
    expect(b.metadata?.ownerReferences).toBe(a.metadata?.ownerReferences);
    expect(b.spec?.containers).toBe(a.spec?.containers);
    expect(b.spec?.tolerations).toBe(a.spec?.tolerations);
    expect(b.status?.conditions).toBe(a.status?.conditions);
    expect(b.metadata?.uid).not.toBe(a.metadata?.uid);
    expect(() => {
      (a.metadata!.labels as Record<string, string>).app = 'changed';
    }).toThrow(TypeError);
    expect(b.metadata?.labels?.app).toBe('web');
  });
});

describe('lean pod records from wire JSON (as the pod informer receives them)', () => {
  /** `pod` as the API server sends it: timestamps as text, no members left undefined. */
  const wire = (pod: V1Pod): V1Pod => JSON.parse(JSON.stringify(ObjectSerializer.serialize(pod, 'V1Pod')));

  test('equal to the record built from the decoded pod, timestamps as Dates', () => {
    const pod = fullPod('ending', {
      metadata: { ...fullPod('x').metadata, deletionTimestamp: '2026-12-05T09:00:00Z' },
      spec: {
        ...fullPod('x').spec,
        volumes: [
          {
            name: 'scratch',
            ephemeral: {
              volumeClaimTemplate: {
                metadata: { creationTimestamp: '2026-12-05T08:00:00Z', labels: { a: 'b' } },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
              },
            },
          },
          { name: 'cache', emptyDir: {} },
        ],
      },
      status: { phase: 'Running', startTime: '2026-12-05T08:00:01Z', conditions: [] },
    });
    const raw = wire(pod);
    expect(typeof raw.metadata?.creationTimestamp).toBe('string');
    const fromWire = leanPod(raw, new Interner());
    expect(fromWire).toEqual(leanPod(pod, new Interner()));
    expect(fromWire.metadata?.creationTimestamp).toEqual(new Date('2026-12-05T08:00:00Z'));
    expect(fromWire.metadata?.deletionTimestamp).toEqual(new Date('2026-12-05T09:00:00Z'));
    expect(fromWire.status).not.toHaveProperty('startTime');
    expect(fromWire.spec?.volumes?.[0]?.ephemeral?.volumeClaimTemplate?.metadata?.creationTimestamp).toEqual(
      new Date('2026-12-05T08:00:00Z'),
    );
    expect(leanRecordProblems(pod, fromWire, POD_READERS)).toEqual([]);
  });
});

describe('lean node records', () => {
  test('every reader gives the same answer on the lean record, and every field it reads is kept', () => {
    const node = fullNode('node-1');
    expect(leanRecordProblems(node, leanNode(node, new Interner()), NODE_READERS)).toEqual([]);
  });

  test('drops images, system info and heartbeat times; keeps taints whole', () => {
    const lean = leanNode(fullNode('node-1'), new Interner());
    expect(JSON.stringify(lean)).not.toMatch(/images|nodeInfo|lastHeartbeatTime/);
    expect(lean.spec?.taints?.[0]?.timeAdded).toEqual(new Date('2026-12-05T08:00:00Z'));
    expect(lean.status?.addresses).toEqual([{ type: 'InternalIP', address: '127.0.1.7' }]);
  });
});

describe('Interner', () => {
  test('bounded: a full table starts again, and values already handed out stay valid', () => {
    const interner = new Interner(2);
    const first = interner.shared({ a: '1' });
    interner.shared({ b: '2' });
    interner.shared({ c: '3' });
    expect(interner.size.values).toBeLessThanOrEqual(2);
    expect(first).toEqual({ a: '1' });
    expect(interner.string('x')).toBe('x');
  });
});
