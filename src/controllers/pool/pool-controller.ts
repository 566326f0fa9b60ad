import {
  parseResourcePool,
  RESOURCE_POOL_KIND,
  RESOURCE_POOL_PLURAL,
  type ResourcePoolStatus,
} from '../../api/index.js';
import type { CustomObject } from '../../kube/informers.js';
import type { LeanPod } from '../../kube/lean-pod.js';
import { objectKey } from '../../kube/object-key.js';
import { watches, type Watch } from '../../kube/watches.js';
import { mergeConditions } from '../../model/conditions.js';
import { computePoolStatus } from '../../model/pool-status.js';
import type { QueuedController } from '../queued-controller.js';
import type { ControllerDeps } from '../controller-deps.js';
import {
  createStatusController,
  existingConditions,
  invalidSpecStatus,
} from '../status/status-controller.js';

export type PoolControllerDeps = ControllerDeps;

/**
 * Keeps every ResourcePool's status true: member nodes, capacity and requests per resource against the
 * ceilings, and the Ready and CapacityPressure conditions (CapacityPressure from requests; in a pool with
 * optimization.scaleRecommendations the rebalance controller owns it instead). An invalid spec becomes Ready=False with every
 * offending field named; it is never an error that crashes or retries in a loop.
 */
export function createPoolController(deps: PoolControllerDeps): QueuedController {
  return createStatusController<ResourcePoolStatus>({
    ...deps,
    name: 'pool',
    kind: RESOURCE_POOL_KIND,
    plural: RESOURCE_POOL_PLURAL,
    informer: deps.informers.resourcePools,
    waitFor: deps.informers.all(),
    desiredStatus: (object, now) => desiredStatus(object, deps, now),
    watches: triggers(deps),
  });
}

function desiredStatus(object: CustomObject, deps: PoolControllerDeps, now: Date): ResourcePoolStatus {
  const parsed = parseResourcePool(object);
  if (!parsed.ok) return invalidSpecStatus(object, parsed.message, now);
  const generation = object.metadata?.generation ?? 0;
  const name = parsed.value.metadata.name;
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
    // With scaleRecommendations, CapacityPressure is the balancer's (forecast and usage, not only requests).
    conditions: mergeConditions(
      existingConditions(object),
      parsed.value.spec.optimization.scaleRecommendations
        ? summary.conditions.filter((c) => c.type !== 'CapacityPressure')
        : summary.conditions,
      now,
    ),
  };
}

/**
 * Which changes touch which pool, besides its own: a node change every pool (membership may move); a pod
 * change the pool owning its node (both nodes' pools when it moved).
 */
function triggers(deps: PoolControllerDeps): Watch[] {
  const { informers, pools } = deps;
  const allPools = (): string[] => informers.resourcePools.list().map(objectKey);
  const ownerOf = (pod: LeanPod | undefined): string | undefined => {
    const node = pod?.spec?.nodeName;
    return node ? pools.poolOfNode(node) : undefined;
  };
  return [
    watches(informers.nodes, allPools),
    watches(informers.pods, (pod, old) =>
      [ownerOf(pod), ownerOf(old)].filter((owner): owner is string => owner !== undefined),
    ),
  ];
}
