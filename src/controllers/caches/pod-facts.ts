/**
 * The pod facts the rebalance planner needs beyond PodInfo, read from the caches for one plan: priority and
 * mobility from the pod's WorkloadPolicy (or its label and PriorityClass), whether a controller would
 * recreate it elsewhere, its QoS class and workload from the Pod object, and the budgets that protect it
 * (PodDisruptionBudgets and minAvailable, computed exactly as preemption computes them).
 *
 * Build one per plan: policy lookups and Pod traits are memoised for its lifetime only.
 */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { ResourcePool } from '../../api/index.js';
import { podTraits, type PodFacts, type PodTraits } from '../../rebalancing/index.js';
import type { Informer } from '../../kube/informer.js';
import type { ClusterModel } from '../../model/cluster-model.js';
import type { PodInfo } from '../../model/pod-info.js';
import { maxPriorityFor } from '../../model/priority-limits.js';
import { podMovable, podPriority, resolvePodPool, type PoolResolution } from '../../placement/index.js';
import { preemptionBudgets } from './preemption-budgets.js';
import type { PolicySource } from '../../placement/scheduling-batch.js';
import type { LeanPod } from '../../kube/lean-pod.js';

export interface PodFactSources {
  informers: { pods: Informer<LeanPod>; podDisruptionBudgets: Informer<V1PodDisruptionBudget> };
  policies: PolicySource;
  model: ClusterModel;
  /** Valid pools by name, for the namespace priority limits. */
  pools: () => ReadonlyMap<string, ResourcePool>;
}

export function rebalanceFacts(sources: PodFactSources): PodFacts {
  const resolutions = new Map<string, PoolResolution | undefined>();
  const traits = new Map<string, PodTraits | undefined>();
  const resolve = (pod: PodInfo): PoolResolution | undefined => {
    if (!resolutions.has(pod.key))
      resolutions.set(pod.key, resolvePodPool(pod, sources.policies.inNamespace(pod.namespace)));
    return resolutions.get(pod.key);
  };
  const traitsOf = (pod: PodInfo): PodTraits | undefined => {
    if (!traits.has(pod.key)) {
      const object = sources.informers.pods.get(pod.key);
      traits.set(pod.key, object ? podTraits(object) : undefined);
    }
    return traits.get(pod.key);
  };
  const budgets = preemptionBudgets(sources);
  return {
    priorityOf: (pod) => {
      const resolution = resolve(pod);
      const limits = resolution ? sources.pools().get(resolution.pool)?.spec.priorityLimits : undefined;
      return podPriority(pod, resolution, maxPriorityFor(limits, pod.namespace));
    },
    // Pods no controller recreates (bare, DaemonSet, mirror) the planner refuses itself (evictionProtection).
    movable: (pod) => podMovable(resolve(pod)),
    qosOf: (pod) => traitsOf(pod)?.qos ?? 'Burstable',
    workloadOf: (pod) => traitsOf(pod)?.workload,
    pdbs: budgets.pdbs,
    policyBudgets: budgets.policyBudgets,
  };
}
