/** A pool's bounds on WorkloadPolicy priority per namespace (ResourcePool spec.priorityLimits). */
export interface PriorityLimits {
  defaultMaxPriority?: number;
  namespaces?: Array<{ names: string[]; maxPriority: number }>;
}

/** The highest priority a policy in `namespace` may have in the pool: the first entry naming it wins. */
export function maxPriorityFor(limits: PriorityLimits | undefined, namespace: string): number | undefined {
  const entry = limits?.namespaces?.find((limit) => limit.names.includes(namespace));
  return entry ? entry.maxPriority : limits?.defaultMaxPriority;
}
