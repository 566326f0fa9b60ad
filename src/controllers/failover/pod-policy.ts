/**
 * What failover needs to know about a pod beyond the model: its WorkloadPolicy's failover setting and
 * effective priority, and the kind of its controller. Reads caches only.
 */
import type { ResourcePool } from '../../api/index.js';
import type { FailoverPodPolicy } from '../../failover/index.js';
import type { PodInfo } from '../../model/pod-info.js';
import { maxPriorityFor } from '../../model/priority-limits.js';
import { podPriority, resolvePodPool } from '../../placement/pool-resolution.js';
import type { PolicyCache } from '../caches/policy-cache.js';
import type { LeanPod } from '../../kube/lean-pod.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

export interface PodPolicyLookup {
  policies: PolicyCache;
  /** Valid pools by name, for the namespace priority limits. */
  pools: () => ReadonlyMap<string, ResourcePool>;
  /** The pod as the informer holds it. */
  pod: (key: string) => LeanPod | undefined;
}

/**
 * The pod's failover policy: from the WorkloadPolicy that selects it (priority clamped to its pool's limit
 * for the namespace, its failoverClass); a pod no policy selects is rescheduled at its PriorityClass
 * priority, as Kubernetes itself would eventually do, in the class its controller and volumes give it.
 */
export function failoverPolicyOf(lookup: PodPolicyLookup, pod: PodInfo): FailoverPodPolicy {
  const resolution = resolvePodPool(pod, lookup.policies.inNamespace(pod.namespace));
  if (resolution?.source !== 'policy')
    return { failover: 'Reschedule', priority: pod.priority, failoverClass: 'Auto' };
  const pool = lookup.pools().get(resolution.pool);
  const limit = maxPriorityFor(pool?.spec.priorityLimits, pod.namespace);
  const spec = resolution.policy.spec;
  return {
    failover: spec.failover,
    priority: podPriority(pod, resolution, limit),
    failoverClass: spec.failoverClass,
  };
}

/** Kind of the pod's controlling owner ('ReplicaSet', 'StatefulSet', 'DaemonSet', 'Node', ...). */
export function ownerKindOf(lookup: PodPolicyLookup, pod: PodInfo): string | undefined {
  return lookup.pod(pod.key)?.metadata?.ownerReferences?.find((o) => o.controller)?.kind;
}

export function isMirrorPod(lookup: PodPolicyLookup, pod: PodInfo): boolean {
  return lookup.pod(pod.key)?.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}
