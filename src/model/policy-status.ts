import type { DesiredCondition } from './conditions.js';
import { matchesSelector, type LabelSelector } from './label-selector.js';
import type { PodInfo } from './pod-info.js';

/** What a pool looks like to a WorkloadPolicy that names it. */
export type PoolState =
  | { exists: false }
  | { exists: true; valid: false }
  | { exists: true; valid: true; maxPriority: number | undefined };

export interface PolicyStatusSummary {
  matchedPods: number;
  /** The requested priority, lowered to the pool's limit for the namespace. */
  effectivePriority: number;
  conditions: DesiredCondition[];
}

export interface PolicyStatusInput {
  generation: number;
  pool: string;
  priority: number;
  selector: LabelSelector;
}

/**
 * The status of a schema-valid WorkloadPolicy: Ready only when the pool it names exists and has a valid
 * spec. A policy naming a missing pool is accepted by the API server (pools may be created later, in any
 * order under GitOps) but does nothing until the pool appears, and says so.
 */
export function computePolicyStatus(
  input: PolicyStatusInput,
  pool: PoolState,
  podsInNamespace: Iterable<PodInfo>,
): PolicyStatusSummary {
  let matchedPods = 0;
  for (const pod of podsInNamespace) if (matchesSelector(input.selector, pod.labels)) matchedPods++;
  const limit = pool.exists && pool.valid ? pool.maxPriority : undefined;
  const effectivePriority = limit === undefined ? input.priority : Math.min(input.priority, limit);
  return { matchedPods, effectivePriority, conditions: [policyReady(input, pool, effectivePriority)] };
}

function policyReady(input: PolicyStatusInput, pool: PoolState, effectivePriority: number): DesiredCondition {
  const base = { type: 'Ready', observedGeneration: input.generation };
  if (!pool.exists) {
    return {
      ...base,
      status: 'False',
      reason: 'PoolNotFound',
      message: `ResourcePool "${input.pool}" does not exist`,
    };
  }
  if (!pool.valid) {
    return {
      ...base,
      status: 'False',
      reason: 'PoolInvalid',
      message: `ResourcePool "${input.pool}" has an invalid spec`,
    };
  }
  if (effectivePriority < input.priority) {
    const message = `priority ${input.priority} lowered to ${effectivePriority}, the limit of ResourcePool "${input.pool}" for this namespace`;
    return { ...base, status: 'True', reason: 'PriorityClamped', message };
  }
  return { ...base, status: 'True', reason: 'PoolBound', message: `bound to ResourcePool "${input.pool}"` };
}
