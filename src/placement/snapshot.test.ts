import fc from 'fast-check';
import type { ClusterModel } from '../model/cluster-model.js';
import { nodeInfoFromNode } from '../model/node-info.js';
import { podInfoFromPod } from '../model/pod-info.js';
import { modelOf, node, placementPoolFixture, pod } from '../testing/builders.js';
import { zeroResources } from '../model/resources.js';
import { PoolSnapshot } from './snapshot.js';
import { assume, forget, newPlacementState } from './state.js';
import type { PlacementPool } from './framework.js';

const NAMES = ['a', 'b', 'c', 'd'];

/** What decisions read of a snapshot, comparable with toEqual. */
function view(snapshot: PoolSnapshot) {
  return {
    zone: Array.from(snapshot.labelColumn('zone').ids, (id) => snapshot.labelColumn('zone').values[id]),
    names: snapshot.names,
    used: Array.from(snapshot.used),
    allocatable: Array.from(snapshot.allocatable),
    weights: Array.from(snapshot.weights),
    rejections: snapshot.nodeRejections.map((r) => r?.reasons[0]?.code),
    taints: snapshot.taints.map((t) => t.length),
  };
}

function setup(): { model: ClusterModel; pool: PlacementPool } {
  const model = modelOf(NAMES.map((n) => node(n).inPool('general').label('zone', 'a').obj()));
  const pool = placementPoolFixture('general').basis('Requests').members(NAMES).obj();
  return { model, pool };
}

describe('PoolSnapshot.refresh', () => {
  const eventArb = fc.oneof(
    fc
      .record({ pod: fc.integer({ min: 0, max: 9 }), node: fc.constantFrom(...NAMES), cpu: fc.nat(4000) })
      .map((e) => ({ kind: 'bindPod' as const, ...e })),
    fc.integer({ min: 0, max: 9 }).map((p) => ({ kind: 'deletePod' as const, pod: p })),
    fc
      .record({
        node: fc.constantFrom(...NAMES),
        ready: fc.boolean(),
        tainted: fc.boolean(),
        zone: fc.constantFrom(undefined, 'a', 'b'),
      })
      .map((e) => ({ kind: 'updateNode' as const, ...e })),
  );

  // The guarantees a controller keeping snapshots across batches relies on.
  it('after refreshing the nodes that events touched, or retaking, equals a snapshot taken afresh', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        const { model, pool } = setup();
        const input = { model, pool, now: 0 };
        const kept = PoolSnapshot.take(input);
        kept.labelColumn('zone'); // cached before the events: refresh must keep it current
        const touched = new Set<string>();
        for (const e of events) {
          if (e.kind === 'updateNode') {
            const b = node(e.node).inPool('general');
            if (!e.ready) b.notReady();
            if (e.tainted) b.taint('dedicated', 'NoSchedule');
            if (e.zone !== undefined) b.label('zone', e.zone);
            model.upsertNode(nodeInfoFromNode(b.obj()));
            touched.add(e.node);
            continue;
          }
          const key = `default/p${e.pod}`;
          const before = model.pod(key)?.nodeName;
          if (before) touched.add(before);
          if (e.kind === 'deletePod') {
            model.deletePod(key);
          } else {
            model.upsertPod(
              podInfoFromPod(
                pod(`p${e.pod}`)
                  .requests({ cpu: `${e.cpu}m` })
                  .onNode(e.node)
                  .obj(),
              ),
            );
            touched.add(e.node);
          }
        }
        const carried = PoolSnapshot.take(input, kept); // label columns carried over, before the refresh
        expect(kept.refresh(input, touched)).toBe(true);
        const fresh = view(PoolSnapshot.take(input));
        expect(view(kept)).toEqual(fresh);
        expect(view(carried)).toEqual(fresh);
      }),
    );
  });

  it('on the Usage basis, counts pods assumed since measuring the same way refreshed or retaken', () => {
    const opArb = fc.record({
      pod: fc.integer({ min: 0, max: 5 }),
      node: fc.constantFrom(...NAMES),
      forget: fc.boolean(),
      at: fc.integer({ min: 0, max: 200 }),
    });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), fc.integer({ min: 0, max: 300 }), (ops, now) => {
        const { model } = setup();
        const pool = placementPoolFixture('general').members(NAMES).obj(); // Usage basis
        const usage = new Map(NAMES.map((n) => [n, { ...zeroResources(), cpu: 1000 }]));
        const state = newPlacementState(100);
        const input = { model, pool, now, usage, state };
        const kept = PoolSnapshot.take(input);
        const touched = new Set<string>();
        for (const op of ops) {
          const p = podInfoFromPod(pod(`p${op.pod}`).requests({ cpu: '100m' }).obj());
          const before = model.pod(p.key)?.nodeName;
          if (before) touched.add(before);
          if (op.forget) {
            forget(model, p, { state });
          } else {
            assume(model, p, { node: op.node, pool: 'general' }, { state, now: op.at });
            touched.add(op.node);
          }
        }
        expect(kept.refresh(input, touched)).toBe(true);
        expect(view(kept)).toEqual(view(PoolSnapshot.take(input)));
      }),
    );
  });

  it('refuses nodes that left the model or the pool, and another model or pool', () => {
    const { model, pool } = setup();
    const input = { model, pool, now: 0 };
    const snapshot = PoolSnapshot.take(input);
    model.deleteNode('a');
    expect(snapshot.refresh(input, ['a'])).toBe(false);
    expect(snapshot.refresh(input, ['zz'])).toBe(false);
    expect(snapshot.refresh({ ...input, pool: { ...pool } }, ['b'])).toBe(false);
    expect(snapshot.refresh(input, [])).toBe(true);
  });
});
