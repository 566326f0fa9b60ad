import type { ClusterModel } from './cluster-model.js';
import type { DesiredCondition } from './conditions.js';
import { formatBytes, formatDecimal, formatMillicores } from './quantity.js';
import {
  accumulate,
  CEILING_RESOURCES,
  utilizationPercent,
  zeroResources,
  type CeilingResource,
  type ResourceVector,
} from './resources.js';

/** Per-resource figures of one pool, as written to `status.resources`. */
export interface PoolResourceStatus {
  capacity: string;
  requested: string;
  /** requested / capacity, in percent with one decimal. */
  utilization: number;
  ceiling: number;
}

export interface PoolStatusSummary {
  nodes: { total: number; ready: number };
  resources: Record<CeilingResource, PoolResourceStatus>;
  conditions: DesiredCondition[];
}

export interface PoolStatusInput {
  generation: number;
  ceilings: Record<CeilingResource, number>;
  memberNodes: readonly string[];
  contested: ReadonlyArray<{ node: string; owner: string }>;
}

const FORMAT: Record<CeilingResource, (v: number) => string> = {
  cpu: formatMillicores,
  memory: formatBytes,
  ephemeralStorage: formatBytes,
  network: formatDecimal,
};

/**
 * The status of a valid pool, from the model alone. Capacity is the allocatable of every member node, ready
 * or not, and requested the effective requests of the pods bound to them, so the figures can be checked by
 * hand against `kubectl describe nodes`. Runs in O(member nodes).
 */
export function computePoolStatus(input: PoolStatusInput, model: ClusterModel): PoolStatusSummary {
  const capacity = zeroResources();
  const requested = zeroResources();
  let ready = 0;
  for (const name of input.memberNodes) {
    const node = model.node(name);
    if (!node) continue;
    accumulate(capacity, node.allocatable);
    accumulate(requested, model.requested(name));
    if (node.ready) ready++;
  }
  const resources = resourceStatuses(capacity, requested, input.ceilings);
  const nodes = { total: input.memberNodes.length, ready };
  return { nodes, resources, conditions: poolConditions(input, nodes, resources) };
}

function resourceStatuses(
  capacity: ResourceVector,
  requested: ResourceVector,
  ceilings: Record<CeilingResource, number>,
): Record<CeilingResource, PoolResourceStatus> {
  const out = {} as Record<CeilingResource, PoolResourceStatus>;
  for (const r of CEILING_RESOURCES) {
    out[r] = {
      capacity: FORMAT[r](capacity[r]),
      requested: FORMAT[r](requested[r]),
      utilization: Math.round(utilizationPercent(requested[r], capacity[r]) * 10) / 10,
      ceiling: ceilings[r],
    };
  }
  return out;
}

function poolConditions(
  input: PoolStatusInput,
  nodes: { total: number; ready: number },
  resources: Record<CeilingResource, PoolResourceStatus>,
): DesiredCondition[] {
  const observedGeneration = input.generation;
  const over = CEILING_RESOURCES.filter((r) => resources[r].utilization > resources[r].ceiling);
  const pressure: DesiredCondition = over.length
    ? {
        type: 'CapacityPressure',
        status: 'True',
        reason: 'RequestsOverCeiling',
        message: over
          .map((r) => `${r} requests at ${resources[r].utilization}% > ceiling ${resources[r].ceiling}%`)
          .join('; '),
        observedGeneration,
      }
    : {
        type: 'CapacityPressure',
        status: 'False',
        reason: 'WithinCeilings',
        message: 'all requests within ceilings',
        observedGeneration,
      };
  return [readyCondition(input, nodes), pressure];
}

function readyCondition(input: PoolStatusInput, nodes: { total: number; ready: number }): DesiredCondition {
  const observedGeneration = input.generation;
  if (input.contested.length > 0) {
    const list = input.contested.map((c) => `${c.node} (owned by pool ${c.owner})`).join(', ');
    return {
      type: 'Ready',
      status: 'False',
      reason: 'NodeClaimedByAnotherPool',
      message: `nodeSelector also matches nodes of older pools, which keep them: ${list}`,
      observedGeneration,
    };
  }
  if (nodes.total === 0) {
    return {
      type: 'Ready',
      status: 'False',
      reason: 'NoNodes',
      message: 'nodeSelector matches no node',
      observedGeneration,
    };
  }
  return {
    type: 'Ready',
    status: 'True',
    reason: 'NodesSelected',
    message: `${nodes.ready}/${nodes.total} nodes ready`,
    observedGeneration,
  };
}
