/**
 * The pool's `status.lastActions` as rebalancing keeps it: newest first, at most 20 entries (the schema's
 * bound). The list is also where performed moves survive a restart or a change of leader (pod and workload
 * cooldowns, move-history.ts), so when it overflows, entries that carry no cooldown go first: DryRun and
 * blocked evictions, taint changes, and moves whose cooldown has passed. Pure.
 */
import type { PoolAction } from '../api/index.js';

export const MAX_LAST_ACTIONS = 20;

/** `added` (in the order they happened) on top of `previous` (newest first), trimmed to the bound. */
export function appendActions(
  previous: readonly PoolAction[],
  added: readonly PoolAction[],
  now: number,
  cooldownMs: number,
): PoolAction[] {
  const all = [...[...added].reverse(), ...previous];
  if (all.length <= MAX_LAST_ACTIONS) return all;
  const keeps = (a: PoolAction): boolean => carriesCooldown(a, now, cooldownMs);
  let surplus = all.length - MAX_LAST_ACTIONS;
  const dropped = new Set<number>();
  // Oldest first: entries without a cooldown, then (only if still too many) the oldest moves.
  for (const wanted of [false, true]) {
    for (let i = all.length - 1; i >= 0 && surplus > 0; i--) {
      if (dropped.has(i) || keeps(all[i] as PoolAction) !== wanted) continue;
      dropped.add(i);
      surplus--;
    }
  }
  return all.filter((_, i) => !dropped.has(i));
}

/** A performed eviction still within its cooldown: forgetting it would let the pod be moved again too soon. */
export function carriesCooldown(action: PoolAction, now: number, cooldownMs: number): boolean {
  if (action.action !== 'Evict' || action.dryRun === true) return false;
  const at = Date.parse(action.time);
  return Number.isFinite(at) && now - at < cooldownMs;
}

/** Whether a DryRun eviction of the same pod off the same node is already listed within the cooldown. */
export function dryRunListed(
  actions: readonly PoolAction[],
  pod: string,
  node: string,
  now: number,
  cooldownMs: number,
): boolean {
  return actions.some(
    (a) =>
      a.action === 'Evict' &&
      a.dryRun === true &&
      a.pod === pod &&
      a.node === node &&
      now - Date.parse(a.time) < cooldownMs,
  );
}
