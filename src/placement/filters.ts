/**
 * The pod filter plugins, in the order the engine runs them after the node filters (node-filters.ts, once per
 * snapshot): the resource fit last — so a node failing only on resources is exactly a node preemption can
 * help. Pod filters mark the nodes they reject in one pass and explain them only when asked.
 */
import type { Taint } from '../model/node-info.js';
import type { PodInfo } from '../model/pod-info.js';
import { ceilingViolationsAt, fitsCeilingsAt, SLOTS } from './load.js';
import {
  compileNodeConstraints,
  constraintVerdict,
  constraintVerdicts,
  VERDICT_OK,
} from './node-affinity.js';
import type { PoolSnapshot } from './snapshot.js';
import { firstUntoleratedHardTaint } from './taints.js';
import type { PodFilterPlugin } from './pod-plugins.js';
import type { FilterReason } from './framework.js';

/** Every NoSchedule and NoExecute taint of the node is tolerated; PreferNoSchedule taints only score. */
export const TaintTolerationFilter: PodFilterPlugin = {
  name: 'TaintToleration',
  failure: 'unresolvable',
  filterAll(pod: PodInfo, nodes: PoolSnapshot, rejected: Uint8Array, mark: number): void {
    if (!nodes.anyHardTaint) return;
    const { taints, hardTainted } = nodes;
    const tolerations = pod.tolerations;
    for (let i = 0; i < rejected.length; i++) {
      if (rejected[i] !== 0 || hardTainted[i] === 0) continue;
      if (
        tolerations === undefined ||
        firstUntoleratedHardTaint(taints[i] as readonly Taint[], tolerations)
      ) {
        rejected[i] = mark;
      }
    }
  },
  explain(pod: PodInfo, nodes: PoolSnapshot, i: number): FilterReason[] {
    const taint = firstUntoleratedHardTaint(nodes.taints[i] as readonly Taint[], pod.tolerations);
    return taint ? [{ code: 'UntoleratedTaint', taint }] : [];
  },
};

/** The node matches the pod's nodeSelector and its required node affinity. */
export const NodeAffinityFilter: PodFilterPlugin = {
  name: 'NodeAffinity',
  failure: 'unresolvable',
  filterAll(pod: PodInfo, nodes: PoolSnapshot, rejected: Uint8Array, mark: number): void {
    const compiled = compile(pod, nodes);
    if (compiled === undefined) return;
    const verdicts = constraintVerdicts(compiled, rejected.length);
    for (let i = 0; i < rejected.length; i++) {
      if (rejected[i] === 0 && verdicts[i] !== VERDICT_OK) rejected[i] = mark;
    }
  },
  explain(pod: PodInfo, nodes: PoolSnapshot, i: number): FilterReason[] {
    const compiled = compile(pod, nodes);
    const verdict = compiled === undefined ? 'ok' : constraintVerdict(compiled, i);
    if (verdict === 'selector') return [{ code: 'NodeSelectorMismatch' }];
    if (verdict === 'affinity') return [{ code: 'NodeAffinityMismatch' }];
    return [];
  },
};

function compile(pod: PodInfo, nodes: PoolSnapshot) {
  const { nodeSelector, requiredNodeAffinity } = pod;
  if (nodeSelector === undefined && requiredNodeAffinity === undefined) return undefined;
  return compileNodeConstraints(
    nodeSelector,
    requiredNodeAffinity,
    (key) => nodes.labelColumn(key),
    () => nodes.nameColumn(),
  );
}

/**
 * For cpu, memory, ephemeral storage and network: (used + request) / allocatable ≤ the pool's ceiling, with
 * `used` on the pool's basis; and the pod count within allocatable pods. Unschedulable, not unresolvable:
 * pods leaving the node (or preemption) can make room.
 */
export const CeilingFitFilter: PodFilterPlugin = {
  name: 'CeilingFit',
  failure: 'unschedulable',
  filterAll(pod: PodInfo, nodes: PoolSnapshot, rejected: Uint8Array, mark: number): void {
    const { used, allocatable } = nodes;
    const ceilings = nodes.pool.ceilings;
    const request = pod.requests;
    for (let i = 0, o = 0; i < rejected.length; i++, o += SLOTS) {
      if (rejected[i] === 0 && !fitsCeilingsAt(used, o, allocatable, o, request, ceilings))
        rejected[i] = mark;
    }
  },
  explain(pod: PodInfo, nodes: PoolSnapshot, i: number): FilterReason[] {
    const o = i * SLOTS;
    return ceilingViolationsAt(nodes.used, o, nodes.allocatable, o, pod.requests, nodes.pool.ceilings);
  },
};

/** Pod filters, run on every decision after the node filters, in this order. */
export const DEFAULT_POD_FILTERS: readonly PodFilterPlugin[] = [
  TaintTolerationFilter,
  NodeAffinityFilter,
  CeilingFitFilter,
];
