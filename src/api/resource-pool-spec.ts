/**
 * ResourcePool spec: a set of nodes with safety ceilings, a placement strategy, and the rules for rebalancing and
 * failover (in their own files). Defaults live in the schemas and nowhere else; the API server applies them, and
 * so does `parseResourcePool`.
 */
import { z } from 'zod';
import {
  durationBetween,
  labelKey,
  namespaceName,
  nonEmptyLabelSelector,
  percentOfAllocatable,
} from './field-schemas.js';
import { EvictionSchema } from './resource-pool-eviction.js';
import { FailoverSchema } from './resource-pool-failover.js';
import { ConsolidationSchema } from './resource-pool-consolidation.js';
import { RebalancingSchema } from './resource-pool-rebalancing.js';
import { ScaleTargetSchema } from './resource-pool-scale-target.js';
import { withRules } from './validation-rule.js';
import { MAX_PRIORITY, MIN_PRIORITY } from './workload-policy.js';

export const CeilingsSchema = z
  .object({
    cpu: percentOfAllocatable(80).describe(
      'CPU ceiling in percent of allocatable (1-100, default 80). No placement or move takes a node above it.',
    ),
    memory: percentOfAllocatable(85).describe(
      'Memory ceiling in percent of allocatable (1-100, default 85). No placement or move takes a node above it.',
    ),
    ephemeralStorage: percentOfAllocatable(75).describe(
      'Ephemeral-storage ceiling in percent of allocatable (1-100, default 75). ' +
        'No placement or move takes a node above it.',
    ),
    network: percentOfAllocatable(70).describe(
      'Network ceiling in percent of node bandwidth (1-100, default 70), where bandwidth is the bits/s in the ' +
        'node annotation fulcrum.io/network-capacity. No placement or move takes a node above it.',
    ),
  })
  .describe(
    'Safety ceilings per resource, in percent of node allocatable. Fulcrum places or moves a pod onto a node ' +
      'only if the node stays within every ceiling afterwards; a pod that fits nowhere stays Pending rather than ' +
      "overload a node. A node above a ceiling is a source for rebalancing. The pool's requests over its " +
      'capacity at the ceilings set CapacityPressure=True (with optimization.scaleRecommendations, its usage ' +
      'and forecast too).',
  );

export const WeightsSchema = withRules(
  z.object({
    cpu: z.number().min(0).max(100).default(1).describe('Weight of CPU in node load (>= 0, default 1).'),
    memory: z
      .number()
      .min(0)
      .max(100)
      .default(1)
      .describe('Weight of memory in node load (>= 0, default 1).'),
    ephemeralStorage: z
      .number()
      .min(0)
      .max(100)
      .default(0.5)
      .describe('Weight of ephemeral storage in node load (>= 0, default 0.5).'),
    network: z
      .number()
      .min(0)
      .max(100)
      .default(0.5)
      .describe('Weight of network in node load (>= 0, default 0.5).'),
  }),
  [
    {
      rule: 'self.cpu + self.memory + self.ephemeralStorage + self.network > 0.0',
      message: 'at least one weight must be greater than 0',
      holds: (w) => w.cpu + w.memory + w.ephemeralStorage + w.network > 0,
    },
  ],
).describe(
  "How resources combine into one load figure per node: the weighted mean of each resource's utilization. " +
    'A weight of 0 leaves that resource out of scoring (its ceiling still holds).',
);

export const AllocationStrategySchema = z.enum(['RoundRobin', 'LeastLoaded', 'Weighted', 'BinPack']);
export const AllocationBasisSchema = z.enum(['Requests', 'Usage', 'Max']);

export const AllocationSchema = withRules(
  z.object({
    strategy: AllocationStrategySchema.default('LeastLoaded').describe(
      'How the Fulcrum scheduler picks among nodes that fit below every ceiling: RoundRobin (in turn), ' +
        'LeastLoaded (lowest load, the default), Weighted (in proportion to free capacity times the node ' +
        'weight from nodeWeightLabel) or BinPack (highest load that still fits, to free whole nodes).',
    ),
    basis: AllocationBasisSchema.default('Usage').describe(
      'What counts as a node being used: Requests (sum of pod requests), Usage (smoothed measured usage, the ' +
        'default) or Max (the larger of the two, the safest).',
    ),
    nodeWeightLabel: labelKey
      .optional()
      .describe(
        'Label or annotation key on nodes whose numeric value is the node weight for the Weighted strategy ' +
          '(for example fulcrum.io/weight); nodes without it weigh 1. Only valid with strategy Weighted.',
      ),
  }),
  [
    {
      rule: "!has(self.nodeWeightLabel) || self.strategy == 'Weighted'",
      message: 'nodeWeightLabel is only used by strategy Weighted',
      fieldPath: '.nodeWeightLabel',
      holds: (a) => a.nodeWeightLabel === undefined || a.strategy === 'Weighted',
    },
  ],
).describe('How pods using schedulerName fulcrum are placed on the nodes of this pool.');

export const OptimizationSchema = withRules(
  z.object({
    forecast: z
      .enum(['None', 'Holt', 'EWMA'])
      .default('None')
      .describe(
        'Usage forecast per node and resource, learnt from the metrics rebalancing reads: None (default), ' +
          'EWMA (a smoothed level, no trend) or Holt (level and trend). With Holt, rebalancing on the Usage ' +
          "and Max bases plans on each node's usage now plus the growth its forecast expects over the horizon, " +
          'so a node trending toward a ceiling is relieved, and not chosen as a destination, before it crosses ' +
          '(moves made on a forecast say so in their reason). EWMA expects no growth, so rebalancing plans as ' +
          "with None. Recommendations (scaleRecommendations) use the pool's forecast total with either model. " +
          'Placement by the scheduler (allocation.basis) does not use forecasts.',
      ),
    horizon: durationBetween('1m', '24h')
      .default('10m')
      .describe(
        'How far ahead the forecast looks, 1m to 24h (default 10m). The model learns one step of ' +
          'max(rebalancing.interval, horizon / 10) at a time and is used once it has learnt five steps.',
      ),
    scaleRecommendations: z
      .boolean()
      .default(false)
      .describe(
        "Whether to advise on the pool's node count (default false). When true, the pool's CapacityPressure " +
          'condition is True when its demand at the horizon (the larger of usage now, the forecast total with a ' +
          'forecast, and requests) exceeds the capacity of its ready nodes at the ceilings even if spread ' +
          'evenly, naming how many nodes of its typical shape (median allocatable) are needed and by when; ' +
          'False says how many could go, or that capacity is enough. status.recommendation and the metric ' +
          'fulcrum_pool_recommended_nodes carry the node count. By itself advice only: a scaleTarget acts on it.',
      ),
    consolidation: ConsolidationSchema.prefault({}),
    scaleTarget: ScaleTargetSchema.optional(),
  }),
  [
    {
      rule: '!has(self.scaleTarget) || self.scaleRecommendations',
      message: 'scaleTarget follows the recommendation: set scaleRecommendations: true',
      fieldPath: '.scaleTarget',
      holds: (o) => o.scaleTarget === undefined || o.scaleRecommendations,
    },
  ],
).describe(
  'Forecasting, recommendations, consolidation and a scale target. A forecast changes what rebalancing sees ' +
    'and acts only through it (its mode and budgets); recommendations never move pods; consolidation and the ' +
    'scale target act only when their mode is not Off.',
);

export const NamespacePriorityLimitSchema = z.object({
  names: z.array(namespaceName).min(1).max(64).describe('Namespaces this limit applies to.'),
  maxPriority: z
    .int()
    .min(MIN_PRIORITY)
    .max(MAX_PRIORITY)
    .describe('Highest priority a WorkloadPolicy in these namespaces gets in this pool.'),
});

/**
 * The cap on WorkloadPolicy priority in a pool whose owner granted nothing more: 0, the priority of a pod
 * without a PriorityClass. A tenant can then order its own work (and mark work preemptible with negative
 * priorities) but cannot outrank, and so preempt, other teams' ordinary pods without an explicit grant.
 */
export const DEFAULT_MAX_TENANT_PRIORITY = 0;

export const PriorityLimitsSchema = z
  .object({
    defaultMaxPriority: z
      .int()
      .min(MIN_PRIORITY)
      .max(MAX_PRIORITY)
      .default(DEFAULT_MAX_TENANT_PRIORITY)
      .describe(
        'Highest priority for namespaces not listed in namespaces (default 0, the priority of a pod without a ' +
          'PriorityClass, so no team outranks and preempts another without a grant). 1000000000 lifts the cap.',
      ),
    namespaces: z
      .array(NamespacePriorityLimitSchema)
      .max(64)
      .optional()
      .describe(
        'Per-namespace limits, the grants of the pool owner; the first entry naming a namespace applies.',
      ),
  })
  .describe(
    'Upper bounds on WorkloadPolicy priority per namespace, applied even when omitted (every namespace then ' +
      'capped at 0). A policy asking for more is clamped to the limit; its status (effectivePriority, Ready ' +
      'reason PriorityClamped) and an Event say so.',
  );

export const ResourcePoolSpecSchema = z
  .object({
    nodeSelector: nonEmptyLabelSelector.describe(
      'Nodes that belong to the pool; must not be empty. A node matching several pools stays with the oldest ' +
        'of them; the others list it in status.nodes.contested and report Ready=False.',
    ),
    ceilings: CeilingsSchema.prefault({}),
    weights: WeightsSchema.prefault({}),
    allocation: AllocationSchema.prefault({}),
    rebalancing: RebalancingSchema.prefault({}),
    failover: FailoverSchema.prefault({}),
    optimization: OptimizationSchema.prefault({}),
    priorityLimits: PriorityLimitsSchema.prefault({}),
    eviction: EvictionSchema.prefault({}),
  })
  .describe('Desired state of the pool: its nodes, ceilings, placement, rebalancing and failover.');

export type Ceilings = z.output<typeof CeilingsSchema>;
export type Weights = z.output<typeof WeightsSchema>;
export type AllocationStrategy = z.output<typeof AllocationStrategySchema>;
export type AllocationBasis = z.output<typeof AllocationBasisSchema>;
export type Allocation = z.output<typeof AllocationSchema>;
export type Optimization = z.output<typeof OptimizationSchema>;
export type PriorityLimits = z.output<typeof PriorityLimitsSchema>;
/** A ResourcePool spec with every default applied. */
export type ResourcePoolSpec = z.output<typeof ResourcePoolSpecSchema>;
/** A ResourcePool spec as written in a manifest (defaults optional). */
export type ResourcePoolSpecInput = z.input<typeof ResourcePoolSpecSchema>;
