/**
 * Fulcrum's scheduler: places every pod whose `spec.schedulerName` is `fulcrum` on a node of its pool, by the
 * pool's strategy and never past a ceiling, and says why when it cannot.
 *
 * The loop (leader only): pods due now leave the queue in priority order → one synchronous batch places
 * each with the placement engine and commits it to the model (`assume`) → bindings go out concurrently →
 * a failed binding is undone (`forget`) and the pod backs off; a pod that fits nowhere gets PodScheduled=False
 * and a FailedScheduling Event with the reason summary, and waits for a cluster change (or its periodic
 * retry). When lower-priority movable pods stand in the way, the victims are handed to the preemption
 * evictor (the actuator) and the pod is retried as soon as they leave.
 */
import { describeProtected, type OperatorIdentity, type ProtectionReason } from '../../eviction/index.js';
import type { CoreV1Api } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { realClock, type Clock } from '../../clock/clock.js';
import { describeError } from '../../kube/errors.js';
import { Slots } from '../../kube/slots.js';
import type { EventRecorder } from '../../kube/event-recorder.js';
import { waitForCacheSync } from '../../kube/informer.js';
import type { ClusterInformers } from '../../kube/informers.js';
import { measureReconcile, type ReconcileMetrics } from '../../kube/workers.js';
import type { ClusterModel } from '../../model/cluster-model.js';
import { isTerminal, podInfoFromPod, podKey, type PodInfo } from '../../model/pod-info.js';
import type { ResourceVector } from '../../model/resources.js';
import type { Logger } from '../../logging/logger.js';
import type { SchedulerMetrics } from '../../observability/scheduler-metrics.js';
import { forget, newPlacementState, type Preemption, type QueuedPod } from '../../placement/index.js';
import type { Runnable } from '../../lifecycle/runnable.js';
import type { AssumedBindings } from '../../placement/assumed-bindings.js';
import { PodBinder } from './pod-binder.js';
import { PoolSnapshots, type PoolSource } from '../../placement/pool-snapshots.js';
import { preemptionBudgets } from '../caches/preemption-budgets.js';
import { PreemptionTracker } from '../../placement/preemption-tracker.js';
import {
  priorityResolver,
  scheduleBatch,
  type BatchOutcome,
  type PolicySource,
} from '../../placement/scheduling-batch.js';
import { SchedulingQueue } from '../../placement/scheduling-queue.js';
import { Wakeup } from './wakeup.js';
import type { LeanPod } from '../../kube/lean-pod.js';
import type { LeanNode } from '../../kube/lean-node.js';

export const FULCRUM_SCHEDULER_NAME = 'fulcrum';

/** Evicts preemption victims; the actuator implements it (budgets, dry run, events). */
export interface PreemptionEvictor {
  evictVictims(preemptor: PodInfo, preemption: Preemption, pool: string, signal: AbortSignal): Promise<void>;
}

export interface SchedulerControllerOptions {
  informers: ClusterInformers;
  model: ClusterModel;
  pools: PoolSource;
  policies: PolicySource & { readonly generation: number };
  assumed: AssumedBindings;
  core: CoreV1Api;
  events: EventRecorder;
  logger: Logger;
  metrics?: SchedulerMetrics;
  /** Counts and times each scheduling batch by outcome (`fulcrum_reconcile_*{controller="scheduler"}`). */
  reconcileMetrics?: ReconcileMetrics;
  /** Without one, preemption is never attempted: pods that fit nowhere just wait. */
  evictor?: PreemptionEvictor;
  /** The operator itself: its own pods are never preemption victims (see evictionProtection). */
  operator?: OperatorIdentity;
  /** Nodes the failure detector marked failed (they get no new pods). */
  failedNodes?: () => ReadonlySet<string> | undefined;
  /**
   * Smoothed measured usage per node, for pools placing on the Usage or Max basis; a new map after each
   * metrics round (the pool snapshots are retaken then). Nodes missing from it count by their requests.
   */
  usage?: () => ReadonlyMap<string, ResourceVector> | undefined;
  schedulerName?: string;
  clock?: Clock;
  /**
   * Bindings in flight at once (default 32); the next batch is scheduled once fewer writes than this are
   * pending.
   */
  maxConcurrentBindings?: number;
}

const DEFAULT_MAX_CONCURRENT_BINDINGS = 32;

export class SchedulerController implements Runnable {
  readonly name = 'scheduler-controller';
  readonly needsLeader = true;
  private readonly schedulerName: string;
  private readonly clock: Clock;
  private readonly binder: PodBinder;
  private readonly snapshots: PoolSnapshots;
  private readonly state = newPlacementState();
  private readonly preemptions = new PreemptionTracker();
  private readonly wakeup = new Wakeup();
  private readonly inFlight = new Set<Promise<void>>();
  /** Bindings sent at once: a batch of thousands of placed pods queues here instead of all going out. */
  private readonly bindingSlots: Slots;
  private queue: SchedulingQueue<QueuedPod> | undefined;

  constructor(private readonly options: SchedulerControllerOptions) {
    this.schedulerName = options.schedulerName ?? FULCRUM_SCHEDULER_NAME;
    this.clock = options.clock ?? realClock;
    this.binder = new PodBinder(options.core);
    this.bindingSlots = new Slots(options.maxConcurrentBindings ?? DEFAULT_MAX_CONCURRENT_BINDINGS);
    this.snapshots = new PoolSnapshots(options.pools);
    this.wireEvents();
  }

  async start(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.options;
    if (!(await waitForCacheSync(informers.all(), signal))) return;
    const queue = new SchedulingQueue<QueuedPod>();
    this.queue = queue;
    for (const pod of informers.pods.values()) this.onPod(pod);
    logger.info({ controller: this.name, pending: queue.size }, 'scheduler started');
    try {
      while (!signal.aborted) {
        const due = queue.popDue(this.clock.now());
        if (due.length > 0)
          await measureReconcile(this.options.reconcileMetrics, () => this.runBatch(due, signal));
        else await this.wakeup.wait(this.clock, queue.nextDueAt(this.clock.now()), signal);
      }
    } finally {
      if (this.queue === queue) this.queue = undefined;
      await Promise.allSettled(this.inFlight);
    }
  }

  /** Pods waiting for a node, for tests and status: active and parked. */
  pending(): { active: number; parked: number } {
    return { active: this.queue?.activeSize ?? 0, parked: this.queue?.parkedSize ?? 0 };
  }

  private async runBatch(due: QueuedPod[], signal: AbortSignal): Promise<void> {
    const { model, metrics } = this.options;
    const now = this.clock.now();
    const started = performance.now();
    const outcomes = scheduleBatch(due, {
      model,
      now,
      state: this.state,
      snapshots: this.snapshots,
      policies: this.options.policies,
      failedNodes: this.options.failedNodes?.(),
      usage: this.options.usage?.(),
      preemption: this.options.evictor
        ? { ...preemptionBudgets(this.options), operator: this.options.operator }
        : undefined,
      mayPreempt: (key) => !this.preemptions.victimsLeaving(key, model, now),
      holdBack: (pool, priority) => this.preemptions.holdsBack(pool, priority, now),
    });
    if (outcomes.length > 0) metrics?.decided((performance.now() - started) / 1000 / outcomes.length);
    const byKey = new Map(due.map((item) => [item.key, item]));
    for (const outcome of outcomes) {
      if (outcome.kind === 'skipped') {
        this.preemptions.finished(outcome.key);
        continue;
      }
      const item = byKey.get(outcome.pod.key) as QueuedPod;
      if (outcome.kind === 'placed') this.bindLater(outcome, item, signal);
      else if (outcome.kind === 'held') this.queue?.park(item, now, { retryWithoutBackoff: true });
      else this.reportLater(outcome, item, now, signal);
    }
    metrics?.queued(this.queue?.activeSize ?? 0, this.queue?.parkedSize ?? 0);
    await this.waitForBindingSlot();
  }

  private bindLater(
    outcome: Extract<BatchOutcome, { kind: 'placed' }>,
    item: QueuedPod,
    signal: AbortSignal,
  ) {
    const { pod, decision } = outcome;
    this.options.assumed.assume(pod, decision.node);
    this.queue?.placed(pod.key);
    this.preemptions.finished(pod.key);
    this.track(this.bind(pod, decision.node, decision.pool, item, signal));
  }

  private async bind(pod: PodInfo, node: string, pool: string, item: QueuedPod, signal: AbortSignal) {
    const { model, metrics, logger, events } = this.options;
    let started = 0;
    const result = await this.bindingSlots.run(() => {
      started = performance.now(); // the API call's time, not the wait for a slot
      return this.binder.bind(pod, node, signal);
    });
    metrics?.bound((performance.now() - started) / 1000);
    if (result.kind === 'bound') {
      metrics?.attempted('placed');
      logger.debug({ pod: pod.key, node, pool }, 'pod bound');
      const object = this.options.informers.pods.get(pod.key);
      if (object)
        events.record(object, 'Normal', 'Scheduled', `Assigned ${pod.key} to ${node} (pool ${pool})`);
      return;
    }
    this.options.assumed.forget(pod.key);
    if (result.kind === 'gone') return;
    // The room given to the pod is taken back, and the pod tries again after its backoff.
    metrics?.attempted('bind_error');
    if (model.pod(pod.key)?.nodeName === node) forget(model, pod, { state: this.state });
    this.snapshots.touch(node);
    logger.warn({ pod: pod.key, node, err: describeError(result.error) }, 'binding failed; will retry');
    this.queue?.park(item, this.clock.now());
    this.wakeup.notify();
  }

  private reportLater(
    outcome: Extract<BatchOutcome, { kind: 'unschedulable' }>,
    item: QueuedPod,
    now: number,
    signal: AbortSignal,
  ): void {
    const { pod, decision, preemption, protectedPods } = outcome;
    const preempting = preemption !== undefined && preemption.victims.length > 0;
    // A preemptor retries as soon as anything changes: its victims leaving is what it waits for.
    this.queue?.park(item, now, { retryWithoutBackoff: preempting || this.preemptions.has(pod.key) });
    this.options.metrics?.attempted('unschedulable');
    const object = this.options.informers.pods.get(pod.key);
    if (!object) return;
    const message = preempting
      ? `${decision.summary} Preempting ${preemption.victims.length} lower-priority pod(s) on ${preemption.node}.`
      : withProtected(decision.summary, protectedPods);
    this.options.events.record(object, 'Warning', 'FailedScheduling', message);
    const nominated = preempting ? preemption.node : undefined;
    this.track(
      this.binder
        .markUnschedulable(object, message, nominated, new Date(now), signal)
        .catch((error) =>
          this.options.logger.warn({ pod: pod.key, err: describeError(error) }, 'status patch failed'),
        ),
    );
    if (preempting && this.options.evictor) {
      this.preemptions.started(pod.key, decision.pool ?? '', item.priority, preemption, now);
      this.options.metrics?.preempting(preemption.victims.length);
      this.track(
        this.options.evictor
          .evictVictims(pod, preemption, decision.pool ?? '', signal)
          .catch((error) =>
            this.options.logger.warn({ pod: pod.key, err: describeError(error) }, 'preemption failed'),
          ),
      );
    }
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => {
      this.inFlight.delete(promise);
      this.wakeup.notify();
    });
  }

  private async waitForBindingSlot(): Promise<void> {
    const max = this.bindingSlots.size;
    while (this.inFlight.size >= max) await Promise.race(this.inFlight);
  }

  // ---- events -------------------------------------------------------------------------------------------

  private wireEvents(): void {
    const { informers } = this.options;
    informers.pods.addHandler({
      onAdd: (pod) => {
        this.onPod(pod);
        if (pod.spec?.nodeName) this.snapshots.touch(pod.spec.nodeName);
      },
      onUpdate: (old, pod) => {
        if (old === pod) return;
        this.onPod(pod);
        this.podMoved(old, pod);
      },
      onDelete: (pod) => this.onPodGone(pod),
    });
    informers.nodes.addHandler({
      onAdd: (node) => this.nodeChanged(node.metadata?.name),
      onUpdate: (old, node) => schedulingRelevant(old, node) && this.nodeChanged(node.metadata?.name),
      onDelete: (node) => this.nodeChanged(node.metadata?.name),
    });
    const wake = (): void => this.wakeAll();
    informers.resourcePools.addHandler({
      onAdd: wake,
      onUpdate: (o, n) => o !== n && wake(),
      onDelete: wake,
    });
    informers.podDisruptionBudgets.addHandler({
      onAdd: wake,
      onUpdate: (o, n) => o !== n && wake(),
      onDelete: wake,
    });
    informers.workloadPolicies.addHandler({
      onAdd: () => this.requeueAll(),
      onUpdate: (o, n) => o !== n && this.requeueAll(),
      onDelete: () => this.requeueAll(),
    });
  }

  /** Queues a pod of ours that waits for a node; forgets any other. */
  private onPod(object: LeanPod): void {
    const queue = this.queue;
    if (!queue) return;
    // Most pod events are about bound pods or other schedulers' pods: tell them from the cached record,
    // without building a PodInfo (the model builds its own; at 150,000 pods a second one per event, and one
    // per pod when the scheduler starts, was garbage).
    if (!this.mayWaitForUs(object)) {
      const key = podKey(object.metadata?.namespace ?? 'default', object.metadata?.name ?? '');
      queue.remove(key);
      this.preemptions.finished(key);
      return;
    }
    const pod = podInfoFromPod(object);
    if (!this.waitsForUs(pod)) {
      queue.remove(pod.key);
      this.preemptions.finished(pod.key);
      return;
    }
    const priority = priorityResolver({ policies: this.options.policies, snapshots: this.snapshots })(pod);
    queue.add({ key: pod.key, priority, creationTimestamp: pod.creationTimestamp });
    this.wakeup.notify();
  }

  /**
   * False when the record alone shows the pod is not ours to place: gated (not ready for any scheduler until
   * every gate is removed), bound, or another scheduler's. `waitsForUs` decides the rest.
   */
  private mayWaitForUs(object: LeanPod): boolean {
    const spec = object.spec;
    if ((spec?.schedulingGates?.length ?? 0) > 0 || spec?.nodeName) return false;
    return (spec?.schedulerName ?? 'default-scheduler') === this.schedulerName;
  }

  private waitsForUs(pod: PodInfo): boolean {
    return (
      pod.schedulerName === this.schedulerName &&
      pod.nodeName === undefined &&
      !pod.deleting &&
      !isTerminal(pod) &&
      this.options.assumed.nodeOf(pod.key) === undefined
    );
  }

  /** A pod changed node, finished, or started terminating: its node(s) must be re-read, and room may be free. */
  private podMoved(old: LeanPod, pod: LeanPod): void {
    const before = old.spec?.nodeName;
    const after = pod.spec?.nodeName;
    if (before) this.snapshots.touch(before);
    if (after && after !== before) this.snapshots.touch(after);
    const freed =
      (!old.metadata?.deletionTimestamp && !!pod.metadata?.deletionTimestamp) ||
      (old.status?.phase !== pod.status?.phase &&
        (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'));
    if (before && freed) this.wakeAll();
  }

  private onPodGone(pod: LeanPod): void {
    const key = podKey(pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? '');
    this.queue?.remove(key);
    this.preemptions.finished(key);
    this.options.assumed.forget(key);
    const node = pod.spec?.nodeName;
    if (node) {
      this.snapshots.touch(node);
      this.wakeAll();
    }
  }

  private nodeChanged(name: string | undefined): void {
    if (name) this.snapshots.touch(name);
    this.wakeAll();
  }

  private wakeAll(): void {
    if (!this.queue) return;
    this.queue.wake();
    this.wakeup.notify();
  }

  /** Policies changed: every pending pod's pool and priority may have changed. */
  private requeueAll(): void {
    if (!this.queue) return;
    for (const pod of this.options.informers.pods.values()) this.onPod(pod);
    this.wakeAll();
  }
}

/** Node changes that can change where pods fit; heartbeat-only status updates are not among them. */
export function schedulingRelevant(old: LeanNode, node: LeanNode): boolean {
  if (old === node) return false;
  const ready = (n: LeanNode) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    old.spec?.unschedulable !== node.spec?.unschedulable ||
    JSON.stringify(old.spec?.taints) !== JSON.stringify(node.spec?.taints) ||
    JSON.stringify(old.metadata?.labels) !== JSON.stringify(node.metadata?.labels) ||
    JSON.stringify(old.status?.allocatable) !== JSON.stringify(node.status?.allocatable) ||
    JSON.stringify(old.metadata?.annotations) !== JSON.stringify(node.metadata?.annotations) ||
    ready(old) !== ready(node)
  );
}

/**
 * The summary, plus the lower-priority pods preemption left alone when there are any: "... Not preempted,
 * protected by the pool's spec.eviction: 2 in kube-system, 1 with local storage."
 */
export function withProtected(
  summary: string,
  protectedPods: Partial<Record<ProtectionReason, number>> | undefined,
): string {
  const described = protectedPods ? describeProtected(protectedPods) : '';
  if (described === '') return summary;
  return `${summary} Not preempted, protected by the pool's spec.eviction: ${described}.`;
}
