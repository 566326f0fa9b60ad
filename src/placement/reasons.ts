/**
 * Turns rejection reasons into the text users read in events and the PodScheduled condition, after
 * kube-scheduler: "0/12 nodes are available: 9 not in pool general, 3 over cpu ceiling 80%."
 */
import type { Taint } from '../model/node-info.js';
import type { CeilingResource } from '../model/resources.js';
import type { FilterReason, NodeRejection, ReasonCount } from './framework.js';

/** Why a pod is unresolvable before any node is looked at. */
export const NO_POOL_MESSAGE = 'pod names no pool: add a WorkloadPolicy or the fulcrum.io/pool label';

export function unknownPoolMessage(pool: string): string {
  return `pod names pool ${pool}, which does not exist or is not valid`;
}

const RESOURCE_NAMES: Record<CeilingResource, string> = {
  cpu: 'cpu',
  memory: 'memory',
  ephemeralStorage: 'ephemeral-storage',
  network: 'network',
};

/** `key=value:Effect` as kubectl prints a taint; the value is left out when empty. */
export function formatTaint(taint: Taint): string {
  return taint.value ? `${taint.key}=${taint.value}:${taint.effect}` : `${taint.key}:${taint.effect}`;
}

/** The phrase that follows a node count ("3 over cpu ceiling 80%"). Reasons with equal labels are counted together. */
export function reasonLabel(reason: FilterReason): string {
  switch (reason.code) {
    case 'NotInPool':
      return `not in pool ${reason.pool}`;
    case 'NodeNotReady':
      return 'not ready';
    case 'NodeUnschedulable':
      return 'cordoned';
    case 'NodeFailed':
      return 'marked failed';
    case 'UntoleratedTaint':
      return `had untolerated taint {${formatTaint(reason.taint)}}`;
    case 'NodeSelectorMismatch':
      return "didn't match pod's node selector";
    case 'NodeAffinityMismatch':
      return "didn't match pod's node affinity";
    case 'OverCeiling':
      return `over ${RESOURCE_NAMES[reason.resource]} ceiling ${reason.ceilingPercent}%`;
    case 'NoCapacity':
      return `without ${RESOURCE_NAMES[reason.resource]} capacity`;
    case 'TooManyPods':
      return 'too many pods';
  }
}

/**
 * Counts reasons over rejections, most frequent first, then by label. A node rejected for several
 * resources counts once under each, as in kube-scheduler.
 */
export function countReasons(rejections: readonly NodeRejection[]): ReasonCount[] {
  const byLabel = new Map<string, ReasonCount>();
  for (const rejection of rejections) {
    for (const reason of rejection.reasons) {
      const label = cachedLabel(reason);
      const entry = byLabel.get(label);
      if (entry) entry.count++;
      else byLabel.set(label, { label, count: 1, example: reason });
    }
  }
  return [...byLabel.values()].sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
}

/**
 * `reasonLabel`, without building the same string once per node: a diagnosis over 5,000 nodes counts 5,000
 * reasons, nearly all with one of a handful of labels, and formatting each was most of its time. Labels
 * with parameters are kept per parameter (ceilings, pools and taints are few; a taint is the node's own
 * object, so it is kept by identity).
 */
function cachedLabel(reason: FilterReason): string {
  switch (reason.code) {
    case 'OverCeiling': {
      let byPercent = overCeilingLabels.get(reason.resource);
      if (byPercent === undefined) {
        byPercent = new Map();
        overCeilingLabels.set(reason.resource, byPercent);
      }
      return memo(byPercent, reason.ceilingPercent, reason);
    }
    case 'NoCapacity':
      return memo(noCapacityLabels, reason.resource, reason);
    case 'NotInPool':
      return memo(notInPoolLabels, reason.pool, reason);
    case 'UntoleratedTaint': {
      let label = taintLabels.get(reason.taint);
      if (label === undefined) {
        label = reasonLabel(reason);
        taintLabels.set(reason.taint, label);
      }
      return label;
    }
    default:
      return reasonLabel(reason); // a constant string
  }
}

const overCeilingLabels = new Map<CeilingResource, Map<number, string>>();
const noCapacityLabels = new Map<string, string>();
const notInPoolLabels = new Map<string, string>();
const taintLabels = new WeakMap<Taint, string>();
/** Bounds the parameter caches: pools and ceilings are few, but nothing here should grow without end. */
const MAX_CACHED_LABELS = 1024;

function memo<K>(cache: Map<K, string>, key: K, reason: FilterReason): string {
  let label = cache.get(key);
  if (label === undefined) {
    label = reasonLabel(reason);
    if (cache.size >= MAX_CACHED_LABELS) cache.clear();
    cache.set(key, label);
  }
  return label;
}

/** "0/12 nodes are available: 9 not in pool general, 3 over cpu ceiling 80%." */
export function summarize(totalNodes: number, counts: readonly ReasonCount[]): string {
  const head = `0/${totalNodes} nodes are available`;
  if (counts.length === 0) return `${head}.`;
  return `${head}: ${counts.map((c) => `${c.count} ${c.label}`).join(', ')}.`;
}
