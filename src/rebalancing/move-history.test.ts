import { nodeInfo, NOW } from './planner-fixtures.js';
import {
  cooldownsAt,
  moveRecord,
  moveToPoolAction,
  movesFromPoolActions,
  nodeCoolingDown,
  MAX_HISTORY,
  pruneHistory,
  rebalancedAt,
  rebalancedAtValue,
} from './move-history.js';
import type { EvictionRequest, MoveRecord } from './rebalance-plan.js';

const COOLDOWN = 300_000;

describe('move history', () => {
  const moves: MoveRecord[] = [
    { at: NOW - 60_000, pod: 'shop/web-1', workload: 'ReplicaSet/shop/web-5d8f', from: 'n1', to: 'n2' },
    { at: NOW - 600_000, pod: 'shop/old', from: 'n3', to: 'n4' },
  ];

  it('puts pods, workloads and both nodes of recent moves in cooldown, and forgets old ones', () => {
    const cooldowns = cooldownsAt(moves, NOW, COOLDOWN);
    expect([...cooldowns.pods]).toEqual(['shop/web-1']);
    expect([...cooldowns.workloads]).toEqual(['ReplicaSet/shop/web-5d8f']);
    expect([...cooldowns.nodes.keys()]).toEqual(['n1', 'n2']);
    expect(pruneHistory(moves, NOW, COOLDOWN)).toEqual([moves[0]]);
  });

  it('keeps at most MAX_HISTORY records, the newest, however many moves the budgets allowed', () => {
    const many = Array.from({ length: MAX_HISTORY + 10 }, (_, k) => ({
      at: NOW - 1_000 + k / 100,
      pod: `p${k}`,
      from: 'n1',
    }));
    const kept = pruneHistory(many, NOW, COOLDOWN);
    expect(kept).toHaveLength(MAX_HISTORY);
    expect(kept[0]?.pod).toBe('p10');
  });

  it('reads node cooldowns from the node annotation too (what survives a restart)', () => {
    const none = cooldownsAt([], NOW, COOLDOWN);
    const stamped = nodeInfo({ name: 'n9', rebalancedAt: NOW - 120_000 });
    expect(rebalancedAt(stamped)).toBe(NOW - 120_000);
    expect(nodeCoolingDown(stamped, none, NOW, COOLDOWN)).toBe(true);
    expect(nodeCoolingDown(stamped, none, NOW + 180_000, COOLDOWN)).toBe(false);
    expect(nodeCoolingDown(nodeInfo({ name: 'n8' }), none, NOW, COOLDOWN)).toBe(false);
    expect(rebalancedAtValue(NOW)).toBe('2026-01-01T00:00:00.000Z');
  });

  it('round-trips performed moves through status.lastActions, leaving DryRun entries out', () => {
    const actions = [
      moveToPoolAction(moves[0]!, 'n1 is hot'),
      moveToPoolAction({ at: NOW, pod: 'shop/x', from: 'n5', to: 'n6' }, 'would move', true),
      { time: new Date(NOW).toISOString(), action: 'Taint', node: 'n1' },
    ];
    expect(actions[0]).toEqual({
      time: new Date(NOW - 60_000).toISOString(),
      action: 'Evict',
      pod: 'shop/web-1',
      node: 'n1',
      targetNode: 'n2',
      reason: 'workload=ReplicaSet/shop/web-5d8f; n1 is hot',
    });
    expect(movesFromPoolActions(actions)).toEqual([moves[0]]);
  });

  it('records an accepted eviction as a move to its expected destination', () => {
    const request = { pod: 'shop/web-1', from: 'n1', expectedTo: 'n2', workload: 'ReplicaSet/shop/web-5d8f' };
    expect(moveRecord(request as EvictionRequest, NOW - 60_000)).toEqual(moves[0]);
    const usage = { cpu: 1800, memory: 0, ephemeralStorage: 0, network: 0, pods: 0 };
    expect(moveRecord({ ...request, usage } as EvictionRequest, NOW - 60_000).usage).toEqual(usage);
  });
});
