/**
 * Preemption: when a pod fits nowhere, the fewest, lowest-priority movable pods to evict from one node so
 * that it fits within the pool's ceilings — never a pod of equal or higher priority, never beyond a
 * PodDisruptionBudget or a WorkloadPolicy minAvailable.
 *
 * Per candidate node (one that passes every filter but the ceiling fit):
 *  1. Candidates: pods on the node, strictly lower priority than the preemptor, movable, not terminating, and
 *     not protected by the pool's spec.eviction (evictionProtection: system-critical, kube-system, local
 *     storage, PVC, the operator, pods nothing recreates); protected ones are counted by reason, so a pod that
 *     could only run by evicting them says why it waits.
 *  2. If removing all of them (budgets ignored) would not make room, skip the node.
 *  3. Greedy: take candidates by priority (lowest first), larger first within a priority, while budgets allow,
 *     until the pod fits.
 *  4. Reprieve: give back every victim, last taken first, whose eviction turns out not to be needed.
 * Then prefer the node whose victims have the lowest highest priority, then the fewest victims, then the
 * lowest sum of priorities, then the smallest name. Steps 3–4 are a heuristic (the exact minimum is a
 * knapsack): they guarantee the victim set is irredundant (sparing any one victim leaves no room) and, unless
 * budgets get in the way, that its highest priority is as low as it can be on that node.
 *
 * Cost: O(pods on the nodes visited), at most `maxCandidates` working nodes. It runs only after `schedule`
 * found no node.
 */
import type { IntOrPercent } from '../api/index.js';
import { scaledIntOrPercent } from '../api/index.js';
import { evictionProtection, type OperatorIdentity, type ProtectionReason } from '../eviction/index.js';
import { isTerminal, type PodInfo } from '../model/pod-info.js';
import { zeroResources, type ResourceVector } from '../model/resources.js';
import { fitsCeilingsAt, SLOTS } from './load.js';
import { DEFAULT_POD_FILTERS } from './filters.js';
import { snapshotFor } from './schedule.js';
import { BLOCKED, type PoolSnapshot } from './snapshot.js';
import type { PlacementContext } from './placement-context.js';

/** A disruption budget covering a pod: pods sharing a name share the allowance. */
export interface DisruptionBudget {
  name: string;
  /** Evictions still allowed now (a PDB's status.disruptionsAllowed). */
  disruptionsAllowed: number;
}

/** What preemption needs to know about pods beyond the model, resolved by the caller. */
export interface PreemptionInput {
  /** Effective priority of any pod, the preemptor included (podPriority). */
  priorityOf(pod: PodInfo): number;
  /** Whether the pod may be evicted to make room (podMovable). */
  movable(pod: PodInfo): boolean;
  /** The PodDisruptionBudgets covering the pod. */
  pdbs?(pod: PodInfo): readonly DisruptionBudget[];
  /** The WorkloadPolicy minAvailable budgets covering the pod (see `minAvailableBudget`). */
  policyBudgets?(pod: PodInfo): readonly DisruptionBudget[];
  /**
   * Stop after this many nodes where preemption would work (default, as kube-scheduler: the larger of 100
   * and 10% of the pool), bounding the cost on big pools; members are visited in pool order.
   */
  maxCandidates?: number;
  /** The operator running the search: its own pods are never victims. */
  operator?: OperatorIdentity;
}

/** A preemption search: where to preempt, if anywhere, and the lower-priority pods it had to leave alone. */
export interface PreemptionSearch {
  preemption: Preemption | undefined;
  /** Pods of lower priority on the nodes looked at that the pool's eviction rules protect, by reason. */
  protectedPods: Partial<Record<ProtectionReason, number>>;
}

export interface Preemption {
  node: string;
  /** Pods to evict, lowest priority first. Empty when the pod already fits on `node`. */
  victims: PodInfo[];
  /** Highest victim priority (−Infinity without victims). */
  maxVictimPriority: number;
  victimPrioritySum: number;
}

/**
 * Where `pod` could run after evicting victims, or undefined when no node can make room. The caller evicts
 * the victims through the Eviction API (which enforces PDBs once more), and retries the pod when they are
 * gone; nothing reserves the room meanwhile. Stops after `maxCandidates` nodes that would work.
 */
export function findPreemption(
  pod: PodInfo,
  ctx: PlacementContext,
  input: PreemptionInput,
): Preemption | undefined {
  return searchPreemption(pod, ctx, input).preemption;
}

/** findPreemption, with the protected pods it counted on the way. */
export function searchPreemption(
  pod: PodInfo,
  ctx: PlacementContext,
  input: PreemptionInput,
): PreemptionSearch {
  const protectedPods: Partial<Record<ProtectionReason, number>> = {};
  const pool = ctx.pool;
  if (!pool || ctx.podPool !== pool.name) return { preemption: undefined, protectedPods };
  const snapshot = snapshotFor(ctx, pool);
  const maxCandidates = input.maxCandidates ?? Math.max(100, Math.ceil(snapshot.size / 10));
  const preemptorPriority = input.priorityOf(pod);
  const { rejected } = snapshot.scratch();
  DEFAULT_POD_FILTERS.forEach((filter, f) => filter.filterAll(pod, snapshot, rejected, f + 1));
  const empty = new Float64Array(SLOTS);
  let best: Preemption | undefined;
  let candidates = 0;
  for (let i = 0; i < snapshot.size && candidates < maxCandidates; i++) {
    // Only a node failing on resources alone can be helped, and only if the pod fits it when empty.
    const mark = rejected[i] as number;
    if (mark === BLOCKED || (mark !== 0 && DEFAULT_POD_FILTERS[mark - 1]?.failure !== 'unschedulable'))
      continue;
    if (!fitsCeilingsAt(empty, 0, snapshot.allocatable, i * SLOTS, pod.requests, pool.ceilings)) continue;
    const found = victimsOn(pod, preemptorPriority, snapshot, i, ctx, input, protectedPods);
    if (!found) continue;
    candidates++;
    if (!best || better(found, best)) best = found;
  }
  return { preemption: best, protectedPods };
}

interface Candidate {
  pod: PodInfo;
  priority: number;
  /** Largest share of the node's allocatable it requests: bigger victims first means fewer victims. */
  share: number;
  budgets: readonly string[];
}

/** No budgets: shared by every candidate that has none (most of them), so none allocates an array. */
const NO_BUDGETS: readonly string[] = Object.freeze([]);

/**
 * The victims that would let `pod` fit node `i`, or undefined when no set of evictable lower-priority pods
 * within budgets does: 1–2. the candidates, and whether evicting all of them would be enough; 3. greedy,
 * lowest priority and biggest first, within budgets; 4. reprieve what is not needed.
 */
function victimsOn(
  pod: PodInfo,
  preemptorPriority: number,
  snapshot: PoolSnapshot,
  i: number,
  ctx: PlacementContext,
  input: PreemptionInput,
  protectedPods: Partial<Record<ProtectionReason, number>>,
): Preemption | undefined {
  const name = snapshot.names[i] as string;
  const fits = fitsOnceRemoved(pod, snapshot, i);
  if (fits(zeroResources())) {
    return { node: name, victims: [], maxVictimPriority: -Infinity, victimPrioritySum: 0 };
  }
  const found = { pod, preemptorPriority, snapshot, i, ctx, input, protectedPods };
  const { candidates, all } = preemptionCandidates(found);
  if (candidates.length === 0 || !fits(all)) return undefined;
  candidates.sort((a, b) => a.priority - b.priority || b.share - a.share || (a.pod.key < b.pod.key ? -1 : 1));
  const removed = zeroResources();
  const taken = takeWithinBudgets(candidates, input, removed, fits);
  if (!fits(removed)) return undefined;
  reprieveUnneeded(taken, removed, fits);
  return preemptionOf(name, taken);
}

/** fitsOnceRemoved's work slots, shared: a search is synchronous and each check fills them before reading. */
const AFTER = new Float64Array(SLOTS);

/**
 * Whether `pod` fits node `i` once the resources `removed` are gone. On the Usage basis a victim's measured
 * usage is not known per pod, so its requests stand in for what its eviction frees.
 */
function fitsOnceRemoved(
  pod: PodInfo,
  snapshot: PoolSnapshot,
  i: number,
): (removed: ResourceVector) => boolean {
  const o = i * SLOTS;
  const after = AFTER;
  return (removed) => {
    after[0] = Math.max(0, (snapshot.used[o] as number) - removed.cpu);
    after[1] = Math.max(0, (snapshot.used[o + 1] as number) - removed.memory);
    after[2] = Math.max(0, (snapshot.used[o + 2] as number) - removed.ephemeralStorage);
    after[3] = Math.max(0, (snapshot.used[o + 3] as number) - removed.network);
    after[4] = Math.max(0, (snapshot.used[o + 4] as number) - removed.pods);
    return fitsCeilingsAt(after, 0, snapshot.allocatable, o, pod.requests, snapshot.pool.ceilings);
  };
}

/**
 * 1–2. The pods of node `i` the preemptor may evict (lower priority, movable, not protected: protected ones
 * are counted by reason), and the sum of their requests.
 */
function preemptionCandidates(on: {
  pod: PodInfo;
  preemptorPriority: number;
  snapshot: PoolSnapshot;
  i: number;
  ctx: PlacementContext;
  input: PreemptionInput;
  protectedPods: Partial<Record<ProtectionReason, number>>;
}): { candidates: Candidate[]; all: ResourceVector } {
  const { pod, snapshot, i, input, protectedPods } = on;
  const allocatable = readVector(snapshot.allocatable, i * SLOTS);
  const candidates: Candidate[] = [];
  const all = zeroResources();
  const pods = snapshot.podsAt(i);
  for (let k = 0; k < pods.length; k++) {
    const victim = pods[k] as PodInfo;
    if (victim.key === pod.key || victim.deleting || isTerminal(victim)) continue;
    const priority = input.priorityOf(victim);
    if (!(priority < on.preemptorPriority) || !input.movable(victim)) continue;
    const protection = evictionProtection(victim, snapshot.pool.eviction, input.operator);
    if (protection) {
      protectedPods[protection.reason] = (protectedPods[protection.reason] ?? 0) + 1;
      continue;
    }
    const share = dominantShare(victim.requests, allocatable);
    candidates.push({ pod: victim, priority, share, budgets: NO_BUDGETS });
    addInto(all, victim.requests, 1);
  }
  return { candidates, all };
}

/** 3. Greedy, within budgets: takes candidates in order until the pod fits; `removed` sums what was taken. */
function takeWithinBudgets(
  candidates: readonly Candidate[],
  input: PreemptionInput,
  removed: ResourceVector,
  fits: (removed: ResourceVector) => boolean,
): Candidate[] {
  const remaining = new Map<string, number>();
  const taken: Candidate[] = [];
  for (const candidate of candidates) {
    if (fits(removed)) break;
    candidate.budgets = budgetsOf(candidate.pod, input, remaining);
    if (!candidate.budgets.every((b) => (remaining.get(b) as number) > 0)) continue;
    for (const b of candidate.budgets) remaining.set(b, (remaining.get(b) as number) - 1);
    addInto(removed, candidate.pod.requests, 1);
    taken.push(candidate);
  }
  return taken;
}

/** 4. Reprieves what is not needed, last taken (highest priority, smallest) first; updates `removed`. */
function reprieveUnneeded(
  taken: Candidate[],
  removed: ResourceVector,
  fits: (removed: ResourceVector) => boolean,
): void {
  for (let t = taken.length - 1; t >= 0; t--) {
    const candidate = taken[t] as Candidate;
    addInto(removed, candidate.pod.requests, -1);
    if (fits(removed)) {
      taken.splice(t, 1);
    } else {
      addInto(removed, candidate.pod.requests, 1);
    }
  }
}

function preemptionOf(node: string, taken: readonly Candidate[]): Preemption {
  let maxVictimPriority = -Infinity;
  let victimPrioritySum = 0;
  for (const c of taken) {
    maxVictimPriority = Math.max(maxVictimPriority, c.priority);
    victimPrioritySum += c.priority;
  }
  return { node, victims: taken.map((c) => c.pod), maxVictimPriority, victimPrioritySum };
}

/** The pod's budget names (PDBs and policies kept apart), registering each budget's allowance on first sight. */
function budgetsOf(pod: PodInfo, input: PreemptionInput, remaining: Map<string, number>): readonly string[] {
  const pdbs = input.pdbs?.(pod) ?? NO_BUDGETS_OF_POD;
  const policies = input.policyBudgets?.(pod) ?? NO_BUDGETS_OF_POD;
  if (pdbs.length === 0 && policies.length === 0) return NO_BUDGETS;
  const names = new Set<string>();
  for (const [prefix, list] of [
    ['pdb', pdbs],
    ['policy', policies],
  ] as const) {
    for (const budget of list) {
      const name = `${prefix}:${budget.name}`;
      names.add(name);
      if (!remaining.has(name)) remaining.set(name, budget.disruptionsAllowed);
    }
  }
  return [...names];
}

const NO_BUDGETS_OF_POD: readonly DisruptionBudget[] = Object.freeze([]);

function better(a: Preemption, b: Preemption): boolean {
  if (a.maxVictimPriority !== b.maxVictimPriority) return a.maxVictimPriority < b.maxVictimPriority;
  if (a.victims.length !== b.victims.length) return a.victims.length < b.victims.length;
  if (a.victimPrioritySum !== b.victimPrioritySum) return a.victimPrioritySum < b.victimPrioritySum;
  return a.node < b.node;
}

/** The largest share of the node's allocatable cpu, memory, ephemeral storage or network `request` takes. */
function dominantShare(request: ResourceVector, allocatable: ResourceVector): number {
  let share = 0;
  if (allocatable.cpu > 0) share = Math.max(share, request.cpu / allocatable.cpu);
  if (allocatable.memory > 0) share = Math.max(share, request.memory / allocatable.memory);
  if (allocatable.ephemeralStorage > 0)
    share = Math.max(share, request.ephemeralStorage / allocatable.ephemeralStorage);
  if (allocatable.network > 0) share = Math.max(share, request.network / allocatable.network);
  return share;
}

function addInto(target: ResourceVector, v: ResourceVector, sign: 1 | -1): void {
  target.cpu += sign * v.cpu;
  target.memory += sign * v.memory;
  target.ephemeralStorage += sign * v.ephemeralStorage;
  target.network += sign * v.network;
  target.pods += sign * v.pods;
}

function readVector(slots: Float64Array, o: number): ResourceVector {
  return {
    cpu: slots[o] as number,
    memory: slots[o + 1] as number,
    ephemeralStorage: slots[o + 2] as number,
    network: slots[o + 3] as number,
    pods: slots[o + 4] as number,
  };
}

/**
 * A WorkloadPolicy's minAvailable as a disruption budget, the way the disruption controller computes a PDB:
 * `healthy` matched pods minus minAvailable of `expected` (a percentage rounded up), never below 0.
 */
export function minAvailableBudget(
  name: string,
  minAvailable: IntOrPercent,
  expected: number,
  healthy: number,
): DisruptionBudget {
  const desired = scaledIntOrPercent(minAvailable, expected, 'up');
  return { name, disruptionsAllowed: Math.max(0, healthy - desired) };
}
