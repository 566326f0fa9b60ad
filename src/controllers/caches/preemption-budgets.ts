/**
 * What preemption must know about would-be victims, read from the caches: whether each may move (its
 * WorkloadPolicy), and the budgets that protect it — PodDisruptionBudgets (their disruptionsAllowed) and
 * WorkloadPolicy minAvailable (computed like the disruption controller does). Victims are evicted through the
 * Eviction API afterwards, which checks the PDBs once more.
 */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { WorkloadPolicy } from '../../api/index.js';
import type { Informer } from '../../kube/informer.js';
import type { ClusterModel } from '../../model/cluster-model.js';
import { matchesSelector, type LabelSelector } from '../../model/label-selector.js';
import { isTerminal, type PodInfo } from '../../model/pod-info.js';
import {
  minAvailableBudget,
  podMovable,
  resolvePodPool,
  type DisruptionBudget,
  type PreemptionInput,
} from '../../placement/index.js';
import type { PolicySource } from '../../placement/scheduling-batch.js';

export interface BudgetSources {
  informers: { podDisruptionBudgets: Informer<V1PodDisruptionBudget> };
  policies: PolicySource;
  model: ClusterModel;
}

/** Mobility and budgets for one batch (minAvailable budgets are computed once per policy per batch). */
export function preemptionBudgets(sources: BudgetSources): Omit<PreemptionInput, 'priorityOf'> {
  const policyBudget = new Map<string, DisruptionBudget>();
  const resolve = (pod: PodInfo) => resolvePodPool(pod, sources.policies.inNamespace(pod.namespace));
  return {
    movable: (pod) => podMovable(resolve(pod)),
    pdbs: (pod) => pdbsCovering(pod, sources.informers.podDisruptionBudgets),
    policyBudgets: (pod) => {
      const resolution = resolve(pod);
      if (resolution?.source !== 'policy' || resolution.policy.spec.minAvailable === undefined) return [];
      const key = `${resolution.policy.metadata.namespace}/${resolution.policy.metadata.name}`;
      let budget = policyBudget.get(key);
      if (budget === undefined) {
        budget = budgetOf(resolution.policy, key, sources.model);
        policyBudget.set(key, budget);
      }
      return [budget];
    },
  };
}

function pdbsCovering(pod: PodInfo, pdbs: Informer<V1PodDisruptionBudget>): DisruptionBudget[] {
  const out: DisruptionBudget[] = [];
  for (const pdb of pdbs.values()) {
    if (pdb.metadata?.namespace !== pod.namespace || !pdb.spec?.selector) continue;
    if (!matchesSelector(pdb.spec.selector as LabelSelector, pod.labels)) continue;
    out.push({
      name: `pdb:${pod.namespace}/${pdb.metadata?.name ?? ''}`,
      disruptionsAllowed: pdb.status?.disruptionsAllowed ?? 0,
    });
  }
  return out;
}

/** Matched pods that are not finished count as expected; those bound and not terminating as healthy. */
function budgetOf(policy: WorkloadPolicy, key: string, model: ClusterModel): DisruptionBudget {
  let expected = 0;
  let healthy = 0;
  for (const pod of model.allPods()) {
    if (pod.namespace !== policy.metadata.namespace || isTerminal(pod)) continue;
    if (!matchesSelector(policy.spec.selector, pod.labels)) continue;
    expected++;
    if (pod.nodeName !== undefined && !pod.deleting && pod.phase === 'Running') healthy++;
  }
  return minAvailableBudget(`policy:${key}`, policy.spec.minAvailable!, expected, healthy);
}
