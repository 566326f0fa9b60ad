/**
 * Every node of a pod's pool as the placement engine sees it right now: the feasible ones with the strategy's
 * score and the load the pod would bring them to, ranked as `schedule` ranks them (fewest untolerated
 * PreferNoSchedule taints, highest score, smallest name), and the rejected ones with the reasons the engine
 * gives in FailedScheduling. The same filter and score plugins, on the same pool snapshot, as `schedule`
 * (schedule.ts steps 2–4); a unit test checks that the first feasible node is the one `schedule` picks. Pure.
 */
import type { PodInfo } from '../model/pod-info.js';
import {
  DEFAULT_POD_FILTERS,
  snapshotFor,
  type NodeRejection,
  type PlacementContext,
  type PodFilterPlugin,
} from '../placement/index.js';
import { SLOTS, weightedLoadAt } from '../placement/load.js';
import { reasonLabel } from '../placement/reasons.js';
import { SCORE_PLUGINS } from '../placement/scoring.js';
import { untoleratedPreferNoSchedule } from '../placement/taints.js';

export interface FeasibleNode {
  node: string;
  /** The strategy's score (higher wins; the scale depends on the strategy). */
  score: number;
  /** The node's weighted load with the pod on it, percent. */
  load: number;
  /** Untolerated PreferNoSchedule taints (the hot taint among them): nodes with fewer rank first. */
  preferNoScheduleTaints: number;
}

export interface RejectedNode {
  node: string;
  /** The filter that rejected the node. */
  filter: string;
  /** `unschedulable`: only resources are short; `unresolvable`: nothing other pods do would help. */
  status: 'unschedulable' | 'unresolvable';
  reasons: string[];
}

export interface NodeVerdicts {
  /** Best first: `feasible[0]` is where `schedule` would place the pod. */
  feasible: FeasibleNode[];
  rejected: RejectedNode[];
}

/** The verdict on every member of the pool `ctx.pool` for `pod` (which must not be on a node in the model). */
export function nodeVerdicts(
  pod: PodInfo,
  ctx: PlacementContext & { pool: NonNullable<PlacementContext['pool']> },
): NodeVerdicts {
  const pool = ctx.pool;
  const snapshot = snapshotFor(ctx, pool);
  const { rejected, scores } = snapshot.scratch();
  DEFAULT_POD_FILTERS.forEach((filter, f) => filter.filterAll(pod, snapshot, rejected, f + 1));
  const cursor = ctx.state?.roundRobinCursor.get(pool.name);
  SCORE_PLUGINS[pool.allocation.strategy].scoreAll({ pod, pool, cursor }, snapshot, rejected, scores);
  const feasible: FeasibleNode[] = [];
  const refused: RejectedNode[] = [];
  for (let i = 0; i < snapshot.size; i++) {
    const node = snapshot.names[i] as string;
    const mark = rejected[i] as number;
    if (mark === 0) {
      const score = scores[i] as number;
      feasible.push({
        node,
        score: Number.isNaN(score) ? -Infinity : score,
        load: weightedLoadAt(snapshot.used, snapshot.allocatable, i * SLOTS, pod.requests, pool.weights),
        preferNoScheduleTaints: untoleratedPreferNoSchedule(snapshot.taints[i] ?? [], pod.tolerations),
      });
      continue;
    }
    const rejection: NodeRejection = snapshot.nodeRejections[i] ?? podFilterRejection(pod, snapshot, i, mark);
    refused.push({
      node,
      filter: rejection.plugin,
      status: rejection.status,
      reasons: rejection.reasons.map(reasonLabel),
    });
  }
  feasible.sort(
    (a, b) =>
      a.preferNoScheduleTaints - b.preferNoScheduleTaints ||
      b.score - a.score ||
      (a.node < b.node ? -1 : a.node > b.node ? 1 : 0),
  );
  refused.sort((a, b) => (a.node < b.node ? -1 : 1));
  return { feasible, rejected: refused };
}

function podFilterRejection(
  pod: PodInfo,
  snapshot: Parameters<PodFilterPlugin['explain']>[1],
  i: number,
  mark: number,
): NodeRejection {
  const filter = DEFAULT_POD_FILTERS[mark - 1] as PodFilterPlugin;
  return {
    node: snapshot.names[i] as string,
    plugin: filter.name,
    status: filter.failure,
    reasons: filter.explain(pod, snapshot, i),
  };
}
