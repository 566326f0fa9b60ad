/**
 * The taint rebalancing puts on hot nodes: `fulcrum.io/hot:PreferNoSchedule`. It steers pods placed by other
 * schedulers (kube-scheduler scores it) and Fulcrum's own (untolerated PreferNoSchedule taints rank last)
 * away from hot nodes, and it lives in the API server, so a new leader knows which nodes were hot.
 */
import type { NodeInfo } from '../model/node-info.js';

export const HOT_TAINT_KEY = 'fulcrum.io/hot';
export const HOT_TAINT = Object.freeze({ key: HOT_TAINT_KEY, effect: 'PreferNoSchedule' as const });

export function hasHotTaint(node: NodeInfo): boolean {
  return node.taints.some((t) => t.key === HOT_TAINT_KEY && t.effect === 'PreferNoSchedule');
}
