/**
 * Recovery plans for one node, pure: what to write to fence a failed node, which of its pods to delete (and in
 * which order) once it is fenced, and how to unfence it when it is healthy again.
 *
 * The pipeline for a Failed node that the partition guard admitted:
 *  1. Fence: `planFailover` returns step `Fence` with the writes (marker annotation, cordon, and with
 *     OutOfServiceTaint the `node.kubernetes.io/out-of-service=nodeshutdown` taint) and deletes nothing.
 *  2. Once the caller confirms the fence was written and the node as observed shows it, `planFailover` returns
 *     step `Reschedule` with the pods to delete: those whose policy says `Reschedule`, highest priority first
 *     (then by key), so their controllers recreate them and the scheduler places the most important first.
 *     Pods with `failover: None`, DaemonSet pods and mirror (static) pods are left alone and reported.
 *  3. When the detector says Healthy again, `planUnfence` undoes exactly what the fence marker says Fulcrum
 *     did: removes the taint, uncordons, removes the marker.
 *
 * Guarantees (property-tested): no deletion is ever planned for a node that is not Failed, not confirmed fenced
 * by the caller, or not showing the complete fence; every pod deleted has policy Reschedule; deletions are
 * sorted by priority, descending, then key. Plans are idempotent: re-planning after a partial write plans the
 * rest. O(pods on the node · log) per plan.
 */
import type { Failover } from '../api/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { NodeInfo, Taint } from '../model/node-info.js';
import { isTerminal, type PodInfo } from '../model/pod-info.js';
import { describeFailure, type NodeHealthState } from './detector.js';
import {
  FENCED_BY_ANNOTATION,
  formatFenceMarker,
  readFenceMarker,
  type FenceMarker,
} from './fence-marker.js';

export const OUT_OF_SERVICE_TAINT_KEY = 'node.kubernetes.io/out-of-service';
export const OUT_OF_SERVICE_TAINT_VALUE = 'nodeshutdown';

export type Fencing = Failover['fencing'];
export type OutOfServiceEffect = 'NoExecute' | 'NoSchedule';

/**
 * The out-of-service taint as Fulcrum writes it: effect NoSchedule by default. What Kubernetes does with
 * `node.kubernetes.io/out-of-service` looks only at the key: pod GC force-deletes the terminating pods of a
 * NotReady node carrying it (gcTerminating), and the attach/detach controller detaches its volumes without
 * waiting the 6-minute timeout. NoExecute would additionally make the taint manager evict every pod without
 * a matching toleration, `failover: None` pods included, which is exactly what that policy forbids.
 */
export function outOfServiceTaint(effect: OutOfServiceEffect = 'NoSchedule'): Taint {
  return { key: OUT_OF_SERVICE_TAINT_KEY, value: OUT_OF_SERVICE_TAINT_VALUE, effect };
}

/**
 * Writes that fence a node. Apply them as one patch of the node if you can; if not, in order (the marker
 * first, so a fence that is half written is still recorded and finished on the next reconcile).
 */
export type FenceAction =
  | { kind: 'Mark'; node: string; annotation: string; value: string }
  | { kind: 'Cordon'; node: string }
  | { kind: 'Taint'; node: string; taint: Taint };

/** Writes that unfence a node, in order (the marker last, so an interrupted unfence is retried). */
export type UnfenceAction =
  | { kind: 'Untaint'; node: string; taint: Taint }
  | { kind: 'Uncordon'; node: string }
  | { kind: 'Unmark'; node: string; annotation: string };

/**
 * Delete a pod of a fenced node so its controller recreates it elsewhere. Always delete with a
 * `preconditions.uid` of `uid`: a StatefulSet's replacement has the same name, and must never be deleted by a
 * retry. With `force` (OutOfServiceTaint fencing, where the operator asserts the node is down, as the taint
 * itself does) delete with gracePeriodSeconds 0, so StatefulSet pods are released at once instead of staying
 * Terminating until Kubernetes notices the node; without it, delete gracefully.
 */
export interface DeletePodAction {
  kind: 'DeletePod';
  node: string;
  /** namespace/name */
  pod: string;
  namespace: string;
  name: string;
  uid: string;
  priority: number;
  force: boolean;
}

/** What a pod's WorkloadPolicy says about failover; priority is the effective (clamped) priority. */
export interface FailoverPodPolicy {
  failover: 'Reschedule' | 'None';
  priority: number;
}

export type SkipReason = 'FailoverNone' | 'DaemonSet' | 'MirrorPod' | 'AlreadyDeleting' | 'Terminal';

export interface SkippedPod {
  pod: string;
  reason: SkipReason;
}

export interface FailoverPlanInput {
  pool: string;
  /** The node as last observed (informer), so its cordon, taints and marker are what the API server holds. */
  node: NodeInfo;
  /** Its detector state: nothing is planned unless it is Failed. */
  health: NodeHealthState;
  fencing: Fencing;
  /** The caller confirms the fence writes were accepted; pods are deleted only when this is true. */
  fenced: boolean;
  /** Pods to consider; those bound to other nodes are ignored (see podsOnNode). */
  pods: Iterable<PodInfo>;
  /** The pod's failover policy and priority (from its WorkloadPolicy; no policy means Reschedule at priority). */
  policyOf: (pod: PodInfo) => FailoverPodPolicy;
  /**
   * Kind of the pod's controller ownerReference. 'DaemonSet' pods are skipped (the DaemonSet controller owns
   * them, and the node is cordoned anyway), and so are 'Node'-owned ones: the kubelet owns its mirror pods by
   * the Node.
   */
  ownerKind: (pod: PodInfo) => string | undefined;
  /** Whether the pod is a mirror pod (annotation kubernetes.io/config.mirror), besides a Node owner. */
  isMirrorPod?: (pod: PodInfo) => boolean;
  /** Time of this decision (ms since the epoch), recorded in a new fence marker. */
  now: number;
  /**
   * Effect of the out-of-service taint (default NoSchedule, see outOfServiceTaint). NoExecute also makes the
   * taint manager evict every pod without a toleration, including `failover: None` ones; NoSchedule still
   * triggers Kubernetes' force deletion of terminating pods and volume detach (both look only at the key).
   */
  outOfServiceEffect?: OutOfServiceEffect;
}

/** Not Failed (or not acted on): nothing to do. */
export interface HoldPlan {
  step: 'Hold';
  node: string;
  message: string;
}

/** Fence first; delete nothing yet. `actions` is never empty. */
export interface FencePlan {
  step: 'Fence';
  node: string;
  actions: FenceAction[];
  message: string;
}

/** The node is fenced: delete these pods, in this order. An empty list means nothing is left to move. */
export interface ReschedulePlan {
  step: 'Reschedule';
  node: string;
  deletions: DeletePodAction[];
  skipped: SkippedPod[];
  message: string;
}

export type FailoverPlan = HoldPlan | FencePlan | ReschedulePlan;

/** The non-terminal pods the model has bound to `nodeName`. */
export function podsOnNode(model: ClusterModel, nodeName: string): PodInfo[] {
  const out: PodInfo[] = [];
  for (const key of model.podsOn(nodeName)) {
    const pod = model.pod(key);
    if (pod) out.push(pod);
  }
  return out;
}

/** Whether the node, as observed, carries the complete fence for `fencing` and a readable marker. */
export function isFenced(node: NodeInfo, fencing: Fencing): boolean {
  const marker = readFenceMarker(node.annotations);
  if (marker === undefined || marker === 'invalid') return false;
  return node.unschedulable && (fencing === 'CordonOnly' || hasOutOfServiceTaint(node));
}

export function hasOutOfServiceTaint(node: NodeInfo): boolean {
  return node.taints.some((t) => t.key === OUT_OF_SERVICE_TAINT_KEY);
}

/** The next step of failover for one node; see the file comment for the pipeline and its guarantees. */
export function planFailover(input: FailoverPlanInput): FailoverPlan {
  const node = input.node.name;
  if (input.health.health !== 'Failed') {
    return { step: 'Hold', node, message: `node ${node} is ${input.health.health}, not Failed` };
  }
  const why = input.health.failureReason ? ` (${describeFailure(input.health.failureReason)})` : '';
  if (!input.fenced || !isFenced(input.node, input.fencing)) {
    const actions = fenceActions(input);
    const what = actions.map((a) => a.kind.toLowerCase()).join(', ');
    return { step: 'Fence', node, actions, message: `node ${node} failed${why}: fencing (${what})` };
  }
  const { deletions, skipped } = podsToDelete(input);
  return {
    step: 'Reschedule',
    node,
    deletions,
    skipped,
    message:
      `node ${node} failed${why} and is fenced: deleting ${deletions.length} pods for rescheduling` +
      (skipped.length ? `, leaving ${skipped.length}` : ''),
  };
}

function fenceActions(input: FailoverPlanInput): FenceAction[] {
  const node = input.node.name;
  const cordon = !input.node.unschedulable;
  const taint = input.fencing === 'OutOfServiceTaint' && !hasOutOfServiceTaint(input.node);
  const existing = readFenceMarker(input.node.annotations);
  const previous = existing === 'invalid' ? undefined : existing;
  const marker: FenceMarker = {
    pool: previous?.pool ?? input.pool,
    cordoned: (previous?.cordoned ?? false) || cordon,
    tainted: (previous?.tainted ?? false) || taint,
    at: previous?.at ?? input.now,
  };
  const actions: FenceAction[] = [
    { kind: 'Mark', node, annotation: FENCED_BY_ANNOTATION, value: formatFenceMarker(marker) },
  ];
  if (cordon) actions.push({ kind: 'Cordon', node });
  if (taint) actions.push({ kind: 'Taint', node, taint: outOfServiceTaint(input.outOfServiceEffect) });
  return actions;
}

function podsToDelete(input: FailoverPlanInput): { deletions: DeletePodAction[]; skipped: SkippedPod[] } {
  const node = input.node.name;
  const force = input.fencing === 'OutOfServiceTaint';
  const deletions: DeletePodAction[] = [];
  const skipped: SkippedPod[] = [];
  for (const pod of input.pods) {
    if (pod.nodeName !== node) continue;
    const reason = skipReason(pod, input, force);
    if (reason) {
      skipped.push({ pod: pod.key, reason });
      continue;
    }
    deletions.push({
      kind: 'DeletePod',
      node,
      pod: pod.key,
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
      priority: input.policyOf(pod).priority,
      force,
    });
  }
  deletions.sort(byPriorityThenKey);
  skipped.sort((a, b) => compareKeys(a.pod, b.pod));
  return { deletions, skipped };
}

function skipReason(pod: PodInfo, input: FailoverPlanInput, force: boolean): SkipReason | undefined {
  if (isTerminal(pod)) return 'Terminal';
  const owner = input.ownerKind(pod);
  if (owner === 'DaemonSet') return 'DaemonSet';
  if (owner === 'Node' || input.isMirrorPod?.(pod)) return 'MirrorPod';
  if (input.policyOf(pod).failover !== 'Reschedule') return 'FailoverNone';
  // A pod already being deleted gracefully on a dead node stays Terminating: finish it only when forcing.
  if (pod.deleting && !force) return 'AlreadyDeleting';
  return undefined;
}

function byPriorityThenKey(a: DeletePodAction, b: DeletePodAction): number {
  return b.priority - a.priority || compareKeys(a.pod, b.pod);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface UnfenceInput {
  /** The node as last observed. */
  node: NodeInfo;
  health: NodeHealthState;
  /** provenHealthy: successThreshold answered probes and a fresh Lease in this leadership term. */
  proven: boolean;
}

/** Healthy and fenced by Fulcrum: undo the fence. `actions` is never empty. */
export interface UnfencePlan {
  step: 'Unfence';
  node: string;
  actions: UnfenceAction[];
  message: string;
}

/** Nothing to undo: not fenced by Fulcrum (no marker). */
export interface NotFencedPlan {
  step: 'NotFenced';
  node: string;
}

export type RecoveryPlan = HoldPlan | UnfencePlan | NotFencedPlan;

/**
 * Undoes Fulcrum's fence once the node is Healthy (or Degraded) and proven so (successThreshold answered
 * probes and a fresh Lease in this term): removes the out-of-service taint and uncordons only
 * if the marker says Fulcrum added them, then removes the marker. A node that is not Healthy yet is held; a
 * node without marker is not Fulcrum's to touch; an unreadable marker is left for a human.
 */
export function planUnfence(input: UnfenceInput): RecoveryPlan {
  const node = input.node.name;
  const marker = readFenceMarker(input.node.annotations);
  if (marker === undefined) return { step: 'NotFenced', node };
  if (input.health.health !== 'Healthy' && input.health.health !== 'Degraded') {
    return { step: 'Hold', node, message: `node ${node} is ${input.health.health}: keeping it fenced` };
  }
  if (!input.proven) {
    // Healthy by the evidence table is not enough after a fence: answered probes and a renewed Lease are.
    return {
      step: 'Hold',
      node,
      message: `node ${node} has not answered successThreshold probes with a fresh Lease yet: keeping it fenced`,
    };
  }
  if (marker === 'invalid') {
    return {
      step: 'Hold',
      node,
      message: `node ${node} has an unreadable ${FENCED_BY_ANNOTATION} annotation: leaving its fence alone`,
    };
  }
  const actions: UnfenceAction[] = [];
  if (marker.tainted) {
    for (const taint of input.node.taints) {
      if (taint.key === OUT_OF_SERVICE_TAINT_KEY) actions.push({ kind: 'Untaint', node, taint });
    }
  }
  if (marker.cordoned && input.node.unschedulable) actions.push({ kind: 'Uncordon', node });
  actions.push({ kind: 'Unmark', node, annotation: FENCED_BY_ANNOTATION });
  const what = actions.map((a) => a.kind.toLowerCase()).join(', ');
  return { step: 'Unfence', node, actions, message: `node ${node} is healthy again: unfencing (${what})` };
}
