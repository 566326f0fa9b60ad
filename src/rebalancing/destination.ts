/**
 * Where an evicted pod's replacement would go, asked of the placement engine itself (`schedule` on the
 * planning snapshot, where hot nodes are blocked), so a move is planned only when a node within every
 * ceiling exists — and, in pools that spread load, only when that node ends up less loaded than the source
 * and clear of the breach mark, so the move narrows the spread and cannot make a new hot node.
 */
import type { ClusterModel } from '../model/cluster-model.js';
import type { PodInfo } from '../model/pod-info.js';
import type { ResourceVector } from '../model/resources.js';
import { fitsCeilingsAt, SLOTS } from '../placement/load.js';
import { schedule } from '../placement/schedule.js';
import type { PoolSnapshot } from '../placement/snapshot.js';
import type { PlacementState } from '../placement/state.js';
import type { PlacementContext } from '../placement/placement-context.js';
import type { ClosedNodes } from './closed-nodes.js';
import type { SkipReason } from './rebalance-plan.js';

export interface DestinationQuery {
  model: ClusterModel;
  snapshot: PoolSnapshot;
  /** Nodes that must not receive pods, blocked on the snapshot when the engine picks one. */
  closed: ClosedNodes;
  /** The coolest open nodes (nearby-nodes.ts), searched first when given. */
  nearby?: PoolSnapshot;
  now: number;
  state?: PlacementState;
  /**
   * Highest load (percent, after the move) a destination may reach: below the source's, and with margin
   * below the breach mark. Infinity when only ceilings count (BinPack).
   */
  maxLoadAfter: number;
}

export const NO_ROOM = 'no node has room within the ceilings';

export type Destination = (
  | { found: true; node: string; loadAfter: number }
  | { found: false; reason: SkipReason; detail: string; noRoom?: boolean }
) & {
  /** Placement decisions made: on the nearby nodes, then the whole pool, once more per closed node picked. */
  decisions: number;
};

/** Closed nodes the engine may pick in a row before the search gives up. */
const MAX_CLOSED_PICKS = 8;

/**
 * A destination for `pod` needing `demand` (the larger of its requests and its measured usage, so the move
 * cannot overshoot a ceiling on the Usage basis either).
 */
export function findDestination(pod: PodInfo, demand: ResourceVector, query: DestinationQuery): Destination {
  const candidate = { ...pod, nodeName: undefined, requests: demand };
  let decisions = 0;
  if (query.nearby !== undefined && anyRoom(query.nearby, demand, query.closed)) {
    decisions++;
    const decision = schedule(candidate, contextOf(query, query.nearby));
    if (decision.kind === 'placed' && decision.load <= query.maxLoadAfter)
      return { found: true, node: decision.node, loadAfter: decision.load, decisions };
  }
  const { snapshot, closed } = query;
  // A cheap scan first: when no open node has room, skip `schedule`, whose diagnosis explains every node.
  if (!anyRoom(snapshot, demand, closed))
    return { found: false, reason: 'NoDestination', detail: NO_ROOM, noRoom: true, decisions };
  const ctx = contextOf(query, snapshot);
  for (let picks = 0; picks < MAX_CLOSED_PICKS; picks++) {
    decisions++;
    const decision = schedule(candidate, ctx);
    if (decision.kind !== 'placed')
      return { found: false, reason: 'NoDestination', detail: decision.summary, decisions };
    if (closed.has(decision.node)) {
      closed.block(decision.node); // hot or breaching: never a destination; ask again without it
      continue;
    }
    if (decision.load > query.maxLoadAfter) {
      return {
        found: false,
        reason: 'DestinationWouldBeHot',
        detail: `${decision.node} would reach ${decision.load.toFixed(1)}% (mark ${query.maxLoadAfter.toFixed(1)}%)`,
        decisions,
      };
    }
    return { found: true, node: decision.node, loadAfter: decision.load, decisions };
  }
  return {
    found: false,
    reason: 'NoDestination',
    detail: 'only hot or breaching nodes have room',
    decisions,
  };
}

function contextOf(query: DestinationQuery, snapshot: PoolSnapshot): PlacementContext {
  const pool = snapshot.pool;
  return {
    model: query.model,
    podPool: pool.name,
    pool,
    now: query.now,
    snapshot,
    ...(query.state ? { state: query.state } : {}),
  };
}

/** Some open node (not blocked, not closed) has room for `demand` within the ceilings. */
function anyRoom(snapshot: PoolSnapshot, demand: ResourceVector, closed: ClosedNodes): boolean {
  const { used, allocatable, blocked, names } = snapshot;
  const ceilings = snapshot.pool.ceilings;
  for (let i = 0, o = 0; i < snapshot.size; i++, o += SLOTS) {
    if (
      blocked[i] === 0 &&
      fitsCeilingsAt(used, o, allocatable, o, demand, ceilings) &&
      !closed.has(names[i] as string)
    )
      return true;
  }
  return false;
}
