import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { node, pod } from '../testing/builders.js';
import { clusterSnapshotFromObjects, type ClusterSnapshot } from './cluster-snapshot.js';
import { readManifests, type SourcedObject } from './manifests.js';
import type { PodOutcome, SimulationReport } from './outcome.js';
import { pendingPodsFromObjects, type PendingPod } from './pending-pods.js';
import { simulate } from './simulate.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');

function fixture(name: string): SourcedObject[] {
  return readManifests(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8'), name);
}

function run(cluster = fixture('cluster.yaml'), pending = fixture('pending.yaml')): SimulationReport {
  return simulate({
    cluster: clusterSnapshotFromObjects(cluster),
    pending: pendingPodsFromObjects(pending),
    now: NOW,
  });
}

/** The fields a reader checks first, whatever the result. */
function brief(outcome: PodOutcome): Record<string, unknown> {
  if (outcome.result === 'Unschedulable') {
    return { pod: outcome.pod, result: outcome.result, status: outcome.status, reason: outcome.reason };
  }
  const victims = outcome.result === 'Preempts' ? outcome.victims.map((v) => v.pod) : undefined;
  return { pod: outcome.pod, result: outcome.result, node: outcome.node, ...(victims ? { victims } : {}) };
}

describe('simulate on the fixture cluster (testdata/cluster.yaml + pending.yaml)', () => {
  const report = run();

  test('places every pending pod in priority order, then oldest first, with the reason for each', () => {
    expect(report.pods.map(brief)).toEqual([
      // 1000 (PriorityClass critical-web): general is full to its 80% cpu ceiling, filler-a (10) makes room.
      { pod: 'shop/big', result: 'Preempts', node: 'n1', victims: ['shop/filler-a'] },
      // 1000 again: the filler PDB (maxUnavailable 1) was spent on big, and big itself is not lower priority.
      {
        pod: 'shop/big2',
        result: 'Unschedulable',
        status: 'unschedulable',
        reason: '0/5 nodes are available: 3 not in pool general, 2 over cpu ceiling 80%.',
      },
      // 900 (WorkloadPolicy web): LeastLoaded, n1 and n2 tie at 75% cpu, the smaller name wins; then n2.
      { pod: 'shop/web-0', result: 'Placed', node: 'n1' },
      { pod: 'shop/web-1', result: 'Placed', node: 'n2' },
      // 100 (WorkloadPolicy crunch): BinPack fills b1 first.
      { pod: 'shop/crunch-0', result: 'Placed', node: 'b1' },
      { pod: 'shop/crunch-1', result: 'Placed', node: 'b1' },
      // 0: the snapshot's own pending pod is older than the given one; b1 would cross 80% cpu.
      { pod: 'shop/queued', result: 'Placed', node: 'b2' },
      {
        pod: 'default/nowhere',
        result: 'Unschedulable',
        status: 'unresolvable',
        reason: 'pod names pool missing, which does not exist or is not valid',
      },
    ]);
  });

  test('reports where each pod came from, its priority, and the strategy figures of the chosen node', () => {
    const web0 = report.pods.find((p) => p.pod === 'shop/web-0');
    // Load after placement: (cpu 3/4 × 1 + memory 1/16 × 1 + storage 0 × 0.5) / 2.5 (no network capacity).
    expect(web0).toEqual({
      pod: 'shop/web-0',
      from: 'Deployment shop/web',
      priority: 900,
      pool: 'general',
      result: 'Placed',
      node: 'n1',
      strategy: 'LeastLoaded',
      basis: 'Requests',
      score: 67.5,
      load: 32.5,
      feasibleNodes: 2,
    });
    expect(report.pods.find((p) => p.pod === 'shop/queued')?.from).toBe('cluster');
    expect(report.pods.find((p) => p.pod === 'shop/big')).toMatchObject({
      priority: 1000,
      victims: [{ pod: 'shop/filler-a', priority: 10 }],
    });
  });

  test('forecasts each pool as its status would read before and after', () => {
    const general = report.pools.find((p) => p.name === 'general');
    expect(general).toMatchObject({ nodes: 2, readyNodes: 2, placed: 3, evicted: 1 });
    // 4 of 8 CPU before; after: -2 (filler-a) +2 (big) +2 (web-0, web-1).
    expect(general?.resources.cpu).toEqual({
      capacity: '8',
      requestedBefore: '4',
      requestedAfter: '6',
      utilizationBefore: 50,
      utilizationAfter: 75,
      ceiling: 80,
    });
    const batch = report.pools.find((p) => p.name === 'batch');
    expect(batch?.resources.cpu).toMatchObject({ requestedAfter: '6500m', utilizationAfter: 40.6 });
  });

  test('counts outcomes and notes the assumptions', () => {
    expect(report.totals).toEqual({ pending: 8, placed: 5, preempts: 1, unschedulable: 2 });
    expect(report.notes).toEqual([
      expect.stringMatching(/^1 given pod\(s\) do not set spec.schedulerName: fulcrum \(default\/nowhere\)/),
      expect.stringMatching(/^evicted pods are not recreated/),
    ]);
  });
});

describe('simulate: invariants and edge cases', () => {
  const general = {
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'ResourcePool',
    metadata: { name: 'general' },
    spec: {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'general' } },
      allocation: { basis: 'Requests' },
    },
  };
  const sourced = (object: object, index = 0): SourcedObject => {
    const o = object as SourcedObject['object'];
    return {
      object: o,
      origin: { source: 'test', document: index + 1, kind: o.kind, name: o.metadata.name },
    };
  };
  const snapshotOf = (...objects: object[]): ClusterSnapshot =>
    clusterSnapshotFromObjects(objects.map((o, i) => sourced(o, i)));
  const pendingOf = (...pods: object[]): PendingPod[] =>
    pendingPodsFromObjects(pods.map((o, i) => sourced(o, i)));

  test('no sequence of simulated placements takes a node over a ceiling', () => {
    const nodes = ['n1', 'n2', 'n3'].map((n) => ({
      ...node(n).inPool('general').allocatable({ cpu: '4' }).obj(),
      kind: 'Node',
    }));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ cpu: fc.integer({ min: 100, max: 3000 }), priority: fc.integer({ min: 0, max: 3 }) }),
          {
            maxLength: 20,
          },
        ),
        (requests) => {
          const pods = requests.map((r, i) => ({
            ...pod(`p${i}`)
              .label('fulcrum.io/pool', 'general')
              .priority(r.priority)
              .requests({ cpu: `${r.cpu}m` })
              .obj(),
            kind: 'Pod',
          }));
          const report = simulate({
            cluster: snapshotOf(general, ...nodes),
            pending: pendingOf(...pods),
            now: NOW,
          });
          const perNode = new Map<string, number>();
          for (const outcome of report.pods) {
            if (outcome.result === 'Unschedulable') continue;
            const cpu = requests[Number(outcome.pod.slice('default/p'.length))]!.cpu;
            perNode.set(outcome.node, (perNode.get(outcome.node) ?? 0) + cpu);
            for (const victim of outcome.result === 'Preempts' ? outcome.victims : []) {
              const victimCpu = requests[Number(victim.pod.slice('default/p'.length))]!.cpu;
              perNode.set(outcome.node, (perNode.get(outcome.node) as number) - victimCpu);
            }
          }
          for (const [name, cpu] of perNode)
            expect({ name, over: cpu > 3200 }).toEqual({ name, over: false });
          expect(report.pools[0]!.resources.cpu.utilizationAfter).toBeLessThanOrEqual(80);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a given pod replaces the unbound snapshot pod of the same name', () => {
    const queued = {
      ...pod('web').label('fulcrum.io/pool', 'general').scheduler('fulcrum').obj(),
      kind: 'Pod',
    };
    const given = {
      ...pod('web').label('fulcrum.io/pool', 'nowhere').scheduler('fulcrum').obj(),
      kind: 'Pod',
    };
    const n1 = { ...node('n1').inPool('general').obj(), kind: 'Node' };
    const report = simulate({
      cluster: snapshotOf(general, n1, queued),
      pending: pendingOf(given),
      now: NOW,
    });
    expect(report.pods.map(brief)).toEqual([
      {
        pod: 'default/web',
        result: 'Unschedulable',
        status: 'unresolvable',
        reason: 'pod names pool nowhere, which does not exist or is not valid',
      },
    ]);
  });

  test('a given pod named like a bound pod is bad input, naming both', () => {
    const bound = { ...pod('web').onNode('n1').obj(), kind: 'Pod' };
    const n1 = { ...node('n1').obj(), kind: 'Node' };
    const given = { ...pod('web').obj(), kind: 'Pod' };
    expect(() => simulate({ cluster: snapshotOf(n1, bound), pending: pendingOf(given), now: NOW })).toThrow(
      'test: Pod default/web (document 1): pod default/web already exists in the cluster, bound to node n1',
    );
  });

  test('nodes fenced by failover get no pods, and the notes say so', () => {
    const fenced = {
      ...node('n1')
        .inPool('general')
        .annotate(
          'fulcrum.io/fenced-by',
          '{"pool":"general","cordoned":false,"tainted":false,"at":"2026-01-01T00:00:00Z"}',
        )
        .obj(),
      kind: 'Node',
    };
    const healthy = { ...node('n2').inPool('general').obj(), kind: 'Node' };
    const given = {
      ...pod('web').label('fulcrum.io/pool', 'general').scheduler('fulcrum').obj(),
      kind: 'Pod',
    };
    const report = simulate({
      cluster: snapshotOf(general, fenced, healthy),
      pending: pendingOf(given),
      now: NOW,
    });
    expect(report.pods.map(brief)).toEqual([{ pod: 'default/web', result: 'Placed', node: 'n2' }]);
    expect(report.notes).toContain("nodes fenced by Fulcrum's failover get no pods: n1");
  });

  test('a pool on the Usage basis is noted: a snapshot has no usage samples', () => {
    const usagePool = { ...general, spec: { ...general.spec, allocation: { basis: 'Usage' } } };
    const n1 = { ...node('n1').inPool('general').obj(), kind: 'Node' };
    const given = {
      ...pod('web').label('fulcrum.io/pool', 'general').scheduler('fulcrum').obj(),
      kind: 'Pod',
    };
    const report = simulate({ cluster: snapshotOf(usagePool, n1), pending: pendingOf(given), now: NOW });
    expect(report.notes).toEqual([expect.stringMatching(/^pool general allocates on the Usage basis/)]);
  });
});
