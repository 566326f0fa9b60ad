/**
 * ResourcePool spec.rebalancing.tuning (dynamic tuning: tolerance and interval adapted to the volatility of
 * node loads, inside declared bounds) and status.tuning (the values in force and why).
 */
import { z } from 'zod';
import { durationAtLeast } from './field-schemas.js';
import { celIsDuration, parseDuration } from './duration.js';
import { withRules } from './validation-rule.js';

export const TuningSchema = withRules(
  z.object({
    mode: z
      .enum(['Off', 'Adaptive'])
      .default('Off')
      .describe(
        'Off (the default): rebalancing uses tolerance and interval as written. Adaptive: every interval they ' +
          "are set from the volatility of node loads (the typical change of a node's load between intervals, " +
          'smoothed): tolerance to three times it, so load noise alone does not make nodes hot, and the interval ' +
          'from maxInterval (calm, 1 point or less) down to minInterval (volatile, 5 points or more), each kept ' +
          'within the bounds below; recoveryTolerance keeps its ratio to tolerance. Until five changes per node ' +
          'are seen, and without measured usage (basis Requests), the declared values hold (clamped to the ' +
          'bounds). status.tuning shows the values in force and why.',
      ),
    minTolerance: z
      .number()
      .min(1)
      .max(100)
      .default(10)
      .describe('Lowest tolerance Adaptive sets, percentage points (default 10, the tolerance default).'),
    maxTolerance: z
      .number()
      .min(1)
      .max(100)
      .default(25)
      .describe('Highest tolerance Adaptive sets, percentage points (default 25).'),
    minInterval: durationAtLeast('1s')
      .default('15s')
      .describe(
        'Shortest interval Adaptive sets (at least 1s; default 15s, the interval default). The per-interval ' +
          'budgets apply per interval, so a shorter interval allows more moves per minute; the operator-wide ' +
          'budgets still hold.',
      ),
    maxInterval: durationAtLeast('1s').default('1m').describe('Longest interval Adaptive sets (default 1m).'),
  }),
  [
    {
      rule: 'self.minTolerance <= self.maxTolerance',
      message: 'minTolerance must not exceed maxTolerance',
      fieldPath: '.minTolerance',
      holds: (t) => t.minTolerance <= t.maxTolerance,
    },
    {
      rule:
        `!${celIsDuration('self.minInterval')} || !${celIsDuration('self.maxInterval')} || ` +
        'duration(self.minInterval) <= duration(self.maxInterval)',
      message: 'minInterval must not exceed maxInterval',
      fieldPath: '.minInterval',
      holds: (t) => {
        try {
          return parseDuration(t.minInterval) <= parseDuration(t.maxInterval);
        } catch {
          return true; // the fields' own patterns report a malformed duration
        }
      },
    },
  ],
).describe(
  'Dynamic tuning of tolerance and interval to the observed volatility of node loads (off by default).',
);

export const TuningStatusSchema = z
  .object({
    tolerance: z.number().optional().describe('Tolerance in force, percentage points.'),
    recoveryTolerance: z.number().optional().describe('Recovery tolerance in force, percentage points.'),
    interval: z.string().max(32).optional().describe('Interval in force.'),
    volatility: z
      .number()
      .optional()
      .describe(
        'Observed volatility: the median over nodes of the smoothed change of load per interval, points.',
      ),
    reason: z.string().max(1024).optional().describe('Why these values, in words.'),
  })
  .describe('Dynamic tuning (spec.rebalancing.tuning): the tolerance and interval in force and why.');

export type Tuning = z.output<typeof TuningSchema>;
export type TuningStatus = z.output<typeof TuningStatusSchema>;
