/**
 * The WorkloadPolicy kind: how an application team's pods are treated in a pool (priority, mobility, failover,
 * availability floor, network demand).
 */
import { z } from 'zod';
import {
  conditions,
  dns1123Subdomain,
  intOrPercent,
  nonEmptyLabelSelector,
  objectMeta,
  quantity,
} from './field-schemas.js';
import { API_VERSION, WORKLOAD_POLICY_KIND } from './group.js';
import { parseWith, type ParseResult } from './parse-result.js';

/** PriorityClass-like bounds: user priorities up to one billion, negative values for preemptible work. */
export const MIN_PRIORITY = -1_000_000_000;
export const MAX_PRIORITY = 1_000_000_000;

/** Condition types a WorkloadPolicy reports. */
export const WorkloadPolicyConditionType = {
  /** The spec is valid and the pool exists; reason PriorityClamped when the pool lowered the priority. */
  Ready: 'Ready',
} as const;

export const WorkloadPolicySpecSchema = z
  .object({
    selector: nonEmptyLabelSelector.describe(
      'Pods in this namespace that the policy applies to; must not be empty. A pod matched by several policies ' +
        'follows the one with the highest priority.',
    ),
    pool: dns1123Subdomain.describe('Name of the ResourcePool these pods run in.'),
    priority: z
      .int()
      .min(MIN_PRIORITY)
      .max(MAX_PRIORITY)
      .default(0)
      .describe(
        'Placement and eviction priority (-1000000000 to 1000000000, default 0): higher priorities are placed ' +
          "first and evicted last. Bounded by the pool's priorityLimits for this namespace.",
      ),
    movable: z
      .boolean()
      .default(true)
      .describe('Whether rebalancing may move these pods (default true). Failover moves them regardless.'),
    failover: z
      .enum(['Reschedule', 'None'])
      .default('Reschedule')
      .describe(
        'Reschedule replaces these pods on healthy nodes when their node has failed, as fast as failoverClass ' +
          'allows (default); None leaves them to Kubernetes.',
      ),
    failoverClass: z
      .enum(['Auto', 'Replaceable', 'AtMostOnce'])
      .default('Auto')
      .describe(
        "How fast a failed node's pods may be replaced. Replaceable: deleted gracefully as soon as the node " +
          'has failed (two channels of evidence) and is cordoned, so their controller starts a replacement at ' +
          'once; a copy may still run on a node that is only cut off. AtMostOnce: left in place until the node ' +
          "is confirmed down (probe failing and Lease unrenewed for the pool's failover.safeTime, a fence " +
          "agent's fulcrum.io/fence-confirmed annotation, an administrator's out-of-service taint, or the " +
          "Node's deletion), then released with the out-of-service taint and a force delete. Auto (default): " +
          'AtMostOnce for StatefulSet pods, pods with a PersistentVolumeClaim or generic ephemeral volume, ' +
          'pods without a controller and pods of other controller kinds; Replaceable for ReplicaSet, ' +
          'ReplicationController and Job pods.',
      ),
    minAvailable: intOrPercent
      .optional()
      .describe(
        'Matched pods (count or percent) that rebalancing never takes below, on top of any PodDisruptionBudget.',
      ),
    network: z
      .object({
        request: quantity.describe(
          'Network bandwidth each pod needs, in bits/s (for example 200M); counted against the network ceiling.',
        ),
      })
      .optional()
      .describe('Network demand per pod; network is balanced like CPU and memory.'),
  })
  .describe('How the selected pods are placed, moved and failed over.');

export const WorkloadPolicyStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional().describe('metadata.generation this status reflects.'),
    matchedPods: z.int().min(0).optional().describe('Pods the selector matches.'),
    effectivePriority: z.int().optional().describe('Priority in force after the pool priorityLimits.'),
    conditions: conditions.optional().describe('Ready.'),
  })
  .describe('State of the policy as observed by the operator.');

export const WorkloadPolicySchema = z.object({
  apiVersion: z.literal(API_VERSION).default(API_VERSION),
  kind: z.literal(WORKLOAD_POLICY_KIND).default(WORKLOAD_POLICY_KIND),
  metadata: objectMeta.extend({ namespace: z.string().min(1) }),
  spec: WorkloadPolicySpecSchema,
  // The operator wrote the status; a malformed one must not make a valid policy invalid, so it is dropped.
  status: WorkloadPolicyStatusSchema.optional().catch(undefined),
});

/** A WorkloadPolicy spec with every default applied. */
export type WorkloadPolicySpec = z.output<typeof WorkloadPolicySpecSchema>;
export type WorkloadPolicySpecInput = z.input<typeof WorkloadPolicySpecSchema>;
export type WorkloadPolicyStatus = z.output<typeof WorkloadPolicyStatusSchema>;
/** A WorkloadPolicy as the operator works with it: validated, every spec default applied. */
export type WorkloadPolicy = z.output<typeof WorkloadPolicySchema>;
export type WorkloadPolicyInput = z.input<typeof WorkloadPolicySchema>;

/**
 * Validates a WorkloadPolicy read from the API server and applies the spec defaults. On failure, the message
 * names every offending field ("spec.pool: must be a DNS-1123 subdomain ..."), for a Ready=False condition.
 * Accepts exactly what the CRD accepts.
 */
export function parseWorkloadPolicy(object: unknown): ParseResult<WorkloadPolicy> {
  return parseWith(WorkloadPolicySchema, object);
}
