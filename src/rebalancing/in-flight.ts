/**
 * Moves the metrics do not show yet. Node usage is smoothed over a window of samples (UsageStore), so for up
 * to a window after an eviction the source still carries the moved pod and the destination lacks it. Planning
 * on those figures moves from the same source again in the next interval (it still looks over its ceiling)
 * while other nodes over a ceiling wait, and may pile replacements onto a destination whose usage does not
 * show the ones it already took.
 *
 * The planner remembers its moves (MoveRecord, with the usage the pod had when it was moved) and corrects the
 * node usage it plans on: each move takes `share × usage` off its source and puts it on its destination, where
 * `share` is the part of the node's smoothed reading still taken before the move (the caller reads it from
 * its samples: 1 when every sample in the window predates the move, 0 once none does). With mean smoothing
 * this is exact; with a percentile it is an estimate that reaches 0 with the window, as the reading does.
 */
import { CEILING_RESOURCES, type ResourceVector } from '../model/resources.js';
import type { InFlightMove, MoveRecord } from './rebalance-plan.js';

export type { InFlightMove };

/**
 * Moves remembered for the correction, newest first: bounds the work per plan and the memory whatever the
 * history holds (a window is a minute by default; 20 urgent moves per 15 s interval are 80 in it).
 */
export const MAX_IN_FLIGHT = 256;

/**
 * The moves of `history` the metrics may not show yet: those with a recorded usage, at most `windowMs` old,
 * the newest MAX_IN_FLIGHT; `share(node, at)` is the part of the node's reading taken at or before `at`.
 */
export function inFlightMoves(
  history: readonly MoveRecord[],
  now: number,
  windowMs: number,
  share: (node: string, at: number) => number,
): InFlightMove[] {
  const out: InFlightMove[] = [];
  for (let k = history.length - 1; k >= 0 && out.length < MAX_IN_FLIGHT; k--) {
    const move = history[k] as MoveRecord;
    if (move.usage === undefined || now - move.at > windowMs || move.at > now) continue;
    const fromShare = clampShare(share(move.from, move.at));
    const toShare = move.to === undefined ? 0 : clampShare(share(move.to, move.at));
    if (fromShare === 0 && toShare === 0) continue;
    out.push({
      from: move.from,
      ...(move.to !== undefined ? { to: move.to } : {}),
      usage: move.usage,
      fromShare,
      toShare,
    });
  }
  return out;
}

/**
 * `usage` with the in-flight moves applied: a source keeps at least 0 of each resource; a node absent from
 * `usage` (stale, or counted by requests) is left absent. Returns `usage` itself when nothing changes.
 */
export function showMoves(
  usage: ReadonlyMap<string, ResourceVector>,
  moves: readonly InFlightMove[],
): ReadonlyMap<string, ResourceVector> {
  if (moves.length === 0) return usage;
  const corrected = new Map<string, ResourceVector>();
  const vector = (node: string): ResourceVector | undefined => {
    let v = corrected.get(node);
    if (v !== undefined) return v;
    const measured = usage.get(node);
    if (measured === undefined) return undefined;
    v = { ...measured };
    corrected.set(node, v);
    return v;
  };
  for (const move of moves) {
    const from = move.fromShare > 0 ? vector(move.from) : undefined;
    const to = move.to !== undefined && move.toShare > 0 ? vector(move.to) : undefined;
    for (const r of CEILING_RESOURCES) {
      if (from) from[r] = Math.max(0, from[r] - move.fromShare * move.usage[r]);
      if (to) to[r] += move.toShare * move.usage[r];
    }
  }
  if (corrected.size === 0) return usage;
  const out = new Map(usage);
  for (const [node, v] of corrected) out.set(node, v);
  return out;
}

function clampShare(share: number): number {
  return Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
}
