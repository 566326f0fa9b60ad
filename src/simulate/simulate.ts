/**
 * `fulcrum simulate`'s core: places pending pods into a cluster snapshot with the production placement engine
 * and reports every decision. Pure and synchronous — the snapshot comes in, the report goes out.
 *
 *  1. Build the model, pools and policies from the snapshot (SimulatedCluster), and note each pool's status.
 *  2. Queue the pending pods — the snapshot's own unbound `schedulerName: fulcrum` pods and the given ones —
 *     highest priority first, then oldest (given pods arrive at `now`, in file order).
 *  3. For each, exactly as the scheduler does: `schedule` on the pool's snapshot; when placed, `assume` it so
 *     the next decision sees it. When resources alone are short, `findPreemption`; if it finds victims, evict
 *     them from the model (spending their disruption budgets) and schedule again, as the scheduler's retry
 *     after the evictions would.
 *  4. Note each pool's status again and report.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { isTerminal, podInfoFromPod, type PodInfo } from '../model/pod-info.js';
import {
  assume,
  findPreemption,
  newPlacementState,
  PendingQueue,
  PoolSnapshot,
  schedule,
  type PlacementContext,
  type PlacementState,
  type PreemptionInput,
  type UnschedulableDecision,
} from '../placement/index.js';
import type { ClusterSnapshot } from './cluster-snapshot.js';
import { DisruptionBudgets } from './disruption-budgets.js';
import { describeOrigin, SimulationInputError } from './input-error.js';
import type { PodOutcome, SimulationReport, UnschedulableOutcome, Victim } from './outcome.js';
import type { PendingPod } from './pending-pods.js';
import { poolForecasts, poolStatuses } from './pool-forecast.js';
import { priorityFromClasses } from './priority-classes.js';
import { SimulatedCluster } from './simulated-cluster.js';
import { FULCRUM_SCHEDULER, simulationNotes } from './simulation-notes.js';

export interface SimulationInput {
  cluster: ClusterSnapshot;
  pending: readonly PendingPod[];
  /** The simulation's clock (ms since the epoch): when the given pods arrive. */
  now: number;
}

interface QueuedPending {
  key: string;
  priority: number;
  creationTimestamp: number | undefined;
  pod: PodInfo;
  from: string;
  /** The pod as written, for the notes. */
  source: V1Pod | undefined;
}

/** Runs the simulation. Throws a SimulationInputError when a given pod collides with a bound one. */
export function simulate(input: SimulationInput): SimulationReport {
  const cluster = new SimulatedCluster(input.cluster);
  const before = poolStatuses(cluster);
  const pending = pendingOf(cluster, input);
  const queue = new PendingQueue<QueuedPending>();
  for (const item of pending) queue.add(item);
  const run = new SimulationRun(cluster, input.cluster, input.now);
  const pods: PodOutcome[] = [];
  for (let item = queue.pop(); item; item = queue.pop()) pods.push(run.place(item));
  return {
    pods,
    pools: poolForecasts(cluster, before, poolStatuses(cluster), run.counts),
    totals: {
      pending: pods.length,
      placed: pods.filter((p) => p.result === 'Placed').length,
      preempts: pods.filter((p) => p.result === 'Preempts').length,
      unschedulable: pods.filter((p) => p.result === 'Unschedulable').length,
    },
    notes: simulationNotes(cluster, input.cluster, pending, pods),
  };
}

/**
 * Step 2: the snapshot's pending Fulcrum pods, then the given ones, which join the model unbound. A given
 * pod replaces an unbound snapshot pod of the same name.
 */
function pendingOf(cluster: SimulatedCluster, input: SimulationInput): QueuedPending[] {
  const byKey = new Map<string, QueuedPending>();
  const add = (pod: PodInfo, from: string, source: V1Pod | undefined): void => {
    byKey.delete(pod.key);
    byKey.set(pod.key, {
      key: pod.key,
      priority: cluster.priorityOf(pod),
      creationTimestamp: pod.creationTimestamp,
      pod,
      from,
      source,
    });
  };
  for (const pod of cluster.model.allPods()) {
    if (
      pod.nodeName === undefined &&
      !isTerminal(pod) &&
      !pod.deleting &&
      pod.schedulerName === FULCRUM_SCHEDULER
    ) {
      add(pod, 'cluster', undefined);
    }
  }
  input.pending.forEach(({ pod, origin }, index) => {
    const priority =
      pod.spec?.priority ?? priorityFromClasses(pod.spec?.priorityClassName, input.cluster.priorityClasses);
    const withPriority: V1Pod = { ...pod, spec: { containers: [], ...pod.spec, priority } };
    const info = podInfoFromPod(withPriority);
    const existing = cluster.model.pod(info.key);
    if (existing?.nodeName !== undefined) {
      throw new SimulationInputError(
        `${describeOrigin(origin)}: pod ${info.key} already exists in the cluster, bound to node ${existing.nodeName}`,
      );
    }
    // Given pods arrive now, a millisecond apart, so that within a priority they keep the file's order.
    const arrived: PodInfo = { ...info, creationTimestamp: info.creationTimestamp ?? input.now + index };
    cluster.upsertPod(arrived);
    add(arrived, `${origin.kind} ${origin.namespace}/${origin.name}`, withPriority);
  });
  return [...byKey.values()];
}

/** Step 3: the placement loop's state — the engine's own, the per-pool snapshots, the budgets left. */
class SimulationRun {
  readonly counts = { placed: new Map<string, number>(), evicted: new Map<string, number>() };
  private readonly state: PlacementState = newPlacementState();
  private readonly snapshots = new Map<string, PoolSnapshot>();
  private readonly budgets: DisruptionBudgets;
  private readonly preemption: PreemptionInput;

  constructor(
    private readonly cluster: SimulatedCluster,
    snapshot: ClusterSnapshot,
    private readonly now: number,
  ) {
    const bound = [...cluster.model.allPods()].filter((p) => p.nodeName !== undefined);
    this.budgets = new DisruptionBudgets(
      snapshot.pdbs.map((p) => p.value),
      snapshot.policies.map((p) => p.value),
      bound,
      (pod) => cluster.policyOf(pod),
    );
    this.preemption = {
      priorityOf: (pod) => cluster.priorityOf(pod),
      movable: (pod) => cluster.movable(pod),
      pdbs: (pod) => this.budgets.pdbsOf(pod),
      policyBudgets: (pod) => this.budgets.policyBudgetsOf(pod),
    };
  }

  place(item: QueuedPending): PodOutcome {
    const base = { pod: item.key, from: item.from, priority: item.priority };
    const ctx = this.contextFor(item.pod);
    const outcome = { ...base, ...(ctx.podPool !== undefined ? { pool: ctx.podPool } : {}) };
    const decision = schedule(item.pod, ctx);
    if (decision.kind === 'placed')
      return { ...outcome, result: 'Placed', ...this.commit(item.pod, decision, ctx) };
    if (decision.status !== 'unschedulable') return unschedulable(outcome, decision);
    const preemption = findPreemption(item.pod, ctx, this.preemption);
    if (!preemption || preemption.victims.length === 0) return unschedulable(outcome, decision);
    const victims = preemption.victims.map((v) => this.evict(v, ctx));
    const retry = schedule(item.pod, ctx);
    if (retry.kind !== 'placed') return unschedulable(outcome, retry);
    return { ...outcome, result: 'Preempts', ...this.commit(item.pod, retry, ctx), victims };
  }

  private contextFor(pod: PodInfo): PlacementContext {
    const podPool = this.cluster.resolution(pod)?.pool;
    const pool = podPool === undefined ? undefined : this.cluster.placementPools.get(podPool);
    const base = {
      model: this.cluster.model,
      now: this.now,
      failedNodes: this.cluster.failedNodes,
      state: this.state,
    };
    if (!pool) return { ...base, podPool, pool };
    let snapshot = this.snapshots.get(pool.name);
    if (!snapshot) {
      snapshot = PoolSnapshot.take({ ...base, pool });
      this.snapshots.set(pool.name, snapshot);
    }
    return { ...base, podPool, pool, snapshot };
  }

  /** `assume`, as the scheduler does before binding, and the figures the report shows. */
  private commit(
    pod: PodInfo,
    decision: { node: string; pool: string; score: number; load: number; feasibleNodes: number },
    ctx: PlacementContext,
  ) {
    assume(this.cluster.model, pod, decision, { state: this.state, now: this.now, snapshot: ctx.snapshot });
    increment(this.counts.placed, decision.pool);
    const { allocation } = this.cluster.pools.get(decision.pool)!.spec;
    return {
      node: decision.node,
      strategy: allocation.strategy,
      basis: allocation.basis,
      score: decision.score,
      load: decision.load,
      feasibleNodes: decision.feasibleNodes,
    };
  }

  /** Takes a victim out of the model and the pool snapshot, and spends its budgets. */
  private evict(victim: PodInfo, ctx: PlacementContext): Victim {
    const priority = this.cluster.priorityOf(victim);
    if (victim.nodeName !== undefined) ctx.snapshot?.account(victim.nodeName, victim.requests, -1);
    this.cluster.model.deletePod(victim.key);
    this.budgets.evicted(victim);
    increment(this.counts.evicted, ctx.pool!.name);
    return { pod: victim.key, priority };
  }
}

function unschedulable(
  outcome: { pod: string; from: string; priority: number; pool?: string },
  decision: UnschedulableDecision,
): UnschedulableOutcome {
  return {
    ...outcome,
    result: 'Unschedulable',
    status: decision.status,
    reason: decision.summary,
    reasons: decision.counts.map((c) => ({ reason: c.label, nodes: c.count })),
  };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
