/**
 * What `fulcrum status` shows, as plain data: per pool its conditions, per member node the utilization of each
 * resource against the ceiling (requests, and measured usage where metrics.k8s.io gives it), the markers that
 * matter (hot, failed, fenced, cordoned, not ready) and its pods, and the pool's last actions. Built from the
 * same snapshot `fulcrum simulate` reads, with the operator's own membership rule. Pure.
 */
import type { Condition, PoolAction, ResourcePoolStatus } from '../api/index.js';
import { HOT_TAINT_KEY } from '../rebalancing/hot-taint.js';
import { readFenceMarker } from '../failover/fence-marker.js';
import type { NodeInfo } from '../model/node-info.js';
import { CEILING_RESOURCES, utilizationPercent, type CeilingResource } from '../model/resources.js';
import type { ClusterSnapshot } from '../simulate/cluster-snapshot.js';
import { SimulatedCluster } from '../simulate/simulated-cluster.js';

export const NODE_MARKERS = ['failed', 'fenced', 'hot', 'cordoned', 'not-ready'] as const;
export type NodeMarker = (typeof NODE_MARKERS)[number];

export interface ResourceUse {
  /** Sum of pod requests, percent of allocatable. */
  requests: number;
  /** Measured usage, percent of allocatable, when a sample exists (cpu and memory from metrics.k8s.io). */
  usage?: number;
  ceiling: number;
}

export interface NodeStatusView {
  name: string;
  markers: NodeMarker[];
  pods: number;
  resources: Partial<Record<CeilingResource, ResourceUse>>;
}

export interface PoolStatusView {
  name: string;
  strategy: string;
  basis: string;
  rebalancing: string;
  failover: string;
  conditions: Array<Pick<Condition, 'type' | 'status' | 'reason' | 'message'>>;
  /** Resources shown: those some member node has capacity for. */
  resources: CeilingResource[];
  nodes: NodeStatusView[];
  /** Nodes the selector matches that an older pool keeps. */
  contested: string[];
  /** Newest first. */
  lastActions: PoolAction[];
}

export interface StatusView {
  time: string;
  /** Where usage came from, or why there is none. */
  usage: string;
  pools: PoolStatusView[];
}

/** Measured usage per node: cpu in millicores, memory in bytes. */
export type NodeUsage = ReadonlyMap<string, { cpu?: number; memory?: number }>;

export interface StatusInput {
  snapshot: ClusterSnapshot;
  usage: NodeUsage;
  usageSource: string;
  now: number;
  /** Only this pool; all when undefined. */
  pool?: string;
  /** Actions shown per pool (default 5). */
  actions?: number;
}

export function buildStatusView(input: StatusInput): StatusView {
  const cluster = new SimulatedCluster(input.snapshot);
  const pools = [...cluster.pools.values()]
    .filter((pool) => input.pool === undefined || pool.metadata.name === input.pool)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((pool) => {
      const name = pool.metadata.name;
      const members = [...(cluster.membership.nodesByPool.get(name) ?? [])].sort();
      const failed = new Set((pool.status?.failover?.failedNodes ?? []).map((n) => n.name));
      const nodes = members.map((member) =>
        nodeView(cluster, member, pool.spec.ceilings, failed, input.usage),
      );
      return {
        name,
        strategy: pool.spec.allocation.strategy,
        basis: pool.spec.allocation.basis,
        rebalancing: pool.spec.rebalancing.mode,
        failover: pool.spec.failover.mode,
        conditions: (pool.status?.conditions ?? []).map(({ type, status, reason, message }) => ({
          type,
          status,
          reason,
          ...(message ? { message } : {}),
        })),
        resources: CEILING_RESOURCES.filter((r) =>
          members.some((m) => (cluster.model.node(m)?.allocatable[r] ?? 0) > 0),
        ),
        nodes,
        contested: pool.status?.nodes?.contested ?? [],
        lastActions: lastActionsOf(pool.status, input.actions ?? 5),
      };
    });
  return { time: new Date(input.now).toISOString(), usage: input.usageSource, pools };
}

/**
 * The pool's newest actions, its last failover among them: failover keeps its record in
 * `status.failover.lastFailover`, while `status.lastActions` belongs to rebalancing (one writer per field).
 */
function lastActionsOf(status: ResourcePoolStatus | undefined, count: number): PoolAction[] {
  const actions = [...(status?.lastActions ?? [])];
  const failover = status?.failover?.lastFailover;
  const time = failover?.completedAt ?? failover?.fencedAt ?? failover?.detectedAt;
  if (failover && time) {
    const pods = `${failover.podsRescheduled ?? 0} pod(s) rescheduled`;
    const reason = failover.completedAt
      ? `${pods}, all bound elsewhere ${seconds(failover.durationMs)} after detection`
      : `fenced; ${pods} so far`;
    actions.push({ time, action: 'Failover', node: failover.node, reason: `node failed: ${reason}` });
  }
  return actions.sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).slice(0, count);
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`;
}

function nodeView(
  cluster: SimulatedCluster,
  name: string,
  ceilings: Record<CeilingResource, number>,
  failed: ReadonlySet<string>,
  usage: NodeUsage,
): NodeStatusView {
  const info = cluster.model.node(name) as NodeInfo;
  const requested = cluster.model.requested(name);
  const measured = usage.get(name);
  const resources: NodeStatusView['resources'] = {};
  for (const resource of CEILING_RESOURCES) {
    const capacity = info.allocatable[resource];
    if (capacity <= 0) continue;
    const use: ResourceUse = {
      requests: round(utilizationPercent(requested[resource], capacity)),
      ceiling: ceilings[resource],
    };
    const sample = resource === 'cpu' || resource === 'memory' ? measured?.[resource] : undefined;
    if (sample !== undefined) use.usage = round(utilizationPercent(sample, capacity));
    resources[resource] = use;
  }
  return { name, markers: markersOf(info, failed), pods: cluster.model.podsOn(name).size, resources };
}

function markersOf(info: NodeInfo, failed: ReadonlySet<string>): NodeMarker[] {
  const marker = readFenceMarker(info.annotations);
  const on: Record<NodeMarker, boolean> = {
    failed: failed.has(info.name),
    fenced: marker !== undefined && marker !== 'invalid',
    hot: info.taints.some((t) => t.key === HOT_TAINT_KEY),
    cordoned: info.unschedulable,
    'not-ready': !info.ready,
  };
  return NODE_MARKERS.filter((m) => on[m]);
}

function round(percent: number): number {
  return Math.round(percent * 10) / 10;
}
