/**
 * Whether rebalancing or preemption may evict a pod, and if not why, as data: the one rule both apply (after
 * the descheduler's DefaultEvictor, plus PVC pods, kube-system and the operator itself). Pure: the pod's facts
 * come from PodInfo (evictionTraits, namespace, labels, priority) and the pool's spec.eviction.
 *
 * Checked in this order, the first that holds is the reason:
 *  1. Never evicted, whatever the pool says: mirror pods, DaemonSet pods, pods without a controller (nothing
 *     would recreate them elsewhere), the operator's own pods (its namespace, or its labels anywhere).
 *  2. Namespaces: kube-system unless `namespaces.include` names it; a namespace in `exclude` or missing
 *     from `include`.
 *  3. Opt-in classes: system-critical pods, pods with local storage, pods with a PersistentVolumeClaim.
 */
import type { Eviction } from '../api/index.js';
import { EvictionTrait, hasOperatorLabels, SYSTEM_CRITICAL_PRIORITY } from '../model/eviction-traits.js';
import type { PodInfo } from '../model/pod-info.js';

export const SYSTEM_NAMESPACE = 'kube-system';

/** Why a pod is not evicted. */
export type ProtectionReason =
  | 'MirrorPod'
  | 'DaemonSetPod'
  | 'NoController'
  | 'OperatorPod'
  | 'SystemNamespace'
  | 'NamespaceExcluded'
  | 'NamespaceNotIncluded'
  | 'SystemCritical'
  | 'LocalStorage'
  | 'PersistentVolumeClaim';

export interface Protection {
  reason: ProtectionReason;
  /** The spec.eviction setting that decides it (an opt-in, or a namespace list); absent when none can. */
  setting?: string;
}

/** What the rule needs to know about the operator running it. */
export interface OperatorIdentity {
  /** The namespace the operator's pods run in ($POD_NAMESPACE): nothing in it is evicted. Unknown out of a cluster. */
  namespace?: string;
}

export type EvictablePod = Pick<PodInfo, 'namespace' | 'labels' | 'priority' | 'evictionTraits'>;

/** The protection that keeps `pod` in place under `rules` (the pool's spec.eviction), or undefined. */
export function evictionProtection(
  pod: EvictablePod,
  rules: Partial<Eviction> | undefined,
  operator: OperatorIdentity | undefined,
): Protection | undefined {
  const traits = pod.evictionTraits ?? 0;
  if (traits & EvictionTrait.MirrorPod) return { reason: 'MirrorPod' };
  if (traits & EvictionTrait.DaemonSet) return { reason: 'DaemonSetPod' };
  if (traits & EvictionTrait.NoController) return { reason: 'NoController' };
  if (pod.namespace === operator?.namespace || hasOperatorLabels(pod.labels))
    return { reason: 'OperatorPod' };
  const namespaces = namespaceProtection(pod.namespace, rules?.namespaces);
  if (namespaces) return namespaces;
  const critical = traits & EvictionTrait.SystemCritical || pod.priority >= SYSTEM_CRITICAL_PRIORITY;
  if (critical && rules?.evictSystemCriticalPods !== true)
    return { reason: 'SystemCritical', setting: 'evictSystemCriticalPods' };
  if (traits & EvictionTrait.LocalStorage && rules?.evictLocalStoragePods !== true)
    return { reason: 'LocalStorage', setting: 'evictLocalStoragePods' };
  if (traits & EvictionTrait.PersistentVolumeClaim && rules?.evictPvcPods !== true)
    return { reason: 'PersistentVolumeClaim', setting: 'evictPvcPods' };
  return undefined;
}

function namespaceProtection(namespace: string, lists: Eviction['namespaces']): Protection | undefined {
  const included = lists?.include?.includes(namespace);
  if (namespace === SYSTEM_NAMESPACE && included !== true)
    return { reason: 'SystemNamespace', setting: 'namespaces.include' };
  if (lists?.exclude?.includes(namespace))
    return { reason: 'NamespaceExcluded', setting: 'namespaces.exclude' };
  if (lists?.include !== undefined && included !== true)
    return { reason: 'NamespaceNotIncluded', setting: 'namespaces.include' };
  return undefined;
}

/** The phrase after a count in summaries ("2 in kube-system, 1 with local storage"). */
export const PROTECTION_TEXT: Record<ProtectionReason, string> = {
  MirrorPod: 'mirror (static) pod',
  DaemonSetPod: 'DaemonSet pod',
  NoController: 'without a controller',
  OperatorPod: 'operator pod',
  SystemNamespace: 'in kube-system',
  NamespaceExcluded: 'in an excluded namespace',
  NamespaceNotIncluded: 'in a namespace not included',
  SystemCritical: 'system-critical',
  LocalStorage: 'with local storage',
  PersistentVolumeClaim: 'with a PersistentVolumeClaim',
};

export function isProtectionReason(reason: string): reason is ProtectionReason {
  return Object.hasOwn(PROTECTION_TEXT, reason);
}

/** "2 in kube-system, 1 with local storage", most frequent first; empty when nothing was protected. */
export function describeProtected(counts: Partial<Record<ProtectionReason, number>>): string {
  const entries = (Object.entries(counts) as Array<[ProtectionReason, number]>).filter(([, n]) => n > 0);
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return entries.map(([reason, n]) => `${n} ${PROTECTION_TEXT[reason]}`).join(', ');
}
