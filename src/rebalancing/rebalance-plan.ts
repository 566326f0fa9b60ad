/**
 * The vocabulary of the rebalance planner: what it reads besides the model (pod facts, heat, move history,
 * metrics freshness) and what it returns (action requests for the Actuator and a status fragment). All plain
 * data: the heat and the move history are meant to be persisted and loaded back after a restart.
 */
import type { OperatorIdentity, ProtectionReason } from '../eviction/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { DesiredCondition } from '../model/conditions.js';
import type { PodInfo } from '../model/pod-info.js';
import type { ResourceVector } from '../model/resources.js';
import type { DisruptionBudget } from '../placement/preemption.js';
import type { PoolSnapshot } from '../placement/snapshot.js';
import type { PlacementState } from '../placement/state.js';
import type { PlacementPool } from '../placement/framework.js';
import type { RebalanceSettings } from './settings.js';

/** Kubernetes QoS classes, in the order rebalancing evicts them. */
export type QosClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

/** What the planner needs to know about pods beyond PodInfo, resolved by the caller (policies, owners, PDBs). */
export interface PodFacts {
  /** Effective priority (podPriority): lower goes first. */
  priorityOf(pod: PodInfo): number;
  /**
   * Whether the pod's WorkloadPolicy lets rebalancing move it. What the pool protects (pods nothing
   * recreates, system-critical, local storage, ...) the planner checks itself with evictionProtection.
   */
  movable(pod: PodInfo): boolean;
  /** status.qosClass; Burstable when unknown. */
  qosOf?(pod: PodInfo): QosClass;
  /** The workload (controller) the pod belongs to, e.g. `ReplicaSet/ns/web-5d8f`: cooldowns apply to it. */
  workloadOf?(pod: PodInfo): string | undefined;
  /** PodDisruptionBudgets covering the pod, with their current disruptionsAllowed. */
  pdbs?(pod: PodInfo): readonly DisruptionBudget[];
  /** WorkloadPolicy minAvailable budgets covering the pod (minAvailableBudget). */
  policyBudgets?(pod: PodInfo): readonly DisruptionBudget[];
}

/** Per node, carried from one cycle to the next: consecutive breaching intervals, and whether it is hot. */
export interface NodeHeat {
  streak: number;
  hot: boolean;
}

/** One eviction rebalancing performed (not merely planned), kept for cooldowns. */
export interface MoveRecord {
  /** When the eviction was accepted, ms since the epoch. */
  at: number;
  /** `namespace/name` of the evicted pod. */
  pod: string;
  workload?: string;
  from: string;
  to?: string;
  /** Urgent moves ignore cooldowns; recorded so status and Events can say so. */
  mode?: MoveMode;
  /**
   * The pod's measured usage (else its requests) when it was moved: until the metrics show the move, the
   * planner takes it off `from` and puts it on `to` (in-flight.ts). Absent in records read back from status.
   */
  usage?: ResourceVector;
}

/** A move the metrics may not fully show: `share` of `usage` still counts on `from` and not yet on `to`. */
export interface InFlightMove {
  from: string;
  to?: string;
  usage: ResourceVector;
  /** Part of `from`'s reading taken before the move, 0..1. */
  fromShare: number;
  /** Part of `to`'s reading taken before the move, 0..1. */
  toShare: number;
}

/** Which nodes lack fresh metrics (from UsageStore.view), for pools on the Usage or Max basis. */
export interface MetricsFreshness {
  stale: ReadonlyArray<{ key: string; reason: string; ageMs?: number }>;
  /** Time of the newest sample used. */
  newestTime?: number;
}

export interface RebalanceInput {
  model: ClusterModel;
  pool: PlacementPool;
  settings: RebalanceSettings;
  /** The pool's metadata.generation, for the conditions' observedGeneration. */
  generation?: number;
  /** The caller's clock, ms. */
  now: number;
  /**
   * Smoothed fresh node usage (UsageStore.view().usage); nodes missing count by requests. In a pool that
   * forecasts, the looked-ahead usage at the horizon instead (optimize/lookahead.ts).
   */
  usage?: ReadonlyMap<string, ResourceVector>;
  /** Nodes whose `usage` a forecast raised, with a note for move reasons ("cpu 84% in 10m"). */
  forecastNotes?: ReadonlyMap<string, string>;
  /** Smoothed per-pod usage: what evicting a pod frees on the Usage basis (else its requests). */
  podUsage?: ReadonlyMap<string, ResourceVector>;
  /**
   * Moves the metrics do not show yet (inFlightMoves): applied to `usage` before planning, so a source just
   * relieved is not taken again for the pod it no longer runs, nor a destination filled past what it took.
   * Ignored when the caller passes its own `snapshot`.
   */
  inFlight?: readonly InFlightMove[];
  /** Required on the Usage and Max bases: stale metrics stop all moves. */
  metrics?: MetricsFreshness;
  failedNodes?: ReadonlySet<string>;
  /** The scheduler's state (assumed pods top up measured usage). */
  state?: PlacementState;
  /**
   * A snapshot of `pool` taken from exactly these model, usage, failedNodes and state (the controller may
   * keep one across cycles). The planner changes it while planning and restores it before returning.
   */
  snapshot?: PoolSnapshot;
  /** The `heat` of the previous plan; empty after a restart (nodes carrying the hot taint start hot). */
  heat: ReadonlyMap<string, NodeHeat>;
  /** Moves within the cooldown (older ones are ignored). Node cooldowns are also read from node annotations. */
  history: readonly MoveRecord[];
  facts: PodFacts;
  /** The operator running the plan: its own pods are never moved (see evictionProtection). */
  operator?: OperatorIdentity;
}

/**
 * Why a move is made. Urgent: its node is over a ceiling, and it is planned in the interval that shows it,
 * within disruption budgets and the pool's urgent budget only. Balance: its node is hot against the pool
 * mean, with hysteresis, cooldowns and the balance budgets.
 */
export type MoveMode = 'Urgent' | 'Balance';

/** Evict `pod` from `from`; the scheduler is expected to place its replacement on `expectedTo`. */
export interface EvictionRequest {
  kind: 'Evict';
  mode: MoveMode;
  pod: string;
  namespace: string;
  name: string;
  uid: string;
  from: string;
  expectedTo: string;
  workload?: string;
  priority: number;
  /** Budgets the eviction draws on (`pdb:<name>`, `policy:<name>`): the Eviction API checks PDBs again. */
  budgets: string[];
  /** The pod's measured usage, else its requests: what the move shifts until the metrics show it. */
  usage?: ResourceVector;
  reason: string;
}

export interface TaintRequest {
  kind: 'Taint' | 'Untaint';
  node: string;
  taint: { key: string; effect: 'PreferNoSchedule' };
  reason: string;
}

export type ActionRequest = EvictionRequest | TaintRequest;

/**
 * Why a pod on a hot node was not moved: a reason of the planner's, or the protection the pool's
 * spec.eviction gives it (system-critical, kube-system, local storage, ...; see evictionProtection).
 */
export type SkipReason =
  | ProtectionReason
  | 'NotMovable'
  | 'TooYoung'
  | 'PodCooldown'
  | 'WorkloadCooldown'
  | 'NoRelief'
  | 'NoDestination'
  | 'DestinationWouldBeHot'
  /** The plan reached MAX_DESTINATION_SEARCHES: later candidates wait for the next interval. */
  | 'SearchLimit'
  | 'CycleBudget'
  /** The pool's maxUrgentEvictionsPerCycle is spent. */
  | 'UrgentBudget'
  | 'NodeBudget'
  | 'NamespaceBudget'
  | 'DisruptionBudget';

export interface SkippedPod {
  pod: string;
  node: string;
  reason: SkipReason;
  detail?: string;
}

/** How one member node was classified this cycle. */
export interface NodeClassification {
  node: string;
  /** Weighted load in percent on the pool's basis. */
  load: number;
  /** Resources above their ceiling. */
  overCeiling: string[];
  breaching: boolean;
  heat: NodeHeat;
  /** In cooldown after a move: not a source this cycle. */
  coolingDown: boolean;
}

export interface BalanceStatusFragment {
  conditions: DesiredCondition[];
  nodes: { hot: number };
  /** Mean weighted node load, percent. */
  load?: number;
  /** Standard deviation of weighted node load, percentage points. */
  imbalance?: number;
  metricsTime?: string;
}

export interface RebalancePlan {
  /** Evictions first (in order), then taint changes. Empty when metrics are stale or the mode is Off. */
  actions: ActionRequest[];
  evictions: EvictionRequest[];
  taints: TaintRequest[];
  /** Carry into the next cycle's input. Nodes absent from it are cool. */
  heat: Map<string, NodeHeat>;
  /** The notable nodes: hot, breaching or over a ceiling. Every other schedulable member is cool. */
  classification: NodeClassification[];
  /** Pods on hot nodes that were considered and left, first ones only (bounded). */
  skipped: SkippedPod[];
  /** All skips counted by reason. */
  skipCounts: Partial<Record<SkipReason, number>>;
  meanLoad: number;
  /** Placement decisions asked for destinations (at most MAX_DESTINATION_SEARCHES). */
  destinationSearches: number;
  halted?: 'MetricsStale' | 'Off';
  status: BalanceStatusFragment;
}
