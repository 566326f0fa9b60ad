import {
  parseWorkloadPolicy,
  WORKLOAD_POLICY_KIND,
  WORKLOAD_POLICY_PLURAL,
  type WorkloadPolicyStatus,
} from '../../api/index.js';
import type { CustomObject } from '../../kube/informers.js';
import { objectKey } from '../../kube/object-key.js';
import { watches, type Watch } from '../../kube/watches.js';
import type { ClusterModel } from '../../model/cluster-model.js';
import { mergeConditions } from '../../model/conditions.js';
import { computePolicyStatus, type PoolState } from '../../model/policy-status.js';
import { maxPriorityFor } from '../../model/priority-limits.js';
import type { QueuedController } from '../queued-controller.js';
import type { ControllerDeps } from '../controller-deps.js';
import {
  createStatusController,
  existingConditions,
  invalidSpecStatus,
} from '../status/status-controller.js';

export type PolicyControllerDeps = ControllerDeps;

/**
 * Keeps every WorkloadPolicy's status true: Ready when its pool exists and is valid (PoolNotFound,
 * PoolInvalid or InvalidSpec otherwise), the priority in force after the pool's limits, and how many pods
 * it matches.
 */
export function createPolicyController(deps: PolicyControllerDeps): QueuedController {
  return createStatusController<WorkloadPolicyStatus>({
    ...deps,
    name: 'policy',
    kind: WORKLOAD_POLICY_KIND,
    plural: WORKLOAD_POLICY_PLURAL,
    informer: deps.informers.workloadPolicies,
    waitFor: deps.informers.all(),
    desiredStatus: (object, now) => desiredStatus(object, deps, now),
    watches: triggers(deps),
  });
}

function desiredStatus(object: CustomObject, deps: PolicyControllerDeps, now: Date): WorkloadPolicyStatus {
  const parsed = parseWorkloadPolicy(object);
  if (!parsed.ok) return invalidSpecStatus(object, parsed.message, now);
  const generation = object.metadata?.generation ?? 0;
  const { spec, metadata } = parsed.value;
  const namespace = metadata.namespace;
  const summary = computePolicyStatus(
    { generation, pool: spec.pool, priority: spec.priority, selector: spec.selector },
    poolState(spec.pool, namespace, deps),
    podsIn(namespace, deps.model),
  );
  reportClamp(object, spec.priority, summary.effectivePriority, spec.pool, deps);
  return {
    observedGeneration: generation,
    matchedPods: summary.matchedPods,
    effectivePriority: summary.effectivePriority,
    conditions: mergeConditions(existingConditions(object), summary.conditions, now),
  };
}

/**
 * A Warning Event when the pool lowers the policy's priority, once per new clamp (the status carries it from
 * then on; the recorder aggregates repeats anyway).
 */
function reportClamp(
  object: CustomObject,
  requested: number,
  effective: number,
  pool: string,
  deps: PolicyControllerDeps,
): void {
  if (effective >= requested) return;
  const previous = object.status as { effectivePriority?: number } | undefined;
  if (previous?.effectivePriority === effective) return;
  deps.events.record(
    object,
    'Warning',
    'PriorityClamped',
    `priority ${requested} lowered to ${effective}, the limit of ResourcePool "${pool}" for namespace ` +
      `${object.metadata?.namespace ?? ''}; the pool owner grants more in spec.priorityLimits`,
  );
}

function poolState(poolName: string, namespace: string, deps: PolicyControllerDeps): PoolState {
  if (!deps.informers.resourcePools.get(poolName)) return { exists: false };
  const pool = deps.pools.validPools().get(poolName);
  if (!pool) return { exists: true, valid: false };
  return { exists: true, valid: true, maxPriority: maxPriorityFor(pool.spec.priorityLimits, namespace) };
}

function* podsIn(namespace: string, model: ClusterModel) {
  for (const pod of model.allPods()) if (pod.namespace === namespace) yield pod;
}

/**
 * Which changes touch which policy, besides its own: a pool change every policy (existence, validity,
 * limits); a pod change the policies of its namespace.
 */
function triggers(deps: PolicyControllerDeps): Watch[] {
  const policies = deps.informers.workloadPolicies;
  const inNamespace = function* (namespace: string | undefined): Iterable<string> {
    for (const policy of policies.values())
      if (policy.metadata?.namespace === namespace) yield objectKey(policy);
  };
  return [
    watches(deps.informers.resourcePools, () => policies.list().map(objectKey)),
    watches(deps.informers.pods, (pod) => inNamespace(pod.metadata?.namespace)),
  ];
}
