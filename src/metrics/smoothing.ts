/** How a window of samples becomes one figure: the mean, or a percentile (nearest rank) for a cautious view. */

export type Smoothing = { kind: 'mean' } | { kind: 'percentile'; percentile: number };

/** Smooths `values` (not empty, any order). A percentile is clamped to [0, 100]; p100 is the maximum. */
export function smooth(values: readonly number[], smoothing: Smoothing): number {
  if (values.length === 0) throw new Error('smooth: no values');
  if (smoothing.kind === 'mean') {
    let sum = 0;
    for (const v of values) sum += v;
    return sum / values.length;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const p = Math.min(100, Math.max(0, smoothing.percentile));
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}
