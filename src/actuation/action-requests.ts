/**
 * The vocabulary of the actuator: who asks for a disruptive action, what the action is, and how it ended.
 * Every part of Fulcrum that disrupts anything (failover, preemption, rebalancing) speaks it.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { Taint } from '../model/node-info.js';

/**
 * Which part of Fulcrum asks; budgets, metrics and Events are kept per source. Rebalancing asks as
 * `rebalance` for balance moves and as `rebalance-urgent` for moves off nodes over a ceiling, so the two
 * have their own safety budgets (default-budgets.ts) and their own metric series.
 */
export type ActionSource =
  'failover' | 'preemption' | 'rebalance' | 'rebalance-urgent' | 'consolidation' | 'scale';

/** Enforce performs the action; DryRun performs nothing and reports what it would have done. */
export type ActuationMode = 'Enforce' | 'DryRun';

export type ActionKind =
  'Evict' | 'DeletePod' | 'Cordon' | 'Uncordon' | 'Taint' | 'Untaint' | 'Annotate' | 'Unannotate' | 'Scale';

/**
 * How an action ended. What the caller should do about each:
 * | outcome | meaning                                                        | caller                       |
 * |---------|----------------------------------------------------------------|------------------------------|
 * | Done    | the API server accepted the write (or nothing needed changing) | move on                      |
 * | DryRun  | nothing written; the action was reported as "would ..."        | move on                      |
 * | Denied  | a budget is exhausted; nothing written                         | retry after `retryAfterMs`   |
 * | Blocked | a PodDisruptionBudget refused the eviction (HTTP 429)          | pick another pod, or wait    |
 * | Gone    | the pod no longer exists, or a new pod now has its name        | nothing left to do           |
 * | Failed  | any other error                                                | retry with backoff           |
 * The actuator itself never retries Blocked or Denied in a loop.
 */
export type ActionOutcome = 'Done' | 'DryRun' | 'Denied' | 'Blocked' | 'Gone' | 'Failed';

/** What every request carries: who asks, for which pool, why, and whether to act for real. */
export interface ActionContext {
  source: ActionSource;
  /** The pool on whose behalf the action is taken (budgets per pool). */
  pool: string;
  /** Why, in a few words, for the log line and the Event ("node kwok-3 failed: probe: ... refused"). */
  reason: string;
  mode: ActuationMode;
}

/** A pod named by its uid as well: a same-named replacement (StatefulSet) must never be hit by mistake. */
export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
  /** The node the pod is bound to, for per-node budgets and messages. */
  node?: string;
}

/** Evict through the Eviction API (policy/v1), so PodDisruptionBudgets hold. */
export interface EvictRequest extends ActionContext {
  pod: PodRef;
}

/**
 * Delete a pod, with `preconditions.uid`. `force` deletes with gracePeriodSeconds 0: only for pods on a node
 * known to be down and fenced, where waiting for a kubelet that will never answer helps nobody.
 */
export interface DeletePodRequest extends ActionContext {
  pod: PodRef;
  force?: boolean;
}

/** An object serving the scale subresource, with its resource (plural) resolved by discovery. */
export interface ScaleRef {
  group: string;
  version: string;
  /** The resource, e.g. machinedeployments. */
  plural: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Set the replicas of a scale subresource (a Cluster API MachineDeployment, a Deployment, ...). */
export interface ScaleRequest extends ActionContext {
  target: ScaleRef;
  /** Replicas as last read, for the log line and Event. */
  from: number;
  replicas: number;
}

/** One change to a node. */
export type NodeChange =
  | { kind: 'Cordon' }
  | { kind: 'Uncordon' }
  | { kind: 'Taint'; taint: Taint }
  /** Removes the taints with this key (and this effect, when given). */
  | { kind: 'Untaint'; key: string; effect?: string }
  | { kind: 'Annotate'; key: string; value: string }
  | { kind: 'Unannotate'; key: string };

/** Changes to one node, applied together in one write, or not at all. */
export interface NodeRequest extends ActionContext {
  node: string;
  changes: NodeChange[];
  /** Names the whole request in the log line and Event reason ("Fence"); default the change kinds. */
  label?: string;
}

export interface ActionResult {
  outcome: ActionOutcome;
  /** What happened, in words (also the Event message). */
  message: string;
  /** Denied: when the budget that refused will have room again. */
  retryAfterMs?: number;
  /** Done on a node request: false when the node already looked as asked and nothing was written. */
  changed?: boolean;
  /** Done on a node request: the node as written (or as read, when nothing needed changing). */
  node?: V1Node;
}
