import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  GROUP,
  parseResourcePool,
  RESOURCE_POOL_KIND,
  RESOURCE_POOL_PLURAL,
  VERSION,
  type ResourcePoolStatus,
} from '../api/index.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { ClusterInformers, CustomObject } from '../kube/informers.js';
import { StatusWriter } from '../kube/status-writer.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { mergeConditions, type Condition, type DesiredCondition } from '../model/conditions.js';
import { computePoolStatus } from '../model/pool-status.js';
import type { Logger } from '../observability/logger.js';
import type { ControllerMetrics } from '../observability/controller-metrics.js';
import type { OperatorMetrics } from '../observability/metrics.js';
import { PoolIndex } from './pool-index.js';
import { QueuedController } from './queued-controller.js';

export interface PoolControllerDeps {
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
 * Keeps every ResourcePool's status true: member nodes, capacity and requests per resource against the
 * ceilings, and the Ready and CapacityPressure conditions. Writes status only, by server-side apply, and
 * only when it changed. An invalid spec becomes Ready=False with every offending field named; it is never
 * an error that crashes or retries in a loop.
 */
export function createPoolController(deps: PoolControllerDeps): QueuedController {
  const writer = new StatusWriter(deps.customObjects);
  const now = deps.now ?? (() => new Date());
  const controller = new QueuedController({
    name: 'pool',
    logger: deps.logger,
    waitFor: deps.informers.all(),
    metrics: deps.metrics?.workQueue('pool'),
    allKeys: () => deps.informers.resourcePools.list().map((p) => p.metadata?.name ?? ''),
    reconcile: async (name, signal) => {
      const object = deps.informers.resourcePools.get(name);
      if (!object) return; // deleted: nothing left to report on
      const status = desiredStatus(object, deps, now());
      const ref = {
        group: GROUP,
        version: VERSION,
        plural: RESOURCE_POOL_PLURAL,
        kind: RESOURCE_POOL_KIND,
        name,
      };
      const wrote = await writer.applyIfChanged(ref, status, object.status, signal);
      if (!wrote) return;
      deps.controllerMetrics?.statusWritten('ResourcePool');
      reportReadyTransition(object, status, deps.events);
    },
  });
  wireEvents(deps, controller);
  return controller;
}

function desiredStatus(object: CustomObject, deps: PoolControllerDeps, now: Date): ResourcePoolStatus {
  const generation = object.metadata?.generation ?? 0;
  const existing = (object.status as ResourcePoolStatus | undefined)?.conditions as Condition[] | undefined;
  const parsed = parseResourcePool(object);
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
  const name = object.metadata?.name ?? '';
  const membership = deps.pools.membership();
  const contested = membership.contested.get(name) ?? [];
  const summary = computePoolStatus(
    {
      generation,
      ceilings: parsed.value.spec.ceilings,
      memberNodes: membership.nodesByPool.get(name) ?? [],
      contested,
    },
    deps.model,
  );
  return {
    observedGeneration: generation,
    nodes: {
      ...summary.nodes,
      ...(contested.length ? { contested: contested.slice(0, 20).map((c) => c.node) } : {}),
    },
    resources: summary.resources,
    conditions: mergeConditions(existing, summary.conditions, now),
  };
}

/** One Event per change of Ready, so `kubectl describe rpool` tells the story. */
function reportReadyTransition(
  object: CustomObject,
  status: ResourcePoolStatus,
  events: EventRecorder,
): void {
  const before = (object.status as ResourcePoolStatus | undefined)?.conditions?.find(
    (c) => c.type === 'Ready',
  );
  const after = status.conditions?.find((c) => c.type === 'Ready');
  if (!after || (before?.status === after.status && before.reason === after.reason)) return;
  events.record(object, after.status === 'True' ? 'Normal' : 'Warning', after.reason, after.message ?? '');
}

/**
 * Which changes touch which pool: a pool change its own key; a node change every pool (membership may
 * move); a pod change the pool owning its node.
 */
function wireEvents(deps: PoolControllerDeps, controller: QueuedController): void {
  const { informers, pools } = deps;
  const enqueuePool = (pool: CustomObject): void => controller.enqueue(pool.metadata?.name ?? '');
  informers.resourcePools.addHandler({
    onAdd: enqueuePool,
    onUpdate: (_o, p) => enqueuePool(p),
    onDelete: enqueuePool,
  });
  const enqueueAll = (): void => {
    for (const pool of informers.resourcePools.values()) enqueuePool(pool);
  };
  informers.nodes.addHandler({
    onAdd: enqueueAll,
    onUpdate: (old, n) => old !== n && enqueueAll(),
    onDelete: enqueueAll,
  });
  const enqueueOwner = (nodeName: string | undefined): void => {
    const owner = nodeName ? pools.poolOfNode(nodeName) : undefined;
    if (owner) controller.enqueue(owner);
  };
  informers.pods.addHandler({
    onAdd: (pod) => enqueueOwner(pod.spec?.nodeName),
    onUpdate: (old, pod) => {
      enqueueOwner(pod.spec?.nodeName);
      if (old.spec?.nodeName !== pod.spec?.nodeName) enqueueOwner(old.spec?.nodeName);
    },
    onDelete: (pod) => enqueueOwner(pod.spec?.nodeName),
  });
}
