/**
 * How a drain is kept in the API server: the node carries the taint `fulcrum.io/consolidating=<pool>:NoSchedule`
 * (no new pod lands on it, from the Fulcrum scheduler or kube-scheduler) and the annotation
 * `fulcrum.io/consolidating-since` (when the drain started, for drainTimeout). Both are written in one node
 * write and lifted in one; a new leader reads the drains from the nodes.
 */
import type { NodeInfo, Taint } from '../model/node-info.js';

export const CONSOLIDATING_TAINT_KEY = 'fulcrum.io/consolidating';
export const CONSOLIDATING_SINCE_ANNOTATION = 'fulcrum.io/consolidating-since';

export function consolidatingTaint(pool: string): Taint {
  return { key: CONSOLIDATING_TAINT_KEY, value: pool, effect: 'NoSchedule' };
}

export function hasConsolidatingTaint(node: NodeInfo): boolean {
  return node.taints.some((t) => t.key === CONSOLIDATING_TAINT_KEY);
}

/** The drains under way among `nodes`: node name → start time (now when the annotation is missing or bad). */
export function drainsOf(nodes: Iterable<NodeInfo>, now: number): Map<string, number> {
  const drains = new Map<string, number>();
  for (const node of nodes) {
    if (!hasConsolidatingTaint(node)) continue;
    const since = Date.parse(node.annotations[CONSOLIDATING_SINCE_ANNOTATION] ?? '');
    drains.set(node.name, Number.isFinite(since) ? since : now);
  }
  return drains;
}
