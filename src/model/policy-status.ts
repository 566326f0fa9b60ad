import type { DesiredCondition } from './conditions.js';
import { matchesSelector, type LabelSelector } from './label-selector.js';
import type { PodInfo } from './pod-info.js';

/** What a pool looks like to a WorkloadPolicy that names it. */
export type PoolState = { exists: false } | { exists: true; valid: boolean; ready: boolean };

export interface PolicyStatusSummary {
  matchedPods: number;
  conditions: DesiredCondition[];
}

/**
 * The status of a schema-valid WorkloadPolicy: Ready only when the pool it names exists and has a valid
 * spec. A policy naming a missing pool is accepted by the API server (pools may be created later, in any
 * order under GitOps) but does nothing until the pool appears, and says so.
 */
export function computePolicyStatus(
  input: { generation: number; pool: string; selector: LabelSelector },
  pool: PoolState,
  podsInNamespace: Iterable<PodInfo>,
): PolicyStatusSummary {
  let matchedPods = 0;
  for (const pod of podsInNamespace) if (matchesSelector(input.selector, pod.labels)) matchedPods++;
  return { matchedPods, conditions: [policyReady(input, pool)] };
}

function policyReady(input: { generation: number; pool: string }, pool: PoolState): DesiredCondition {
  const base = { type: 'Ready', observedGeneration: input.generation };
  if (!pool.exists) {
    return { ...base, status: 'False', reason: 'PoolNotFound', message: `ResourcePool "${input.pool}" does not exist` };
  }
  if (!pool.valid) {
    return { ...base, status: 'False', reason: 'PoolInvalid', message: `ResourcePool "${input.pool}" has an invalid spec` };
  }
  return { ...base, status: 'True', reason: 'PoolBound', message: `bound to ResourcePool "${input.pool}"` };
}
