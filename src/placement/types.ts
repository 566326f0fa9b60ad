/**
 * The vocabulary of the placement engine: filter and score plugins, the reasons a node is rejected (as data),
 * the inputs of one decision and its outcome. Everything here is plain data; the engine is in schedule.ts.
 */
import type { Allocation, Ceilings, Eviction, Weights } from '../api/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { NodeInfo, Taint } from '../model/node-info.js';
import type { PodInfo } from '../model/pod-info.js';
import type { CeilingResource, ResourceVector } from '../model/resources.js';
import type { PoolSnapshot } from './snapshot.js';
import type { PlacementState } from './state.js';

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

/**
 * A filter that depends on the pod. Once per decision, `filterAll` runs over every member of the snapshot at
 * once (kube-scheduler's PreFilter and Filter in one pass): for each node `i` still a candidate
 * (`rejected[i] === 0`) that the pod cannot use, it sets `rejected[i] = mark`. It is a tight loop over the
 * snapshot's flat arrays and allocates nothing per node, so a decision over 5,000 nodes stays well under a
 * millisecond and its speed does not hinge on what the JIT manages to inline.
 *
 * Only when no node is feasible does the engine ask `explain` why a node this filter marked fails: its
 * reasons as data, with the status code `failure` — the same for every rejection of the filter.
 */
export interface PodFilterPlugin {
  readonly name: string;
  readonly failure: 'unschedulable' | 'unresolvable';
  filterAll(pod: PodInfo, nodes: PoolSnapshot, rejected: Uint8Array, mark: number): void;
  explain(pod: PodInfo, nodes: PoolSnapshot, i: number): FilterReason[];
}

/** What a score plugin may read besides the nodes. */
export interface ScoreInput {
  pod: PodInfo;
  pool: PlacementPool;
  /** RoundRobin: the node the previous placement in this pool chose, if any. */
  cursor: string | undefined;
}

/**
 * A score extension point: writes `scores[i]` for every member still a candidate (`rejected[i] === 0`),
 * higher is better, in one pass over the snapshot's arrays. Ties are broken by fewer untolerated
 * PreferNoSchedule taints first (before the score), then by the smaller node name (after it).
 */
export interface ScorePlugin {
  readonly name: string;
  scoreAll(input: ScoreInput, nodes: PoolSnapshot, rejected: Uint8Array, scores: Float64Array): void;
}

/** The inputs of one decision. Nothing in here is mutated by `schedule`. */
export interface PlacementContext {
  model: ClusterModel;
  /** The pool the pod names (resolvePodPool), or undefined when it names none. */
  podPool: string | undefined;
  /** The valid pool called `podPool`, with its members; undefined when no valid pool has that name. */
  pool: PlacementPool | undefined;
  /** Current time in milliseconds (the caller's clock); only used to age assumed pods on the Usage basis. */
  now: number;
  /** Nodes the failure detector has marked failed; they get no new pods. */
  failedNodes?: ReadonlySet<string>;
  /** Smoothed measured usage per node, for the Usage and Max bases. A node missing here counts by requests. */
  usage?: ReadonlyMap<string, ResourceVector>;
  /** Round-robin cursors and recently assumed pods; see state.ts. Without it, round-robin starts over. */
  state?: PlacementState;
  /**
   * The pool's nodes pre-extracted for a batch of decisions (snapshot.ts); taken from the fields above when
   * absent. Must have been taken for `pool` from `model`, with no change since but through `assume`.
   */
  snapshot?: PoolSnapshot;
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
