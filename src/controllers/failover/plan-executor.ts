/**
 * Carries out one pool's failover plans through the actuator, step by step:
 *  1. Fence (marker, cordon) in one guarded node write. When it is accepted, the node as written is planned
 *     again at once, so the fast-path deletions start without waiting for the node informer.
 *  2. Reschedule: delete the pods the plan lists (gracefully on the fast path, with grace period 0 once the
 *     node is confirmed down), highest priority first, with uid preconditions, at most DELETE_CONCURRENCY at
 *     a time; each one's controller is told to the ReplacementTracker before the first call. At-most-once
 *     pods the plan leaves waiting are reported (AwaitingConfirmedDown, once per pod and term).
 *  3. Release a node confirmed down: the out-of-service taint in one write, then the force deletions.
 *  4. Unfence a recovered node: remove taint, cordon and marker, again in one write.
 *  5. Record a human uncordon of a fenced node in its marker (one write), then leave the node alone.
 * DryRun reports the fence and the deletions it would make once per failure, against a node fenced in memory.
 *
 * Outcomes are recorded in the progress book; the executor never retries in a loop. Denied actions leave a
 * retry hint, Failed ones an error count: the controller requeues (or backs off) the pool accordingly.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { Actuator, ActuationMode, NodeChange } from '../../actuation/index.js';
import {
  describeFailure,
  FENCED_BY_ANNOTATION,
  planFailover,
  type DeletePodAction,
  type FailoverPlan,
  type FailoverPlanInput,
  type FenceAction,
  type NodeHealthState,
  type RecoveryPlan,
  type ReschedulePlan,
  type AwaitingPod,
  type UnfenceAction,
} from '../../failover/index.js';
import { nodeInfoFromNode, type NodeInfo } from '../../model/node-info.js';
import type { PodInfo } from '../../model/pod-info.js';
import type { FailoverProgressBook, NodeProgress } from '../../failover/failover-progress.js';
import { ReplacementTracker } from '../../failover/replacement-tracker.js';
import type { LeanPod } from '../../kube/lean-pod.js';

/** Pod deletions in flight at once: fast for a full node (110 pods), gentle on the API server. */
const DELETE_CONCURRENCY = 16;

/** What the executor needs about the pool being reconciled. */
export interface PoolContext {
  pool: string;
  mode: ActuationMode;
  /** Inputs planFailover needs again when re-planning a node just fenced (pool settings and lookups). */
  planInput: Omit<FailoverPlanInput, 'node' | 'health' | 'fenced' | 'pods'>;
  podsOf: (node: string) => Iterable<PodInfo>;
  /** The node as the controller plans with it (informer, or a newer write of ours). */
  nodeInfo: (node: string) => NodeInfo | undefined;
  health: (node: string) => NodeHealthState;
  signal: AbortSignal;
}

export interface ExecutorDeps {
  actuator: Actuator;
  progress: FailoverProgressBook;
  replacements: ReplacementTracker;
  /** The pod as the informer holds it (for its controller). */
  pod: (key: string) => LeanPod | undefined;
  /** A node write was accepted: the controller plans with this node until the informer catches up. */
  nodeWritten: (node: V1Node) => void;
  /** Milestones, for Events on the pool and metrics. */
  onFenced: (progress: NodeProgress) => void;
  /** The node was confirmed down and the out-of-service taint written (or, CordonOnly, force deletes begin). */
  onReleased: (progress: NodeProgress, message: string) => void;
  /** At-most-once pods left waiting for confirmed down, first seen in this term (each reported once). */
  onAwaiting: (plan: ReschedulePlan, pods: AwaitingPod[]) => void;
  onUnfenced: (node: string) => void;
  /** A human uncordon of a fenced node was recorded in its marker (RecordUncordon). */
  onUncordonRespected: (progress: NodeProgress, message: string) => void;
  now: () => number;
}

/** How a pool's plans went: when to come back. */
export interface ExecutionResult {
  /** The shortest wait a budget asked for, if any action was Denied. */
  retryAfterMs?: number;
  failures: string[];
}

export class PlanExecutor {
  constructor(private readonly deps: ExecutorDeps) {}

  /** Executes one Failed node's plan. */
  async failover(plan: FailoverPlan, ctx: PoolContext, result: ExecutionResult): Promise<void> {
    if (plan.step === 'Hold') return;
    const health = ctx.health(plan.node);
    const progress = this.deps.progress.ensure(plan.node, ctx.pool, health.failedAt ?? this.deps.now());
    if (ctx.mode === 'DryRun') return this.rehearse(plan, ctx, progress, result);
    if (plan.step === 'Reschedule') return this.reschedule(plan, ctx, progress, result);
    const written = await this.deps.actuator.changeNode(
      {
        ...context(ctx, plan.message),
        node: plan.node,
        changes: plan.actions.map(fenceChange),
        label: plan.step,
      },
      ctx.signal,
    );
    if (written.outcome === 'Denied') return hint(result, written.retryAfterMs);
    if (written.outcome !== 'Done' || !written.node) {
      if (written.outcome === 'Failed') result.failures.push(written.message);
      return;
    }
    this.deps.nodeWritten(written.node);
    if (plan.step === 'RecordUncordon') return this.deps.onUncordonRespected(progress, plan.message);
    if (plan.step === 'Fence' && progress.fencedAt === undefined) {
      progress.fencedAt = this.deps.now();
      this.deps.onFenced(progress);
    }
    const next = this.replan(ctx, nodeInfoFromNode(written.node), health);
    if (next.step === 'Reschedule') await this.reschedule(next, ctx, progress, result);
    else if (next.step === 'Release') await this.failover(next, ctx, result);
  }

  /** Force-deletes the pods of a node whose Node object is gone (planNodeGone). */
  async release(plan: ReschedulePlan, ctx: PoolContext, result: ExecutionResult): Promise<void> {
    const progress = this.deps.progress.get(plan.node);
    if (!progress || ctx.mode === 'DryRun') return;
    await this.reschedule(plan, ctx, progress, result);
  }

  /** Executes an unfence plan of a recovered node. */
  async unfence(plan: RecoveryPlan, ctx: PoolContext, result: ExecutionResult): Promise<void> {
    if (plan.step !== 'Unfence') return;
    const written = await this.deps.actuator.changeNode(
      {
        ...context(ctx, plan.message),
        node: plan.node,
        changes: plan.actions.map(unfenceChange),
        label: 'Unfence',
      },
      ctx.signal,
    );
    if (written.outcome === 'Denied') return hint(result, written.retryAfterMs);
    if (written.outcome === 'Failed') result.failures.push(written.message);
    if (written.outcome !== 'Done') return;
    if (written.node) this.deps.nodeWritten(written.node);
    this.deps.progress.delete(plan.node);
    this.deps.replacements.forget(plan.node);
    this.deps.onUnfenced(plan.node);
  }

  /** Deletes the plan's pods not deleted yet (or not forced yet, once forcing), highest priority first. */
  private async reschedule(
    plan: ReschedulePlan,
    ctx: PoolContext,
    progress: NodeProgress,
    result: ExecutionResult,
  ): Promise<void> {
    if (progress.fencedAt === undefined) {
      // Fenced before this term (a restart, another leader): the fence is confirmed by what we observe.
      progress.fencedAt = this.deps.now();
    }
    if (plan.confirmed.down && progress.releasedAt === undefined) {
      progress.releasedAt = this.deps.now();
      progress.confirmedBy = plan.confirmed.by;
      this.deps.onReleased(progress, `node ${plan.node} confirmed down: ${plan.confirmed.message}`);
    }
    const todo = plan.deletions.filter((d) =>
      d.force ? !progress.forced.has(d.uid) : !progress.deleted.has(d.uid),
    );
    if (plan.deletions.length > 0) progress.deletionsIssuedAt ??= this.deps.now();
    progress.podsRescheduled ??= 0;
    let remaining = 0;
    await inBatches(todo, DELETE_CONCURRENCY, async (deletion) => {
      if (!(await this.deleteOne(deletion, ctx, progress, result))) remaining++;
    });
    progress.remaining = remaining;
    progress.awaiting = plan.awaiting.length;
    const fresh = plan.awaiting.filter((p) => !progress.reportedAwaiting.has(p.uid));
    for (const p of fresh) progress.reportedAwaiting.add(p.uid);
    if (fresh.length > 0) this.deps.onAwaiting(plan, fresh);
  }

  /** One deletion; true when the pod is gone for good (deleted now, or already). */
  private async deleteOne(
    deletion: DeletePodAction,
    ctx: PoolContext,
    progress: NodeProgress,
    result: ExecutionResult,
  ): Promise<boolean> {
    // A pod deleted gracefully before and now forced already has its replacement expected and counted.
    const first = !progress.deleted.has(deletion.uid);
    const controller = first ? controllerOf(this.deps.pod(deletion.pod)) : undefined;
    const expecting = controller !== undefined && ctx.mode === 'Enforce';
    if (expecting) this.deps.replacements.expect(deletion.node, controller, this.deps.now());
    const outcome = await this.deps.actuator.deletePod(
      {
        ...context(ctx, reschedulingReason(deletion, ctx.health(deletion.node))),
        pod: { namespace: deletion.namespace, name: deletion.name, uid: deletion.uid, node: deletion.node },
        force: deletion.force,
      },
      ctx.signal,
    );
    if (outcome.outcome !== 'Done' && expecting) this.deps.replacements.unexpect(deletion.node, controller);
    switch (outcome.outcome) {
      case 'Done':
      case 'DryRun':
        progress.deleted.add(deletion.uid);
        if (deletion.force) progress.forced.add(deletion.uid);
        if (first) progress.podsRescheduled = (progress.podsRescheduled ?? 0) + 1;
        return true;
      case 'Gone':
        progress.deleted.add(deletion.uid);
        progress.forced.add(deletion.uid);
        return true;
      case 'Denied':
        hint(result, outcome.retryAfterMs);
        return false;
      case 'Failed':
        result.failures.push(outcome.message);
        return false;
      case 'Blocked':
        return false;
    }
  }

  /** DryRun: report the fence and the deletions that would follow it, once per failure. */
  private async rehearse(
    plan: FailoverPlan,
    ctx: PoolContext,
    progress: NodeProgress,
    result: ExecutionResult,
  ): Promise<void> {
    if (progress.dryRunReported) return;
    progress.dryRunReported = true;
    let reschedule = plan;
    let observed = ctx.nodeInfo(plan.node);
    // Fence, then (if the node is already confirmed down) Release: each reported, then applied in memory.
    for (let i = 0; i < 2 && (reschedule.step === 'Fence' || reschedule.step === 'Release'); i++) {
      const { actions, message, step } = reschedule;
      await this.deps.actuator.changeNode(
        { ...context(ctx, message), node: plan.node, changes: actions.map(fenceChange), label: step },
        ctx.signal,
      );
      if (!observed) return;
      observed = fencedInMemory(observed, actions);
      reschedule = this.replan(ctx, observed, ctx.health(plan.node));
    }
    if (reschedule.step === 'Reschedule') await this.reschedule(reschedule, ctx, progress, result);
  }

  private replan(ctx: PoolContext, node: NodeInfo, health: NodeHealthState): FailoverPlan {
    return planFailover({ ...ctx.planInput, node, health, fenced: true, pods: ctx.podsOf(node.name) });
  }
}

function context(ctx: PoolContext, reason: string) {
  return { source: 'failover' as const, pool: ctx.pool, reason, mode: ctx.mode };
}

function hint(result: ExecutionResult, retryAfterMs: number | undefined): void {
  if (retryAfterMs === undefined) return;
  result.retryAfterMs = Math.min(result.retryAfterMs ?? retryAfterMs, retryAfterMs);
}

function controllerOf(pod: LeanPod | undefined): string | undefined {
  return pod ? ReplacementTracker.controllerOf(pod) : undefined;
}

function reschedulingReason(deletion: DeletePodAction, health: NodeHealthState): string {
  const why = health.failureReason ? ` (${describeFailure(health.failureReason)})` : '';
  const how = deletion.force ? 'confirmed down' : 'fenced';
  return (
    `node ${deletion.node} failed${why} and is ${how}; rescheduling ${deletion.podClass.class} pod ` +
    `at priority ${deletion.priority}`
  );
}

function fenceChange(action: FenceAction): NodeChange {
  switch (action.kind) {
    case 'Mark':
      return { kind: 'Annotate', key: action.annotation, value: action.value };
    case 'Cordon':
      return { kind: 'Cordon' };
    case 'Taint':
      return { kind: 'Taint', taint: action.taint };
  }
}

function unfenceChange(action: UnfenceAction): NodeChange {
  switch (action.kind) {
    case 'Untaint':
      return { kind: 'Untaint', key: action.taint.key, effect: action.taint.effect };
    case 'Uncordon':
      return { kind: 'Uncordon' };
    case 'Unmark':
      return { kind: 'Unannotate', key: action.annotation };
  }
}

/** The node as it would look fenced, for DryRun's would-be deletions. */
function fencedInMemory(base: NodeInfo, actions: readonly FenceAction[]): NodeInfo {
  const node: NodeInfo = { ...base, annotations: { ...base.annotations }, taints: [...base.taints] };
  for (const action of actions) {
    if (action.kind === 'Mark') node.annotations[FENCED_BY_ANNOTATION] = action.value;
    else if (action.kind === 'Cordon') node.unschedulable = true;
    else node.taints.push(action.taint);
  }
  return node;
}

/** Runs `work` over `items` in order, at most `limit` at a time. */
async function inBatches<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}
