/**
 * Whether every pod a node must give up fits on the pool's other nodes below the ceilings, asked of the
 * placement engine itself (`schedule` on the planning snapshot, where draining nodes are blocked), pod by
 * pod, largest first, each accounted on the snapshot so the next one sees it. All or nothing: when one pod
 * finds no node, every pod accounted for this node is taken back.
 */
import { demandOf } from '../rebalancing/index.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { PodInfo } from '../model/pod-info.js';
import { CEILING_RESOURCES, type ResourceVector } from '../model/resources.js';
import { schedule } from '../placement/schedule.js';
import type { PoolSnapshot } from '../placement/snapshot.js';

export interface FitContext {
  model: ClusterModel;
  /** The planning snapshot: the node being drained and every other draining node are blocked on it. */
  snapshot: PoolSnapshot;
  now: number;
  podUsage?: ReadonlyMap<string, ResourceVector>;
  /** Highest weighted load (percent, after the move) a destination may reach; Infinity for ceilings only. */
  maxLoadAfter: number;
  /** Placement decisions left in this plan; each pod tried spends one. */
  decisions: { left: number };
}

export interface PlannedMove {
  pod: PodInfo;
  to: string;
  demand: ResourceVector;
}

export type Fit =
  { ok: true; moves: PlannedMove[] } | { ok: false; reason: 'NoRoom' | 'SearchLimit'; detail: string };

export function fitElsewhere(pods: readonly PodInfo[], ctx: FitContext): Fit {
  const { snapshot } = ctx;
  const pool = snapshot.pool;
  const sized = pods
    .map((pod) => ({ pod, demand: demandOf(pod, ctx.podUsage?.get(pod.key)) }))
    .sort(
      (a, b) => share(b.demand, snapshot) - share(a.demand, snapshot) || (a.pod.key < b.pod.key ? -1 : 1),
    );
  const moves: PlannedMove[] = [];
  const undo = (): void => {
    for (const m of moves) snapshot.account(m.to, m.demand, -1);
  };
  for (const { pod, demand } of sized) {
    if (ctx.decisions.left <= 0) {
      undo();
      return { ok: false, reason: 'SearchLimit', detail: 'placement decisions for this interval are spent' };
    }
    ctx.decisions.left--;
    const decision = schedule(
      { ...pod, nodeName: undefined, requests: demand },
      { model: ctx.model, podPool: pool.name, pool, now: ctx.now, snapshot },
    );
    if (decision.kind !== 'placed' || decision.load > ctx.maxLoadAfter) {
      undo();
      const detail =
        decision.kind === 'placed'
          ? `${pod.key} would take ${decision.node} to ${decision.load.toFixed(1)}% load`
          : `${pod.key}: ${decision.summary}`;
      return { ok: false, reason: 'NoRoom', detail };
    }
    snapshot.account(decision.node, demand, 1);
    moves.push({ pod, to: decision.node, demand });
  }
  return { ok: true, moves };
}

/** The pod's largest share of the first member's allocatable: the first-fit-decreasing key. */
function share(demand: ResourceVector, snapshot: PoolSnapshot): number {
  let largest = 0;
  for (let k = 0; k < CEILING_RESOURCES.length; k++) {
    const r = CEILING_RESOURCES[k] as (typeof CEILING_RESOURCES)[number];
    const allocatable = snapshot.size > 0 ? (snapshot.allocatable[k] as number) : 0;
    if (allocatable > 0) largest = Math.max(largest, demand[r] / allocatable);
  }
  return largest;
}
