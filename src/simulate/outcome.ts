/**
 * What `fulcrum simulate` reports: per pending pod, in the order Fulcrum would place them, where it goes and
 * why, or why not; per pool, its requests before and after. Plain data, printed as a table, JSON or YAML.
 */
import type { AllocationBasis, AllocationStrategy } from '../api/index.js';
import type { CeilingResource } from '../model/resources.js';

interface OutcomeBase {
  /** `namespace/name`. */
  pod: string;
  /** Where the pod came from: "Deployment shop/web", "Pod shop/job-1", or "cluster" (a pending pod in it). */
  from: string;
  /** The priority it is queued with (its WorkloadPolicy's, within the pool's limit, else its PriorityClass). */
  priority: number;
  /** The pool it names, if any. */
  pool?: string;
}

export interface PlacedOutcome extends OutcomeBase {
  result: 'Placed';
  node: string;
  strategy: AllocationStrategy;
  basis: AllocationBasis;
  /** The strategy's score of the node (higher wins; the scale depends on the strategy). */
  score: number;
  /** The node's weighted load after placement, percent of allocatable. */
  load: number;
  /** Nodes that passed every filter. */
  feasibleNodes: number;
}

export interface Victim {
  pod: string;
  priority: number;
}

/** Fits nowhere now, but would after evicting `victims` from `node`; the simulation evicts them and places it. */
export interface PreemptsOutcome extends Omit<PlacedOutcome, 'result'> {
  result: 'Preempts';
  /** Lowest priority first. */
  victims: Victim[];
}

export interface UnschedulableOutcome extends OutcomeBase {
  result: 'Unschedulable';
  /** `unschedulable`: only resources are short (and no preemption helps); `unresolvable`: nothing pods do helps. */
  status: 'unschedulable' | 'unresolvable';
  /** kube-scheduler style: "0/12 nodes are available: 9 not in pool general, 3 over cpu ceiling 80%." */
  reason: string;
  /** The reasons counted, most frequent first. */
  reasons: Array<{ reason: string; nodes: number }>;
}

export type PodOutcome = PlacedOutcome | PreemptsOutcome | UnschedulableOutcome;

export interface PoolResourceForecast {
  capacity: string;
  requestedBefore: string;
  requestedAfter: string;
  /** Percent of capacity, one decimal, as the pool's status reports it. */
  utilizationBefore: number;
  utilizationAfter: number;
  ceiling: number;
}

/** A pool before and after the simulated placements, figured exactly as the operator's pool status is. */
export interface PoolForecast {
  name: string;
  strategy: AllocationStrategy;
  basis: AllocationBasis;
  nodes: number;
  readyNodes: number;
  /** Pods the simulation placed in the pool (after preemption included). */
  placed: number;
  /** Pods the simulation evicted from the pool to make room. */
  evicted: number;
  resources: Record<CeilingResource, PoolResourceForecast>;
}

export interface SimulationReport {
  /** Placement order. */
  pods: PodOutcome[];
  pools: PoolForecast[];
  totals: { pending: number; placed: number; preempts: number; unschedulable: number };
  /** Assumptions the user should know about (usage basis without samples, scheduler names, ...). */
  notes: string[];
}
