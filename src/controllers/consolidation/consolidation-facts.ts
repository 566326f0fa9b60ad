/**
 * The pod facts consolidation needs: the rebalance planner's (priority, mobility, budgets) plus which pods
 * stay on their node through a drain without keeping it in use (DaemonSet and mirror pods; a cluster
 * autoscaler removes nodes that hold only those).
 */
import { podTraits } from '../../rebalancing/index.js';
import type { ConsolidationFacts } from '../../consolidation/index.js';
import { rebalanceFacts, type PodFactSources } from '../caches/pod-facts.js';

export function consolidationFacts(sources: PodFactSources): ConsolidationFacts {
  const staying = new Map<string, boolean>();
  return {
    ...rebalanceFacts(sources),
    staysOnNode: (pod) => {
      let stays = staying.get(pod.key);
      if (stays === undefined) {
        const object = sources.informers.pods.get(pod.key);
        const reason = object ? podTraits(object).reason : undefined;
        stays = reason === 'DaemonSet' || reason === 'MirrorPod';
        staying.set(pod.key, stays);
      }
      return stays;
    },
  };
}
