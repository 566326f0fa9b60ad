/**
 * What rebalancing keeps about one pool during one leadership term, and how a term starts from what the API
 * server holds (DESIGN.md: budgets, cooldowns and move history survive a restart or a change of leader):
 *
 *  - heat starts empty: nodes carrying the hot taint start hot (the planner reads the taint), breach streaks
 *    restart at zero, which only delays;
 *  - the move history is the performed evictions in `status.lastActions` still within the cooldown;
 *  - the first plan waits until one interval after the last move anyone made (status or the nodes'
 *    `fulcrum.io/rebalanced-at`), so a new leader cannot spend a cycle's budget right after the old one did.
 * Pure.
 */
import type { PoolAction, ResourcePoolStatus } from '../api/index.js';
import { movesFromPoolActions, pruneHistory, rebalancedAt } from './move-history.js';
import type { RebalanceSettings } from './settings.js';
import type { MoveRecord, NodeHeat } from './rebalance-plan.js';
import type { NodeInfo } from '../model/node-info.js';

export interface PoolTerm {
  heat: Map<string, NodeHeat>;
  history: MoveRecord[];
  lastActions: PoolAction[];
  counters: RebalanceCounters;
  /** When the next plan is due (ms). */
  nextAt: number;
  /** Pods already reported as held by a disruption budget in this term (one Event each). */
  reportedHolds: Set<string>;
}

export function startTerm(
  status: ResourcePoolStatus | undefined,
  members: Iterable<NodeInfo>,
  settings: Pick<RebalanceSettings, 'cooldownMs' | 'intervalMs'>,
  now: number,
): PoolTerm {
  const history = pruneHistory(movesFromPoolActions(status?.lastActions), now, settings.cooldownMs);
  let lastMove = -Infinity;
  for (const move of history) lastMove = Math.max(lastMove, move.at);
  for (const node of members) lastMove = Math.max(lastMove, rebalancedAt(node) ?? -Infinity);
  // A clock far behind the recorded moves must not stall planning: wait at most one interval.
  const nextAt = Math.min(now + settings.intervalMs, Math.max(now, lastMove + settings.intervalMs));
  return {
    heat: new Map(),
    history,
    lastActions: [...(status?.lastActions ?? [])],
    counters: storedCounters(status),
    nextAt,
    reportedHolds: new Set(),
  };
}

/** Running totals rebalancing keeps in `status.counters`. */
export interface RebalanceCounters {
  evictions: number;
  /** Of evictions, the urgent ones (off nodes over a ceiling). */
  urgentEvictions: number;
  dryRunEvictions: number;
  evictionsBlocked: number;
}

/** The counters as stored (zero when absent), to carry on counting after a restart. */
export function storedCounters(status: ResourcePoolStatus | undefined): RebalanceCounters {
  return {
    evictions: status?.counters?.evictions ?? 0,
    urgentEvictions: status?.counters?.urgentEvictions ?? 0,
    dryRunEvictions: status?.counters?.dryRunEvictions ?? 0,
    evictionsBlocked: status?.counters?.evictionsBlocked ?? 0,
  };
}
