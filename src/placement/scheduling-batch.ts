/**
 * One scheduling batch: the pods due now, in priority order, each placed with the placement engine against
 * the pool's kept snapshot and committed to the model at once (`assume`), so the next pod of the batch sees
 * it. No I/O and no await: the controller binds the placed pods and reports the others afterwards.
 */
import type { WorkloadPolicy } from '../api/index.js';
import type { ProtectionReason } from '../eviction/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { PodInfo } from '../model/pod-info.js';
import { maxPriorityFor } from '../model/priority-limits.js';
import type { QueuedPod } from './pending-queue.js';
import type { PlacementContext } from './placement-context.js';
import { podPriority, resolvePodPool } from './pool-resolution.js';
import { searchPreemption, type Preemption, type PreemptionInput } from './preemption.js';
import { schedule } from './schedule.js';
import { assume, type PlacementState } from './state.js';
import type { PlacedDecision, UnschedulableDecision } from './framework.js';
import type { PoolSnapshots, SnapshotBase } from './pool-snapshots.js';

export interface PolicySource {
  inNamespace(namespace: string): readonly WorkloadPolicy[];
}

export interface BatchInput extends SnapshotBase {
  model: ClusterModel;
  state: PlacementState;
  snapshots: PoolSnapshots;
  policies: PolicySource;
  /** Budgets and mobility of the pods preemption may evict; without it, no preemption is looked for. */
  preemption?: Omit<PreemptionInput, 'priorityOf'>;
  /** False while an earlier preemption for the pod is still under way (its victims have not left yet). */
  mayPreempt?: (key: string) => boolean;
  /** True when pods of `priority` in `pool` must wait: a higher-priority preemption there is under way. */
  holdBack?: (pool: string, priority: number) => boolean;
}

export type BatchOutcome =
  | { kind: 'placed'; pod: PodInfo; decision: PlacedDecision }
  | {
      kind: 'unschedulable';
      pod: PodInfo;
      decision: UnschedulableDecision;
      preemption?: Preemption;
      /** Lower-priority pods preemption left alone because the pool protects them, by reason. */
      protectedPods?: Partial<Record<ProtectionReason, number>>;
    }
  /** Not tried: a higher-priority pod of its pool is making room by preemption; retried once it is placed. */
  | { kind: 'held'; pod: PodInfo }
  /** The pod no longer waits for a node (bound, deleting, gone, or scheduled by someone else now). */
  | { kind: 'skipped'; key: string };

/** Places `due` (in placement order) and returns one outcome per pod, in the same order. */
export function scheduleBatch(due: readonly QueuedPod[], input: BatchInput): BatchOutcome[] {
  const priorityOf = priorityResolver(input);
  return due.map((item) => {
    const pod = input.model.pod(item.key);
    if (pod === undefined || pod.nodeName !== undefined || pod.deleting)
      return { kind: 'skipped', key: item.key };
    return placeOne(pod, input, priorityOf);
  });
}

function placeOne(pod: PodInfo, input: BatchInput, priorityOf: (pod: PodInfo) => number): BatchOutcome {
  const podPool = resolvePodPool(pod, input.policies.inNamespace(pod.namespace))?.pool;
  if (podPool !== undefined && input.holdBack?.(podPool, priorityOf(pod))) return { kind: 'held', pod };
  const pool = podPool === undefined ? undefined : input.snapshots.pool(podPool);
  const snapshot = pool ? input.snapshots.snapshot(pool.name, input) : undefined;
  const ctx: PlacementContext = { ...input, podPool, pool, snapshot };
  const decision = schedule(pod, ctx);
  if (decision.kind === 'placed') {
    assume(input.model, pod, decision, { state: input.state, now: input.now, snapshot });
    return { kind: 'placed', pod, decision };
  }
  const search =
    decision.status === 'unschedulable' && input.preemption && (input.mayPreempt?.(pod.key) ?? true)
      ? searchPreemption(pod, ctx, { ...input.preemption, priorityOf })
      : undefined;
  return {
    kind: 'unschedulable',
    pod,
    decision,
    preemption: search?.preemption,
    ...(search ? { protectedPods: search.protectedPods } : {}),
  };
}

/** Effective priority of any pod (its policy's, clamped by its pool's namespace limit), memoised per batch. */
export function priorityResolver(
  input: Pick<BatchInput, 'policies' | 'snapshots'>,
): (pod: PodInfo) => number {
  const memo = new Map<string, number>();
  return (pod) => {
    let priority = memo.get(pod.key);
    if (priority === undefined) {
      const resolution = resolvePodPool(pod, input.policies.inNamespace(pod.namespace));
      const limits = resolution ? input.snapshots.spec(resolution.pool)?.spec.priorityLimits : undefined;
      priority = podPriority(pod, resolution, maxPriorityFor(limits, pod.namespace));
      memo.set(pod.key, priority);
    }
    return priority;
  };
}
