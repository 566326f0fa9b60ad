import { PoolFailoverStatusSchema, PoolNodesStatusSchema } from '../api/index.js';
import { newNodeHealth, type NodeHealth, type NodeHealthState } from './detector.js';
import { partitionGuard } from './partition-guard.js';
import { formatFenceMarker, FENCED_BY_ANNOTATION, uncordonedByHand } from './fence-marker.js';
import { planStatus, type FailoverProgress, type FailoverStatusInput } from './status.js';

const T0 = Date.parse('2026-05-04T10:00:00Z');

function stateOf(node: string, health: NodeHealth, failedAt = T0): NodeHealthState {
  const down = health === 'Failed' || health === 'Recovering';
  return {
    ...newNodeHealth(
      node,
      down
        ? { at: failedAt, reason: { source: 'probe', message: `tcp ${node}: connection refused` } }
        : undefined,
    ),
    health,
    suspectSince: health === 'Healthy' ? undefined : failedAt,
  };
}

function statusInput(
  states: Record<string, NodeHealth>,
  progress: FailoverProgress[] = [],
  extra: Partial<FailoverStatusInput> = {},
): FailoverStatusInput {
  const members = Array.from({ length: 10 }, (_, i) => `n${i}`);
  const health = new Map(Object.entries(states).map(([n, h]) => [n, stateOf(n, h)]));
  return {
    mode: 'Enforce',
    generation: 4,
    members,
    health,
    verdict: partitionGuard({ members, health, maxUnhealthy: '30%' }),
    progress: new Map(progress.map((p) => [p.node, p])),
    ...extra,
  };
}

const condition = (fragment: ReturnType<typeof planStatus>, type: string) =>
  fragment.conditions.find((c) => c.type === type);

describe('planStatus', () => {
  test('no failure: both conditions False', () => {
    const status = planStatus(statusInput({}));
    expect(condition(status, 'FailoverActive')).toMatchObject({ status: 'False', reason: 'NoFailedNodes' });
    expect(condition(status, 'PartitionSuspected')).toMatchObject({
      status: 'False',
      reason: 'WithinMaxUnhealthy',
      observedGeneration: 4,
    });
    expect(status.failover).toEqual({ failedNodes: [] });
    expect(status.nodes).toEqual({ unhealthy: 0, fenced: 0 });
  });

  test('a node being failed over: FailoverActive True with the node, its phase and its reason', () => {
    const status = planStatus(
      statusInput({ n3: 'Failed', n4: 'Suspect' }, [{ node: 'n3', detectedAt: T0, fencedAt: T0 + 40 }]),
    );
    expect(condition(status, 'FailoverActive')).toMatchObject({
      status: 'True',
      reason: 'NodeFailed',
      message: 'n3 Fenced (probe: tcp n3: connection refused)',
    });
    expect(status.failover.failedNodes).toEqual([
      { name: 'n3', since: '2026-05-04T10:00:00.000Z', phase: 'Fenced' },
    ]);
    expect(status.failover.lastFailover).toEqual({
      node: 'n3',
      detectedAt: '2026-05-04T10:00:00.000Z',
      fencedAt: '2026-05-04T10:00:00.040Z',
    });
    expect(status.nodes).toEqual({ unhealthy: 2, fenced: 1 });
  });

  test('a completed failover: FailoverActive False, lastFailover with its duration', () => {
    const status = planStatus(
      statusInput({ n3: 'Failed' }, [
        {
          node: 'n3',
          detectedAt: T0,
          fencedAt: T0 + 40,
          deletionsIssuedAt: T0 + 60,
          completedAt: T0 + 1800,
          podsRescheduled: 12,
        },
      ]),
    );
    expect(condition(status, 'FailoverActive')).toMatchObject({
      status: 'False',
      reason: 'FailoverComplete',
    });
    expect(status.failover.failedNodes[0]?.phase).toBe('Done');
    expect(status.failover.lastFailover).toMatchObject({ durationMs: 1800, podsRescheduled: 12 });
  });

  test('at-most-once pods waiting: phase AwaitingConfirmedDown with their count; then released and recorded', () => {
    const waiting = planStatus(
      statusInput({ n3: 'Failed' }, [
        { node: 'n3', detectedAt: T0, fencedAt: T0 + 40, deletionsIssuedAt: T0 + 60, awaiting: 2 },
      ]),
    );
    expect(waiting.failover.failedNodes).toEqual([
      {
        name: 'n3',
        since: '2026-05-04T10:00:00.000Z',
        phase: 'AwaitingConfirmedDown',
        podsAwaitingConfirmedDown: 2,
      },
    ]);
    expect(condition(waiting, 'FailoverActive')).toMatchObject({ status: 'True', reason: 'NodeFailed' });
    const released = planStatus(
      statusInput({ n3: 'Failed' }, [
        {
          node: 'n3',
          detectedAt: T0,
          fencedAt: T0 + 40,
          deletionsIssuedAt: T0 + 60,
          releasedAt: T0 + 300_000,
          confirmedBy: 'SafeTime',
          awaiting: 0,
        },
      ]),
    );
    expect(released.failover.failedNodes[0]?.phase).toBe('Rescheduling');
    expect(released.failover.lastFailover).toMatchObject({
      releasedAt: '2026-05-04T10:05:00.000Z',
      confirmedBy: 'SafeTime',
    });
    expect(PoolFailoverStatusSchema.safeParse(waiting.failover).success).toBe(true);
  });

  test('the newest failover is the last one; without any, the previous record is kept', () => {
    const progress = [
      { node: 'n1', detectedAt: T0 },
      { node: 'n2', detectedAt: T0 + 5 },
    ];
    expect(
      planStatus(statusInput({ n1: 'Failed', n2: 'Failed' }, progress)).failover.lastFailover?.node,
    ).toBe('n2');
    const previous = { node: 'old', detectedAt: '2026-01-01T00:00:00.000Z' };
    expect(planStatus(statusInput({}, [], { previous })).failover.lastFailover).toEqual(previous);
  });

  test('a suspected partition: PartitionSuspected True, FailoverActive False holding back', () => {
    const status = planStatus(statusInput({ n0: 'Failed', n1: 'Failed', n2: 'Suspect', n3: 'Suspect' }));
    expect(condition(status, 'PartitionSuspected')).toMatchObject({
      status: 'True',
      reason: 'TooManyUnhealthyNodes',
    });
    expect(condition(status, 'FailoverActive')).toMatchObject({
      status: 'False',
      reason: 'PartitionSuspected',
    });
  });

  test.each([
    { mode: 'DryRun', wantReason: 'DryRun', wantMessage: /^would fail over: n3 Detected/ },
    { mode: 'Off', wantReason: 'FailoverDisabled', wantMessage: /mode is Off/ },
  ] as const)('mode $mode: FailoverActive False, reason $wantReason', ({ mode, wantReason, wantMessage }) => {
    const status = planStatus(statusInput({ n3: 'Failed' }, [], { mode }));
    const active = condition(status, 'FailoverActive');
    expect(active).toMatchObject({ status: 'False', reason: wantReason });
    expect(active?.message).toMatch(wantMessage);
  });

  test('a recovering node is listed with phase Recovering but is not an active failover', () => {
    const status = planStatus(
      statusInput({ n5: 'Recovering' }, [{ node: 'n5', detectedAt: T0, completedAt: T0 + 1 }]),
    );
    expect(status.failover.failedNodes).toEqual([
      { name: 'n5', since: '2026-05-04T10:00:00.000Z', phase: 'Recovering' },
    ]);
    expect(condition(status, 'FailoverActive')?.status).toBe('False');
  });

  test('messages do not depend on the time of the call, so an unchanged status re-applies as a no-op', () => {
    const input = statusInput({ n3: 'Failed' }, [{ node: 'n3', detectedAt: T0 }]);
    expect(planStatus(input)).toEqual(planStatus(input));
  });

  test('the fragment validates against the ResourcePool status schema, even with 150 failed nodes', () => {
    const members = Array.from({ length: 150 }, (_, i) => `n${i}`);
    const health = new Map(members.map((n, i) => [n, stateOf(n, 'Failed', T0 + i)]));
    const status = planStatus({
      mode: 'Enforce',
      members,
      health,
      verdict: partitionGuard({ members, health, maxUnhealthy: '100%' }),
      progress: new Map(members.map((n, i) => [n, { node: n, detectedAt: T0 + i, fencedAt: T0 + i + 1 }])),
    });
    expect(status.failover.failedNodes).toHaveLength(100);
    expect(status.failover.failedNodes[0]?.name).toBe('n0');
    expect(PoolFailoverStatusSchema.safeParse(status.failover).success).toBe(true);
    expect(PoolNodesStatusSchema.safeParse(status.nodes).success).toBe(true);
  });

  test('a fenced node uncordoned by hand: phase UncordonedByUser, not counted as fenced, failover not active', () => {
    const progress: FailoverProgress[] = [
      { node: 'n3', detectedAt: T0, fencedAt: T0 + 40, deletionsIssuedAt: T0 + 60, awaiting: 1 },
      { node: 'n5', detectedAt: T0, fencedAt: T0 + 50 },
    ];
    const fenced = planStatus(statusInput({ n3: 'Failed', n5: 'Failed' }, progress));
    expect(fenced.failover.failedNodes.map((n) => n.phase)).toEqual(['AwaitingConfirmedDown', 'Fenced']);
    expect(fenced.nodes.fenced).toBe(2);
    const uncordoned = planStatus(
      statusInput({ n3: 'Failed', n5: 'Failed' }, progress, {
        uncordonedAt: (node) => (node === 'n3' ? T0 + 90_000 : undefined),
      }),
    );
    expect(uncordoned.failover.failedNodes).toEqual([
      {
        name: 'n3',
        since: '2026-05-04T10:00:00.000Z',
        phase: 'UncordonedByUser',
        podsAwaitingConfirmedDown: 1,
      },
      { name: 'n5', since: '2026-05-04T10:00:00.000Z', phase: 'Fenced' },
    ]);
    expect(uncordoned.nodes.fenced).toBe(1);
    expect(condition(uncordoned, 'FailoverActive')?.message).not.toContain('n3');
    const onlyUncordoned = planStatus(
      statusInput({ n3: 'Failed' }, [progress[0]!], { uncordonedAt: () => T0 + 90_000 }),
    );
    expect(condition(onlyUncordoned, 'FailoverActive')).toMatchObject({
      status: 'False',
      reason: 'FailoverComplete',
      message: 'nothing in progress: n3 UncordonedByUser (probe: tcp n3: connection refused)',
    });
    expect(onlyUncordoned.nodes.fenced).toBe(0);
  });
});

describe('uncordonedByHand', () => {
  const marker = { pool: 'p', cordoned: true, tainted: false, at: T0 };
  const node = (m: typeof marker & { uncordonedAt?: number }, unschedulable: boolean) => ({
    annotations: { [FENCED_BY_ANNOTATION]: formatFenceMarker(m) },
    unschedulable,
  });

  test('the recorded uncordon while the node is schedulable; nothing when fenced again or never uncordoned', () => {
    expect(uncordonedByHand(node({ ...marker, uncordonedAt: T0 + 5_000 }, false))).toBe(T0 + 5_000);
    expect(uncordonedByHand(node({ ...marker, uncordonedAt: T0 + 5_000 }, true))).toBeUndefined();
    expect(uncordonedByHand(node(marker, false))).toBeUndefined();
    expect(uncordonedByHand({ annotations: {}, unschedulable: false })).toBeUndefined();
    expect(
      uncordonedByHand({ annotations: { [FENCED_BY_ANNOTATION]: '{' }, unschedulable: false }),
    ).toBeUndefined();
  });
});
