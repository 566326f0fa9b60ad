/**
 * The vocabulary of the consolidation planner: what it reads besides the model (pod facts, the nodes being
 * drained) and what it returns (node marks and evictions for the Actuator, and the packing of the pool).
 */
import type { EvictionRequest, MetricsFreshness, PodFacts } from '../rebalancing/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { PodInfo } from '../model/pod-info.js';
import type { CeilingResource, ResourceVector } from '../model/resources.js';
import type { PoolSnapshot } from '../placement/snapshot.js';
import type { PlacementPool } from '../placement/framework.js';
import type { ConsolidationSettings } from './settings.js';

export interface ConsolidationFacts extends PodFacts {
  /**
   * The pod stays on its node through a drain and does not keep the node in use: a DaemonSet or mirror pod.
   * Any other pod that is not `movable` (a bare pod, a policy that forbids moves) keeps its node.
   */
  staysOnNode(pod: PodInfo): boolean;
}

export interface ConsolidationInput {
  model: ClusterModel;
  pool: PlacementPool;
  settings: ConsolidationSettings;
  now: number;
  /** Smoothed fresh node usage (Usage and Max bases); nodes missing count by requests. */
  usage?: ReadonlyMap<string, ResourceVector>;
  podUsage?: ReadonlyMap<string, ResourceVector>;
  /** Required on the Usage and Max bases: stale metrics stop consolidation. */
  metrics?: MetricsFreshness;
  failedNodes?: ReadonlySet<string>;
  /**
   * A snapshot of `pool` taken from exactly these model, usage and failedNodes (the controller may keep one
   * across intervals, as for the balance plan). The planner changes it while planning and restores it
   * before returning.
   */
  snapshot?: PoolSnapshot;
  /** Nodes carrying the consolidation taint, with the time their drain started. */
  draining: ReadonlyMap<string, number>;
  facts: ConsolidationFacts;
  /**
   * Why no new drain may start this interval (rebalancing planned moves, for example); drains under way go
   * on unless a node is over a ceiling.
   */
  hold?: string;
}

/** Taint a node and start draining it, or lift the taint. */
export interface DrainMark {
  kind: 'StartDrain' | 'StopDrain';
  node: string;
  reason: string;
}

/** Why a node was not drained (first ones listed, bounded). */
export type NodeSkipReason =
  | 'KeepsPods' // holds a pod that may not move
  | 'YoungPods' // holds a pod younger than minPodAge
  | 'NoRoom' // its pods do not all fit elsewhere below the ceilings
  | 'SearchLimit';

export interface SkippedNode {
  node: string;
  reason: NodeSkipReason;
  detail?: string;
}

/** How tightly the pool's requests are packed onto the nodes in use. */
export interface PackingReport {
  /** Nodes holding pods that would have to move for the node to go. */
  nodesInUse: number;
  /** Fewest nodes that could hold every request at the ceilings (largest nodes first, per resource). */
  lowerBoundNodes: number;
  /** Requests over capacity at the ceilings of the nodes in use, percent, for the resource binding most. */
  efficiency: number;
  resource: CeilingResource;
  /** efficiency in percent of what the lower bound would reach (100 when the pool is as packed as can be). */
  boundEfficiency: number;
}

export interface ConsolidationPlan {
  /** StopDrain marks first (they give room back), then StartDrain, then evictions. */
  marks: DrainMark[];
  evictions: EvictionRequest[];
  /** Nodes whose pods all fit elsewhere this interval (the ones drained, or in DryRun the ones it would). */
  candidates: string[];
  /** Nodes being drained after this plan, with movable pods left. */
  draining: string[];
  /** Drained nodes: tainted, no movable pod left. */
  free: string[];
  skipped: SkippedNode[];
  packing: PackingReport;
  halted?: 'Off' | 'MetricsStale';
  /** What happened or why nothing did, in words. */
  message: string;
}
