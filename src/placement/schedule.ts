/**
 * The placement decision: one pending pod against the cluster model, as a pure function.
 *
 *  1. Resolve the pool. A pod naming no pool, or a pool that does not exist, is unresolvable at once.
 *  2. Take the pool's snapshot (or use the caller's): members, their usage on the pool's basis, weights and
 *     the verdict of the node filters — read from the model's per-node aggregates, so no pod is scanned.
 *  3. Each pod filter marks, in one tight pass over the snapshot's flat arrays, the members it rejects (a
 *     filter with nothing to check for this pod — no constraint, no tainted node — returns at once); the
 *     strategy scores the rest in one more pass. Nothing is allocated per node and no reason is built.
 *  4. Pick the best feasible node: fewest untolerated PreferNoSchedule taints, highest score, smallest name.
 *  5. Nothing feasible: the filter that marked each member explains why, every other node of the cluster
 *     is rejected as not in the pool, and the reasons are counted into a kube-scheduler style summary.
 *
 * `schedule` changes none of its inputs (it only reuses the snapshot's scratch arrays and caches label
 * columns in it). After `placed`, the caller commits with `assume` (state.ts) before binding, so the next
 * decision sees the pod on its node. Cost: O(pool nodes) array reads, plus O(pool nodes) map lookups when
 * it has to take the snapshot itself.
 */
import type { Taint } from '../model/node-info.js';
import type { PodInfo } from '../model/pod-info.js';
import { DEFAULT_POD_FILTERS } from './filters.js';
import { PoolMembershipFilter } from './node-filters.js';
import { SLOTS, weightedLoadAt } from './load.js';
import { countReasons, NO_POOL_MESSAGE, summarize, unknownPoolMessage } from './reasons.js';
import { SCORE_PLUGINS } from './scoring.js';
import { PoolSnapshot } from './snapshot.js';
import { untoleratedPreferNoSchedule } from './taints.js';
import type {
  Decision,
  NodeFacts,
  NodeRejection,
  PlacementPool,
  UnschedulableDecision,
} from './framework.js';
import type { PlacementContext } from './placement-context.js';
import type { PodFilterPlugin } from './pod-plugins.js';

/** Places `pod` (pending, not yet in the model on any node) in its pool, or says why it cannot. */
export function schedule(pod: PodInfo, ctx: PlacementContext): Decision {
  // 1. The pool.
  if (ctx.podPool === undefined) return podUnresolvable(undefined, NO_POOL_MESSAGE);
  const pool = ctx.pool;
  if (!pool || pool.name !== ctx.podPool)
    return podUnresolvable(ctx.podPool, unknownPoolMessage(ctx.podPool));

  // 2. The snapshot.
  const snapshot = snapshotFor(ctx, pool);

  // 3–4. Filter, score and rank: each pod filter marks the members it rejects, in one pass each.
  const { rejected, scores } = snapshot.scratch();
  const filters = DEFAULT_POD_FILTERS;
  for (let f = 0; f < filters.length; f++)
    (filters[f] as PodFilterPlugin).filterAll(pod, snapshot, rejected, f + 1);
  const cursor = ctx.state?.roundRobinCursor.get(pool.name);
  SCORE_PLUGINS[pool.allocation.strategy].scoreAll({ pod, pool, cursor }, snapshot, rejected, scores);
  const { best, score: bestScore, feasible } = rank(snapshot, rejected, scores, pod.tolerations);

  if (best >= 0) {
    const o = best * SLOTS;
    const load = weightedLoadAt(snapshot.used, snapshot.allocatable, o, pod.requests, pool.weights);
    const node = snapshot.names[best] as string;
    return { kind: 'placed', pool: pool.name, node, score: bestScore, load, feasibleNodes: feasible };
  }

  // 5. Nothing fits: say why, for every node of the cluster.
  return diagnose(ctx, snapshot, explain(pod, snapshot, rejected));
}

/**
 * Above any real tier (a count of taints). A small integer rather than Infinity: mixing Infinity into an
 * integer comparison makes V8 deoptimize the loop and recompile it slower.
 */
const WORST_TIER = 0x3fffffff;

/** The best node, its score, and how many nodes passed every filter. */
interface RankResult {
  best: number;
  score: number;
  feasible: number;
}

/** The candidate with the fewest untolerated PreferNoSchedule taints, then the highest score, then name. */
function rank(
  snapshot: PoolSnapshot,
  rejected: Uint8Array,
  scores: Float64Array,
  tolerations: PodInfo['tolerations'],
): RankResult {
  const { names, taints } = snapshot;
  const tiered = snapshot.anyPreferTaint;
  const order = snapshot.nameOrderIfBuilt(); // integer name comparisons when available
  let best = -1;
  let bestTier = WORST_TIER;
  let bestScore = -Infinity;
  let feasible = 0;
  for (let i = 0; i < rejected.length; i++) {
    if (rejected[i] !== 0) continue;
    feasible++;
    const tier = tiered ? untoleratedPreferNoSchedule(taints[i] as readonly Taint[], tolerations) : 0;
    let value = scores[i] as number;
    if (value !== value) value = -Infinity; // NaN ranks last
    if (
      tier < bestTier ||
      (tier === bestTier &&
        (value > bestScore ||
          (value === bestScore &&
            (order !== undefined
              ? (order[i] as number) < (order[best] as number)
              : (names[i] as string) < (names[best] as string)))))
    ) {
      best = i;
      bestTier = tier;
      bestScore = value;
    }
  }
  return { best, score: bestScore, feasible };
}

/** Why each member was rejected: the node filters' verdict, else the pod filter that marked it. */
function explain(pod: PodInfo, snapshot: PoolSnapshot, rejected: Uint8Array): NodeRejection[] {
  const rejections: NodeRejection[] = [];
  for (let i = 0; i < rejected.length; i++) {
    const mark = rejected[i] as number;
    if (mark === 0) continue;
    const blocked = snapshot.nodeRejections[i];
    if (blocked !== undefined) {
      rejections.push(blocked);
      continue;
    }
    const filter = DEFAULT_POD_FILTERS[mark - 1] as PodFilterPlugin;
    const node = snapshot.names[i] as string;
    rejections.push({
      node,
      plugin: filter.name,
      status: filter.failure,
      reasons: filter.explain(pod, snapshot, i),
    });
  }
  return rejections;
}

/** The caller's snapshot when it is for this pool, else a fresh one. */
export function snapshotFor(ctx: PlacementContext, pool: PlacementPool): PoolSnapshot {
  const given = ctx.snapshot;
  if (given !== undefined && given.pool === pool && given.model === ctx.model) return given;
  return PoolSnapshot.take({ ...ctx, pool });
}

function diagnose(
  ctx: PlacementContext,
  snapshot: PoolSnapshot,
  rejections: NodeRejection[],
): UnschedulableDecision {
  const pool = snapshot.pool;
  // Nodes outside the pool, unless the pool holds every node of the cluster.
  const others = snapshot.size === ctx.model.nodeCount ? [] : ctx.model.allNodes();
  for (const info of others) {
    if (snapshot.indexOf(info.name) !== undefined) continue;
    const facts: NodeFacts = { name: info.name, info, inPool: false, failed: false };
    const status = PoolMembershipFilter.filterNode(facts, pool);
    if (status.code === 'success') continue;
    rejections.push({
      node: info.name,
      plugin: PoolMembershipFilter.name,
      status: status.code,
      reasons: status.reasons,
    });
  }
  const counts = countReasons(rejections);
  return {
    kind: 'unschedulable',
    status: rejections.some((r) => r.status === 'unschedulable') ? 'unschedulable' : 'unresolvable',
    pool: pool.name,
    rejections,
    counts,
    summary: summarize(ctx.model.nodeCount, counts),
  };
}

function podUnresolvable(pool: string | undefined, summary: string): UnschedulableDecision {
  return { kind: 'unschedulable', status: 'unresolvable', pool, rejections: [], counts: [], summary };
}
