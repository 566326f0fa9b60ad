/**
 * What rebalancing must know about a pod that PodInfo does not carry, read once from the Pod object: its QoS
 * class, the workload that owns it, and whether evicting it would bring it back elsewhere. Evicting a bare
 * pod deletes it for good, a DaemonSet pod comes back on the same node, and a mirror (static) pod cannot be
 * evicted: none of them can be moved.
 */
import type { QosClass } from './rebalance-plan.js';
import type { LeanPod } from '../kube/lean-pod.js';

export interface PodTraits {
  qos: QosClass;
  /** `Kind/namespace/name` of the controlling owner, e.g. `ReplicaSet/shop/web-5d8f`; undefined for a bare pod. */
  workload: string | undefined;
  /** A controller recreates the pod on another node after an eviction. */
  relocatable: boolean;
  /** Why not, when `relocatable` is false. */
  reason?: 'BarePod' | 'DaemonSet' | 'MirrorPod';
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export function podTraits(pod: LeanPod): PodTraits {
  const qos = qosClass(pod);
  const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller === true);
  const namespace = pod.metadata?.namespace ?? 'default';
  const workload = owner ? `${owner.kind}/${namespace}/${owner.name}` : undefined;
  if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined)
    return { qos, workload, relocatable: false, reason: 'MirrorPod' };
  if (owner === undefined) return { qos, workload, relocatable: false, reason: 'BarePod' };
  if (owner.kind === 'DaemonSet') return { qos, workload, relocatable: false, reason: 'DaemonSet' };
  return { qos, workload, relocatable: true };
}

/**
 * status.qosClass as the API server set it; computed from the containers when absent (a pod not yet
 * admitted): BestEffort without any request or limit, Guaranteed when every container's cpu and memory
 * limits are set and requests equal them, else Burstable.
 */
export function qosClass(pod: LeanPod): QosClass {
  const reported = pod.status?.qosClass;
  if (reported === 'BestEffort' || reported === 'Burstable' || reported === 'Guaranteed') return reported;
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
