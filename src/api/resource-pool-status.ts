/**
 * ResourcePool status, written only by the operator (server-side apply, field manager `fulcrum`). Every field is
 * optional so that each controller can own and apply just its part; lists are bounded to keep objects small.
 */
import { z } from 'zod';
import { conditions, timestamp } from './field-schemas.js';
import { ConsolidationStatusSchema } from './resource-pool-status-consolidation.js';
import { ScaleTargetStatusSchema } from './resource-pool-scale-target.js';
import { TuningStatusSchema } from './resource-pool-tuning.js';

/** Condition types a ResourcePool reports. */
export const ResourcePoolConditionType = {
  /** The spec is valid and the pool is being managed. */
  Ready: 'Ready',
  /** No node is hot (above a ceiling, or tolerance above the pool mean). */
  Balanced: 'Balanced',
  /** At least one node is at or above a ceiling, or pending pods fit nowhere below the ceilings. */
  CapacityPressure: 'CapacityPressure',
  /** Usage metrics are fresh enough to act on. */
  MetricsAvailable: 'MetricsAvailable',
  /** A failed node is being fenced or its pods replaced. */
  FailoverActive: 'FailoverActive',
  /** More than maxUnhealthy nodes failed at once; failover is holding back. */
  PartitionSuspected: 'PartitionSuspected',
  /** The pool's nodes can be probed: settings usable, addresses admitted, counts in the message. */
  ProbesHealthy: 'ProbesHealthy',
} as const;

const quantityText = z.string().max(64);

export const ResourceStatusSchema = z
  .object({
    capacity: quantityText
      .optional()
      .describe('Sum of node allocatable, as a quantity (bits/s for network).'),
    requested: quantityText.optional().describe('Sum of pod requests, as a quantity.'),
    usage: quantityText.optional().describe('Sum of smoothed measured usage, as a quantity.'),
    utilization: z
      .number()
      .min(0)
      .optional()
      .describe('Pool utilization in percent of capacity, on the allocation basis.'),
    maxNodeUtilization: z
      .number()
      .min(0)
      .optional()
      .describe('Highest node utilization in the pool, in percent.'),
    ceiling: z.number().min(0).max(100).optional().describe('The ceiling in force, in percent.'),
  })
  .describe('Capacity and use of one resource across the pool.');

export const PoolResourcesStatusSchema = z
  .object({
    cpu: ResourceStatusSchema.optional(),
    memory: ResourceStatusSchema.optional(),
    ephemeralStorage: ResourceStatusSchema.optional(),
    network: ResourceStatusSchema.optional(),
  })
  .describe('Capacity and use per resource.');

export const PoolNodesStatusSchema = z
  .object({
    total: z.int().min(0).optional().describe('Nodes matching nodeSelector.'),
    ready: z.int().min(0).optional().describe('Nodes that are Ready and pass the failover probe.'),
    hot: z.int().min(0).optional().describe('Nodes currently classified hot.'),
    unhealthy: z.int().min(0).optional().describe('Nodes failing the failover probe.'),
    fenced: z.int().min(0).optional().describe('Nodes fenced by Fulcrum.'),
    contested: z
      .array(z.string().max(253))
      .max(20)
      .optional()
      .describe('Up to 20 nodes that match nodeSelector but stay with an older pool that also selects them.'),
  })
  .describe('Node counts.');

export const PoolActionSchema = z.object({
  time: timestamp.describe('When the action was taken (or, in DryRun, decided).'),
  action: z
    .string()
    .max(64)
    .describe('What was done: Evict, Place, Fence, Unfence, Taint, Untaint, Failover, ...'),
  dryRun: z.boolean().optional().describe('True when the action was only recorded, not performed.'),
  pod: z.string().max(317).optional().describe('namespace/name of the pod acted on.'),
  node: z.string().max(253).optional().describe('Node acted on, or the source node of a move.'),
  targetNode: z.string().max(253).optional().describe('Destination node of a move or placement.'),
  reason: z.string().max(1024).optional().describe('Why, in a few words.'),
  mode: z
    .string()
    .max(16)
    .optional()
    .describe(
      'For rebalancing moves, the mode the move came from: Urgent (its node was over a ceiling) or Balance ' +
        '(its node was hot against the pool mean).',
    ),
});

export const PoolCountersSchema = z
  .object({
    placements: z.int().min(0).optional().describe('Pods bound by the Fulcrum scheduler.'),
    placementFailures: z.int().min(0).optional().describe('Placement attempts that found no node.'),
    evictions: z.int().min(0).optional().describe('Pods evicted by rebalancing (urgent and balance moves).'),
    urgentEvictions: z
      .int()
      .min(0)
      .optional()
      .describe('Of evictions, those that brought a node back under a ceiling (mode Urgent).'),
    dryRunEvictions: z.int().min(0).optional().describe('Evictions recorded but not performed (DryRun).'),
    evictionsBlocked: z.int().min(0).optional().describe('Evictions refused by a PodDisruptionBudget.'),
    failovers: z.int().min(0).optional().describe('Nodes failed over.'),
    podsRescheduled: z.int().min(0).optional().describe('Pods replaced by failover.'),
  })
  .describe('Running totals kept by the operator.');

export const FailedNodeSchema = z.object({
  name: z.string().max(253).describe('Node name.'),
  since: timestamp.describe('When the node was declared failed.'),
  phase: z
    .string()
    .max(64)
    .optional()
    .describe(
      'Where failover stands: Detected, Fenced, Rescheduling, AwaitingConfirmedDown (its replaceable pods ' +
        'are moved; its at-most-once pods wait until the node is confirmed down), Done, or UncordonedByUser ' +
        '(someone uncordoned the fenced node: failover holds for it, nothing more is cordoned or deleted, until ' +
        'it fails anew; an UncordonRespected Event says when).',
    ),
  podsAwaitingConfirmedDown: z
    .int()
    .min(0)
    .optional()
    .describe(
      'At-most-once pods (StatefulSet, PersistentVolumeClaim, ...) left on the node until it is confirmed ' +
        'down (failover.safeTime, a fence agent, or the Node deletion); each has an AwaitingConfirmedDown Event.',
    ),
});

export const FailoverRecordSchema = z.object({
  node: z.string().max(253).describe('Node that failed.'),
  detectedAt: timestamp.optional().describe('When the failure was declared.'),
  fencedAt: timestamp.optional().describe('When the node was fenced.'),
  completedAt: timestamp.optional().describe('When every pod had been bound elsewhere.'),
  podsRescheduled: z.int().min(0).optional().describe('Pods replaced.'),
  releasedAt: timestamp
    .optional()
    .describe(
      'When the node was confirmed down and its at-most-once pods released (out-of-service taint, force delete).',
    ),
  confirmedBy: z
    .enum(['SafeTime', 'FenceAgent', 'OutOfServiceTaint', 'NodeDeleted'])
    .optional()
    .describe(
      'What confirmed the node down: SafeTime (probe failing and Lease unrenewed for failover.safeTime), ' +
        'FenceAgent (annotation fulcrum.io/fence-confirmed), OutOfServiceTaint (set by an administrator) or ' +
        'NodeDeleted.',
    ),
  durationMs: z.number().min(0).optional().describe('Detection to completion, in milliseconds.'),
});

export const PoolFailoverStatusSchema = z
  .object({
    failedNodes: z.array(FailedNodeSchema).max(100).optional().describe('Nodes currently failed.'),
    lastFailover: FailoverRecordSchema.optional().describe('The most recent failover.'),
  })
  .describe('Failover state.');

export const PoolRecommendationSchema = z
  .object({
    nodes: z
      .int()
      .min(0)
      .optional()
      .describe(
        'Ready, schedulable nodes the pool needs over the forecast horizon to stay within its ceilings if ' +
          'its demand were spread evenly: the nodes it has plus those needed, or minus those that could go.',
      ),
    reason: z.string().max(1024).optional().describe('Why: the CapacityPressure message.'),
    time: timestamp.optional().describe('When the recommendation was last written.'),
  })
  .describe(
    'Node-count advice (optimization.scaleRecommendations); absent while metrics are stale. Nothing acts on it.',
  );

export const ResourcePoolStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional().describe('metadata.generation this status reflects.'),
    nodes: PoolNodesStatusSchema.optional(),
    resources: PoolResourcesStatusSchema.optional(),
    load: z.number().min(0).optional().describe('Mean weighted node load, in percent.'),
    imbalance: z
      .number()
      .min(0)
      .optional()
      .describe('Standard deviation of weighted node load across the pool, in percentage points.'),
    metricsTime: timestamp.optional().describe('Time of the newest usage sample used.'),
    conditions: conditions
      .optional()
      .describe(
        'Ready, Balanced, CapacityPressure, MetricsAvailable, FailoverActive, PartitionSuspected, ' +
          'ProbesHealthy.',
      ),
    lastActions: z
      .array(PoolActionSchema)
      .max(20)
      .optional()
      .describe('The 20 most recent actions, newest first.'),
    counters: PoolCountersSchema.optional(),
    failover: PoolFailoverStatusSchema.optional(),
    recommendation: PoolRecommendationSchema.optional(),
    consolidation: ConsolidationStatusSchema.optional(),
    scaleTarget: ScaleTargetStatusSchema.optional(),
    tuning: TuningStatusSchema.optional(),
  })
  .describe('State of the pool as observed by the operator.');

export type ResourceStatus = z.output<typeof ResourceStatusSchema>;
export type PoolAction = z.output<typeof PoolActionSchema>;
export type PoolCounters = z.output<typeof PoolCountersSchema>;
export type FailoverRecord = z.output<typeof FailoverRecordSchema>;
export type ConsolidationStatus = z.output<typeof ConsolidationStatusSchema>;
export type ResourcePoolStatus = z.output<typeof ResourcePoolStatusSchema>;
