/**
 * The vocabulary of the placement engine: node filters, the reasons a node is rejected (as data) and the
 * outcome of one decision. Everything here is plain data; the engine is in schedule.ts. It imports nothing
 * from this folder, so snapshot.ts and state.ts can use it: the plugins and the decision's inputs, which
 * read a snapshot, are in pod-plugins.ts and placement-context.ts.
 */
import type { Allocation, Ceilings, Eviction, Weights } from '../api/index.js';
import type { NodeInfo, Taint } from '../model/node-info.js';
import type { CeilingResource } from '../model/resources.js';

/** What placement needs of a valid ResourcePool: its name, its rules, and the nodes it owns. */
export interface PlacementPool {
  name: string;
  ceilings: Ceilings;
  weights: Weights;
  allocation: Allocation;
  /** Names of the member nodes (PoolMembership.nodesByPool). Order does not matter to the engine. */
  members: readonly string[];
  /** spec.eviction: which pods preemption and rebalancing may evict here; absent means the defaults. */
  eviction?: Eviction;
}

/**
 * Why a filter rejected a node, as data (after kube-scheduler's `InsufficientResource{...}`): summaries and
 * events are built from these, never formatted by hand. Resource figures are in base units (millicores,
 * bytes, bits/s, pods), `used` on the pool's basis.
 */
export type FilterReason =
  | { code: 'NotInPool'; pool: string }
  | { code: 'NodeNotReady' }
  | { code: 'NodeUnschedulable' }
  | { code: 'NodeFailed' }
  | { code: 'UntoleratedTaint'; taint: Taint }
  | { code: 'NodeSelectorMismatch' }
  | { code: 'NodeAffinityMismatch' }
  | {
      code: 'OverCeiling';
      resource: CeilingResource;
      requested: number;
      used: number;
      allocatable: number;
      ceilingPercent: number;
    }
  | { code: 'NoCapacity'; resource: CeilingResource; requested: number }
  | { code: 'TooManyPods'; used: number; allocatable: number };

/**
 * Outcome of one filter on one node (node filters return it; pod filters mark nodes and explain them with
 * the same codes). The retry meaning of each code, in one place:
 * - `success`: the node passes this filter.
 * - `unschedulable`: the node fails now but could pass if pods left it (resources): preemption may help, and
 *   the pod is retried when the cluster changes.
 * - `unresolvable`: the node fails whatever other pods do (readiness, taints, affinity, pool): preemption
 *   never considers it; the pod is retried only when nodes or policies change.
 */
export type FilterStatus =
  | { readonly code: 'success' }
  | { readonly code: 'unschedulable' | 'unresolvable'; readonly reasons: readonly FilterReason[] };

/** The one success status, so a passing node allocates nothing. */
export const SUCCESS: FilterStatus = Object.freeze({ code: 'success' });

/** A failure whose reasons carry no data, shared by every node it applies to. */
export function constantFailure(code: 'unschedulable' | 'unresolvable', reason: FilterReason): FilterStatus {
  return Object.freeze({ code, reasons: Object.freeze([Object.freeze(reason)]) });
}

/** What node filters see: facts about one node that do not depend on the pod. */
export interface NodeFacts {
  name: string;
  info: NodeInfo;
  /** Member of the pod's pool. */
  inPool: boolean;
  /** Marked failed by the failure detector (PlacementContext.failedNodes). */
  failed: boolean;
}

/**
 * A filter whose outcome depends on the node and the pool only (readiness, pool membership): a snapshot
 * evaluates it once per node, for every decision of a batch.
 */
export interface NodeFilterPlugin {
  readonly name: string;
  filterNode(node: NodeFacts, pool: PlacementPool): FilterStatus;
}

/** Why one node was rejected: the first filter that failed on it. */
export interface NodeRejection {
  node: string;
  plugin: string;
  status: 'unschedulable' | 'unresolvable';
  reasons: readonly FilterReason[];
}

/** How many nodes a reason rejected, with the reason's text as it appears in the summary. */
export interface ReasonCount {
  label: string;
  count: number;
  /** One of the reasons counted, for callers that want the data behind the label. */
  example: FilterReason;
}

export interface PlacedDecision {
  kind: 'placed';
  pool: string;
  node: string;
  /** The strategy's score of the chosen node (higher is better; its scale depends on the strategy). */
  score: number;
  /** Weighted load of the node after placement, in percent of allocatable (pool weights, pool basis). */
  load: number;
  /** Nodes that passed every filter. */
  feasibleNodes: number;
}

export interface UnschedulableDecision {
  kind: 'unschedulable';
  /** `unschedulable` when some node failed only on resources (preemption may help), else `unresolvable`. */
  status: 'unschedulable' | 'unresolvable';
  pool: string | undefined;
  /** One entry per rejected node, every node of the cluster included. Empty when the pod names no pool. */
  rejections: NodeRejection[];
  /** Rejections counted by reason, most frequent first (then by label). */
  counts: ReasonCount[];
  /** kube-scheduler style: "0/12 nodes are available: 9 not in pool general, 3 over cpu ceiling 80%." */
  summary: string;
}

export type Decision = PlacedDecision | UnschedulableDecision;
