import type { V1Pod } from '@kubernetes/client-node';
import { pod } from '../testing/builders.js';
import { podTraits, qosClass } from './pod-traits.js';

function owned(p: V1Pod, kind: string, name: string): V1Pod {
  p.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind, name, uid: 'u', controller: true }];
  return p;
}

describe('podTraits', () => {
  it.each([
    [
      'a ReplicaSet pod',
      owned(pod('web-1', 'shop').obj(), 'ReplicaSet', 'web-5d8f'),
      true,
      'ReplicaSet/shop/web-5d8f',
      undefined,
    ],
    [
      'a StatefulSet pod',
      owned(pod('db-0', 'shop').obj(), 'StatefulSet', 'db'),
      true,
      'StatefulSet/shop/db',
      undefined,
    ],
    ['a bare pod', pod('lonely', 'shop').obj(), false, undefined, 'BarePod'],
    [
      'a DaemonSet pod',
      owned(pod('agent-x', 'kube-system').obj(), 'DaemonSet', 'agent'),
      false,
      'DaemonSet/kube-system/agent',
      'DaemonSet',
    ],
    [
      'a mirror pod',
      owned(pod('etcd-n1', 'kube-system').annotate('kubernetes.io/config.mirror', 'abc').obj(), 'Node', 'n1'),
      false,
      'Node/kube-system/n1',
      'MirrorPod',
    ],
  ])('%s: relocatable %s', (_, p, relocatable, workload, reason) => {
    const traits = podTraits(p);
    expect(traits).toMatchObject({ relocatable, workload });
    expect(traits.reason).toBe(reason);
  });
});

describe('qosClass', () => {
  it('uses status.qosClass when the API server set it', () => {
    const p = pod('a').obj();
    p.status!.qosClass = 'Guaranteed';
    expect(qosClass(p)).toBe('Guaranteed');
  });

  it.each([
    ['no requests or limits', {}, {}, 'BestEffort'],
    ['requests only', { cpu: '100m' }, {}, 'Burstable'],
    ['limits equal to requests', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' }, 'Guaranteed'],
    ['limits only (requests default to them)', {}, { cpu: '1', memory: '1Gi' }, 'Guaranteed'],
    ['memory limit missing', { cpu: '1', memory: '1Gi' }, { cpu: '1' }, 'Burstable'],
  ])('computes %s as %s', (_, requests, limits, want) => {
    const p = pod('a').obj();
    p.spec!.containers[0]!.resources = { requests, limits };
    expect(qosClass(p)).toBe(want);
  });
});
