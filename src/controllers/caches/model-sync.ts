import type { Informer } from '../../kube/informer.js';
import type { ClusterModel } from '../../model/cluster-model.js';
import { nodeInfoFromNode } from '../../model/node-info.js';
import { podInfoFromPod, podKey, type PodInfo } from '../../model/pod-info.js';
import type { LeanPod } from '../../kube/lean-pod.js';
import type { LeanNode } from '../../kube/lean-node.js';

export interface ModelSyncOptions {
  /**
   * Rewrites a pod before it enters the model: the scheduler keeps pods it has placed but the watch does not
   * show bound yet on their node (AssumedBindings.view), so their room is never given away twice.
   */
  podView?: (pod: PodInfo) => PodInfo;
}

/**
 * Keeps the cluster model in step with the node and pod informers. Registered on every replica, leader or
 * not, so a standby takes over with a warm model.
 */
export function syncModelFromInformers(
  informers: { nodes: Informer<LeanNode>; pods: Informer<LeanPod> },
  model: ClusterModel,
  options: ModelSyncOptions = {},
): void {
  const view = options.podView ?? ((pod: PodInfo) => pod);
  informers.nodes.addHandler({
    onAdd: (node) => model.upsertNode(nodeInfoFromNode(node)),
    onUpdate: (_old, node) => model.upsertNode(nodeInfoFromNode(node)),
    onDelete: (node) => model.deleteNode(node.metadata?.name ?? ''),
  });
  informers.pods.addHandler({
    onAdd: (pod) => model.upsertPod(view(podInfoFromPod(pod))),
    onUpdate: (_old, pod) => model.upsertPod(view(podInfoFromPod(pod))),
    onDelete: (pod) =>
      model.deletePod(podKey(pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? '')),
  });
}
