/**
 * The node filters, in the order they run; they return `SUCCESS` or their reasons (one shared constant per
 * data-free reason). They they see one node's facts, not the pod, so the snapshot runs them once per node when it
 * is taken (snapshot.ts) and every decision starts from their verdicts. Pod filters are in filters.ts.
 */
import {
  constantFailure,
  SUCCESS,
  type FilterStatus,
  type NodeFacts,
  type NodeFilterPlugin,
  type PlacementPool,
} from './framework.js';

const NODE_FAILED = constantFailure('unresolvable', { code: 'NodeFailed' });
const NODE_NOT_READY = constantFailure('unresolvable', { code: 'NodeNotReady' });
const NODE_UNSCHEDULABLE = constantFailure('unresolvable', { code: 'NodeUnschedulable' });

/** The node belongs to the pod's pool. Pods never leave their pool, whatever the pressure. */
export const PoolMembershipFilter: NodeFilterPlugin = {
  name: 'PoolMembership',
  filterNode(node: NodeFacts, pool: PlacementPool): FilterStatus {
    return node.inPool
      ? SUCCESS
      : { code: 'unresolvable', reasons: [{ code: 'NotInPool', pool: pool.name }] };
  },
};

/** The node is Ready, not cordoned, and not marked failed by the failure detector. */
export const NodeReadyFilter: NodeFilterPlugin = {
  name: 'NodeReady',
  filterNode(node: NodeFacts): FilterStatus {
    if (node.failed) return NODE_FAILED;
    if (!node.info.ready) return NODE_NOT_READY;
    if (node.info.unschedulable) return NODE_UNSCHEDULABLE;
    return SUCCESS;
  },
};

/** Node filters, evaluated once per node when a snapshot is taken, in this order. */
export const DEFAULT_NODE_FILTERS: readonly NodeFilterPlugin[] = [PoolMembershipFilter, NodeReadyFilter];
