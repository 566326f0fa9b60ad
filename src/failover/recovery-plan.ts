/**
 * Recovery plans for one node, pure: what to write to fence a failed node, which of its pods to delete (and
 * how, and in which order) once it is fenced, when to release its at-most-once pods, and how to unfence it
 * when it is healthy again.
 *
 * The pipeline for a Failed node that the partition guard admitted:
 *  1. Fence: `planFailover` returns step `Fence` with the writes (marker annotation and cordon) and deletes
 *     nothing. The fence says "Fulcrum is failing this node over"; it does not say the node is down.
 *  2. Fast path: once the caller confirms the fence was written and the node as observed shows it, step
 *     `Reschedule` deletes the **Replaceable** pods (pod-class.ts) *gracefully*: their controllers create
 *     the replacements at once. **At-most-once** pods are left untouched and listed in `awaiting`, with why.
 *  3. Confirmed down (confirmed-down.ts: safe time, fence agent, administrator's taint, Node deleted): with
 *     OutOfServiceTaint fencing, step `Release` first writes `node.kubernetes.io/out-of-service` (and records
 *     it in the marker); then `Reschedule` force-deletes (grace period 0) the at-most-once pods and every
 *     pod still terminating, so StatefulSet names and volumes are released. CordonOnly never taints, but
 *     still force-deletes only at confirmed down.
 *  4. When the detector says Healthy again, `planUnfence` undoes exactly what the fence marker says Fulcrum
 *     did: removes the taint, uncordons, removes the marker (and a fence agent's confirmation).
 * A human uncordon is respected: a node carrying Fulcrum's marker but schedulable again, after the caller
 * saw it fenced (`fenceSeen`), was uncordoned by someone else. Step `RecordUncordon` writes when it was seen into the marker
 * (`uncordonedAt`) and nothing else; from then on the node is held, nothing is cordoned or deleted, until a
 * failure that began after that (fresh failing evidence: the node recovered and failed again, or a new
 * leader observed it fail itself).
 * Pods with `failover: None`, DaemonSet pods and mirror (static) pods are never deleted, only reported.
 *
 * Guarantees (property-tested): no deletion is ever planned for a node that is not Failed, not confirmed
 * fenced by the caller, or not showing the fence; no force deletion, no out-of-service taint and no deletion
 * at all of an at-most-once pod without confirmed-down evidence; every pod deleted has policy Reschedule;
 * deletions are sorted by priority, descending, then key. Plans are idempotent: re-planning after a partial
 * write plans the rest. O(pods on the node · log) per plan.
 */
import type { Failover } from '../api/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { EvictionTrait } from '../model/eviction-traits.js';
import type { NodeInfo, Taint } from '../model/node-info.js';
import { isTerminal, type PodInfo } from '../model/pod-info.js';
import { confirmedDown, FENCE_CONFIRMED_ANNOTATION, type ConfirmedDown } from './confirmed-down.js';
import { describeFailure, type NodeHealthState } from './detector.js';
import {
  FENCED_BY_ANNOTATION,
  formatFenceMarker,
  readFenceMarker,
  type FenceMarker,
} from './fence-marker.js';
import { classifyPod, type FailoverClassSetting, type PodClass } from './pod-class.js';

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
 * Writes that fence (or release) a node. Apply them as one patch of the node if you can; if not, in order
 * (the marker first, so a fence that is half written is still recorded and finished on the next reconcile).
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
 * retry. `force` (grace period 0) only once the node is confirmed down; the fast path deletes gracefully.
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
  /** The pod's failover class, and why. */
  podClass: PodClass;
}

/** What a pod's WorkloadPolicy says about failover; priority is the effective (clamped) priority. */
export interface FailoverPodPolicy {
  failover: 'Reschedule' | 'None';
  priority: number;
  /** spec.failoverClass (Auto when no policy selects the pod). */
  failoverClass?: FailoverClassSetting;
}

export type SkipReason = 'FailoverNone' | 'DaemonSet' | 'MirrorPod' | 'AlreadyDeleting' | 'Terminal';

export interface SkippedPod {
  pod: string;
  reason: SkipReason;
}

/** An at-most-once pod left in place until its node is confirmed down. */
export interface AwaitingPod {
  pod: string;
  uid: string;
  podClass: PodClass;
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
   * the Node. The kind also decides the pod's failover class (pod-class.ts).
   */
  ownerKind: (pod: PodInfo) => string | undefined;
  /** Whether the pod is a mirror pod (annotation kubernetes.io/config.mirror), besides a Node owner. */
  isMirrorPod?: (pod: PodInfo) => boolean;
  /**
   * The caller saw this node carry Fulcrum's whole fence (marker and cordon) in this term. A marker on a
   * schedulable node is then a human uncordon, not a fence whose cordon was never written.
   */
  fenceSeen?: boolean;
  /** Time of this decision (ms since the epoch), recorded in a new fence marker. */
  now: number;
  /** The pool's failover.safeTime in ms (confirmed-down.ts). */
  safeTimeMs: number;
  /** The kubelet's last Lease renewTime (ms since the epoch), for the fence agent's confirmation. */
  leaseRenewTime?: (node: string) => number | undefined;
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

/** Fence first (marker, cordon); delete nothing yet. `actions` is never empty. */
export interface FencePlan {
  step: 'Fence';
  node: string;
  actions: FenceAction[];
  message: string;
}

/** Confirmed down: write the out-of-service taint (and the marker saying so) before the force deletions. */
export interface ReleasePlan {
  step: 'Release';
  node: string;
  actions: FenceAction[];
  confirmed: ConfirmedDown & { down: true };
  message: string;
}

/** The node is fenced: delete these pods, in this order. An empty list means nothing is left to move now. */
export interface ReschedulePlan {
  step: 'Reschedule';
  node: string;
  deletions: DeletePodAction[];
  skipped: SkippedPod[];
  /** At-most-once pods waiting for the node to be confirmed down (empty once it is). */
  awaiting: AwaitingPod[];
  confirmed: ConfirmedDown;
  message: string;
}

/** Someone uncordoned the fenced node: record it in the marker (one Mark action) and hold. */
export interface RecordUncordonPlan {
  step: 'RecordUncordon';
  node: string;
  actions: FenceAction[];
  message: string;
}

export type FailoverPlan = HoldPlan | FencePlan | ReleasePlan | ReschedulePlan | RecordUncordonPlan;

/** The non-terminal pods the model has bound to `nodeName`. */
export function podsOnNode(model: ClusterModel, nodeName: string): PodInfo[] {
  const out: PodInfo[] = [];
  for (const key of model.podsOn(nodeName)) {
    const pod = model.pod(key);
    if (pod) out.push(pod);
  }
  return out;
}

/** Whether the node, as observed, carries Fulcrum's fence: a readable marker and the cordon. */
export function isFenced(node: NodeInfo): boolean {
  const marker = readFenceMarker(node.annotations);
  if (marker === undefined || marker === 'invalid') return false;
  return node.unschedulable;
}

export function hasOutOfServiceTaint(node: NodeInfo): boolean {
  return node.taints.some((t) => t.key === OUT_OF_SERVICE_TAINT_KEY);
}

/** The pod's failover class from its policy, controller and volumes (pod-class.ts). */
export function podClassOf(pod: PodInfo, input: Pick<FailoverPlanInput, 'policyOf' | 'ownerKind'>): PodClass {
  return classifyPod({
    setting: input.policyOf(pod).failoverClass ?? 'Auto',
    ownerKind: input.ownerKind(pod),
    hasPersistentVolumeClaim: ((pod.evictionTraits ?? 0) & EvictionTrait.PersistentVolumeClaim) !== 0,
  });
}

/** The next step of failover for one node; see the file comment for the pipeline and its guarantees. */
export function planFailover(input: FailoverPlanInput): FailoverPlan {
  const node = input.node.name;
  if (input.health.health !== 'Failed') {
    return { step: 'Hold', node, message: `node ${node} is ${input.health.health}, not Failed` };
  }
  const why = input.health.failureReason ? ` (${describeFailure(input.health.failureReason)})` : '';
  const uncordoned = respectUncordon(input);
  if (uncordoned) return uncordoned;
  if (!input.fenced || !isFenced(input.node)) {
    const actions = fenceActions(input, false);
    const what = actions.map((a) => a.kind.toLowerCase()).join(', ');
    return { step: 'Fence', node, actions, message: `node ${node} failed${why}: fencing (${what})` };
  }
  const confirmed = confirmedDown({
    node: input.node,
    health: input.health,
    safeTimeMs: input.safeTimeMs,
    leaseRenewTime: input.leaseRenewTime?.(node),
    now: input.now,
  });
  if (confirmed.down && input.fencing === 'OutOfServiceTaint' && !hasOutOfServiceTaint(input.node)) {
    return {
      step: 'Release',
      node,
      actions: fenceActions(input, true),
      confirmed,
      message: `node ${node} confirmed down (${confirmed.message}): out-of-service taint`,
    };
  }
  return reschedulePlan(input, confirmed, why);
}

/**
 * A fenced node (Fulcrum's marker) that is schedulable again was uncordoned by a human: record that once,
 * then hold until a failure newer than the fence (or the recorded uncordon). See the file comment.
 */
function respectUncordon(input: FailoverPlanInput): RecordUncordonPlan | HoldPlan | undefined {
  const node = input.node.name;
  const marker = readFenceMarker(input.node.annotations);
  if (marker === undefined || marker === 'invalid' || input.node.unschedulable) return undefined;
  if (freshFailure(input, marker)) return undefined;
  if (marker.uncordonedAt === undefined && !input.fenceSeen) return undefined; // a fence to complete
  if (marker.uncordonedAt !== undefined) {
    return {
      step: 'Hold',
      node,
      message: `node ${node} was uncordoned by hand at ${new Date(marker.uncordonedAt).toISOString()}: not fencing it again until it fails anew`,
    };
  }
  const value = formatFenceMarker({ ...marker, uncordonedAt: input.now });
  return {
    step: 'RecordUncordon',
    node,
    actions: [{ kind: 'Mark', node, annotation: FENCED_BY_ANNOTATION, value }],
    message: `node ${node} was uncordoned by hand while fenced: respecting it, nothing more is cordoned or deleted until it fails anew`,
  };
}

/** The node's current failure began after the marker's fence (or its recorded uncordon). */
function freshFailure(input: FailoverPlanInput, marker: FenceMarker): boolean {
  const since = marker.uncordonedAt ?? marker.at;
  return (input.health.failedAt ?? Number.NEGATIVE_INFINITY) > since;
}

/**
 * The deletions for a node whose Node object is gone (confirmed down by its deletion): every Reschedule pod
 * still bound to it is force-deleted, at-most-once or not. Kubernetes' pod GC would do the same after its
 * 40-second quarantine.
 */
export function planNodeGone(
  input: Pick<FailoverPlanInput, 'pods' | 'policyOf' | 'ownerKind' | 'isMirrorPod'> & { node: string },
): ReschedulePlan {
  const confirmed: ConfirmedDown = { down: true, by: 'NodeDeleted', message: 'the Node object is gone' };
  const { deletions, skipped } = podsToDelete(input, input.node, confirmed);
  return {
    step: 'Reschedule',
    node: input.node,
    deletions,
    skipped,
    awaiting: [],
    confirmed,
    message: `node ${input.node} was deleted: force-deleting its ${deletions.length} pods`,
  };
}

function reschedulePlan(input: FailoverPlanInput, confirmed: ConfirmedDown, why: string): ReschedulePlan {
  const node = input.node.name;
  const { deletions, skipped, awaiting } = podsToDelete(input, node, confirmed);
  const how = confirmed.down
    ? `confirmed down (${confirmed.message}): force-deleting`
    : 'deleting gracefully';
  const waiting = awaiting.length
    ? `; ${awaiting.length} at-most-once pods wait until it is confirmed down: ${confirmed.message}`
    : '';
  return {
    step: 'Reschedule',
    node,
    deletions,
    skipped,
    awaiting,
    confirmed,
    message:
      `node ${node} failed${why} and is fenced: ${how} ${deletions.length} pods` +
      (skipped.length ? `, leaving ${skipped.length}` : '') +
      waiting,
  };
}

function fenceActions(input: FailoverPlanInput, taint: boolean): FenceAction[] {
  const node = input.node.name;
  const cordon = !input.node.unschedulable;
  const addTaint = taint && !hasOutOfServiceTaint(input.node);
  const existing = readFenceMarker(input.node.annotations);
  const previous = existing === 'invalid' ? undefined : existing;
  const marker: FenceMarker = {
    pool: previous?.pool ?? input.pool,
    cordoned: (previous?.cordoned ?? false) || cordon,
    tainted: (previous?.tainted ?? false) || addTaint,
    // A fence for a failure newer than the marker (after a human uncordon, or a new leader's) starts anew.
    at: previous && !freshFailure(input, previous) ? previous.at : input.now,
  };
  const actions: FenceAction[] = [
    { kind: 'Mark', node, annotation: FENCED_BY_ANNOTATION, value: formatFenceMarker(marker) },
  ];
  if (cordon) actions.push({ kind: 'Cordon', node });
  if (addTaint) actions.push({ kind: 'Taint', node, taint: outOfServiceTaint(input.outOfServiceEffect) });
  return actions;
}

interface PodSelection {
  deletions: DeletePodAction[];
  skipped: SkippedPod[];
  awaiting: AwaitingPod[];
}

function podsToDelete(
  input: Pick<FailoverPlanInput, 'pods' | 'policyOf' | 'ownerKind' | 'isMirrorPod'>,
  node: string,
  confirmed: ConfirmedDown,
): PodSelection {
  const force = confirmed.down;
  const out: PodSelection = { deletions: [], skipped: [], awaiting: [] };
  for (const pod of input.pods) {
    if (pod.nodeName !== node) continue;
    const reason = skipReason(pod, input, force);
    if (reason) {
      out.skipped.push({ pod: pod.key, reason });
      continue;
    }
    const podClass = podClassOf(pod, input);
    if (podClass.class === 'AtMostOnce' && !force) {
      out.awaiting.push({ pod: pod.key, uid: pod.uid, podClass });
      continue;
    }
    const { namespace, name, uid } = pod;
    const priority = input.policyOf(pod).priority;
    out.deletions.push({
      kind: 'DeletePod',
      node,
      pod: pod.key,
      namespace,
      name,
      uid,
      priority,
      force,
      podClass,
    });
  }
  out.deletions.sort(byPriorityThenKey);
  out.skipped.sort((a, b) => compareKeys(a.pod, b.pod));
  out.awaiting.sort((a, b) => compareKeys(a.pod, b.pod));
  return out;
}

function skipReason(
  pod: PodInfo,
  input: Pick<FailoverPlanInput, 'policyOf' | 'ownerKind' | 'isMirrorPod'>,
  force: boolean,
): SkipReason | undefined {
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
 * probes and a fresh Lease in this term): removes the out-of-service taint and uncordons only if the
 * marker says Fulcrum added them, then removes a fence agent's confirmation and the marker. A node that is
 * not Healthy yet is held; a node without marker is not Fulcrum's to touch; an unreadable marker is left
 * for a human.
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
  // A fence agent's confirmation belongs to this failure: gone with the fence, so it never confirms the next.
  if (input.node.annotations[FENCE_CONFIRMED_ANNOTATION] !== undefined)
    actions.push({ kind: 'Unmark', node, annotation: FENCE_CONFIRMED_ANNOTATION });
  actions.push({ kind: 'Unmark', node, annotation: FENCED_BY_ANNOTATION });
  const what = actions.map((a) => a.kind.toLowerCase()).join(', ');
  return { step: 'Unfence', node, actions, message: `node ${node} is healthy again: unfencing (${what})` };
}
