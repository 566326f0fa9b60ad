/**
 * ResourcePool spec.eviction: which pods rebalancing and preemption may evict on the pool's nodes. Everything
 * the descheduler's DefaultEvictor protects by default is protected here too, plus pods with a
 * PersistentVolumeClaim and pods in kube-system; the pool's owner opts in per class.
 */
import { z } from 'zod';
import { namespaceName } from './field-schemas.js';
import { withRules } from './validation-rule.js';

export const EvictionNamespacesSchema = withRules(
  z.object({
    include: z
      .array(namespaceName)
      .min(1)
      .max(256)
      .optional()
      .describe(
        'Only pods in these namespaces may be evicted. Naming kube-system here is the only way to let its ' +
          'pods be evicted. Mutually exclusive with exclude.',
      ),
    exclude: z
      .array(namespaceName)
      .min(1)
      .max(256)
      .optional()
      .describe('Pods in these namespaces are never evicted. Mutually exclusive with include.'),
  }),
  [
    {
      rule: '!(has(self.include) && has(self.exclude))',
      message: 'set namespaces.include or namespaces.exclude, not both',
      holds: (n) => !(n.include !== undefined && n.exclude !== undefined),
    },
  ],
).describe(
  'Namespaces whose pods may (include) or may not (exclude) be evicted. Unset: every namespace but kube-system.',
);

export const EvictionSchema = z
  .object({
    evictSystemCriticalPods: z
      .boolean()
      .default(false)
      .describe(
        'Whether pods with priorityClassName system-cluster-critical or system-node-critical, or a priority of ' +
          '2000000000 or more, may be evicted (default false, as the descheduler).',
      ),
    evictLocalStoragePods: z
      .boolean()
      .default(false)
      .describe(
        'Whether pods with an emptyDir (any medium) or hostPath volume may be evicted (default false, as the ' +
          'descheduler): their data is lost when they move.',
      ),
    evictPvcPods: z
      .boolean()
      .default(false)
      .describe(
        'Whether pods with a PersistentVolumeClaim volume may be evicted (default false; the descheduler ' +
          'evicts them by default, Fulcrum does not: a ReadWriteOnce volume must detach before the ' +
          'replacement can start).',
      ),
    namespaces: EvictionNamespacesSchema.optional(),
  })
  .describe(
    "Which pods rebalancing and preemption may evict on this pool's nodes. Never evicted, whatever is set: " +
      "pods without a controller, DaemonSet and mirror (static) pods, and the operator's own pods. Never " +
      'evicted unless opted in here: system-critical pods, pods with local storage or a PersistentVolumeClaim, ' +
      'and pods in kube-system. Protected pods are reported, not skipped silently. Failover is not affected.',
  );

export type EvictionNamespaces = z.output<typeof EvictionNamespacesSchema>;
export type Eviction = z.output<typeof EvictionSchema>;
