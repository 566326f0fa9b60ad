/**
 * ResourcePool spec.optimization.consolidation: draining whole nodes whose pods all fit on the pool's other
 * nodes below the ceilings, so a cluster autoscaler can remove them. Off unless a pool opts in.
 */
import { z } from 'zod';
import { durationAtLeast } from './field-schemas.js';
import { EnforcementModeSchema } from './resource-pool-rebalancing.js';

export const ConsolidationSchema = z
  .object({
    mode: EnforcementModeSchema.default('Off').describe(
      'Off (the default) drains nothing; DryRun reports the nodes it would drain and the evictions it would ' +
        'make (status.consolidation, Events), writing nothing; Enforce taints the chosen node ' +
        'fulcrum.io/consolidating:NoSchedule and evicts its pods through the Eviction API.',
    ),
    maxDrainingNodes: z
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe('Most nodes of the pool drained at the same time (1-100, default 1).'),
    maxEvictionsPerCycle: z
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .describe(
        'Most pods consolidation evicts in one rebalancing interval across the pool (1-1000, default 10). ' +
          'PodDisruptionBudgets and WorkloadPolicy minAvailable hold as well.',
      ),
    minNodes: z
      .int()
      .min(0)
      .max(100000)
      .default(1)
      .describe(
        'Consolidation never leaves fewer nodes in use (holding movable pods) than this (default 1).',
      ),
    drainTimeout: durationAtLeast('1m')
      .default('10m')
      .describe(
        'A drain that has not emptied its node after this long is abandoned and the node untainted ' +
          '(at least 1m, default 10m).',
      ),
  })
  .describe(
    'Resource efficiency: a node whose pods all fit on the other nodes below every ceiling is tainted and ' +
      'drained, lowest priority first, so a cluster autoscaler can remove it. Runs only in an interval where ' +
      'rebalancing planned no move and no node is over a ceiling; drains are undone when a node goes over a ' +
      'ceiling, the pods stop fitting, the drain times out or the mode is set back to Off.',
  );

export type Consolidation = z.output<typeof ConsolidationSchema>;
