/**
 * The rebalance planner: one pool, one interval, as a pure function (DESIGN.md sections 3–4). Reads as a
 * pipeline, after descheduler's LowNodeUtilization:
 *
 *  1. Mode Off: plan nothing but lifting the hot taints. Stale metrics (Usage or Max basis): plan nothing,
 *     keep every node's heat and taint as they are, and say so in the conditions.
 *  2. Snapshot the pool (or use the caller's) and read every schedulable node's weighted load on the pool's
 *     basis, with the helpers placement ranks by: one load signal for both.
 *  3. Classify with hysteresis (hot-classifier.ts): heat in, heat out.
 *  4. Taint hot nodes `fulcrum.io/hot:PreferNoSchedule`, untaint the others that carry it.
 *  5. Block hot and breaching nodes as destinations, then walk hot nodes hottest first. On each, take
 *     candidates in eviction order (victims.ts); the first one within every budget (eviction-budgets.ts)
 *     that has a destination (destination.ts) is moved: the move is accounted on the snapshot, so later
 *     decisions see it. Stop on a node when it is cool or its budget is spent; stop when the cycle's is.
 *  6. Restore the caller's snapshot, and build the status fragment.
 *
 * Guarantees (property-tested): no move takes its destination over a ceiling, no budget is exceeded, a pod
 * is moved only if every pod before it in eviction order on that node was ineligible, over a budget or
 * without a destination, and a pool without hot nodes gets no eviction.
 *
 * Cost: O(pool nodes) for loads and classification, O(hot + breaching nodes) to block them, O(pods on the
 * hot nodes visited) for candidates, and one placement decision per candidate tried — bounded, since every
 * hot node stops at its first successful move when maxEvictionsPerNode is 1 (the default).
 */
import type { NodeInfo, Taint } from '../model/node-info.js';
import type { PodInfo } from '../model/pod-info.js';
import type { ResourceVector } from '../model/resources.js';
import { PoolSnapshot, type SnapshotInput } from '../placement/snapshot.js';
import { ClosedNodes } from './closed-nodes.js';
import { nearbySnapshot } from './nearby-nodes.js';
import { balanceStatus, offStatus, staleStatus } from './balance-status.js';
import { findDestination, NO_ROOM, type Destination } from './destination.js';
import { EvictionBudgets } from './eviction-budgets.js';
import { breaches, breachesAt, COOL, nextHeat, startingHeat, type HeatRule } from './hot-classifier.js';
import { HOT_TAINT, hasHotTaint } from './hot-taint.js';
import { showMoves } from './in-flight.js';
import { cooldownsAt, nodeCoolingDown, type Cooldowns } from './move-history.js';
import { overAnyCeiling, overCeilings, poolLoads, type PoolLoads } from './node-load.js';
import type {
  EvictionRequest,
  MoveMode,
  NodeClassification,
  NodeHeat,
  RebalanceInput,
  RebalancePlan,
  SkipReason,
  SkippedPod,
  TaintRequest,
} from './rebalance-plan.js';
import { candidatesOn, relativeLoad, type Candidate } from './victims.js';

/** Skipped pods listed in a plan (all are counted). */
const MAX_SKIPPED = 50;

/**
 * Placement decisions per plan (each O(nodes searched)): bounds the plan's time when many candidates fit
 * nowhere. No search starts once it is reached (one search makes at most 2 + 8 decisions, see
 * destination.ts); planning stops and the next interval goes on.
 */
export const MAX_DESTINATION_SEARCHES = 64;

export function planRebalance(input: RebalanceInput): RebalancePlan {
  const { pool, settings } = input;

  // 1. Off, or metrics too old to act on.
  if (settings.mode === 'Off') return offPlan(input);
  if (pool.allocation.basis !== 'Requests') {
    const stale = staleMembers(input);
    if (stale.length > 0) return stalePlan(input, stale);
  }

  // 2. Loads on the pool's basis.
  const base: SnapshotInput = {
    model: input.model,
    pool,
    now: input.now,
    ...(input.usage ? { usage: input.inFlight ? showMoves(input.usage, input.inFlight) : input.usage } : {}),
    ...(input.failedNodes ? { failedNodes: input.failedNodes } : {}),
    ...(input.state ? { state: input.state } : {}),
  };
  const snapshot = input.snapshot ?? PoolSnapshot.take(base);
  const loads = poolLoads(snapshot, pool.weights, true);

  // 3. Classification.
  const rule: HeatRule = {
    tolerance: settings.tolerance,
    recoveryTolerance: settings.recoveryTolerance,
    consecutive: settings.consecutive,
    relative: pool.allocation.strategy !== 'BinPack',
  };
  const cooldowns = cooldownsAt(input.history, input.now, settings.cooldownMs);
  const { classification, heat } = classify(input, snapshot, loads, rule, cooldowns);

  // 4. Taints follow heat.
  const taints = taintChanges(snapshot, heat);

  // 5. Moves off hot nodes.
  const moves = planMoves(input, base, snapshot, loads, rule, classification, cooldowns);

  // 6. Status.
  const status = balanceStatus({
    mode: settings.mode,
    ...(input.generation !== undefined ? { generation: input.generation } : {}),
    classification,
    nodes: loads.considered.length,
    meanLoad: loads.mean,
    stddev: loads.stddev,
    evictions: moves.evictions.length,
    skipCounts: moves.skipCounts,
    ...(input.metrics?.newestTime !== undefined ? { metricsTime: input.metrics.newestTime } : {}),
  });
  return {
    actions: [...moves.evictions, ...taints],
    evictions: moves.evictions,
    taints,
    heat,
    classification,
    skipped: moves.skipped,
    skipCounts: moves.skipCounts,
    meanLoad: loads.mean,
    destinationSearches: moves.searches,
    status,
  };
}

/**
 * Heat for every schedulable member, in one pass over the snapshot. Only notable nodes — hot, breaching or
 * over a ceiling — get a classification entry; the heat map holds those, plus an explicit cool entry for a
 * cool node still carrying the hot taint (so the taint does not make it hot again next interval). Any node
 * absent from the heat map is cool.
 */
function classify(
  input: RebalanceInput,
  snapshot: PoolSnapshot,
  loads: PoolLoads,
  rule: HeatRule,
  cooldowns: Cooldowns,
): { classification: NodeClassification[]; heat: Map<string, NodeHeat> } {
  const classification: NodeClassification[] = [];
  const heat = new Map<string, NodeHeat>();
  // The previous heat by snapshot index: O(entries) lookups instead of one map lookup per node, in a buffer
  // kept with the snapshot (emptied again below) rather than a fresh array per plan.
  const previousHeat = snapshot.buffer('previousHeat', (size) => new Array<NodeHeat | undefined>(size));
  const marked: number[] = [];
  for (const [name, h] of input.heat) {
    const i = snapshot.indexOf(name);
    if (i !== undefined) {
      previousHeat[i] = h;
      marked.push(i);
    }
  }
  try {
    classifyNodes(input, snapshot, loads, rule, cooldowns, previousHeat, classification, heat);
  } finally {
    for (const i of marked) previousHeat[i] = undefined;
  }
  return { classification, heat };
}

/** classify's pass over the considered nodes, filling `classification` and `heat`. */
function classifyNodes(
  input: RebalanceInput,
  snapshot: PoolSnapshot,
  loads: PoolLoads,
  rule: HeatRule,
  cooldowns: Cooldowns,
  previousHeat: ReadonlyArray<NodeHeat | undefined>,
  classification: NodeClassification[],
  heat: Map<string, NodeHeat>,
): void {
  const { pool, settings } = input;
  const { considered, mean } = loads;
  for (let k = 0; k < considered.length; k++) {
    const i = considered[k] as number;
    const load = loads.load[i] as number;
    const overCeiling = overAnyCeiling(snapshot, i, pool.ceilings);
    const previous = previousHeat[i];
    // Cool and staying cool: the common case, decided on plain numbers (a reading object per node would
    // box its load, 5,000 heap numbers a plan).
    if (previous === undefined && !breachesAt(load, mean, overCeiling, rule) && !hotTainted(snapshot, i))
      continue;
    const tainted = hotTainted(snapshot, i);
    const reading = { load, mean, overCeiling };
    const next = nextHeat(startingHeat(previous, tainted, settings.consecutive), reading, rule);
    const breaching = breaches(reading, rule);
    const name = snapshot.names[i] as string;
    if (next === COOL && !breaching) {
      if (tainted) heat.set(name, COOL);
      continue;
    }
    heat.set(name, next);
    classification.push({
      node: name,
      load: reading.load,
      overCeiling: reading.overCeiling ? overCeilings(snapshot, i, pool.ceilings) : [],
      breaching,
      heat: next,
      // Only a hot node can be a source, so only its cooldown matters.
      coolingDown:
        next.hot && nodeCoolingDown(snapshot.infos[i] as NodeInfo, cooldowns, input.now, settings.cooldownMs),
    });
  }
}

/** Whether snapshot node `i` carries the hot taint (an array read for the untainted majority). */
function hotTainted(snapshot: PoolSnapshot, i: number): boolean {
  return (snapshot.taints[i] as readonly Taint[]).length > 0 && hasHotTaint(snapshot.infos[i] as NodeInfo);
}

/** Taint every hot member that lacks the taint; untaint every member that carries it and is not hot. */
function taintChanges(snapshot: PoolSnapshot, heat: ReadonlyMap<string, NodeHeat>): TaintRequest[] {
  const requests: TaintRequest[] = [];
  for (const [name, h] of heat) {
    const i = snapshot.indexOf(name);
    if (h.hot && i !== undefined && !hotTainted(snapshot, i))
      requests.push({
        kind: 'Taint',
        node: name,
        taint: HOT_TAINT,
        reason: 'node is hot: steer new pods elsewhere',
      });
  }
  for (let i = 0; i < snapshot.size; i++) {
    if (!hotTainted(snapshot, i)) continue;
    const name = snapshot.names[i] as string;
    if (heat.get(name)?.hot !== true)
      requests.push({ kind: 'Untaint', node: name, taint: HOT_TAINT, reason: 'node is no longer hot' });
  }
  return requests;
}

/** Members of the pool without fresh metrics (every one of them when no freshness was given). */
function staleMembers(input: RebalanceInput): ReadonlyArray<{ key: string; reason: string }> {
  if (!input.metrics) return [{ key: 'all nodes', reason: 'no metrics source' }];
  if (input.metrics.stale.length === 0) return [];
  const members = new Set(input.pool.members);
  return input.metrics.stale.filter((s) => members.has(s.key));
}

interface PlannedMoves {
  searches: number;
  evictions: EvictionRequest[];
  skipped: SkippedPod[];
  skipCounts: Partial<Record<SkipReason, number>>;
}

/**
 * One pass of moves: which sources, in which order, and the rules their moves follow. The urgent pass takes
 * every node over a ceiling, ignores cooldowns and pod age, and stops on a node once it is within every
 * ceiling; it looks for a destination below the balance mark first (so it starts no new hot node), and only
 * when there is none accepts any destination below the ceilings that ends less loaded than the source.
 * The balance pass takes
 * the hot nodes out of cooldown that the urgent pass did not visit, with every balance rule.
 */
interface Pass {
  mode: MoveMode;
  sources: NodeClassification[];
  coolMark: number;
  destinationMark: number;
  /** A second, looser mark tried when no destination is below `destinationMark` (urgent moves). */
  fallbackMark?: number;
  minPodAgeMs: number;
  cooldowns: Cooldowns;
}

const NO_COOLDOWNS: Cooldowns = { pods: new Set(), workloads: new Set(), nodes: new Map() };

function passes(
  input: RebalanceInput,
  loads: PoolLoads,
  rule: HeatRule,
  classification: readonly NodeClassification[],
  cooldowns: Cooldowns,
): Pass[] {
  const { settings } = input;
  // -1, 0 or 1 rather than a difference of loads: a fractional result is a fresh heap number per comparison.
  const byUrgency = (a: NodeClassification, b: NodeClassification): number =>
    b.overCeiling.length - a.overCeiling.length ||
    (a.load > b.load ? -1 : a.load < b.load ? 1 : 0) ||
    (a.node < b.node ? -1 : 1);
  const urgent =
    settings.maxUrgentEvictionsPerCycle > 0 ? classification.filter((c) => c.overCeiling.length > 0) : [];
  const visited = new Set(urgent.map((c) => c.node));
  const balance = classification.filter((c) => c.heat.hot && !c.coolingDown && !visited.has(c.node));
  return [
    {
      mode: 'Urgent',
      sources: urgent.sort(byUrgency),
      coolMark: Infinity,
      destinationMark: Infinity,
      minPodAgeMs: 0,
      cooldowns: NO_COOLDOWNS,
    },
    {
      mode: 'Balance',
      sources: balance.sort(byUrgency),
      coolMark: rule.relative ? loads.mean + settings.recoveryTolerance : Infinity,
      // A destination stays halfway between the cool mark and the breach mark: a move never starts a new hot
      // node, even when it shifts the pool mean a little (nodes of different sizes).
      destinationMark: rule.relative
        ? loads.mean + (settings.tolerance + settings.recoveryTolerance) / 2
        : Infinity,
      minPodAgeMs: settings.minPodAgeMs,
      cooldowns,
    },
  ];
}

/** What every pass shares: the planning snapshot, its undo log, the budgets and what was learnt so far. */
interface MoveContext {
  input: RebalanceInput;
  base: SnapshotInput;
  loads: PoolLoads;
  closed: ClosedNodes;
  planning: PoolSnapshot;
  nearby: PoolSnapshot | undefined | null;
  budgets: EvictionBudgets;
  noRoom: ResourceVector[];
  moves: PlannedMoves;
  account(node: string, vector: ResourceVector, sign: 1 | -1): void;
  skip(pod: PodInfo, node: string, reason: SkipReason, detail?: string): void;
}

function planMoves(
  input: RebalanceInput,
  base: SnapshotInput,
  snapshot: PoolSnapshot,
  loads: PoolLoads,
  rule: HeatRule,
  classification: readonly NodeClassification[],
  cooldowns: Cooldowns,
): PlannedMoves {
  const moves: PlannedMoves = { searches: 0, evictions: [], skipped: [], skipCounts: {} };
  const plannedPasses = passes(input, loads, rule, classification, cooldowns);
  if (plannedPasses.every((p) => p.sources.length === 0)) return moves;

  // Hot and breaching nodes take no pods (closed-nodes.ts); they are unblocked at the end.
  const closed = new ClosedNodes(
    base,
    snapshot,
    new Set(classification.filter((c) => c.heat.hot || c.breaching).map((c) => c.node)),
  );
  const planning = closed.snapshot;
  const accounted: Array<{ node: string; vector: ResourceVector; sign: 1 | -1 }> = [];
  const ctx: MoveContext = {
    input,
    base,
    loads,
    closed,
    planning,
    nearby: null, // built on the first search
    budgets: new EvictionBudgets(input.settings, input.facts),
    noRoom: [],
    moves,
    account: (node, vector, sign) => {
      planning.account(node, vector, sign);
      accounted.push({ node, vector, sign });
    },
    skip: (pod, node, reason, detail) => {
      moves.skipCounts[reason] = (moves.skipCounts[reason] ?? 0) + 1;
      if (moves.skipped.length < MAX_SKIPPED)
        moves.skipped.push({ pod: pod.key, node, reason, ...(detail ? { detail } : {}) });
    },
  };
  try {
    for (const pass of plannedPasses) if (!runPass(ctx, pass, rule)) break;
  } finally {
    // 6. Give the caller its snapshot back as it was.
    for (let k = accounted.length - 1; k >= 0; k--) {
      const { node, vector, sign } = accounted[k] as (typeof accounted)[number];
      planning.account(node, vector, sign === 1 ? -1 : 1);
    }
    closed.restore();
  }
  return moves;
}

/** Moves off the pass's sources; returns false when the plan's search limit stopped it (no pass goes on). */
function runPass(ctx: MoveContext, pass: Pass, rule: HeatRule): boolean {
  const { input, planning, budgets, moves } = ctx;
  const balance = pass.mode === 'Balance';
  for (const source of pass.sources) {
    if (budgets.exhaustedFor(pass.mode)) break;
    ctx.closed.block(source.node);
    const i = planning.indexOf(source.node) as number;
    const candidates = candidatesOn(i, {
      model: input.model,
      snapshot: planning,
      facts: input.facts,
      now: input.now,
      minPodAgeMs: pass.minPodAgeMs,
      cooldowns: pass.cooldowns,
      ...(input.podUsage ? { podUsage: input.podUsage } : {}),
      coolMark: pass.coolMark,
      ...(input.operator ? { operator: input.operator } : {}),
      skip: (pod, reason, detail) => ctx.skip(pod, source.node, reason, detail),
    });
    for (const candidate of candidates) {
      if ((balance && !budgets.nodeAllows(source.node)) || budgets.exhaustedFor(pass.mode)) break;
      if (isCool(planning, i, input, pass.coolMark)) break;
      const verdict = budgets.check(candidate.pod, source.node, pass.mode);
      if (!verdict.ok) {
        ctx.skip(candidate.pod, source.node, verdict.reason, verdict.detail);
        continue;
      }
      // Destinations only fill up during a plan: a demand at least as big as one that found no room finds none.
      if (ctx.noRoom.some((small) => dominates(candidate.demand, small))) {
        ctx.skip(candidate.pod, source.node, 'NoDestination', NO_ROOM);
        continue;
      }
      if (moves.searches >= MAX_DESTINATION_SEARCHES) {
        ctx.skip(
          candidate.pod,
          source.node,
          'SearchLimit',
          `${MAX_DESTINATION_SEARCHES} destination searches`,
        );
        return false;
      }
      const destination = search(ctx, candidate, i, pass, rule);
      if (!destination.found) {
        if (destination.noRoom) ctx.noRoom.push(candidate.demand);
        ctx.skip(candidate.pod, source.node, destination.reason, destination.detail);
        continue;
      }
      budgets.spend(candidate.pod, source.node, verdict.budgets, pass.mode);
      ctx.account(source.node, candidate.freed, -1);
      ctx.account(destination.node, candidate.demand, 1);
      ctx.nearby?.account(destination.node, candidate.demand, 1); // private: never restored
      moves.evictions.push(
        evictionRequest(candidate, source, destination.node, verdict.budgets, ctx.loads.mean, pass.mode, {
          forecast: input.forecastNotes?.get(source.node),
        }),
      );
    }
  }
  return true;
}

/** A destination for `candidate` below the pass's mark, else (urgent) below its fallback mark. */
function search(ctx: MoveContext, candidate: Candidate, i: number, pass: Pass, rule: HeatRule): Destination {
  const { input, planning } = ctx;
  if (ctx.nearby === null) ctx.nearby = nearbySnapshot(ctx.base, planning, ctx.loads, ctx.closed.nodes);
  const sourceLoad = nextDown(relativeLoad(planning, i, input.pool.weights, undefined));
  const find = (mark: number): Destination => {
    const found = findDestination(candidate.pod, candidate.demand, {
      model: input.model,
      snapshot: planning,
      closed: ctx.closed,
      ...(ctx.nearby ? { nearby: ctx.nearby } : {}),
      now: input.now,
      ...(input.state ? { state: input.state } : {}),
      maxLoadAfter: rule.relative ? Math.min(mark, sourceLoad) : Infinity,
    });
    ctx.moves.searches += found.decisions;
    return found;
  };
  const first = find(pass.destinationMark);
  if (first.found || first.noRoom || pass.fallbackMark === undefined || !rule.relative) return first;
  if (ctx.moves.searches >= MAX_DESTINATION_SEARCHES) return first;
  return find(pass.fallbackMark);
}

/** Whether `a` needs at least as much as `b` of every resource. */
function dominates(a: ResourceVector, b: ResourceVector): boolean {
  return (
    a.cpu >= b.cpu &&
    a.memory >= b.memory &&
    a.ephemeralStorage >= b.ephemeralStorage &&
    a.network >= b.network &&
    a.pods >= b.pods
  );
}

/** The largest load below `load`: a destination must end up strictly less loaded than the source was. */
function nextDown(load: number): number {
  return load - Math.max(1e-9, Math.abs(load) * 1e-12);
}

/** The node's planned load is below the cool mark and within every ceiling: stop moving pods off it. */
function isCool(snapshot: PoolSnapshot, i: number, input: RebalanceInput, coolMark: number): boolean {
  return (
    relativeLoad(snapshot, i, input.pool.weights, undefined) < coolMark &&
    overCeilings(snapshot, i, input.pool.ceilings).length === 0
  );
}

function evictionRequest(
  candidate: Candidate,
  source: NodeClassification,
  to: string,
  budgets: string[],
  mean: number,
  mode: MoveMode,
  notes: { forecast: string | undefined },
): EvictionRequest {
  const { pod } = candidate;
  const reading = notes.forecast === undefined ? '' : ' on its forecast';
  const why =
    source.overCeiling.length > 0
      ? `${source.node} is over its ${source.overCeiling.join(', ')} ceiling${reading}`
      : `${source.node} is hot${reading}: load ${Math.round(source.load)}% against a pool mean of ${Math.round(mean)}%`;
  const forecast = notes.forecast === undefined ? '' : ` (forecast: ${notes.forecast})`;
  return {
    kind: 'Evict',
    mode,
    pod: pod.key,
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    from: source.node,
    expectedTo: to,
    ...(candidate.workload !== undefined ? { workload: candidate.workload } : {}),
    priority: candidate.priority,
    budgets,
    usage: candidate.usage,
    reason: `${mode}: ${why}${forecast}; moving ${pod.key} (priority ${candidate.priority}, ${candidate.qos}) to ${to}`,
  };
}

function offPlan(input: RebalanceInput): RebalancePlan {
  const taints: TaintRequest[] = [];
  for (const name of input.pool.members) {
    const info = input.model.node(name);
    if (info && hasHotTaint(info))
      taints.push({ kind: 'Untaint', node: name, taint: HOT_TAINT, reason: 'rebalancing is off' });
  }
  return emptyPlan(taints, new Map(), 'Off', offStatus(input.generation));
}

function stalePlan(
  input: RebalanceInput,
  stale: ReadonlyArray<{ key: string; reason: string }>,
): RebalancePlan {
  // Keep what we knew: heat is carried over unchanged, and no taint is added or lifted on old figures.
  const heat = new Map(input.heat);
  let hot = 0;
  for (const name of input.pool.members) {
    const info = input.model.node(name);
    if (info && (heat.get(name)?.hot ?? hasHotTaint(info))) hot++;
  }
  const status = staleStatus(input.generation, input.pool.members.length, stale, hot);
  return emptyPlan([], heat, 'MetricsStale', status);
}

function emptyPlan(
  taints: TaintRequest[],
  heat: Map<string, NodeHeat>,
  halted: RebalancePlan['halted'],
  status: RebalancePlan['status'],
): RebalancePlan {
  return {
    actions: [...taints],
    evictions: [],
    taints,
    heat,
    classification: [],
    skipped: [],
    skipCounts: {},
    meanLoad: 0,
    destinationSearches: 0,
    ...(halted ? { halted } : {}),
    status,
  };
}
