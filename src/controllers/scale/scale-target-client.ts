/**
 * Reading a scale target: its resource (plural) by discovery, and its replicas from the scale subresource.
 * Writes go through the Actuator (Actuator.scale), never here.
 */
import {
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
  type V1APIResource,
} from '@kubernetes/client-node';
import type { ScaleRef } from '../../actuation/index.js';
import type { ScaleTarget } from '../../api/index.js';
import { describeError } from '../../kube/errors.js';
import { requestOptions } from '../../kube/request-options.js';

export interface ScaleTargetClient {
  /** The target's ScaleRef, or why it cannot be found (no such kind served). */
  resolve(target: ScaleTarget): Promise<ScaleRef | { error: string }>;
  /** spec.replicas of the target's scale subresource. Throws on an API error. */
  readReplicas(ref: ScaleRef, signal: AbortSignal): Promise<number>;
}

/** The object API's discovery (protected there): one group's resource list per call, cached. */
class Discovery extends KubernetesObjectApi {
  find(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }
}

export function kubeScaleTargetClient(kubeConfig: KubeConfig): ScaleTargetClient {
  const discovery = kubeConfig.makeApiClient(Discovery);
  const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    resolve: async (target) => {
      let resource;
      try {
        resource = await discovery.find(target.apiVersion, target.kind);
      } catch (error) {
        return { error: `cannot discover ${target.apiVersion} ${target.kind}: ${describeError(error)}` };
      }
      if (!resource) return { error: `${target.apiVersion} serves no kind ${target.kind}` };
      if (!resource.namespaced)
        return { error: `${target.kind} is not namespaced: only namespaced targets are scaled` };
      const [group, version] = target.apiVersion.split('/') as [string, string];
      return {
        group,
        version,
        plural: resource.name,
        kind: target.kind,
        namespace: target.namespace,
        name: target.name,
      };
    },
    readReplicas: async (ref, signal) => {
      const scale = (await customObjects.getNamespacedCustomObjectScale(
        {
          group: ref.group,
          version: ref.version,
          namespace: ref.namespace,
          plural: ref.plural,
          name: ref.name,
        },
        requestOptions(signal),
      )) as { spec?: { replicas?: number } };
      return scale.spec?.replicas ?? 0;
    },
  };
}
