/**
 * ResourcePool spec.rebalancing: when a node counts as hot, and how many pods may be moved off hot nodes.
 */
import { z } from 'zod';
import { duration, durationAtLeast } from './field-schemas.js';
import { TuningSchema } from './resource-pool-tuning.js';
import { withRules } from './validation-rule.js';

/** Enforce acts, DryRun only records what it would do, Off does nothing (rebalancing and failover). */
export const EnforcementModeSchema = z.enum(['Enforce', 'DryRun', 'Off']);

export const RebalancingSchema = withRules(
  z.object({
    mode: EnforcementModeSchema.default('Enforce').describe(
      'Enforce evicts pods to rebalance (default), DryRun only records the moves it would make (in status and ' +
        'Events), Off disables rebalancing.',
    ),
    interval: durationAtLeast('1s')
      .default('15s')
      .describe('How often nodes are classified and a rebalancing plan is made (at least 1s, default 15s).'),
    tolerance: z
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe(
        'Percentage points a node may exceed the pool mean load before it counts as hot (default 10). ' +
          'A node over any ceiling is always hot.',
      ),
    recoveryTolerance: z
      .number()
      .min(0)
      .max(100)
      .default(5)
      .describe(
        'Percentage points above the pool mean below which a hot node counts as cool again (default 5). ' +
          'Must be lower than tolerance; the gap is the hysteresis that stops pods bouncing between nodes.',
      ),
    consecutive: z
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe(
        'Consecutive intervals a node must breach the tolerance before pods are moved off it to balance load ' +
          '(>= 1, default 3). A node over a ceiling is hot at once.',
      ),
    maxEvictionsPerCycle: z
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .describe('Most pods evicted in one interval across the pool to balance load (default 5).'),
    maxEvictionsPerNode: z
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe('Most pods evicted from one node in one interval to balance load (default 1).'),
    maxEvictionsPerNamespace: z
      .int()
      .min(1)
      .max(1000)
      .default(2)
      .describe('Most pods evicted from one namespace in one interval to balance load (default 2).'),
    maxUrgentEvictionsPerCycle: z
      .int()
      .min(0)
      .max(1000)
      .default(20)
      .describe(
        'Most pods evicted in one interval across the pool to bring nodes back under their ceilings (default ' +
          '20; 0 turns urgent moves off). A node over a ceiling is urgent: it is relieved in the interval it is ' +
          'seen, with as many moves as it needs, without waiting for consecutive, cooldowns, minPodAge or the ' +
          'balance budgets above; PodDisruptionBudgets, WorkloadPolicy minAvailable, this budget and the ' +
          "operator's own safety budgets still hold.",
      ),
    minPodAge: duration
      .default('2m')
      .describe(
        'Pods younger than this are never moved to balance load (default 2m; urgent moves ignore it).',
      ),
    cooldown: duration
      .default('5m')
      .describe(
        'After a move, neither node involved is a source of balance moves for this long, nor is the workload ' +
          'moved again to balance load (default 5m). Urgent moves off a node over a ceiling ignore it.',
      ),
    metricsWindow: duration
      .default('1m')
      .describe(
        'Window over which usage is averaged before nodes are classified (default 1m). Metrics older than three ' +
          'intervals count as stale: nothing is moved and the pool reports MetricsAvailable=False.',
      ),
    tuning: TuningSchema.prefault({}),
  }),
  [
    {
      rule: 'self.recoveryTolerance < self.tolerance',
      message: 'recoveryTolerance must be lower than tolerance',
      fieldPath: '.recoveryTolerance',
      holds: (r) => r.recoveryTolerance < r.tolerance,
    },
    {
      rule: 'self.maxEvictionsPerNode <= self.maxEvictionsPerCycle',
      message: 'maxEvictionsPerNode must not exceed maxEvictionsPerCycle',
      fieldPath: '.maxEvictionsPerNode',
      holds: (r) => r.maxEvictionsPerNode <= r.maxEvictionsPerCycle,
    },
  ],
).describe(
  'Moving pods off hot nodes through the Eviction API (PodDisruptionBudgets hold), lowest priority first, ' +
    'only when a destination below every ceiling exists.',
);

export type EnforcementMode = z.output<typeof EnforcementModeSchema>;
export type Rebalancing = z.output<typeof RebalancingSchema>;
