/**
 * `fulcrum explain pod`: for one pod, which pool and policy apply and with what priority, where the placement
 * engine would put it now (the top nodes and their scores) or why it fits nowhere (per-node reasons, as in
 * FailedScheduling), and its history of moves and failovers (Events on the pod and the pool's recorded
 * actions). Pure: the snapshot, the pod and its Events come in, plain data goes out.
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { PoolAction } from '../api/index.js';
import { maxPriorityFor } from '../model/priority-limits.js';
import { podInfoFromPod } from '../model/pod-info.js';
import { schedule } from '../placement/index.js';
import { NO_POOL_MESSAGE, unknownPoolMessage } from '../placement/reasons.js';
import type { ClusterSnapshot } from '../simulate/cluster-snapshot.js';
import { SimulatedCluster } from '../simulate/simulated-cluster.js';
import { nodeVerdicts, type FeasibleNode, type RejectedNode } from './node-verdicts.js';

export interface HistoryEntry {
  time: string;
  /** "Event" (on the pod) or "pool <name>" (the pool's status.lastActions). */
  from: string;
  reason: string;
  message: string;
  count?: number;
}

export interface PodExplanation {
  pod: string;
  phase: string;
  node?: string;
  schedulerName: string;
  pool?: string;
  /** "WorkloadPolicy shop/web" or "label fulcrum.io/pool". */
  poolFrom?: string;
  policy?: {
    name: string;
    priority: number;
    movable: boolean;
    failover: string;
    minAvailable?: number | string;
  };
  priority: { effective: number; limit?: number };
  /** Where the pod would go if it were placed now. */
  placement: {
    result: 'fits' | 'unschedulable';
    /** kube-scheduler style summary when it fits nowhere ("0/12 nodes are available: ..."). */
    summary?: string;
    strategy?: string;
    basis?: string;
    feasibleNodes: number;
    top: FeasibleNode[];
    rejected: RejectedNode[];
  };
  /** For a pending pod: what the PodScheduled condition says. */
  scheduling?: { reason?: string; message?: string };
  notes: string[];
  history: HistoryEntry[];
}

export interface ExplainInput {
  snapshot: ClusterSnapshot;
  pod: V1Pod;
  events: readonly CoreV1Event[];
  now: number;
  /** Feasible nodes shown (default 5). */
  top?: number;
}

export function explainPod(input: ExplainInput): PodExplanation {
  const cluster = new SimulatedCluster(input.snapshot);
  const bound = podInfoFromPod(input.pod);
  // As if it were pending now: off its node, so its own requests do not count against the nodes.
  cluster.model.deletePod(bound.key);
  const pod = { ...bound, nodeName: undefined };
  const resolution = cluster.resolution(pod);
  const poolSpec = resolution ? cluster.pools.get(resolution.pool) : undefined;
  const limit = maxPriorityFor(poolSpec?.spec.priorityLimits, pod.namespace);
  const explanation: PodExplanation = {
    pod: bound.key,
    phase: input.pod.status?.phase ?? 'Unknown',
    ...(bound.nodeName ? { node: bound.nodeName } : {}),
    schedulerName: bound.schedulerName,
    priority: { effective: cluster.priorityOf(pod), ...(limit !== undefined ? { limit } : {}) },
    placement: { result: 'unschedulable', feasibleNodes: 0, top: [], rejected: [] },
    notes: [],
    history: history(input, resolution?.pool),
  };
  if (resolution) {
    explanation.pool = resolution.pool;
    explanation.poolFrom =
      resolution.source === 'policy'
        ? `WorkloadPolicy ${resolution.policy.metadata.namespace}/${resolution.policy.metadata.name}`
        : 'label fulcrum.io/pool';
  }
  if (resolution?.source === 'policy') {
    const { spec, metadata } = resolution.policy;
    explanation.policy = {
      name: `${metadata.namespace}/${metadata.name}`,
      priority: spec.priority,
      movable: spec.movable,
      failover: spec.failover,
      ...(spec.minAvailable !== undefined ? { minAvailable: spec.minAvailable } : {}),
    };
  }
  const scheduled = input.pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled && scheduled.status !== 'True') {
    explanation.scheduling = { reason: scheduled.reason, message: scheduled.message };
  }
  explanation.placement = placement(cluster, pod, input);
  explanation.notes = notes(explanation, poolSpec?.spec.allocation.basis);
  return explanation;
}

function placement(
  cluster: SimulatedCluster,
  pod: ReturnType<typeof podInfoFromPod>,
  input: ExplainInput,
): PodExplanation['placement'] {
  const podPool = cluster.resolution(pod)?.pool;
  const pool = podPool === undefined ? undefined : cluster.placementPools.get(podPool);
  const ctx = { model: cluster.model, podPool, pool, now: input.now, failedNodes: cluster.failedNodes };
  const decision = schedule(pod, ctx);
  if (pool === undefined) {
    const summary = podPool === undefined ? NO_POOL_MESSAGE : unknownPoolMessage(podPool);
    return { result: 'unschedulable', summary, feasibleNodes: 0, top: [], rejected: [] };
  }
  const verdicts = nodeVerdicts(pod, { ...ctx, pool });
  return {
    result: decision.kind === 'placed' ? 'fits' : 'unschedulable',
    ...(decision.kind === 'unschedulable' ? { summary: decision.summary } : {}),
    strategy: pool.allocation.strategy,
    basis: pool.allocation.basis,
    feasibleNodes: verdicts.feasible.length,
    top: verdicts.feasible.slice(0, input.top ?? 5),
    rejected: verdicts.rejected,
  };
}

function notes(explanation: PodExplanation, basis: string | undefined): string[] {
  const out: string[] = [];
  if (explanation.schedulerName !== 'fulcrum')
    out.push(
      `schedulerName is ${explanation.schedulerName}: Fulcrum does not place this pod, it only shows where it would`,
    );
  if (basis === 'Usage' || basis === 'Max')
    out.push(
      `pool basis is ${basis}: scores here use requests; the operator adds smoothed measured usage, so its pick can differ`,
    );
  return out;
}

/** Events on the pod and the pool's recorded actions naming it, oldest first. */
function history(input: ExplainInput, pool: string | undefined): HistoryEntry[] {
  const key = `${input.pod.metadata?.namespace}/${input.pod.metadata?.name}`;
  const entries: HistoryEntry[] = input.events.map((event) => ({
    time: eventTime(event),
    from: 'Event',
    reason: event.reason ?? '',
    message: event.message ?? '',
    ...(event.count !== undefined && event.count > 1 ? { count: event.count } : {}),
  }));
  const poolObject = input.snapshot.pools.find((p) => p.value.metadata.name === pool)?.value;
  for (const action of (poolObject?.status?.lastActions ?? []) as PoolAction[]) {
    if (action.pod !== key) continue;
    const move = action.targetNode ? `${action.node ?? '?'} -> ${action.targetNode}` : (action.node ?? '');
    entries.push({
      time: action.time,
      from: `pool ${pool}`,
      reason: action.dryRun ? `${action.action} (DryRun)` : action.action,
      message: [move, action.reason].filter(Boolean).join(': '),
    });
  }
  return entries.sort((a, b) => a.time.localeCompare(b.time));
}

function eventTime(event: CoreV1Event): string {
  const time =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return time === undefined ? '' : new Date(time as unknown as string).toISOString();
}
