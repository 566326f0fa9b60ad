import fc from 'fast-check';
import { parseResourcePool, type ResourcePool } from '../api/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { podInfoFromPod } from '../model/pod-info.js';
import { assignNodesToPools } from '../model/pool-membership.js';
import type { QueuedPod } from './pending-queue.js';
import { newPlacementState } from './state.js';
import { modelOf, node, pod } from '../testing/builders.js';
import { PoolSnapshots } from './pool-snapshots.js';
import { scheduleBatch, type BatchInput } from './scheduling-batch.js';

function generalPool(strategy = 'LeastLoaded'): ResourcePool {
  const parsed = parseResourcePool({
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'ResourcePool',
    metadata: { name: 'general', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'general' } },
      allocation: { strategy, basis: 'Requests' },
    },
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function batchInput(model: ClusterModel, pool = generalPool()): BatchInput {
  const pools = new Map([[pool.metadata.name, pool]]);
  const source = {
    validPools: () => pools,
    membership: () =>
      assignNodesToPools(
        [{ name: 'general', creationTimestamp: 0, nodeSelector: pool.spec.nodeSelector }],
        model.allNodes(),
      ),
  };
  const membership = source.membership();
  return {
    model,
    now: 1000,
    state: newPlacementState(),
    snapshots: new PoolSnapshots({ validPools: source.validPools, membership: () => membership }),
    policies: { inNamespace: () => [] },
  };
}

const queued = (key: string, priority = 0): QueuedPod => ({ key, priority, creationTimestamp: 0 });

describe('scheduleBatch', () => {
  it('commits each placement so later pods of the batch see it, and never crosses a ceiling', () => {
    // Two 8-CPU nodes, 80% ceiling (6.4 CPU): four pods of 3 CPU fit (two per node), the fifth does not.
    const pending = [0, 1, 2, 3, 4].map((i) =>
      pod(`p${i}`).label('fulcrum.io/pool', 'general').requests({ cpu: '3' }).scheduler('fulcrum').obj(),
    );
    const model = modelOf([node('a').inPool('general').obj(), node('b').inPool('general').obj()], pending);
    const outcomes = scheduleBatch(
      [0, 1, 2, 3, 4].map((i) => queued(`default/p${i}`, 10 - i)),
      batchInput(model),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(['placed', 'placed', 'placed', 'placed', 'unschedulable']);
    expect(model.requested('a').cpu).toBe(6000);
    expect(model.requested('b').cpu).toBe(6000);
    const last = outcomes[4];
    expect(last?.kind === 'unschedulable' && last.decision.summary).toBe(
      '0/2 nodes are available: 2 over cpu ceiling 80%.',
    );
  });

  it('skips pods that are gone, bound or terminating by the time the batch runs', () => {
    const model = modelOf(
      [node('a').inPool('general').obj()],
      [pod('bound').onNode('a').obj(), pod('pending').label('fulcrum.io/pool', 'general').obj()],
    );
    const outcomes = scheduleBatch(
      [queued('default/gone'), queued('default/bound'), queued('default/pending')],
      batchInput(model),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(['skipped', 'skipped', 'placed']);
  });

  it('proposes lower-priority victims when the pool is full, unless a preemption is under way', () => {
    const lows = [0, 1].map((i) =>
      pod(`low${i}`)
        .label('fulcrum.io/pool', 'general')
        .requests({ cpu: '3' })
        .priority(1)
        .onNode('a')
        .ownedBy('ReplicaSet', 'low')
        .obj(),
    );
    const high = pod('high').label('fulcrum.io/pool', 'general').requests({ cpu: '3' }).priority(100).obj();
    const model = modelOf([node('a').inPool('general').obj()], [...lows, high]);
    const input = batchInput(model);
    const budgets = { movable: () => true, pdbs: () => [], policyBudgets: () => [] };
    const [outcome] = scheduleBatch([queued('default/high', 100)], { ...input, preemption: budgets });
    expect(outcome?.kind).toBe('unschedulable');
    if (outcome?.kind !== 'unschedulable') return;
    expect(outcome.preemption?.node).toBe('a');
    expect(outcome.preemption?.victims).toHaveLength(1);
    expect(outcome.preemption?.victims[0]?.priority).toBe(1);
    const [again] = scheduleBatch([queued('default/high', 100)], {
      ...input,
      preemption: budgets,
      mayPreempt: () => false,
    });
    expect(again?.kind === 'unschedulable' && again.preemption).toBeUndefined();
  });

  it('holds back lower-priority pods of a pool while a higher-priority preemption there is under way', () => {
    const pending = [
      pod('a').label('fulcrum.io/pool', 'general').requests({ cpu: '1' }).priority(5).obj(),
      pod('b').label('fulcrum.io/pool', 'general').requests({ cpu: '1' }).obj(),
    ];
    const model = modelOf([node('n').inPool('general').obj()], pending);
    const outcomes = scheduleBatch([queued('default/a', 5), queued('default/b', 0)], {
      ...batchInput(model),
      holdBack: (pool, priority) => pool === 'general' && priority < 1,
    });
    expect(outcomes.map((o) => o.kind)).toEqual(['placed', 'held']);
    expect(model.pod('default/b')?.nodeName).toBeUndefined();
  });

  it('no batch sequence puts a node over its cpu ceiling', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 100, max: 4000 }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom('LeastLoaded', 'BinPack', 'RoundRobin'),
        fc.integer({ min: 1, max: 5 }),
        (cpus, strategy, batches) => {
          const pending = cpus.map((cpu, i) =>
            pod(`p${i}`)
              .label('fulcrum.io/pool', 'general')
              .requests({ cpu: `${cpu}m` })
              .obj(),
          );
          const model = modelOf(
            ['a', 'b', 'c'].map((n) => node(n).inPool('general').obj()),
            pending,
          );
          const input = batchInput(model, generalPool(strategy));
          const size = Math.ceil(cpus.length / batches);
          for (let start = 0; start < cpus.length; start += size) {
            const due = cpus.slice(start, start + size).map((_, j) => queued(`default/p${start + j}`));
            scheduleBatch(due, input);
          }
          for (const n of ['a', 'b', 'c']) expect(model.requested(n).cpu).toBeLessThanOrEqual(6400);
          const placed = [...model.allPods()].filter((p) => p.nodeName !== undefined).length;
          expect(placed).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('reads the pod from the model, so an update after queueing is what gets placed', () => {
    const model = modelOf([node('a').inPool('general').obj()]);
    model.upsertPod(
      podInfoFromPod(pod('p').label('fulcrum.io/pool', 'general').requests({ cpu: '7' }).obj()),
    );
    const [outcome] = scheduleBatch([queued('default/p')], batchInput(model));
    expect(outcome?.kind).toBe('unschedulable');
  });
});
