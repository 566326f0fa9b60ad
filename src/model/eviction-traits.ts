/**
 * The facts about a pod that decide whether it may be evicted, read once from the Pod object into a bit set
 * (PodInfo.evictionTraits): the model keeps one small number per pod instead of its volumes and owners. The
 * rule that reads them is `evictionProtection` (src/eviction).
 */
import type { LeanPod } from '../kube/lean-pod.js';

export const EvictionTrait = {
  /** priorityClassName system-cluster-critical or system-node-critical, or priority >= 2000000000. */
  SystemCritical: 1 << 0,
  /** An emptyDir (any medium) or hostPath volume: data that does not follow the pod. */
  LocalStorage: 1 << 1,
  /** A persistentVolumeClaim (or generic ephemeral) volume. */
  PersistentVolumeClaim: 1 << 2,
  /** No ownerReference with controller=true: nothing recreates the pod. */
  NoController: 1 << 3,
  /** Controlled by a DaemonSet: it would come back on the same node. */
  DaemonSet: 1 << 4,
  /** A mirror (static) pod: the kubelet owns it, the API cannot move it. */
  MirrorPod: 1 << 5,
  /** Carries the operator's own labels (OPERATOR_POD_LABELS). */
  OperatorLabels: 1 << 6,
} as const;

/** Priority from which Kubernetes treats a pod as system-critical (scheduling.SystemCriticalPriority). */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
const SYSTEM_CRITICAL_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * Labels every install of the operator puts on its pods (deploy/operator and charts/fulcrum set both): a pod
 * carrying all of them is never evicted, in whatever namespace it runs.
 */
export const OPERATOR_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'fulcrum',
  'app.kubernetes.io/component': 'operator',
};

/** The pod's EvictionTrait bits. */
export function evictionTraitsOf(pod: LeanPod): number {
  let traits = 0;
  const spec = pod.spec;
  const className = spec?.priorityClassName;
  if (
    (className !== undefined && SYSTEM_CRITICAL_CLASSES.has(className)) ||
    (spec?.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY
  )
    traits |= EvictionTrait.SystemCritical;
  for (const volume of spec?.volumes ?? []) {
    if (volume.emptyDir !== undefined || volume.hostPath !== undefined) traits |= EvictionTrait.LocalStorage;
    if (volume.persistentVolumeClaim !== undefined || volume.ephemeral !== undefined)
      traits |= EvictionTrait.PersistentVolumeClaim;
  }
  const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller === true);
  if (owner === undefined) traits |= EvictionTrait.NoController;
  else if (owner.kind === 'DaemonSet') traits |= EvictionTrait.DaemonSet;
  if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) traits |= EvictionTrait.MirrorPod;
  if (hasOperatorLabels(pod.metadata?.labels ?? {})) traits |= EvictionTrait.OperatorLabels;
  return traits;
}

/** OPERATOR_POD_LABELS as pairs, made once: the check runs for every pod a preemption search looks at. */
const OPERATOR_LABEL_PAIRS = Object.entries(OPERATOR_POD_LABELS);

export function hasOperatorLabels(labels: Readonly<Record<string, string>>): boolean {
  for (let i = 0; i < OPERATOR_LABEL_PAIRS.length; i++) {
    const [key, value] = OPERATOR_LABEL_PAIRS[i] as [string, string];
    if (labels[key] !== value) return false;
  }
  return true;
}
