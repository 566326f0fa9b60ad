/**
 * The plugins that scan a pool snapshot once per decision: pod filters and scores (kube-scheduler's Filter and
 * Score extension points). Node filters, which see one node and no snapshot, are in framework.ts.
 */
import type { PodInfo } from '../model/pod-info.js';
import type { PoolSnapshot } from './snapshot.js';
import type { FilterReason, PlacementPool } from './framework.js';

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
