import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  GROUP,
  parseWorkloadPolicy,
  VERSION,
  WORKLOAD_POLICY_KIND,
  WORKLOAD_POLICY_PLURAL,
  type WorkloadPolicyStatus,
} from '../api/index.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { ClusterInformers, CustomObject } from '../kube/informers.js';
import { objectKey, splitKey } from '../kube/object-key.js';
import { StatusWriter } from '../kube/status-writer.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { mergeConditions, type Condition, type DesiredCondition } from '../model/conditions.js';
import { computePolicyStatus, type PoolState } from '../model/policy-status.js';
import { maxPriorityFor } from '../model/priority-limits.js';
import type { Logger } from '../observability/logger.js';
import type { ControllerMetrics } from '../observability/controller-metrics.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import type { PoolIndex } from './pool-index.js';
import { QueuedController } from './queued-controller.js';

export interface PolicyControllerDeps {
  informers: ClusterInformers;
  model: ClusterModel;
  pools: PoolIndex;
  customObjects: CustomObjectsApi;
  events: EventRecorder;
  logger: Logger;
  metrics?: OperatorMetrics;
  controllerMetrics?: ControllerMetrics;
  now?: () => Date;
}

/**
 * Keeps every WorkloadPolicy's status true: Ready when its pool exists and is valid (PoolNotFound,
 * PoolInvalid or InvalidSpec otherwise), the priority in force after the pool's limits, and how many pods
 * it matches.
 */
export function createPolicyController(deps: PolicyControllerDeps): QueuedController {
  const writer = new StatusWriter(deps.customObjects);
  const now = deps.now ?? (() => new Date());
  const controller = new QueuedController({
    name: 'policy',
    logger: deps.logger,
    waitFor: deps.informers.all(),
    metrics: deps.metrics?.workQueue('policy'),
    allKeys: () => deps.informers.workloadPolicies.list().map(objectKey),
    reconcile: async (key, signal) => {
      const object = deps.informers.workloadPolicies.get(key);
      if (!object) return;
      const status = desiredStatus(object, deps, now());
      const { namespace, name } = splitKey(key);
      const ref = {
        group: GROUP,
        version: VERSION,
        plural: WORKLOAD_POLICY_PLURAL,
        kind: WORKLOAD_POLICY_KIND,
        name,
        namespace,
      };
      const wrote = await writer.applyIfChanged(ref, status, object.status, signal);
      if (!wrote) return;
      deps.controllerMetrics?.statusWritten('WorkloadPolicy');
      reportReadyTransition(object, status, deps.events);
    },
  });
  wireEvents(deps, controller);
  return controller;
}

function desiredStatus(object: CustomObject, deps: PolicyControllerDeps, now: Date): WorkloadPolicyStatus {
  const generation = object.metadata?.generation ?? 0;
  const existing = (object.status as WorkloadPolicyStatus | undefined)?.conditions as Condition[] | undefined;
  const parsed = parseWorkloadPolicy(object);
  if (!parsed.ok) {
    const ready: DesiredCondition = {
      type: 'Ready',
      status: 'False',
      reason: 'InvalidSpec',
      message: parsed.message,
      observedGeneration: generation,
    };
    return { observedGeneration: generation, conditions: mergeConditions(existing, [ready], now) };
  }
  const { spec, metadata } = parsed.value;
  const namespace = metadata.namespace;
  const summary = computePolicyStatus(
    { generation, pool: spec.pool, priority: spec.priority, selector: spec.selector },
    poolState(spec.pool, namespace, deps),
    podsIn(namespace, deps.model),
  );
  return {
    observedGeneration: generation,
    matchedPods: summary.matchedPods,
    effectivePriority: summary.effectivePriority,
    conditions: mergeConditions(existing, summary.conditions, now),
  };
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

function reportReadyTransition(
  object: CustomObject,
  status: WorkloadPolicyStatus,
  events: EventRecorder,
): void {
  const before = (object.status as WorkloadPolicyStatus | undefined)?.conditions?.find(
    (c) => c.type === 'Ready',
  );
  const after = status.conditions?.find((c) => c.type === 'Ready');
  if (!after || (before?.status === after.status && before.reason === after.reason)) return;
  events.record(object, after.status === 'True' ? 'Normal' : 'Warning', after.reason, after.message ?? '');
}

/** A policy change its own key; a pool change every policy (existence, validity, limits); a pod change the policies of its namespace. */
function wireEvents(deps: PolicyControllerDeps, controller: QueuedController): void {
  const { informers } = deps;
  const enqueue = (policy: CustomObject): void => controller.enqueue(objectKey(policy));
  informers.workloadPolicies.addHandler({
    onAdd: enqueue,
    onUpdate: (_o, p) => enqueue(p),
    onDelete: enqueue,
  });
  const enqueueAll = (): void => {
    for (const policy of informers.workloadPolicies.values()) enqueue(policy);
  };
  informers.resourcePools.addHandler({
    onAdd: enqueueAll,
    onUpdate: (old, p) => old !== p && enqueueAll(),
    onDelete: enqueueAll,
  });
  const enqueueNamespace = (namespace: string | undefined): void => {
    for (const policy of informers.workloadPolicies.values()) {
      if (policy.metadata?.namespace === namespace) enqueue(policy);
    }
  };
  informers.pods.addHandler({
    onAdd: (pod) => enqueueNamespace(pod.metadata?.namespace),
    onUpdate: (old, pod) => old !== pod && enqueueNamespace(pod.metadata?.namespace),
    onDelete: (pod) => enqueueNamespace(pod.metadata?.namespace),
  });
}
