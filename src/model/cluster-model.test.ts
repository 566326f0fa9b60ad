import fc from 'fast-check';
import { node, pod } from '../testing/builders.js';
import { ClusterModel } from './cluster-model.js';
import { nodeInfoFromNode } from './node-info.js';
import { podInfoFromPod, type PodInfo } from './pod-info.js';
import { sumResources, zeroResources } from './resources.js';

describe('ClusterModel', () => {
  it('sums the requests of pods bound to a node', () => {
    const model = new ClusterModel();
    model.upsertNode(nodeInfoFromNode(node('n1').obj()));
    model.upsertPod(podInfoFromPod(pod('a').requests({ cpu: '500m', memory: '1Gi' }).onNode('n1').obj()));
    model.upsertPod(podInfoFromPod(pod('b').requests({ cpu: '1', memory: '512Mi' }).onNode('n1').obj()));
    model.upsertPod(podInfoFromPod(pod('pending').requests({ cpu: '4' }).obj()));
    expect(model.requested('n1')).toMatchObject({ cpu: 1500, memory: 1.5 * 2 ** 30, pods: 2 });
    expect([...model.podsOn('n1')].sort()).toEqual(['default/a', 'default/b']);
  });

  it('stops counting a pod that finished or moved', () => {
    const model = new ClusterModel();
    model.upsertPod(podInfoFromPod(pod('a').requests({ cpu: '1' }).onNode('n1').obj()));
    model.upsertPod(podInfoFromPod(pod('a').requests({ cpu: '1' }).onNode('n1').phase('Succeeded').obj()));
    expect(model.requested('n1')).toEqual(zeroResources());
    model.upsertPod(podInfoFromPod(pod('b').requests({ cpu: '1' }).onNode('n1').obj()));
    model.upsertPod(podInfoFromPod(pod('b').requests({ cpu: '1' }).onNode('n2').obj()));
    expect(model.requested('n1').cpu).toBe(0);
    expect(model.requested('n2').cpu).toBe(1000);
  });

  // The invariant every decision relies on: incremental aggregates equal a full recount.
  it('keeps per-node aggregates equal to a recount after any event sequence', () => {
    const podArb = fc.record({
      name: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      nodeName: fc.constantFrom(undefined, 'n1', 'n2', 'n3'),
      cpu: fc.integer({ min: 0, max: 4000 }),
      memory: fc.integer({ min: 0, max: 1 << 20 }),
      phase: fc.constantFrom('Pending', 'Running', 'Succeeded', 'Failed'),
    });
    const eventArb = fc.oneof(
      podArb.map((p) => ({ kind: 'upsert' as const, p })),
      fc.constantFrom('a', 'b', 'c', 'd', 'e').map((name) => ({ kind: 'delete' as const, name })),
    );
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        const model = new ClusterModel();
        for (const e of events) {
          if (e.kind === 'delete') {
            model.deletePod(`default/${e.name}`);
            continue;
          }
          const builder = pod(e.p.name).requests({ cpu: `${e.p.cpu}m`, memory: String(e.p.memory) });
          if (e.p.nodeName) builder.onNode(e.p.nodeName);
          model.upsertPod(podInfoFromPod(builder.phase(e.p.phase).obj()));
        }
        for (const n of ['n1', 'n2', 'n3']) {
          const live = [...model.allPods()].filter(
            (p: PodInfo) => p.nodeName === n && p.phase !== 'Succeeded' && p.phase !== 'Failed',
          );
          expect(model.requested(n)).toEqual(sumResources(live.map((p) => p.requests)));
        }
      }),
    );
  });
});

describe('effective pod requests', () => {
  const cases = [
    {
      name: 'sums app containers',
      build: () => pod('p').requests({ cpu: '100m' }).container('b', { cpu: '200m' }),
      wantCpu: 300,
    },
    {
      name: 'an init container larger than the apps dominates',
      build: () => pod('p').requests({ cpu: '100m' }).initContainer('i', { cpu: '2' }),
      wantCpu: 2000,
    },
    {
      name: 'sidecars add to the apps',
      build: () => pod('p').requests({ cpu: '100m' }).initContainer('s', { cpu: '50m' }, true),
      wantCpu: 150,
    },
    {
      name: 'an init container runs beside the sidecars before it',
      build: () =>
        pod('p')
          .requests({ cpu: '100m' })
          .initContainer('s', { cpu: '50m' }, true)
          .initContainer('i', { cpu: '1' }),
      wantCpu: 1050,
    },
  ];
  it.each(cases)('$name', ({ build, wantCpu }) => {
    expect(podInfoFromPod(build().obj()).requests.cpu).toBe(wantCpu);
  });

  it('reads the network request annotation and ignores a malformed one', () => {
    expect(
      podInfoFromPod(pod('p').annotate('fulcrum.io/network-request', '200M').obj()).requests.network,
    ).toBe(200e6);
    expect(
      podInfoFromPod(pod('p').annotate('fulcrum.io/network-request', 'lots').obj()).requests.network,
    ).toBe(0);
  });
});
