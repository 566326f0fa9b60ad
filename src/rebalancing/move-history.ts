/**
 * Move history as data that lives in the API server, so a restart or a new leader keeps cooldowns:
 *
 * - Node cooldown: the Actuator stamps both nodes of a move with the annotation
 *   `fulcrum.io/rebalanced-at` (RFC 3339). The model already holds node annotations, so the planner reads it
 *   straight from NodeInfo: nothing else to load.
 * - Pod and workload cooldown: `MoveRecord`s, which round-trip through the pool's `status.lastActions`
 *   (action `Evict`, pod, node, targetNode, reason carrying the workload) with the helpers below.
 */
import type { PoolAction } from '../api/index.js';
import type { NodeInfo } from '../model/node-info.js';
import type { EvictionRequest, MoveRecord } from './rebalance-plan.js';

/** Node annotation: when rebalancing last moved a pod off or onto the node. */
export const REBALANCED_AT_ANNOTATION = 'fulcrum.io/rebalanced-at';

/** The node's last move time from its annotation, or undefined when absent or unreadable. */
export function rebalancedAt(node: NodeInfo): number | undefined {
  const text = node.annotations[REBALANCED_AT_ANNOTATION];
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isFinite(time) ? time : undefined;
}

/** The annotation value to write for a move at `at`. */
export function rebalancedAtValue(at: number): string {
  return new Date(at).toISOString();
}

/** What is in cooldown at `now`: sets of pods and workloads, and node → last move time. */
export interface Cooldowns {
  pods: Set<string>;
  workloads: Set<string>;
  nodes: Map<string, number>;
}

export function cooldownsAt(history: readonly MoveRecord[], now: number, cooldownMs: number): Cooldowns {
  const cooldowns: Cooldowns = { pods: new Set(), workloads: new Set(), nodes: new Map() };
  for (const move of history) {
    if (now - move.at >= cooldownMs || move.at > now + cooldownMs) continue;
    cooldowns.pods.add(move.pod);
    if (move.workload !== undefined) cooldowns.workloads.add(move.workload);
    for (const node of [move.from, move.to]) {
      if (node !== undefined)
        cooldowns.nodes.set(node, Math.max(move.at, cooldowns.nodes.get(node) ?? -Infinity));
    }
  }
  return cooldowns;
}

/** Whether `node` is cooling down at `now`, by the history or by its annotation. */
export function nodeCoolingDown(
  node: NodeInfo,
  cooldowns: Cooldowns,
  now: number,
  cooldownMs: number,
): boolean {
  const last = Math.max(cooldowns.nodes.get(node.name) ?? -Infinity, rebalancedAt(node) ?? -Infinity);
  return now - last < cooldownMs;
}

/**
 * Records kept at most: the newest. Bounds the history's memory and each plan's pass over it whatever the
 * budgets allow (the urgent budget may be raised far above the default 20 per interval).
 */
export const MAX_HISTORY = 2048;

/** Records older than the cooldown are of no further use; beyond MAX_HISTORY the oldest go. */
export function pruneHistory(history: readonly MoveRecord[], now: number, cooldownMs: number): MoveRecord[] {
  const recent = history.filter((move) => now - move.at < cooldownMs);
  return recent.length > MAX_HISTORY ? recent.slice(recent.length - MAX_HISTORY) : recent;
}

/** The record to keep once the Actuator's eviction of `request` was accepted at `at`. */
export function moveRecord(request: EvictionRequest, at: number): MoveRecord {
  return {
    at,
    pod: request.pod,
    from: request.from,
    to: request.expectedTo,
    mode: request.mode,
    ...(request.workload !== undefined ? { workload: request.workload } : {}),
    ...(request.usage !== undefined ? { usage: request.usage } : {}),
  };
}

const WORKLOAD_PREFIX = 'workload=';

/** A move as a `status.lastActions` entry; the workload rides in the reason (`workload=<key>; <why>`). */
export function moveToPoolAction(move: MoveRecord, why: string, dryRun = false): PoolAction {
  const reason = move.workload !== undefined ? `${WORKLOAD_PREFIX}${move.workload}; ${why}` : why;
  return {
    time: new Date(move.at).toISOString(),
    action: 'Evict',
    ...(dryRun ? { dryRun: true } : {}),
    pod: move.pod,
    node: move.from,
    ...(move.to !== undefined ? { targetNode: move.to } : {}),
    reason: reason.slice(0, 1024),
    ...(move.mode !== undefined ? { mode: move.mode } : {}),
  };
}

/** The moves recorded in `status.lastActions` (performed evictions only; DryRun entries moved nothing). */
export function movesFromPoolActions(actions: readonly PoolAction[] | undefined): MoveRecord[] {
  const moves: MoveRecord[] = [];
  for (const action of actions ?? []) {
    if (action.action !== 'Evict' || action.dryRun === true || !action.pod || !action.node) continue;
    const at = Date.parse(action.time);
    if (!Number.isFinite(at)) continue;
    const workload = action.reason?.startsWith(WORKLOAD_PREFIX)
      ? action.reason.slice(WORKLOAD_PREFIX.length).split(';')[0]
      : undefined;
    moves.push({
      at,
      pod: action.pod,
      from: action.node,
      ...(action.targetNode ? { to: action.targetNode } : {}),
      ...(workload ? { workload } : {}),
      ...(action.mode === 'Urgent' || action.mode === 'Balance' ? { mode: action.mode } : {}),
    });
  }
  return moves;
}
