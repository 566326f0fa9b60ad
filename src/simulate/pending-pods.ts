/**
 * The pods `fulcrum simulate` places: Pods as written, and the replicas of Deployments, ReplicaSets and
 * StatefulSets as pods made from their templates — what their controllers would create.
 */
import type { V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { ObjectOrigin } from './input-error.js';
import { rejectObject, type KubeObject, type SourcedObject } from './manifests.js';
import { checkPodRequests, rejectDuplicate, withDefaultNamespace } from './cluster-snapshot.js';

export interface PendingPod {
  pod: V1Pod;
  /** The object it came from: the Pod itself, or its Deployment / ReplicaSet / StatefulSet. */
  origin: ObjectOrigin;
}

export const PENDING_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet'] as const;

/**
 * The pods of `objects`, in file order (replicas in ordinal order). A workload's replica `i` is named
 * `<workload>-<i>` (a StatefulSet's real name; Deployments and ReplicaSets would add a random suffix).
 * Throws a SimulationInputError naming the object for another kind, a pod already bound to a node, a
 * workload without a template or with a bad replica count, a malformed request, or two pods with one name.
 */
export function pendingPodsFromObjects(objects: readonly SourcedObject[]): PendingPod[] {
  const out: PendingPod[] = [];
  const seen = new Map<string, ObjectOrigin>();
  for (const sourced of objects) {
    if (!(PENDING_KINDS as readonly string[]).includes(sourced.origin.kind)) {
      rejectObject(
        sourced.origin,
        `kind ${sourced.origin.kind} cannot be simulated (expected ${PENDING_KINDS.join(', ')})`,
      );
    }
    const { object, origin } = withDefaultNamespace(sourced.object, sourced.origin);
    for (const pod of podsOf(object, origin)) {
      const key = { ...origin, kind: 'Pod', name: pod.metadata?.name ?? '' };
      rejectDuplicate(seen, key);
      checkPodRequests(pod, origin);
      out.push({ pod, origin });
    }
  }
  return out;
}

/** A Pod is itself; a Deployment, ReplicaSet or StatefulSet (the kinds checked before) is its replicas. */
function podsOf(object: KubeObject, origin: ObjectOrigin): V1Pod[] {
  return origin.kind === 'Pod' ? [checkedPod(object as V1Pod, origin)] : replicasOf(object, origin);
}

function checkedPod(pod: V1Pod, origin: ObjectOrigin): V1Pod {
  if (pod.spec?.nodeName) {
    rejectObject(
      origin,
      `is already bound to node ${pod.spec.nodeName}; remove spec.nodeName to simulate it`,
    );
  }
  if (!Array.isArray(pod.spec?.containers) || pod.spec.containers.length === 0) {
    rejectObject(origin, 'has no spec.containers');
  }
  // A pod from a file has not run: whatever status it carries would only confuse the model.
  return { ...pod, status: { phase: 'Pending' } };
}

function replicasOf(object: KubeObject, origin: ObjectOrigin): V1Pod[] {
  const spec = (object.spec ?? {}) as { replicas?: unknown; template?: V1PodTemplateSpec };
  const replicas = spec.replicas ?? 1;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    rejectObject(origin, `spec.replicas must be a non-negative integer, got ${JSON.stringify(replicas)}`);
  }
  const template = spec.template;
  if (!template?.spec) rejectObject(origin, 'has no spec.template.spec');
  const pods: V1Pod[] = [];
  for (let i = 0; i < replicas; i++) {
    const pod: V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...template.metadata,
        name: `${origin.name}-${i}`,
        namespace: origin.namespace,
      },
      spec: structuredClone(template.spec),
    };
    pods.push(checkedPod(pod, origin));
  }
  return pods;
}
