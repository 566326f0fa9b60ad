/** Taint and toleration matching, with the core API's semantics (k8s.io/api/core/v1 ToleratesTaint). */
import type { Taint } from '../model/node-info.js';
import type { Toleration } from '../model/pod-info.js';

/**
 * True when `toleration` tolerates `taint`: the effect matches (or the toleration names none), the key
 * matches (an empty key matches every key; the API allows it only with Exists), and the operator holds — Exists for any
 * value, Equal (the default) for the same value.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator || 'Equal') {
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

function tolerated(taint: Taint, tolerations: readonly Toleration[] | undefined): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first NoSchedule or NoExecute taint none of `tolerations` tolerates; undefined when the pod may run. */
export function firstUntoleratedHardTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerated(taint, tolerations)) return taint;
  }
  return undefined;
}

/** How many PreferNoSchedule taints the pod does not tolerate: placement prefers nodes with fewer. */
export function untoleratedPreferNoSchedule(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
): number {
  let count = 0;
  for (const taint of taints) {
    if (taint.effect === 'PreferNoSchedule' && !tolerated(taint, tolerations)) count++;
  }
  return count;
}
