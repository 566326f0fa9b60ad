/**
 * The consolidation planner: one pool, one interval, as a pure function. Finds nodes whose pods all fit on
 * the other nodes below every ceiling and drains them, so whole nodes free up for a cluster autoscaler.
 *
 *  1. Mode Off: lift every consolidation taint. Stale metrics (Usage or Max basis): plan nothing.
 *  2. Snapshot the pool with every draining node blocked (no pod is planned onto one).
 *  3. Pressure: a node over a ceiling means the pool needs its room back: lift every drain, start none.
 *  4. Drains under way, oldest first: a node with no movable pod left is free; one holding a pod that may
 *     not move, past drainTimeout, or whose pods no longer fit elsewhere is given up (untainted); the others
 *     get evictions, lowest priority first, within the budgets.
 *  5. New drains, unless held (rebalancing moved pods this interval), at most maxDrainingNodes at once and
 *     never below minNodes in use: nodes cheapest to empty first (fewest pods, then lowest load); a node is
 *     taken when every pod it must give up fits elsewhere (drain-fit.ts), and the room is kept for them.
 *  6. The packing of the pool (packing.ts).
 *
 * Guarantees (property-tested): every eviction's destination stays within every ceiling with all the moves
 * of the plan on it, no eviction exceeds maxEvictionsPerCycle or a disruption budget, only movable pods on
 * draining nodes are evicted, no draining node is a destination, and minNodes and maxDrainingNodes hold.
 */
import { EvictionBudgets, loadOf, overAnyCeiling, type EvictionRequest } from '../rebalancing/index.js';
import type { NodeInfo } from '../model/node-info.js';
import { isTerminal, type PodInfo } from '../model/pod-info.js';
import { PoolSnapshot, type SnapshotInput } from '../placement/snapshot.js';
import { fitElsewhere, type FitContext, type PlannedMove } from './drain-fit.js';
import { packingReport } from './packing.js';
import type {
  ConsolidationInput,
  ConsolidationPlan,
  DrainMark,
  NodeSkipReason,
  PackingReport,
} from './consolidation-plan.js';

/** Candidate nodes tried per interval, and placement decisions spent on them: bound the plan's time. */
export const MAX_NODE_TRIES = 32;
export const MAX_DECISIONS = 1024;
const MAX_SKIPPED = 20;

/** The planning state of one interval. */
interface Planning {
  input: ConsolidationInput;
  base: SnapshotInput & { failedNodes: Set<string> };
  snapshot: PoolSnapshot;
  budgets: EvictionBudgets;
  fit: FitContext;
  plan: ConsolidationPlan;
  /** Nodes that received planned pods: not candidates this interval. */
  receiving: Set<string>;
  /** Nodes whose snapshot row the plan changed (blocked or planned onto): a kept snapshot is restored on them. */
  touched: Set<string>;
}

export function planConsolidation(input: ConsolidationInput): ConsolidationPlan {
  const { settings } = input;
  const { inUse, inUsePods, ready } = memberFacts(input);
  const packing = packingReport({ model: input.model, ceilings: input.pool.ceilings, members: ready, inUse });
  // 1. Off, or metrics too old to act on.
  if (settings.mode === 'Off') return offPlan(input, packing);
  if (input.pool.allocation.basis !== 'Requests' && staleMembers(input))
    return emptyPlan(input, packing, 'MetricsStale', 'metrics are stale: consolidation waits');

  // 2. The planning snapshot, draining nodes blocked.
  const p = start(input, packing);
  try {
    // 3. Pressure gives every drained node back.
    const over = overCeilingNodes(p);
    if (over.length > 0) {
      for (const node of input.draining.keys())
        p.plan.marks.push(stop(node, `${over[0]} is over a ceiling: the pool needs the room back`));
      p.plan.message = `not consolidating: ${over.join(', ')} over a ceiling`;
      return p.plan;
    }
    // 4. Drains under way; 5. new ones.
    continueDrains(p);
    startDrains(p, inUse, inUsePods);
    p.plan.message = summarize(p);
    return p.plan;
  } finally {
    restoreSnapshot(p);
  }
}

/** Gives a caller's kept snapshot back as it came: every node blocked or planned onto is read afresh. */
function restoreSnapshot(p: Planning): void {
  if (!p.input.snapshot || p.touched.size === 0) return;
  p.base.failedNodes = new Set(p.input.failedNodes ?? []);
  p.snapshot.refresh(p.base, p.touched);
}

function start(input: ConsolidationInput, packing: PackingReport): Planning {
  const failedNodes = new Set([...(input.failedNodes ?? []), ...input.draining.keys()]);
  const base = {
    model: input.model,
    pool: input.pool,
    now: input.now,
    failedNodes,
    ...(input.usage ? { usage: input.usage } : {}),
  };
  let snapshot: PoolSnapshot;
  if (input.snapshot) {
    snapshot = input.snapshot;
    snapshot.refresh(base, input.draining.keys());
  } else snapshot = PoolSnapshot.take(base);
  const { settings } = input;
  const perCycle = settings.maxEvictionsPerCycle;
  return {
    input,
    base,
    snapshot,
    budgets: new EvictionBudgets(
      {
        maxEvictionsPerCycle: perCycle,
        maxEvictionsPerNode: perCycle,
        maxEvictionsPerNamespace: perCycle,
        maxUrgentEvictionsPerCycle: 0, // consolidation never moves urgently
      },
      input.facts,
    ),
    fit: {
      model: input.model,
      snapshot,
      now: input.now,
      ...(input.podUsage ? { podUsage: input.podUsage } : {}),
      maxLoadAfter: Infinity,
      decisions: { left: MAX_DECISIONS },
    },
    plan: {
      marks: [],
      evictions: [],
      candidates: [],
      draining: [],
      free: [],
      skipped: [],
      packing,
      message: '',
    },
    receiving: new Set(),
    touched: new Set(input.draining.keys()),
  };
}

/** 4. Drains under way, oldest first. */
function continueDrains(p: Planning): void {
  const { input, plan } = p;
  const drains = [...input.draining].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  for (const [node, since] of drains) {
    const { movable, kept } = podsToMove(input, node);
    if (kept.length > 0) {
      plan.marks.push(stop(node, `${kept[0]?.key} may not be moved: drain given up`));
      continue;
    }
    if (movable.length === 0) {
      plan.free.push(node);
      continue;
    }
    if (input.now - since > input.settings.drainTimeoutMs) {
      plan.marks.push(stop(node, `drain did not finish within ${input.settings.drainTimeoutMs / 1000}s`));
      continue;
    }
    setMark(p);
    const fit = fitElsewhere(movable, p.fit);
    if (!fit.ok) {
      plan.marks.push(stop(node, `its pods no longer fit elsewhere (${fit.detail}): drain given up`));
      continue;
    }
    plan.draining.push(node);
    evictWithinBudget(p, node, fit.moves);
  }
}

/** 5. New drains, nodes cheapest to empty first. */
function startDrains(p: Planning, inUse: readonly string[], inUsePods: readonly number[]): void {
  const { input, plan } = p;
  const { settings } = input;
  if (input.hold !== undefined) return;
  const candidates = candidateNodes(p, inUse, inUsePods);
  let left = Math.min(
    settings.maxDrainingNodes - plan.draining.length,
    inUse.length - plan.draining.length - settings.minNodes,
  );
  let tries = 0;
  for (const c of candidates) {
    if (left <= 0 || p.budgets.exhausted) break;
    if (tries++ >= MAX_NODE_TRIES) {
      skipNode(p, c.node, 'SearchLimit', `${MAX_NODE_TRIES} nodes tried`);
      break;
    }
    if (p.receiving.has(c.node)) continue;
    const { movable, kept } = podsToMove(input, c.node);
    if (kept.length > 0) {
      skipNode(p, c.node, 'KeepsPods', kept[0]?.key);
      continue;
    }
    const young = movable.find((pod) => tooYoung(pod, input));
    if (young) {
      skipNode(p, c.node, 'YoungPods', young.key);
      continue;
    }
    block(p, c.node, true);
    setMark(p, c.node);
    const fit = fitElsewhere(movable, p.fit);
    if (!fit.ok) {
      block(p, c.node, false);
      skipNode(p, c.node, fit.reason, fit.detail);
      if (fit.reason === 'SearchLimit') break;
      continue;
    }
    plan.marks.push({ kind: 'StartDrain', node: c.node, reason: drainReason(c.node, fit.moves) });
    plan.candidates.push(c.node);
    plan.draining.push(c.node);
    evictWithinBudget(p, c.node, fit.moves);
    left--;
  }
}

interface Candidate {
  node: string;
  pods: number;
  load: number;
}

/** Cheapest to empty first: fewest pods, then lowest load, then name (a total order: names are unique). */
export function byCost(a: Candidate, b: Candidate): number {
  return a.pods - b.pods || a.load - b.load || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
}

/**
 * In-use nodes that are not draining and pass the node filters, cheapest to empty first, lazily: at most
 * MAX_NODE_TRIES are taken an interval, so they come off a heap (O(n) to build, O(log n) a node) instead of
 * a sort of every node in use (5,000 objects through a comparator). Same order as the sort.
 */
function candidateNodes(
  p: Planning,
  inUse: readonly string[],
  inUsePods: readonly number[],
): Iterable<Candidate> {
  const { snapshot, input } = p;
  const out: Candidate[] = [];
  inUse.forEach((node, k) => {
    const i = snapshot.indexOf(node);
    if (i === undefined || snapshot.blocked[i] !== 0 || input.draining.has(node)) return;
    out.push({ node, pods: inUsePods[k] as number, load: loadOf(snapshot, i, input.pool.weights) });
  });
  return inOrder(out, byCost);
}

/** The items of `heap` smallest first by `cmp`, taken off a binary heap built in place. */
export function* inOrder<T>(heap: T[], cmp: (a: T, b: T) => number): Generator<T> {
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i, heap.length, cmp);
  for (let n = heap.length; n > 0; n--) {
    const top = heap[0] as T;
    heap[0] = heap[n - 1] as T;
    siftDown(heap, 0, n - 1, cmp);
    yield top;
  }
}

function siftDown<T>(heap: T[], i: number, n: number, cmp: (a: T, b: T) => number): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) return;
    const r = l + 1;
    const c = r < n && cmp(heap[r] as T, heap[l] as T) < 0 ? r : l;
    if (cmp(heap[c] as T, heap[i] as T) >= 0) return;
    const t = heap[i] as T;
    heap[i] = heap[c] as T;
    heap[c] = t;
    i = c;
  }
}

/** Evictions for `moves`, lowest priority first, as far as the budgets allow; the rest wait their turn. */
function evictWithinBudget(p: Planning, node: string, moves: readonly PlannedMove[]): void {
  for (const m of moves) {
    p.receiving.add(m.to);
    p.touched.add(m.to);
  }
  const { facts } = p.input;
  const ordered = [...moves].sort(
    (a, b) => facts.priorityOf(a.pod) - facts.priorityOf(b.pod) || (a.pod.key < b.pod.key ? -1 : 1),
  );
  for (const move of ordered) {
    const verdict = p.budgets.check(move.pod, node);
    if (!verdict.ok) {
      if (verdict.reason === 'CycleBudget') return;
      continue;
    }
    p.budgets.spend(move.pod, node, verdict.budgets);
    p.plan.evictions.push(evictionRequest(p, move, node, verdict.budgets));
  }
}

function evictionRequest(p: Planning, move: PlannedMove, from: string, budgets: string[]): EvictionRequest {
  const { pod } = move;
  const priority = p.input.facts.priorityOf(pod);
  const workload = p.input.facts.workloadOf?.(pod);
  return {
    kind: 'Evict',
    // Not a ceiling breach: consolidation drains are never urgent (actuator source `rebalance`).
    mode: 'Balance',
    pod: pod.key,
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    from,
    expectedTo: move.to,
    ...(workload !== undefined ? { workload } : {}),
    priority,
    budgets,
    reason: `consolidating: draining ${from} so it can be removed; moving ${pod.key} (priority ${priority}) to ${move.to}`,
  };
}

/**
 * In pools that spread load, a destination stays below the pool's mean load with the draining nodes' load
 * (and `extra`'s) spread over the open nodes, plus the midpoint of the two hot marks: consolidation never
 * makes a node hot for rebalancing to cool again.
 */
function setMark(p: Planning, extra?: string): void {
  const { input, snapshot } = p;
  if (input.pool.allocation.strategy === 'BinPack') return;
  let sum = 0;
  let open = 0;
  for (let i = 0; i < snapshot.size; i++) {
    const node = snapshot.names[i] as string;
    if (snapshot.blocked[i] === 0) {
      sum += loadOf(snapshot, i, input.pool.weights);
      open++;
    } else if (node === extra || input.draining.has(node) || p.plan.draining.includes(node)) {
      sum += loadOf(snapshot, i, input.pool.weights);
    }
  }
  const { tolerance, recoveryTolerance } = input.settings;
  p.fit.maxLoadAfter = sum / Math.max(1, open) + (tolerance + recoveryTolerance) / 2;
}

function block(p: Planning, node: string, on: boolean): void {
  p.touched.add(node);
  if (on) p.base.failedNodes.add(node);
  else p.base.failedNodes.delete(node);
  p.snapshot.refresh(p.base, [node]);
}

/**
 * In one pass over the members (each node read once: at 5,000 nodes, repeated lookups miss the cache):
 * those holding a pod that would have to move for the node to go (in use), and the NodeInfo of the ready
 * ones, and how many pods each node in use holds (the candidates' order). Stops at a node's first such
 * pod: about one lookup per node, not one per pod of the pool.
 */
function memberFacts(input: ConsolidationInput): { inUse: string[]; inUsePods: number[]; ready: NodeInfo[] } {
  const inUse: string[] = [];
  const inUsePods: number[] = [];
  const ready: NodeInfo[] = [];
  for (const node of input.pool.members) {
    const info = input.model.node(node);
    if (info?.ready === true) ready.push(info);
    const pods = input.model.podsOn(node);
    for (const key of pods)
      if (mustMove(input, input.model.pod(key))) {
        inUse.push(node);
        inUsePods.push(pods.size); // every pod bound there: the candidates' cost order counts them all
        break;
      }
  }
  return { inUse, inUsePods, ready };
}

/** Whether `pod` would have to leave its node for the node to go (movable or not). */
function mustMove(input: ConsolidationInput, pod: PodInfo | undefined): pod is PodInfo {
  return pod !== undefined && !pod.deleting && !isTerminal(pod) && !input.facts.staysOnNode(pod);
}

/** The pods `node` must give up to go: movable ones, and ones that may not move (they keep the node). */
function podsToMove(input: ConsolidationInput, node: string): { movable: PodInfo[]; kept: PodInfo[] } {
  const movable: PodInfo[] = [];
  const kept: PodInfo[] = [];
  for (const key of input.model.podsOn(node)) {
    const pod = input.model.pod(key);
    if (mustMove(input, pod)) (input.facts.movable(pod) ? movable : kept).push(pod);
  }
  return { movable, kept };
}

function tooYoung(pod: PodInfo, input: ConsolidationInput): boolean {
  return (
    pod.creationTimestamp === undefined || input.now - pod.creationTimestamp < input.settings.minPodAgeMs
  );
}

function overCeilingNodes(p: Planning): string[] {
  const { snapshot, input } = p;
  const over: string[] = [];
  for (let i = 0; i < snapshot.size; i++)
    if (snapshot.blocked[i] === 0 && overAnyCeiling(snapshot, i, input.pool.ceilings))
      over.push(snapshot.names[i] as string);
  return over;
}

function staleMembers(input: ConsolidationInput): boolean {
  if (!input.metrics) return true;
  if (input.metrics.stale.length === 0) return false;
  const members = new Set(input.pool.members);
  return input.metrics.stale.some((s) => members.has(s.key));
}

function stop(node: string, reason: string): DrainMark {
  return { kind: 'StopDrain', node, reason };
}

function skipNode(p: Planning, node: string, reason: NodeSkipReason, detail?: string): void {
  if (p.plan.skipped.length < MAX_SKIPPED)
    p.plan.skipped.push({ node, reason, ...(detail ? { detail } : {}) });
}

function drainReason(node: string, moves: readonly PlannedMove[]): string {
  const to = [...new Set(moves.map((m) => m.to))].sort();
  const shown = to.length > 3 ? `${to.slice(0, 3).join(', ')} and ${to.length - 3} more` : to.join(', ');
  return `consolidating: the ${moves.length} pods of ${node} fit on ${shown || 'no other node'} below the ceilings`;
}

function summarize(p: Planning): string {
  const { plan } = p;
  const parts: string[] = [];
  if (plan.candidates.length > 0) parts.push(`draining ${plan.candidates.join(', ')}`);
  if (plan.draining.length > plan.candidates.length)
    parts.push(`${plan.draining.length - plan.candidates.length} drain(s) under way`);
  if (plan.free.length > 0) parts.push(`${plan.free.length} node(s) free`);
  if (p.input.hold !== undefined && plan.candidates.length === 0) parts.push(`no new drain: ${p.input.hold}`);
  if (parts.length === 0) parts.push('no node can be emptied below the ceilings');
  return parts.join('; ');
}

function offPlan(input: ConsolidationInput, packing: PackingReport): ConsolidationPlan {
  const plan = emptyPlan(input, packing, 'Off', 'consolidation is off');
  for (const node of input.draining.keys()) plan.marks.push(stop(node, 'consolidation is off'));
  return plan;
}

function emptyPlan(
  input: ConsolidationInput,
  packing: PackingReport,
  halted: ConsolidationPlan['halted'],
  message: string,
): ConsolidationPlan {
  return {
    marks: [],
    evictions: [],
    candidates: [],
    draining: halted === 'MetricsStale' ? [...input.draining.keys()] : [],
    free: [],
    skipped: [],
    packing,
    ...(halted ? { halted } : {}),
    message,
  };
}
