/**
 * A preemption search on a kept snapshot reads each node's pods from the snapshot's per-node lists
 * (PoolSnapshot.podsAt), kept until the node is refreshed or accounted. Property: through any sequence of
 * pod changes — binds through `assume`, deletions and updates followed by `refresh` of their node, as the
 * scheduler controller does with the nodes its informer events touch — a search on the kept snapshot finds
 * what a search on a fresh snapshot finds.
 */
import fc from 'fast-check';
import { ClusterModel } from '../model/cluster-model.js';
import type { NodeInfo } from '../model/node-info.js';
import type { PodInfo } from '../model/pod-info.js';
import { searchPreemption, type PreemptionInput } from './preemption.js';
import { PoolSnapshot } from './snapshot.js';
import { assume } from './state.js';
import type { PlacementPool } from './framework.js';

const GI = 2 ** 30;
const NODES = 2;

function nodeInfo(n: number): NodeInfo {
  return {
    name: `n${n}`,
    labels: {},
    annotations: {},
    allocatable: { cpu: 8000, memory: 32 * GI, ephemeralStorage: 100 * GI, network: 0, pods: 110 },
    ready: true,
    unschedulable: false,
    taints: [],
  };
}

function podInfo(name: string, node: string | undefined, cpu: number, priority: number): PodInfo {
  return {
    key: `default/${name}`,
    namespace: 'default',
    name,
    uid: name,
    labels: {},
    nodeName: node,
    schedulerName: 'fulcrum',
    priority,
    phase: node ? 'Running' : 'Pending',
    requests: { cpu, memory: GI, ephemeralStorage: 0, network: 0, pods: 1 },
    creationTimestamp: 0,
    deleting: false,
  };
}

type Step =
  | { kind: 'bind'; node: number; cpu: number; priority: number }
  | { kind: 'delete'; index: number }
  | { kind: 'terminate'; index: number }
  | { kind: 'search'; cpu: number; priority: number };

// Mostly binds, so nodes fill up and searches need victims (and read the nodes' pod lists).
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('bind' as const),
      node: fc.integer({ min: 0, max: NODES - 1 }),
      cpu: fc.integer({ min: 500, max: 3000 }),
      priority: fc.integer({ min: 0, max: 3 }).map((p) => p * 100),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('terminate' as const), index: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('search' as const),
      cpu: fc.integer({ min: 3000, max: 6400 }),
      priority: fc.integer({ min: 1, max: 4 }).map((p) => p * 100),
    }),
  },
);

const INPUT: PreemptionInput = { priorityOf: (p) => p.priority, movable: () => true, maxCandidates: 3 };

describe('searchPreemption on a kept snapshot', () => {
  it('finds what a fresh snapshot finds, through binds, deletions and updates', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), (steps) => {
        const model = new ClusterModel();
        for (let n = 0; n < NODES; n++) model.upsertNode(nodeInfo(n));
        const pool: PlacementPool = {
          name: 'general',
          ceilings: { cpu: 80, memory: 85, ephemeralStorage: 75, network: 70 },
          weights: { cpu: 1, memory: 1, ephemeralStorage: 0, network: 0 },
          allocation: { strategy: 'LeastLoaded', basis: 'Requests' },
          members: Array.from({ length: NODES }, (_, n) => `n${n}`),
        };
        const base = { model, pool, now: 0 };
        const kept = PoolSnapshot.take(base);
        const bound: PodInfo[] = [];
        let serial = 0;
        for (const step of steps) {
          if (step.kind === 'bind') {
            const pod = podInfo(`p${serial++}`, undefined, step.cpu, step.priority);
            const node = `n${step.node}`;
            assume(model, pod, { node, pool: 'general' }, { snapshot: kept });
            bound.push(model.pod(pod.key) as PodInfo);
          } else if (step.kind === 'delete' || step.kind === 'terminate') {
            if (bound.length === 0) continue;
            const [pod] = bound.splice(step.index % bound.length, 1) as [PodInfo];
            if (step.kind === 'delete') model.deletePod(pod.key);
            else model.upsertPod({ ...pod, deleting: true }); // an update: the informer touches its node
            kept.refresh(base, [pod.nodeName as string]);
          } else {
            const preemptor = podInfo(`q${serial++}`, undefined, step.cpu, step.priority);
            const ctx = { ...base, podPool: 'general', pool };
            const onKept = searchPreemption(preemptor, { ...ctx, snapshot: kept }, INPUT);
            const onFresh = searchPreemption(preemptor, ctx, INPUT);
            expect(onKept).toEqual(onFresh);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
