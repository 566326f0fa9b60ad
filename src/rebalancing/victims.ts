/**
 * Which pods on a hot node may be moved, and in what order (DESIGN.md section 4): lowest priority first,
 * then QoS class (BestEffort, Burstable, Guaranteed), then cheapest to move. "Cheapest" counts evictions:
 * within one priority and QoS class, the smallest pod whose departure alone cools the node comes first;
 * when none would, the pod that relieves the node most, so the node cools in as few evictions as possible.
 */
import type { Ceilings, Weights } from '../api/index.js';
import { evictionProtection, type OperatorIdentity } from '../eviction/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { isTerminal, type PodInfo } from '../model/pod-info.js';
import { CEILING_RESOURCES, type CeilingResource, type ResourceVector } from '../model/resources.js';
import { SLOTS } from '../placement/load.js';
import type { PoolSnapshot } from '../placement/snapshot.js';
import type { Cooldowns } from './move-history.js';
import type { PodFacts, QosClass, SkipReason } from './rebalance-plan.js';

export const QOS_ORDER: Record<QosClass, number> = { BestEffort: 0, Burstable: 1, Guaranteed: 2 };

export interface Candidate {
  pod: PodInfo;
  priority: number;
  qos: QosClass;
  workload: string | undefined;
  /** What leaving frees on the source, on the pool's basis. */
  freed: ResourceVector;
  /** What it needs on a destination: the larger of its requests and its measured usage. */
  demand: ResourceVector;
  /** Its measured usage, else its requests: what the node metrics carry of it. */
  usage: ResourceVector;
  /** Drop of the source's weighted load, in points, when it leaves. */
  relief: number;
  /** Whether its departure alone takes the source below the cool mark and within every ceiling. */
  sufficient: boolean;
}

export interface CandidateContext {
  model: ClusterModel;
  snapshot: PoolSnapshot;
  facts: PodFacts;
  now: number;
  minPodAgeMs: number;
  cooldowns: Cooldowns;
  /** Per-pod measured usage (Usage and Max bases). */
  podUsage?: ReadonlyMap<string, ResourceVector>;
  /** Source load (percent) that counts as cool; Infinity when only ceilings count. */
  coolMark: number;
  /** The operator running the plan (its own pods are never moved). */
  operator?: OperatorIdentity;
  skip(pod: PodInfo, reason: SkipReason, detail?: string): void;
}

/** The movable pods of snapshot node `i`, in eviction order. O(pods on the node). */
export function candidatesOn(i: number, ctx: CandidateContext): Candidate[] {
  const { snapshot, facts, model } = ctx;
  const pool = snapshot.pool;
  const node = snapshot.names[i] as string;
  const load = relativeLoad(snapshot, i, pool.weights, undefined);
  const candidates: Candidate[] = [];
  for (const key of model.podsOn(node)) {
    const pod = model.pod(key);
    if (!pod || pod.deleting || isTerminal(pod)) continue;
    const refusal = ineligibility(pod, ctx);
    if (refusal !== undefined) {
      ctx.skip(pod, refusal.reason, refusal.detail);
      continue;
    }
    const measured = ctx.podUsage?.get(pod.key);
    const freed = freedBy(pod, measured, pool.allocation.basis);
    const relief = load - relativeLoad(snapshot, i, pool.weights, freed);
    if (!(relief > 0)) {
      ctx.skip(pod, 'NoRelief');
      continue;
    }
    candidates.push({
      pod,
      priority: facts.priorityOf(pod),
      qos: facts.qosOf?.(pod) ?? 'Burstable',
      workload: facts.workloadOf?.(pod),
      freed,
      demand: demandOf(pod, measured),
      usage: measured ?? { ...pod.requests },
      relief,
      sufficient: load - relief < ctx.coolMark && !overAfter(snapshot, i, pool.ceilings, freed),
    });
  }
  return candidates.sort(evictionOrder);
}

/** Eviction order: priority, QoS, sufficient before not, smallest sufficient / largest insufficient, key. */
export function evictionOrder(a: Candidate, b: Candidate): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.qos !== b.qos) return QOS_ORDER[a.qos] - QOS_ORDER[b.qos];
  if (a.sufficient !== b.sufficient) return a.sufficient ? -1 : 1;
  if (a.relief !== b.relief) return a.sufficient ? a.relief - b.relief : b.relief - a.relief;
  return a.pod.key < b.pod.key ? -1 : a.pod.key > b.pod.key ? 1 : 0;
}

/** Why the pod may not move now: its policy, the pool's eviction rules (with the opt-in), age, cooldowns. */
function ineligibility(
  pod: PodInfo,
  ctx: CandidateContext,
): { reason: SkipReason; detail?: string } | undefined {
  if (!ctx.facts.movable(pod)) return { reason: 'NotMovable' };
  const protection = evictionProtection(pod, ctx.snapshot.pool.eviction, ctx.operator);
  if (protection)
    return {
      reason: protection.reason,
      ...(protection.setting ? { detail: `see spec.eviction.${protection.setting}` } : {}),
    };
  if (pod.creationTimestamp === undefined || ctx.now - pod.creationTimestamp < ctx.minPodAgeMs)
    return { reason: 'TooYoung' };
  if (ctx.cooldowns.pods.has(pod.key)) return { reason: 'PodCooldown' };
  const workload = ctx.facts.workloadOf?.(pod);
  if (workload !== undefined && ctx.cooldowns.workloads.has(workload)) return { reason: 'WorkloadCooldown' };
  return undefined;
}

/**
 * What the pod's eviction frees on the basis: its requests (Requests), its measured usage when known
 * (Usage), the larger of the two per resource (Max). One pod slot in every case.
 */
export function freedBy(pod: PodInfo, measured: ResourceVector | undefined, basis: string): ResourceVector {
  if (basis === 'Requests' || measured === undefined) return { ...pod.requests, pods: 1 };
  if (basis === 'Usage') return { ...measured, pods: 1 };
  return demandOf(pod, measured);
}

/** The larger of requests and measured usage, per resource. */
export function demandOf(pod: PodInfo, measured: ResourceVector | undefined): ResourceVector {
  const demand = { ...pod.requests, pods: 1 };
  if (measured === undefined) return demand;
  for (const r of CEILING_RESOURCES) demand[r] = Math.max(demand[r], measured[r]);
  return demand;
}

/** Weighted load of node `i` (percent), less `minus` when given; same formula as weightedLoadAt. */
export function relativeLoad(
  snapshot: PoolSnapshot,
  i: number,
  weights: Weights,
  minus: ResourceVector | undefined,
): number {
  const o = i * SLOTS;
  let sum = 0;
  let weight = 0;
  for (let k = 0; k < CEILING_RESOURCES.length; k++) {
    const allocatable = snapshot.allocatable[o + k] as number;
    if (allocatable <= 0) continue;
    const r = CEILING_RESOURCES[k] as CeilingResource;
    const used = (snapshot.used[o + k] as number) - (minus === undefined ? 0 : minus[r]);
    sum += (weights[r] * used) / allocatable;
    weight += weights[r];
  }
  return weight > 0 ? (sum / weight) * 100 : 0;
}

function overAfter(snapshot: PoolSnapshot, i: number, ceilings: Ceilings, freed: ResourceVector): boolean {
  const o = i * SLOTS;
  for (let k = 0; k < CEILING_RESOURCES.length; k++) {
    const allocatable = snapshot.allocatable[o + k] as number;
    const r = CEILING_RESOURCES[k] as CeilingResource;
    if (allocatable > 0 && ((snapshot.used[o + k] as number) - freed[r]) * 100 > ceilings[r] * allocatable)
      return true;
  }
  return false;
}
