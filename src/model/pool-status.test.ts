import { node, pod } from '../testing/builders.js';
import { ClusterModel } from './cluster-model.js';
import { mergeConditions } from './conditions.js';
import { nodeInfoFromNode } from './node-info.js';
import { podInfoFromPod } from './pod-info.js';
import { assignNodesToPools } from './pool-membership.js';
import { computePoolStatus } from './pool-status.js';

const ceilings = { cpu: 80, memory: 85, ephemeralStorage: 75, network: 70 };

function modelWith(): ClusterModel {
  const model = new ClusterModel();
  model.upsertNode(
    nodeInfoFromNode(
      node('g1')
        .allocatable({ cpu: '4', memory: '8Gi' })
        .inPool('general')
        .annotate('fulcrum.io/network-capacity', '10G')
        .obj(),
    ),
  );
  model.upsertNode(
    nodeInfoFromNode(node('g2').allocatable({ cpu: '4', memory: '8Gi' }).inPool('general').notReady().obj()),
  );
  model.upsertNode(nodeInfoFromNode(node('b1').inPool('batch').obj()));
  model.upsertPod(
    podInfoFromPod(
      pod('a')
        .requests({ cpu: '3', memory: '2Gi' })
        .onNode('g1')
        .annotate('fulcrum.io/network-request', '1G')
        .obj(),
    ),
  );
  model.upsertPod(podInfoFromPod(pod('b').requests({ cpu: '3500m', memory: '4Gi' }).onNode('g2').obj()));
  model.upsertPod(podInfoFromPod(pod('c').requests({ cpu: '6' }).onNode('b1').obj()));
  return model;
}

describe('computePoolStatus', () => {
  it('matches hand-computed figures', () => {
    const model = modelWith();
    const status = computePoolStatus(
      { generation: 3, ceilings, memberNodes: ['g1', 'g2'], contested: [] },
      model,
    );
    expect(status.nodes).toEqual({ total: 2, ready: 1 });
    // 6.5 of 8 cores = 81.25 %, over the 80 % ceiling; 6 of 16 Gi = 37.5 %; 1G of 10G = 10 %.
    expect(status.resources.cpu).toEqual({
      capacity: '8',
      requested: '6500m',
      utilization: 81.3,
      ceiling: 80,
    });
    expect(status.resources.memory).toEqual({
      capacity: '16Gi',
      requested: '6Gi',
      utilization: 37.5,
      ceiling: 85,
    });
    expect(status.resources.network).toEqual({
      capacity: '10G',
      requested: '1G',
      utilization: 10,
      ceiling: 70,
    });
    expect(status.conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        status: 'True',
        reason: 'NodesSelected',
        message: '1/2 nodes ready',
        observedGeneration: 3,
      }),
      expect.objectContaining({ type: 'CapacityPressure', status: 'True', reason: 'RequestsOverCeiling' }),
    ]);
  });

  it('is not ready without nodes, saying why', () => {
    const status = computePoolStatus(
      { generation: 1, ceilings, memberNodes: [], contested: [] },
      new ClusterModel(),
    );
    expect(status.conditions[0]).toMatchObject({ status: 'False', reason: 'NoNodes' });
  });

  it('is not ready when it selects nodes an older pool owns, naming them', () => {
    const status = computePoolStatus(
      { generation: 1, ceilings, memberNodes: [], contested: [{ node: 'g1', owner: 'general' }] },
      modelWith(),
    );
    expect(status.conditions[0]).toMatchObject({ status: 'False', reason: 'NodeClaimedByAnotherPool' });
    expect(status.conditions[0]?.message).toContain('g1 (owned by pool general)');
  });
});

describe('assignNodesToPools', () => {
  const nodes = [
    node('g1').inPool('general').obj(),
    node('g2').inPool('general').label('gpu', 'yes').obj(),
    node('x').obj(),
  ].map(nodeInfoFromNode);
  it('gives each node to at most one pool, the oldest', () => {
    const membership = assignNodesToPools(
      [
        { name: 'gpu', creationTimestamp: 200, nodeSelector: { matchLabels: { gpu: 'yes' } } },
        {
          name: 'general',
          creationTimestamp: 100,
          nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'general' } },
        },
      ],
      nodes,
    );
    expect(membership.nodesByPool.get('general')).toEqual(['g1', 'g2']);
    expect(membership.nodesByPool.get('gpu')).toEqual([]);
    expect(membership.contested.get('gpu')).toEqual([{ node: 'g2', owner: 'general' }]);
    expect(membership.poolOfNode.get('x')).toBeUndefined();
  });
  it('supports matchExpressions', () => {
    const membership = assignNodesToPools(
      [
        {
          name: 'rest',
          creationTimestamp: 1,
          nodeSelector: { matchExpressions: [{ key: 'fulcrum.io/pool', operator: 'DoesNotExist' }] },
        },
      ],
      nodes,
    );
    expect(membership.nodesByPool.get('rest')).toEqual(['x']);
  });
});

describe('mergeConditions', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2026-01-01T00:05:00Z');
  it('keeps lastTransitionTime while the status holds, moves it on a change', () => {
    const first = mergeConditions(
      undefined,
      [{ type: 'Ready', status: 'True', reason: 'A', message: '' }],
      t0,
    );
    const same = mergeConditions(first, [{ type: 'Ready', status: 'True', reason: 'B', message: 'x' }], t1);
    expect(same[0]?.lastTransitionTime).toBe(t0.toISOString());
    const flipped = mergeConditions(same, [{ type: 'Ready', status: 'False', reason: 'C', message: '' }], t1);
    expect(flipped[0]?.lastTransitionTime).toBe(t1.toISOString());
  });
});
