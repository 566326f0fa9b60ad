import { readFileSync } from 'node:fs';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { PLAIN } from '../terminal/terminal-style.js';
import { podInfoFromPod } from '../model/pod-info.js';
import { schedule } from '../placement/index.js';
import { clusterSnapshotFromObjects } from '../simulate/cluster-snapshot.js';
import { readManifests } from '../simulate/manifests.js';
import { SimulatedCluster } from '../simulate/simulated-cluster.js';
import { explainPod } from './explain-pod.js';
import { renderExplanation } from './explain-render.js';

const snapshot = clusterSnapshotFromObjects(
  readManifests(
    readFileSync(new URL('../status/testdata/cluster.yaml', import.meta.url), 'utf8'),
    'cluster.yaml',
  ),
);
const now = Date.parse('2026-01-01T00:00:10Z');
const podNamed = (name: string): V1Pod => snapshot.pods.find((p) => p.value.metadata?.name === name)!.value;

describe('explainPod', () => {
  it('a pod that fits nowhere: the summary and every rejected node with its reason', () => {
    const pending: V1Pod = {
      ...podNamed('web-big'),
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/4 nodes are available',
          },
        ],
      },
    };
    const e = explainPod({ snapshot, pod: pending, events: [], now });
    expect(e).toMatchObject({
      pool: 'general',
      poolFrom: 'WorkloadPolicy shop/web',
      policy: { name: 'shop/web', priority: 500, movable: true, failover: 'Reschedule' },
      priority: { effective: 500 },
      scheduling: { reason: 'Unschedulable' },
      placement: { result: 'unschedulable', feasibleNodes: 0, top: [] },
    });
    expect(e.placement.summary).toMatch(/^0\/4 nodes are available: /);
    expect(e.placement.rejected.map((r) => [r.node, r.reasons])).toEqual([
      ['n1', ['over cpu ceiling 80%']],
      ['n2', ['marked failed']],
      ['n3', ['cordoned']],
      ['n4', ['over cpu ceiling 80%']],
    ]);
    const text = renderExplanation(e, PLAIN).join('\n');
    expect(text).toContain('Placement now: fits nowhere: 0/4 nodes are available');
    expect(text).toMatch(/n2 +\S+ +marked failed/);
    expect(text).toContain('Pending:     Unschedulable: 0/4 nodes are available');
  });

  it('a pod that fits: top nodes ranked as schedule() ranks them, the hot node last', () => {
    const e = explainPod({ snapshot, pod: podNamed('web-small'), events: [], now });
    expect(e.placement.result).toBe('fits');
    expect(e.placement.top.map((n) => n.node)).toEqual(['n4', 'n1']);
    expect(e.placement.top[1]?.preferNoScheduleTaints).toBe(1);
    // The same answer as the engine itself.
    const cluster = new SimulatedCluster(snapshot);
    const pod = podInfoFromPod(podNamed('web-small'));
    const decision = schedule(pod, {
      model: cluster.model,
      podPool: 'general',
      pool: cluster.placementPools.get('general'),
      now,
      failedNodes: cluster.failedNodes,
    });
    expect(decision).toMatchObject({ kind: 'placed', node: e.placement.top[0]?.node });
    expect(renderExplanation(e, PLAIN).join('\n')).toContain(
      'Placement now: would go to n4 (LeastLoaded on Requests, 2 feasible node(s))',
    );
  });

  it('a bound pod is explained as if it were pending: its own requests do not count', () => {
    const e = explainPod({ snapshot, pod: podNamed('web-1'), events: [], now });
    expect(e.node).toBe('n1');
    expect(e.placement.top.map((n) => n.node)).toContain('n1');
  });

  it('history: Events on the pod and the pool actions naming it, oldest first', () => {
    const events: CoreV1Event[] = [
      {
        metadata: {},
        involvedObject: {},
        reason: 'Evict',
        message: 'evicted (rebalance, pool general): hot node n1',
        lastTimestamp: new Date('2026-01-01T00:00:03Z'),
      },
    ];
    const pod = { ...podNamed('web-2'), metadata: { ...podNamed('web-2').metadata, name: 'web-old' } };
    const e = explainPod({ snapshot, pod, events, now });
    expect(e.history.map((h) => [h.from, h.reason])).toEqual([
      ['pool general', 'Evict'],
      ['Event', 'Evict'],
    ]);
    expect(e.history[0]?.message).toBe('n1 -> n4: hot node n1 (cpu 90% over ceiling 80%)');
  });

  it('a pod naming no pool says so', () => {
    const pod: V1Pod = {
      metadata: { name: 'x', namespace: 'other' },
      spec: { containers: [] },
      status: { phase: 'Pending' },
    };
    const e = explainPod({ snapshot, pod, events: [], now });
    expect(e.pool).toBeUndefined();
    expect(e.placement.summary).toMatch(/names no pool/);
    expect(e.notes[0]).toMatch(/schedulerName is default-scheduler/);
  });
});
