/**
 * Which pool a pod belongs to, and with what priority: from the WorkloadPolicies of its namespace, else from
 * its `fulcrum.io/pool` label and PriorityClass value.
 */
import type { ResourcePool, WorkloadPolicy } from '../api/index.js';
import { matchesSelector } from '../model/label-selector.js';
import type { PodInfo } from '../model/pod-info.js';
import type { PlacementPool } from './framework.js';

/** Pod label naming the pod's pool when no WorkloadPolicy selects it. */
export const POD_POOL_LABEL = 'fulcrum.io/pool';

export type PoolResolution =
  { source: 'policy'; pool: string; policy: WorkloadPolicy } | { source: 'label'; pool: string };

/**
 * The pod's pool: among the policies of the pod's namespace whose selector matches its labels, the one with
 * the highest priority (then the smallest name) decides; without one, the pod's `fulcrum.io/pool` label.
 * Undefined when neither names a pool. Policies of other namespaces are ignored.
 */
export function resolvePodPool(
  pod: PodInfo,
  policiesInNamespace: Iterable<WorkloadPolicy>,
): PoolResolution | undefined {
  let chosen: WorkloadPolicy | undefined;
  for (const policy of policiesInNamespace) {
    if (policy.metadata.namespace !== pod.namespace) continue;
    if (!matchesSelector(policy.spec.selector, pod.labels)) continue;
    if (
      !chosen ||
      policy.spec.priority > chosen.spec.priority ||
      (policy.spec.priority === chosen.spec.priority && policy.metadata.name < chosen.metadata.name)
    ) {
      chosen = policy;
    }
  }
  if (chosen) return { source: 'policy', pool: chosen.spec.pool, policy: chosen };
  const label = pod.labels[POD_POOL_LABEL];
  return label ? { source: 'label', pool: label } : undefined;
}

/**
 * The priority the pod is queued, placed and preempted with: its policy's priority lowered to the pool's
 * limit for the namespace (`maxPriority`, from maxPriorityFor), else the pod's PriorityClass value.
 */
export function podPriority(
  pod: PodInfo,
  resolution: PoolResolution | undefined,
  maxPriority?: number,
): number {
  if (resolution?.source !== 'policy') return pod.priority;
  const priority = resolution.policy.spec.priority;
  return maxPriority === undefined ? priority : Math.min(priority, maxPriority);
}

/** Whether rebalancing and preemption may move the pod: its policy says so; pods without one may move. */
export function podMovable(resolution: PoolResolution | undefined): boolean {
  return resolution?.source === 'policy' ? resolution.policy.spec.movable : true;
}

/** The placement view of a valid pool whose members are `members` (PoolMembership.nodesByPool). */
export function placementPool(pool: ResourcePool, members: readonly string[]): PlacementPool {
  return {
    name: pool.metadata.name,
    ceilings: pool.spec.ceilings,
    weights: pool.spec.weights,
    allocation: pool.spec.allocation,
    members,
    eviction: pool.spec.eviction,
  };
}
