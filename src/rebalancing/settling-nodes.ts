/**
 * Nodes that just received their first pods and that the metrics source has not measured yet (metrics-server
 * leaves a node without pods out, and needs two scrapes for a new pod). Without this, the destination of an
 * urgent move (an idle node) turned the whole pool stale until it was measured, and the rest of a hot spot
 * waited three intervals or more over its ceiling. A settling node is left out of the plan instead: not a
 * destination, not a source, not in the mean, until it is measured. Pure.
 */
import type { MetricsFreshness } from './rebalance-plan.js';
import type { ClusterModel } from '../model/cluster-model.js';

export interface SettlingSplit {
  /** Stale nodes that are settling: kept out of the plan. */
  settling: string[];
  /** The freshness the planner reads, without them. */
  metrics: MetricsFreshness;
}

/**
 * Splits `metrics.stale`: a node is settling when it has no samples at all (never a node whose readings went
 * old) and every pod on it was created less than `withinMs` ago (the staleness threshold).
 */
export function settlingNodes(
  metrics: MetricsFreshness,
  model: ClusterModel,
  now: number,
  withinMs: number,
): SettlingSplit {
  const settling: string[] = [];
  const stale = metrics.stale.filter((s) => {
    if (s.reason !== 'NoSamples' || !allPodsNew(model, s.key, now, withinMs)) return true;
    settling.push(s.key);
    return false;
  });
  return { settling, metrics: { ...metrics, stale } };
}

function allPodsNew(model: ClusterModel, node: string, now: number, withinMs: number): boolean {
  const keys = model.podsOn(node);
  if (keys.size === 0) return false;
  for (const key of keys) {
    const created = model.pod(key)?.creationTimestamp;
    if (created === undefined || now - created >= withinMs) return false;
  }
  return true;
}
