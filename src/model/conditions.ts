/** metav1.Condition handling shared by every status the operator writes. */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type DesiredCondition = Omit<Condition, 'lastTransitionTime'>;

/**
 * Merges freshly computed conditions with the ones already in status: `lastTransitionTime` moves only when
 * a condition's status changes, so rewriting an unchanged status is a no-op for watchers.
 */
export function mergeConditions(
  existing: readonly Condition[] | undefined,
  desired: readonly DesiredCondition[],
  now: Date,
): Condition[] {
  return desired.map((want) => {
    const had = existing?.find((c) => c.type === want.type);
    const lastTransitionTime = had && had.status === want.status ? had.lastTransitionTime : now.toISOString();
    return { ...want, lastTransitionTime };
  });
}
