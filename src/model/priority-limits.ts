import { DEFAULT_MAX_TENANT_PRIORITY } from '../api/resource-pool-spec.js';

/** A pool's bounds on WorkloadPolicy priority per namespace (ResourcePool spec.priorityLimits). */
export interface PriorityLimits {
  defaultMaxPriority?: number;
  namespaces?: Array<{ names: string[]; maxPriority: number }>;
}

/**
 * The highest priority a policy in `namespace` may have in the pool: the first entry naming it wins, else
 * defaultMaxPriority, else DEFAULT_MAX_TENANT_PRIORITY (0): without a grant by the pool's owner no tenant
 * outranks, and so preempts, another team's ordinary pods.
 */
export function maxPriorityFor(limits: PriorityLimits | undefined, namespace: string): number {
  const entry = limits?.namespaces?.find((limit) => limit.names.includes(namespace));
  return entry ? entry.maxPriority : (limits?.defaultMaxPriority ?? DEFAULT_MAX_TENANT_PRIORITY);
}
