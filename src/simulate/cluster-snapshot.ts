/**
 * The cluster `fulcrum simulate` places pods into: nodes, pods, pools, policies, disruption budgets and
 * priority classes, read once — from a YAML file or from the API server — and checked the way the operator
 * would read them, so that a bad object is reported by name before anything is simulated.
 */
import type { V1Node, V1Pod, V1PodDisruptionBudget, V1PriorityClass } from '@kubernetes/client-node';
import {
  parseResourcePool,
  parseWorkloadPolicy,
  RESOURCE_POOL_KIND,
  WORKLOAD_POLICY_KIND,
  type ResourcePool,
  type WorkloadPolicy,
} from '../api/index.js';
import { scaledIntOrPercent, type IntOrPercent } from '../api/index.js';
import { effectiveRequests } from '../model/pod-info.js';
import { describeOrigin, SimulationInputError, type ObjectOrigin } from './input-error.js';
import { rejectObject, type KubeObject, type SourcedObject } from './manifests.js';

export interface Sourced<T> {
  value: T;
  origin: ObjectOrigin;
}

export interface ClusterSnapshot {
  nodes: Array<Sourced<V1Node>>;
  pods: Array<Sourced<V1Pod>>;
  /** Parsed, every default applied. */
  pools: Array<Sourced<ResourcePool>>;
  /** Parsed, every default applied. */
  policies: Array<Sourced<WorkloadPolicy>>;
  pdbs: Array<Sourced<V1PodDisruptionBudget>>;
  /** Optional: they give pods from templates (which have no spec.priority yet) their priority. */
  priorityClasses: Array<Sourced<V1PriorityClass>>;
}

export const CLUSTER_KINDS = [
  'Node',
  'Pod',
  RESOURCE_POOL_KIND,
  WORKLOAD_POLICY_KIND,
  'PodDisruptionBudget',
  'PriorityClass',
] as const;

/**
 * Sorts `objects` into a snapshot. Throws a SimulationInputError naming the object for a kind that is not
 * part of a snapshot, a duplicate, an invalid ResourcePool or WorkloadPolicy (the API server would have
 * refused it: the parsers accept exactly what the CRDs accept) or a pod with a malformed request.
 */
export function clusterSnapshotFromObjects(objects: readonly SourcedObject[]): ClusterSnapshot {
  const snapshot: ClusterSnapshot = {
    nodes: [],
    pods: [],
    pools: [],
    policies: [],
    pdbs: [],
    priorityClasses: [],
  };
  const seen = new Map<string, ObjectOrigin>();
  for (const { object, origin } of objects) {
    const namespaced =
      origin.kind !== 'Node' && origin.kind !== RESOURCE_POOL_KIND && origin.kind !== 'PriorityClass';
    const placed = namespaced ? withDefaultNamespace(object, origin) : { object, origin };
    rejectDuplicate(seen, placed.origin);
    addToSnapshot(snapshot, placed.object, placed.origin);
  }
  return snapshot;
}

function addToSnapshot(snapshot: ClusterSnapshot, object: KubeObject, origin: ObjectOrigin): void {
  switch (origin.kind) {
    case 'Node':
      snapshot.nodes.push({ value: object as V1Node, origin });
      return;
    case 'Pod':
      checkPodRequests(object as V1Pod, origin);
      snapshot.pods.push({ value: object as V1Pod, origin });
      return;
    case RESOURCE_POOL_KIND: {
      const parsed = parseResourcePool(object);
      if (!parsed.ok) rejectObject(origin, `invalid: ${parsed.message}`);
      snapshot.pools.push({ value: parsed.value, origin });
      return;
    }
    case WORKLOAD_POLICY_KIND: {
      const parsed = parseWorkloadPolicy(object);
      if (!parsed.ok) rejectObject(origin, `invalid: ${parsed.message}`);
      snapshot.policies.push({ value: parsed.value, origin });
      return;
    }
    case 'PodDisruptionBudget':
      checkBudgetValues(object as V1PodDisruptionBudget, origin);
      snapshot.pdbs.push({ value: object as V1PodDisruptionBudget, origin });
      return;
    case 'PriorityClass':
      snapshot.priorityClasses.push({ value: object as V1PriorityClass, origin });
      return;
    default:
      rejectObject(
        origin,
        `kind ${origin.kind} is not part of a cluster snapshot (expected ${CLUSTER_KINDS.join(', ')})`,
      );
  }
}

/** Namespaced objects written without a namespace land in `default`, as `kubectl apply` puts them. */
export function withDefaultNamespace(
  object: KubeObject,
  origin: ObjectOrigin,
): { object: KubeObject; origin: ObjectOrigin } {
  if (origin.namespace) return { object, origin };
  return {
    object: { ...object, metadata: { ...object.metadata, namespace: 'default' } },
    origin: { ...origin, namespace: 'default' },
  };
}

export function rejectDuplicate(seen: Map<string, ObjectOrigin>, origin: ObjectOrigin): void {
  const id = `${origin.kind}/${origin.namespace ?? ''}/${origin.name}`;
  const first = seen.get(id);
  if (first) {
    throw new SimulationInputError(`${describeOrigin(origin)}: duplicate of ${describeOrigin(first)}`);
  }
  seen.set(id, origin);
}

/** The requests as the model computes them, so a malformed quantity is named here and not mid-simulation. */
export function checkPodRequests(pod: V1Pod, origin: ObjectOrigin): void {
  try {
    effectiveRequests(pod);
  } catch (error) {
    rejectObject(origin, `bad resource request: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A PDB's minAvailable and maxUnavailable must be counts or percentages ("50%"), as the API server checks. */
function checkBudgetValues(pdb: V1PodDisruptionBudget, origin: ObjectOrigin): void {
  for (const field of ['minAvailable', 'maxUnavailable'] as const) {
    const value = pdb.spec?.[field];
    if (value === undefined) continue;
    try {
      scaledIntOrPercent(value as IntOrPercent, 1, 'up');
    } catch {
      rejectObject(origin, `spec.${field} must be an integer or a percentage, got ${JSON.stringify(value)}`);
    }
  }
}
