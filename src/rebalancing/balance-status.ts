/**
 * The rebalancing part of a pool's status: the `Balanced` and `MetricsAvailable` conditions, the hot node
 * count, mean load and imbalance. Messages carry whole percentages only, so a status re-applied with small
 * load changes stays the same object and is not rewritten every interval.
 */
import { ResourcePoolConditionType, type EnforcementMode } from '../api/index.js';
import { PROTECTION_TEXT } from '../eviction/index.js';
import type { DesiredCondition } from '../model/conditions.js';
import type { BalanceStatusFragment, NodeClassification, SkipReason } from './rebalance-plan.js';

const MAX_NAMED = 5;

export interface BalanceOutcome {
  mode: EnforcementMode;
  generation?: number;
  /** Hot, breaching or over-ceiling nodes (the planner's classification). */
  classification: readonly NodeClassification[];
  /** Schedulable nodes classified. */
  nodes: number;
  meanLoad: number;
  stddev: number;
  evictions: number;
  skipCounts: Partial<Record<SkipReason, number>>;
  metricsTime?: number;
}

/** The fragment once nodes were classified on fresh metrics. */
export function balanceStatus(outcome: BalanceOutcome): BalanceStatusFragment {
  const hot = outcome.classification.filter((c) => c.heat.hot);
  const fragment: BalanceStatusFragment = {
    conditions: [balanced(outcome, hot), metricsAvailable(outcome, true, '')],
    nodes: { hot: hot.length },
    load: round(outcome.meanLoad),
    imbalance: round(outcome.stddev),
  };
  if (outcome.metricsTime !== undefined) fragment.metricsTime = new Date(outcome.metricsTime).toISOString();
  return fragment;
}

/** The fragment when metrics are stale: nothing was classified or moved, and the conditions say why. */
export function staleStatus(
  generation: number | undefined,
  members: number,
  stale: ReadonlyArray<{ key: string; reason: string }>,
  hotBefore: number,
): BalanceStatusFragment {
  const named = stale
    .slice(0, MAX_NAMED)
    .map(
      (s) =>
        `${s.key} (${s.reason === 'NoSamples' ? 'no samples' : s.reason === 'TooOld' ? 'too old' : s.reason})`,
    )
    .join(', ');
  const more = stale.length > MAX_NAMED ? ` and ${stale.length - MAX_NAMED} more` : '';
  const message = `${stale.length} of ${members} nodes have no fresh usage metrics: ${named}${more}`;
  return {
    conditions: [
      condition(
        'Balanced',
        'Unknown',
        'MetricsStale',
        `${message}; rebalancing holds until metrics are fresh`,
        generation,
      ),
      condition('MetricsAvailable', 'False', 'MetricsStale', message, generation),
    ],
    nodes: { hot: hotBefore },
  };
}

/** The fragment with rebalancing Off. */
export function offStatus(generation: number | undefined): BalanceStatusFragment {
  return {
    conditions: [
      condition('Balanced', 'Unknown', 'RebalancingOff', 'spec.rebalancing.mode is Off', generation),
    ],
    nodes: { hot: 0 },
  };
}

function balanced(outcome: BalanceOutcome, hot: readonly NodeClassification[]): DesiredCondition {
  const { classification, meanLoad, generation, nodes } = outcome;
  if (hot.length === 0) {
    const breaching = classification.filter((c) => c.breaching).length;
    const note =
      breaching > 0 ? `; ${breaching} above tolerance, not yet for enough consecutive intervals` : '';
    return condition(
      'Balanced',
      'True',
      'WithinTolerance',
      `${nodes} nodes, mean load ${pct(meanLoad)}, none hot${note}`,
      generation,
    );
  }
  const named = hot
    .slice(0, MAX_NAMED)
    .map(
      (c) =>
        `${c.node} (${c.overCeiling.length > 0 ? `over ${c.overCeiling.join(', ')} ceiling` : `load ${pct(c.load)}`})`,
    )
    .join(', ');
  const more = hot.length > MAX_NAMED ? ` and ${hot.length - MAX_NAMED} more` : '';
  const head = `${hot.length} of ${outcome.nodes} nodes hot (mean load ${pct(meanLoad)}): ${named}${more}`;
  if (outcome.evictions > 0) {
    const verb = outcome.mode === 'DryRun' ? 'would evict' : 'evicting';
    return condition(
      'Balanced',
      'False',
      'Rebalancing',
      `${head}; ${verb} ${outcome.evictions} pods this interval`,
      generation,
    );
  }
  const cooling = hot.filter((c) => c.coolingDown).length;
  if (cooling === hot.length)
    return condition(
      'Balanced',
      'False',
      'Cooldown',
      `${head}; waiting for the cooldown after recent moves`,
      generation,
    );
  return condition(
    'Balanced',
    'False',
    'NoSafeMove',
    `${head}; no pod can be moved: ${describeSkips(outcome.skipCounts)}`,
    generation,
  );
}

function metricsAvailable(outcome: BalanceOutcome, fresh: boolean, message: string): DesiredCondition {
  return condition(
    'MetricsAvailable',
    fresh ? 'True' : 'False',
    fresh ? 'Fresh' : 'MetricsStale',
    message || `usage of all ${outcome.nodes} schedulable nodes is fresh`,
    outcome.generation,
  );
}

const SKIP_TEXT: Record<SkipReason, string> = {
  ...PROTECTION_TEXT,
  NotMovable: 'not movable by their WorkloadPolicy',
  TooYoung: 'younger than minPodAge',
  PodCooldown: 'moved recently',
  WorkloadCooldown: 'workload moved recently',
  NoRelief: 'would not relieve the node',
  NoDestination: 'no destination within the ceilings',
  DestinationWouldBeHot: 'destination would turn hot',
  SearchLimit: 'left for the next interval (search limit)',
  CycleBudget: 'cycle budget spent',
  UrgentBudget: 'urgent budget spent',
  NodeBudget: 'node budget spent',
  NamespaceBudget: 'namespace budget spent',
  DisruptionBudget: 'disruption budget (PDB or minAvailable) spent',
};

/** "3 no destination within the ceilings, 2 not movable", most frequent first. */
export function describeSkips(counts: Partial<Record<SkipReason, number>>): string {
  const entries = (Object.entries(counts) as Array<[SkipReason, number]>).filter(([, n]) => n > 0);
  if (entries.length === 0) return 'no pod on the hot nodes';
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return entries.map(([reason, n]) => `${n} ${SKIP_TEXT[reason]}`).join(', ');
}

function condition(
  type: keyof typeof ResourcePoolConditionType,
  status: DesiredCondition['status'],
  reason: string,
  message: string,
  generation: number | undefined,
): DesiredCondition {
  return {
    type: ResourcePoolConditionType[type],
    status,
    reason,
    message,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
}

const pct = (value: number): string => `${Math.round(value)}%`;
const round = (value: number): number => Math.round(value * 10) / 10;
