/**
 * The API calls behind the actuator, and nothing else: evict, delete, read and patch a node. Each call is
 * bounded by the caller's signal; errors are the client's `ApiException`s (classified by the actuator).
 */
import {
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Api,
  type CustomObjectsApi,
  type V1DeleteOptions,
  type V1Node,
} from '@kubernetes/client-node';
import { requestOptions } from '../kube/request-options.js';
import type { JsonPatchOperation } from './node-patch.js';
import type { PodRef, ScaleRef } from './action-requests.js';

export interface ActuationClient {
  /** POST pods/eviction (policy/v1) with a uid precondition. */
  evict(pod: PodRef, signal: AbortSignal): Promise<void>;
  /** DELETE the pod with a uid precondition; gracePeriodSeconds undefined = the pod's own. */
  deletePod(pod: PodRef, gracePeriodSeconds: number | undefined, signal: AbortSignal): Promise<void>;
  readNode(name: string, signal: AbortSignal): Promise<V1Node>;
  /** Applies a JSON patch (application/json-patch+json) and returns the node as written. */
  patchNode(name: string, patch: readonly JsonPatchOperation[], signal: AbortSignal): Promise<V1Node>;
  /** Merge-patches spec.replicas of the target's scale subresource (absent: scaling is not supported). */
  scale?(target: ScaleRef, replicas: number, signal: AbortSignal): Promise<void>;
}

/** The real client. `fieldManager` names Fulcrum in the node's managedFields. */
export function kubeActuationClient(
  core: CoreV1Api,
  fieldManager = 'fulcrum',
  customObjects?: CustomObjectsApi,
): ActuationClient {
  return {
    ...(customObjects
      ? {
          scale: async (target: ScaleRef, replicas: number, signal: AbortSignal) => {
            await customObjects.patchNamespacedCustomObjectScale(
              { ...target, body: { spec: { replicas } }, fieldManager },
              setHeaderOptions('Content-Type', PatchStrategy.MergePatch, requestOptions(signal)),
            );
          },
        }
      : {}),
    evict: async (pod, signal) => {
      await core.createNamespacedPodEviction(
        {
          name: pod.name,
          namespace: pod.namespace,
          body: {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name: pod.name, namespace: pod.namespace },
            deleteOptions: { preconditions: { uid: pod.uid } },
          },
        },
        requestOptions(signal),
      );
    },
    deletePod: async (pod, gracePeriodSeconds, signal) => {
      const body: V1DeleteOptions = { preconditions: { uid: pod.uid } };
      if (gracePeriodSeconds !== undefined) body.gracePeriodSeconds = gracePeriodSeconds;
      await core.deleteNamespacedPod(
        { name: pod.name, namespace: pod.namespace, body, gracePeriodSeconds },
        requestOptions(signal),
      );
    },
    readNode: (name, signal) => core.readNode({ name }, requestOptions(signal)),
    patchNode: (name, patch, signal) =>
      core.patchNode(
        { name, body: patch, fieldManager },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch, requestOptions(signal)),
      ),
  };
}
