/**
 * What preemption may take, in a simulation: each PodDisruptionBudget's and each WorkloadPolicy minAvailable's
 * allowance, spent as the simulation evicts victims so that two preemptions cannot both use the last one.
 */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { scaledIntOrPercent, type IntOrPercent, type WorkloadPolicy } from '../api/index.js';
import { matchesSelector, type LabelSelector } from '../model/label-selector.js';
import { isTerminal, type PodInfo } from '../model/pod-info.js';
import { minAvailableBudget, type DisruptionBudget } from '../placement/index.js';

interface Budget {
  name: string;
  namespace: string;
  covers(pod: PodInfo): boolean;
  remaining: number;
}

export class DisruptionBudgets {
  private readonly pdbs: Budget[];
  private readonly policies: Budget[];

  /**
   * `pods` are the cluster's pods before the simulation; `policyOf` names the WorkloadPolicy that governs a
   * pod (resolvePodPool), if any.
   */
  constructor(
    pdbs: readonly V1PodDisruptionBudget[],
    policies: readonly WorkloadPolicy[],
    pods: readonly PodInfo[],
    policyOf: (pod: PodInfo) => WorkloadPolicy | undefined,
  ) {
    this.pdbs = pdbs.map((pdb) => pdbBudget(pdb, pods));
    this.policies = policies.flatMap((policy) => {
      const budget = policyBudget(policy, pods, policyOf);
      return budget ? [budget] : [];
    });
  }

  /** The PodDisruptionBudgets covering `pod`, with what they still allow. */
  pdbsOf(pod: PodInfo): DisruptionBudget[] {
    return covering(this.pdbs, pod);
  }

  /** The WorkloadPolicy minAvailable budgets covering `pod`, with what they still allow. */
  policyBudgetsOf(pod: PodInfo): DisruptionBudget[] {
    return covering(this.policies, pod);
  }

  /** Spends one disruption of every budget covering `victim`: the simulation evicted it. */
  evicted(victim: PodInfo): void {
    for (const budget of [...this.pdbs, ...this.policies]) {
      if (budget.namespace === victim.namespace && budget.covers(victim)) budget.remaining--;
    }
  }
}

function covering(budgets: readonly Budget[], pod: PodInfo): DisruptionBudget[] {
  return budgets
    .filter((b) => b.namespace === pod.namespace && b.covers(pod))
    .map((b) => ({ name: b.name, disruptionsAllowed: b.remaining }));
}

/** Counted towards a budget's healthy pods: bound, running, not being deleted (the disruption controller also wants Ready). */
function healthy(pod: PodInfo): boolean {
  return pod.nodeName !== undefined && pod.phase === 'Running' && !pod.deleting;
}

/**
 * A PDB's allowance: its status.disruptionsAllowed when the disruption controller wrote one, else computed
 * the way that controller does from the snapshot's pods (minAvailable, or matched pods minus maxUnavailable,
 * percentages rounded up). A PDB without a selector covers no pod; an empty selector covers its namespace.
 */
function pdbBudget(pdb: V1PodDisruptionBudget, pods: readonly PodInfo[]): Budget {
  const namespace = pdb.metadata?.namespace ?? 'default';
  const name = `${namespace}/${pdb.metadata?.name ?? ''}`;
  const selector = pdb.spec?.selector as LabelSelector | null | undefined;
  const covers = (pod: PodInfo): boolean => selector != null && matchesSelector(selector, pod.labels);
  const stated = pdb.status?.disruptionsAllowed;
  if (typeof stated === 'number') return { name, namespace, covers, remaining: stated };
  const matched = pods.filter((p) => p.namespace === namespace && !isTerminal(p) && covers(p));
  const expected = matched.length;
  const have = matched.filter(healthy).length;
  const spec = pdb.spec ?? {};
  let desired = 0;
  if (spec.maxUnavailable !== undefined) {
    desired = expected - scaledIntOrPercent(spec.maxUnavailable as IntOrPercent, expected, 'up');
  } else if (spec.minAvailable !== undefined) {
    desired = scaledIntOrPercent(spec.minAvailable as IntOrPercent, expected, 'up');
  }
  return { name, namespace, covers, remaining: Math.max(0, have - desired) };
}

function policyBudget(
  policy: WorkloadPolicy,
  pods: readonly PodInfo[],
  policyOf: (pod: PodInfo) => WorkloadPolicy | undefined,
): Budget | undefined {
  const minAvailable = policy.spec.minAvailable;
  if (minAvailable === undefined) return undefined;
  const covers = (pod: PodInfo): boolean => policyOf(pod) === policy;
  const matched = pods.filter((p) => !isTerminal(p) && covers(p));
  const name = `${policy.metadata.namespace}/${policy.metadata.name}`;
  const budget = minAvailableBudget(name, minAvailable, matched.length, matched.filter(healthy).length);
  return { name, namespace: policy.metadata.namespace, covers, remaining: budget.disruptionsAllowed };
}
