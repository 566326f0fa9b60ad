import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { nodeInfoFromNode, type Taint } from '../model/node-info.js';
import { podInfoFromPod, type PodInfo } from '../model/pod-info.js';
import { zeroResources, type ResourceVector } from '../model/resources.js';
import { modelOf, node, placementPoolFixture, pod } from '../testing/builders.js';
import { CeilingFitFilter, NodeAffinityFilter, TaintTolerationFilter } from './filters.js';
import { fillUsed, writeSlots } from './load.js';
import { NodeReadyFilter, PoolMembershipFilter } from './node-filters.js';
import { PoolSnapshot } from './snapshot.js';
import { SUCCESS, type FilterStatus, type NodeFacts, type NodeFilterPlugin } from './framework.js';
import type { PodFilterPlugin } from './pod-plugins.js';

const pool = placementPoolFixture('general').basis('Requests').obj();

/** One node, seen both as node filters see it (facts) and as pod filters do (a snapshot, index 0). */
interface TestNode {
  facts: NodeFacts;
  snapshot: PoolSnapshot;
}

function testNode(
  n: V1Node,
  options: { used?: Partial<ResourceVector>; inPool?: boolean; failed?: boolean } = {},
): TestNode {
  const info = nodeInfoFromNode(n);
  const snapshot = PoolSnapshot.take({
    model: modelOf([n]),
    pool: { ...pool, members: [info.name] },
    now: 0,
  });
  writeSlots(snapshot.used, 0, { ...zeroResources(), ...options.used });
  const facts = { name: info.name, info, inPool: options.inPool ?? true, failed: options.failed ?? false };
  return { facts, snapshot };
}

function run(filter: NodeFilterPlugin | PodFilterPlugin, p: V1Pod, n: TestNode): FilterStatus {
  return 'filterNode' in filter
    ? filter.filterNode(n.facts, pool)
    : checkOne(filter, podInfoFromPod(p), n.snapshot);
}

/** A pod filter on node 0: passes, or its failure code with the reasons it explains. */
function checkOne(filter: PodFilterPlugin, p: PodInfo, snapshot: PoolSnapshot): FilterStatus {
  const rejected = new Uint8Array(1);
  filter.filterAll(p, snapshot, rejected, 1);
  return rejected[0] === 0 ? SUCCESS : { code: filter.failure, reasons: filter.explain(p, snapshot, 0) };
}

describe('PoolMembershipFilter', () => {
  it.each([
    { name: 'member passes', inPool: true, wantCode: 'success' },
    { name: 'non-member is unresolvable, naming the pool', inPool: false, wantCode: 'unresolvable' },
  ])('$name', ({ inPool, wantCode }) => {
    const status = run(PoolMembershipFilter, pod('p').obj(), testNode(node('n1').obj(), { inPool }));
    expect(status.code).toBe(wantCode);
    if (status.code !== 'success') expect(status.reasons).toEqual([{ code: 'NotInPool', pool: 'general' }]);
  });
});

describe('NodeReadyFilter', () => {
  it.each([
    { name: 'ready node passes', build: () => node('n1'), failed: false, wantReason: undefined },
    { name: 'not ready', build: () => node('n1').notReady(), failed: false, wantReason: 'NodeNotReady' },
    {
      name: 'cordoned',
      build: () => node('n1').unschedulable(),
      failed: false,
      wantReason: 'NodeUnschedulable',
    },
    {
      name: 'marked failed by the detector',
      build: () => node('n1'),
      failed: true,
      wantReason: 'NodeFailed',
    },
    {
      name: 'failed wins over not ready',
      build: () => node('n1').notReady(),
      failed: true,
      wantReason: 'NodeFailed',
    },
  ])('$name', ({ build, failed, wantReason }) => {
    const status = run(NodeReadyFilter, pod('p').obj(), testNode(build().obj(), { failed }));
    if (wantReason === undefined) {
      expect(status.code).toBe('success');
    } else {
      expect(status).toEqual({ code: 'unresolvable', reasons: [{ code: wantReason }] });
    }
  });
});

describe('TaintTolerationFilter', () => {
  it.each([
    { name: 'no taints', taints: [], tolerations: [], wantTaint: undefined },
    {
      name: 'untolerated NoSchedule',
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
      tolerations: [],
      wantTaint: 'dedicated',
    },
    {
      name: 'untolerated NoExecute',
      taints: [{ key: 'maintenance', effect: 'NoExecute' }],
      tolerations: [],
      wantTaint: 'maintenance',
    },
    {
      name: 'PreferNoSchedule only scores',
      taints: [{ key: 'fulcrum.io/hot', effect: 'PreferNoSchedule' }],
      tolerations: [],
      wantTaint: undefined,
    },
    {
      name: 'Equal toleration with the same value',
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      wantTaint: undefined,
    },
    {
      name: 'Equal toleration with another value',
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
      tolerations: [{ key: 'dedicated', value: 'db' }],
      wantTaint: 'dedicated',
    },
    {
      name: 'Exists on the key, any effect',
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }],
      tolerations: [{ key: 'dedicated', operator: 'Exists' }],
      wantTaint: undefined,
    },
    {
      name: 'toleration for another effect',
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }],
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
      wantTaint: 'dedicated',
    },
    {
      name: 'empty key with Exists tolerates everything',
      taints: [
        { key: 'a', effect: 'NoSchedule' },
        { key: 'b', value: 'x', effect: 'NoExecute' },
      ],
      tolerations: [{ operator: 'Exists' }],
      wantTaint: undefined,
    },
    {
      name: 'reports the first untolerated of several',
      taints: [
        { key: 'a', effect: 'NoSchedule' },
        { key: 'b', effect: 'NoSchedule' },
      ],
      tolerations: [{ key: 'a', operator: 'Exists' }],
      wantTaint: 'b',
    },
  ])('$name', ({ taints, tolerations, wantTaint }) => {
    const n = node('n1');
    for (const t of taints as Taint[]) n.taint(t.key, t.effect as 'NoSchedule', t.value);
    const p = pod('p');
    for (const t of tolerations) p.tolerate(t);
    const status = run(TaintTolerationFilter, p.obj(), testNode(n.obj()));
    if (wantTaint === undefined) {
      expect(status.code).toBe('success');
    } else {
      expect(status.code).toBe('unresolvable');
      expect(status.code !== 'success' && status.reasons[0]).toMatchObject({
        code: 'UntoleratedTaint',
        taint: { key: wantTaint },
      });
    }
  });
});

describe('NodeAffinityFilter', () => {
  const labelled = node('n1').label('zone', 'a').label('disk', 'ssd').label('cores', '16').obj();
  it.each([
    { name: 'no constraints', build: () => pod('p'), wantReason: undefined },
    {
      name: 'nodeSelector matches',
      build: () => pod('p').nodeSelector({ zone: 'a' }),
      wantReason: undefined,
    },
    {
      name: 'nodeSelector value differs',
      build: () => pod('p').nodeSelector({ zone: 'b' }),
      wantReason: 'NodeSelectorMismatch',
    },
    {
      name: 'nodeSelector label missing',
      build: () => pod('p').nodeSelector({ gpu: 'true' }),
      wantReason: 'NodeSelectorMismatch',
    },
    {
      name: 'In',
      build: () =>
        pod('p').requireNodeAffinity({
          matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }],
        }),
      wantReason: undefined,
    },
    {
      name: 'NotIn excludes',
      build: () =>
        pod('p').requireNodeAffinity({
          matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }],
        }),
      wantReason: 'NodeAffinityMismatch',
    },
    {
      name: 'NotIn on a missing label holds',
      build: () =>
        pod('p').requireNodeAffinity({
          matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['x'] }],
        }),
      wantReason: undefined,
    },
    {
      name: 'Exists',
      build: () => pod('p').requireNodeAffinity({ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }),
      wantReason: undefined,
    },
    {
      name: 'DoesNotExist',
      build: () =>
        pod('p').requireNodeAffinity({ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }),
      wantReason: 'NodeAffinityMismatch',
    },
    {
      name: 'Gt compares integers',
      build: () =>
        pod('p').requireNodeAffinity({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }),
      wantReason: undefined,
    },
    {
      name: 'Lt compares integers',
      build: () =>
        pod('p').requireNodeAffinity({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['8'] }] }),
      wantReason: 'NodeAffinityMismatch',
    },
    {
      name: 'Gt on a non-integer label fails',
      build: () =>
        pod('p').requireNodeAffinity({ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }),
      wantReason: 'NodeAffinityMismatch',
    },
    {
      name: 'requirements in a term are ANDed',
      build: () =>
        pod('p').requireNodeAffinity({
          matchExpressions: [
            { key: 'zone', operator: 'In', values: ['a'] },
            { key: 'disk', operator: 'In', values: ['hdd'] },
          ],
        }),
      wantReason: 'NodeAffinityMismatch',
    },
    {
      name: 'terms are ORed',
      build: () =>
        pod('p')
          .requireNodeAffinity({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] })
          .requireNodeAffinity({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }),
      wantReason: undefined,
    },
    {
      name: 'an empty term matches nothing',
      build: () => pod('p').requireNodeAffinity({}),
      wantReason: 'NodeAffinityMismatch',
    },
    {
      name: 'matchFields on metadata.name',
      build: () =>
        pod('p').requireNodeAffinity({
          matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }],
        }),
      wantReason: undefined,
    },
    {
      name: 'selector is checked before affinity',
      build: () =>
        pod('p')
          .nodeSelector({ zone: 'b' })
          .requireNodeAffinity({ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }),
      wantReason: 'NodeSelectorMismatch',
    },
  ])('$name', ({ build, wantReason }) => {
    const status = run(NodeAffinityFilter, build().obj(), testNode(labelled));
    if (wantReason === undefined) {
      expect(status.code).toBe('success');
    } else {
      expect(status).toEqual({ code: 'unresolvable', reasons: [{ code: wantReason }] });
    }
  });
});

describe('CeilingFitFilter', () => {
  const GI = 2 ** 30;
  // 8 cores, 32Gi, 100Gi disk, 110 pods; 10G network when annotated.
  const plain = node('n1').obj();
  const networked = node('n1').annotate('fulcrum.io/network-capacity', '10G').obj();
  it.each([
    {
      name: 'fits below every ceiling',
      n: plain,
      used: { cpu: 4000, memory: 8 * GI, pods: 10 },
      requests: { cpu: '1', memory: '1Gi' },
      wantReasons: [],
    },
    {
      name: 'landing exactly on the ceiling fits (6400m of 8 cores = 80%)',
      n: plain,
      used: { cpu: 6000 },
      requests: { cpu: '400m' },
      wantReasons: [],
    },
    {
      name: 'one millicore over the cpu ceiling',
      n: plain,
      used: { cpu: 6000 },
      requests: { cpu: '401m' },
      wantReasons: [
        {
          code: 'OverCeiling',
          resource: 'cpu',
          requested: 401,
          used: 6000,
          allocatable: 8000,
          ceilingPercent: 80,
        },
      ],
    },
    {
      name: 'every resource over is reported',
      n: plain,
      used: { cpu: 7000, memory: 28 * GI },
      requests: { cpu: '1', memory: '1Gi' },
      wantReasons: [
        { code: 'OverCeiling', resource: 'cpu' },
        { code: 'OverCeiling', resource: 'memory', ceilingPercent: 85 },
      ],
    },
    {
      name: 'ephemeral storage ceiling 75%',
      n: plain,
      used: { ephemeralStorage: 70 * GI },
      requests: { 'ephemeral-storage': '6Gi' },
      wantReasons: [{ code: 'OverCeiling', resource: 'ephemeralStorage', ceilingPercent: 75 }],
    },
    {
      name: 'zero request fits even over the ceiling',
      n: plain,
      used: { cpu: 9000 },
      requests: {},
      wantReasons: [],
    },
    {
      name: 'network request on a node without network capacity',
      n: plain,
      used: {},
      requests: {},
      network: '1M',
      wantReasons: [{ code: 'NoCapacity', resource: 'network', requested: 1e6 }],
    },
    {
      name: 'network ceiling 70%',
      n: networked,
      used: { network: 6.5e9 },
      network: '600M',
      requests: {},
      wantReasons: [{ code: 'OverCeiling', resource: 'network', ceilingPercent: 70 }],
    },
    {
      name: 'pods at allocatable',
      n: plain,
      used: { pods: 110 },
      requests: {},
      wantReasons: [{ code: 'TooManyPods', used: 110, allocatable: 110 }],
    },
  ])('$name', ({ n, used, requests, network, wantReasons }) => {
    const p = pod('p').requests(requests as Record<string, string>);
    if (network) p.annotate('fulcrum.io/network-request', network);
    const status = run(CeilingFitFilter, p.obj(), testNode(n, { used }));
    if (wantReasons.length === 0) {
      expect(status.code).toBe('success');
    } else {
      expect(status.code).toBe('unschedulable');
      expect(status.code !== 'success' && status.reasons).toMatchObject(wantReasons);
    }
  });
});

describe('fillUsed (the pool basis)', () => {
  const requested = { cpu: 3000, memory: 100, ephemeralStorage: 10, network: 5, pods: 7 };
  const measured = { cpu: 1000, memory: 400, ephemeralStorage: 0, network: 50, pods: 0 };
  const assumed = { cpu: 500, memory: 0, ephemeralStorage: 0, network: 0, pods: 1 };
  it.each([
    { name: 'Requests ignores usage', basis: 'Requests', m: measured, a: assumed, want: requested },
    {
      name: 'Usage: measured plus assumed, pods from requests',
      basis: 'Usage',
      m: measured,
      a: assumed,
      want: { cpu: 1500, memory: 400, ephemeralStorage: 0, network: 50, pods: 7 },
    },
    {
      name: 'Usage without a measurement falls back to requests',
      basis: 'Usage',
      m: undefined,
      a: assumed,
      want: requested,
    },
    {
      name: 'Max: the larger per resource',
      basis: 'Max',
      m: measured,
      a: undefined,
      want: { cpu: 3000, memory: 400, ephemeralStorage: 10, network: 50, pods: 7 },
    },
  ] as const)('$name', ({ basis, m, a, want }) => {
    const out = zeroResources();
    fillUsed(out, basis, requested, m, a);
    expect(out).toEqual(want);
  });
});
