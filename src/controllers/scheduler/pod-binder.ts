/**
 * The scheduler's writes to the API server: the binding of a placed pod (pods/binding, with the pod's UID so
 * a same-named replacement is never bound by mistake), and the PodScheduled=False condition of a pod that
 * found no node, with the reason summary users read in `kubectl describe pod`.
 */
import {
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Api,
  type V1PodCondition,
} from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../../kube/errors.js';
import { requestOptions } from '../../kube/request-options.js';
import type { PodInfo } from '../../model/pod-info.js';
import type { LeanPod } from '../../kube/lean-pod.js';

/** `bound`; `gone`: the pod was deleted, replaced or bound meanwhile (nothing to retry); `failed`: retry. */
export type BindResult = { kind: 'bound' } | { kind: 'gone' } | { kind: 'failed'; error: unknown };

export const UNSCHEDULABLE_REASON = 'Unschedulable';

export class PodBinder {
  constructor(private readonly core: CoreV1Api) {}

  async bind(pod: PodInfo, node: string, signal: AbortSignal): Promise<BindResult> {
    try {
      await this.core.createNamespacedPodBinding(
        {
          name: pod.name,
          namespace: pod.namespace,
          body: {
            apiVersion: 'v1',
            kind: 'Binding',
            metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
            target: { apiVersion: 'v1', kind: 'Node', name: node },
          },
        },
        requestOptions(signal),
      );
      return { kind: 'bound' };
    } catch (error) {
      if (isNotFound(error) || isConflict(error)) return { kind: 'gone' };
      return { kind: 'failed', error };
    }
  }

  /**
   * Sets PodScheduled=False (reason Unschedulable) with `message`, and the node preemption freed room on;
   * skipped when the pod already says exactly that, so a pod retried every few seconds costs no writes.
   */
  async markUnschedulable(
    pod: LeanPod,
    message: string,
    nominatedNode: string | undefined,
    now: Date,
    signal: AbortSignal,
  ): Promise<void> {
    if (alreadyMarked(pod, message, nominatedNode)) return;
    const condition: V1PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      reason: UNSCHEDULABLE_REASON,
      message,
      lastTransitionTime: now,
    };
    const status: Record<string, unknown> = { conditions: [condition] };
    if (nominatedNode !== undefined) status.nominatedNodeName = nominatedNode;
    try {
      await this.core.patchNamespacedPodStatus(
        { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', body: { status } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch, requestOptions(signal)),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

export function alreadyMarked(pod: LeanPod, message: string, nominatedNode: string | undefined): boolean {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (current?.status !== 'False' || current.reason !== UNSCHEDULABLE_REASON || current.message !== message)
    return false;
  return nominatedNode === undefined || pod.status?.nominatedNodeName === nominatedNode;
}
