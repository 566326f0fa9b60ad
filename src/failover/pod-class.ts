/**
 * The two failover classes of pods, pure. Which class a pod of a failed node is in decides how fast it may
 * be replaced (see recovery-plan.ts):
 *
 * - **Replaceable**: a second copy running for a while on a node that is only cut off does no harm, and its
 *   controller creates the replacement as soon as the pod is being deleted. Moved on the fast path: deleted
 *   *gracefully* as soon as the node is Failed and fenced.
 * - **AtMostOnce**: must never run twice. Released (out-of-service taint, force delete) only once the node
 *   is confirmed down (confirmed-down.ts); until then left untouched, because even a graceful delete makes a
 *   ReplicaSet start a replacement at once.
 *
 * Rules, first match wins:
 * | pod                                                  | class       | reason                  |
 * |------------------------------------------------------|-------------|-------------------------|
 * | WorkloadPolicy failoverClass Replaceable             | Replaceable | Policy                  |
 * | WorkloadPolicy failoverClass AtMostOnce              | AtMostOnce  | Policy                  |
 * | controlled by a StatefulSet                          | AtMostOnce  | StatefulSet             |
 * | a persistentVolumeClaim or generic ephemeral volume  | AtMostOnce  | PersistentVolumeClaim   |
 * | controlled by a ReplicaSet, ReplicationController    | Replaceable | ReplicaSet / Job        |
 * |   or Job                                             |             |                         |
 * | no controller                                        | AtMostOnce  | NoController            |
 * | any other controller (an operator's custom kind)     | AtMostOnce  | UnknownController       |
 *
 * Conservative choices, on purpose:
 * - Every PVC-backed pod is AtMostOnce, whatever the claim's access modes: reading each claim would need a
 *   PersistentVolumeClaim informer for a question asked only of the pods of a failed node, and a
 *   ReadWriteMany claim is no proof the application tolerates two writers. A policy with failoverClass
 *   Replaceable says it does.
 * - A pod without a controller is AtMostOnce: nothing recreates it, so deleting it early gains nothing and
 *   only destroys the object (and its logs) while its container may still run.
 * - An unknown controller kind (a CRD's operator) may be a database operator that fences by itself or one
 *   that does not; Fulcrum cannot tell, so it waits.
 */

export type FailoverClass = 'Replaceable' | 'AtMostOnce';

/** What a WorkloadPolicy says (spec.failoverClass); Auto applies the rules of the file comment. */
export type FailoverClassSetting = 'Auto' | FailoverClass;

export type PodClassReason =
  | 'Policy'
  | 'StatefulSet'
  | 'PersistentVolumeClaim'
  | 'ReplicaSet'
  | 'Job'
  | 'NoController'
  | 'UnknownController';

export interface PodClassInput {
  /** The pod's WorkloadPolicy failoverClass (Auto when no policy selects it). */
  setting: FailoverClassSetting;
  /** Kind of the ownerReference with controller: true, if any. */
  ownerKind: string | undefined;
  /** The pod mounts a persistentVolumeClaim or a generic ephemeral volume. */
  hasPersistentVolumeClaim: boolean;
}

export interface PodClass {
  class: FailoverClass;
  reason: PodClassReason;
}

const REPLACEABLE_OWNERS: Readonly<Record<string, PodClassReason>> = {
  ReplicaSet: 'ReplicaSet',
  ReplicationController: 'ReplicaSet',
  Job: 'Job',
};

/** The pod's failover class; see the table in the file comment. */
export function classifyPod(input: PodClassInput): PodClass {
  if (input.setting !== 'Auto') return { class: input.setting, reason: 'Policy' };
  if (input.ownerKind === 'StatefulSet') return { class: 'AtMostOnce', reason: 'StatefulSet' };
  if (input.hasPersistentVolumeClaim) return { class: 'AtMostOnce', reason: 'PersistentVolumeClaim' };
  if (input.ownerKind === undefined) return { class: 'AtMostOnce', reason: 'NoController' };
  const replaceable = REPLACEABLE_OWNERS[input.ownerKind];
  if (replaceable) return { class: 'Replaceable', reason: replaceable };
  return { class: 'AtMostOnce', reason: 'UnknownController' };
}

/** "StatefulSet pod", "pod with a PersistentVolumeClaim", ...: for Events and messages. */
export function describePodClass(c: PodClass): string {
  switch (c.reason) {
    case 'Policy':
      return `failoverClass ${c.class} by its WorkloadPolicy`;
    case 'StatefulSet':
      return 'StatefulSet pod';
    case 'PersistentVolumeClaim':
      return 'pod with a PersistentVolumeClaim';
    case 'ReplicaSet':
      return 'ReplicaSet pod';
    case 'Job':
      return 'Job pod';
    case 'NoController':
      return 'pod without a controller';
    case 'UnknownController':
      return 'pod of a controller Fulcrum does not know';
  }
}
