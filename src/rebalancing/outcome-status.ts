/**
 * The planner's status fragment, corrected by what actually happened: the planner says "evicting 2 pods",
 * but a PodDisruptionBudget may have refused one (429) or the actuator's budget denied it; and when metrics
 * are stale because the source itself failed, the condition names the source's error, not only the ages.
 * Pure.
 */
import { ResourcePoolConditionType } from '../api/index.js';
import type { BalanceStatusFragment } from './rebalance-plan.js';
import type { DesiredCondition } from '../model/conditions.js';

const MAX_MESSAGE = 32_768;

/** What the execution of a plan did that its status must tell (MoveExecutor's Execution has these fields). */
export interface ExecutionOutcome {
  evicted: number;
  dryRun: number;
  /** Evictions a PodDisruptionBudget refused. */
  blocked: ReadonlyArray<{ pod: string }>;
  /** Evictions the actuator's budgets held back. */
  denied: number;
}

export function outcomeStatus(
  fragment: BalanceStatusFragment,
  execution: ExecutionOutcome | undefined,
  metricsFailure: string | undefined,
): BalanceStatusFragment {
  const conditions = fragment.conditions.map((c): DesiredCondition => {
    if (c.type === ResourcePoolConditionType.Balanced && execution) return balanced(c, execution);
    if (c.type === ResourcePoolConditionType.MetricsAvailable && c.status !== 'True' && metricsFailure)
      return { ...c, message: clip(`${c.message}; the last collection failed: ${metricsFailure}`) };
    return c;
  });
  return { ...fragment, conditions };
}

function balanced(c: DesiredCondition, e: ExecutionOutcome): DesiredCondition {
  const notes: string[] = [];
  if (e.blocked.length > 0) {
    const pods = e.blocked.map((b) => b.pod).join(', ');
    notes.push(`${e.blocked.length} refused by a PodDisruptionBudget (${pods})`);
  }
  if (e.denied > 0)
    notes.push(`${e.denied} held back by the operator's eviction budget until a later interval`);
  if (notes.length === 0) return c;
  const reason = e.evicted + e.dryRun === 0 && e.blocked.length > 0 ? 'EvictionBlocked' : c.reason;
  return { ...c, reason, message: clip(`${c.message}; ${notes.join('; ')}`) };
}

function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}
