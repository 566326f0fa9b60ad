/**
 * The node record the informer caches: a pruned V1Node, same shape, holding only the fields Fulcrum reads.
 * A kubelet's node carries its image list, system info and heartbeat timestamps (several KB, rewritten on
 * every heartbeat); none of that is read here. Anything that must write a node reads it from the API
 * server first (the Actuator does: `readNode`, then a JSON patch guarded by resourceVersion).
 *
 * KEPT — every field below, nothing else. If your code starts reading a node field that is not listed,
 * add it here (to the type and to `leanNode`), and to the read-recording test of
 * test/integration/runtime/lean-objects.test.ts. Code typed with `LeanNode` fails to compile when it reads
 * a dropped field.
 *
 * - apiVersion 'v1', kind 'Node' (always set: list items come without them, Events need them)
 * - metadata: as for pods (lean-pod.ts `leanMeta`): name, uid, resourceVersion, generation,
 *   creationTimestamp, deletionTimestamp, labels, annotations (all but last-applied-configuration),
 *   ownerReferences
 * - spec: unschedulable, taints (whole, timeAdded included), providerID, podCIDR
 * - status: allocatable, capacity, conditions (type, status, reason, message, lastTransitionTime; no
 *   heartbeat time), addresses, volumesAttached, volumesInUse, daemonEndpoints
 *
 * DROPPED (read them on demand): managedFields, status.images, status.nodeInfo, status.config,
 * status.runtimeHandlers, status.features, conditions' lastHeartbeatTime, spec.configSource.
 */
import type { V1Node, V1NodeCondition, V1NodeSpec, V1NodeStatus } from '@kubernetes/client-node';
import type { Interner } from './interner.js';
import { leanMeta, plain, type LeanObjectMeta } from './lean-pod.js';
import { pickDefined } from './pick-defined.js';

export type LeanNodeSpec = Pick<V1NodeSpec, 'unschedulable' | 'taints' | 'providerID' | 'podCIDR'>;

export type LeanNodeCondition = Pick<
  V1NodeCondition,
  'type' | 'status' | 'reason' | 'message' | 'lastTransitionTime'
>;

export type LeanNodeStatus = Pick<
  V1NodeStatus,
  'allocatable' | 'capacity' | 'addresses' | 'volumesAttached' | 'volumesInUse' | 'daemonEndpoints'
> & { conditions?: LeanNodeCondition[] };

/** A node as the informer caches it. A V1Node is a LeanNode, so tests may pass full nodes anywhere. */
export interface LeanNode {
  apiVersion?: string;
  kind?: string;
  metadata?: LeanObjectMeta;
  spec?: LeanNodeSpec;
  status?: LeanNodeStatus;
}

/** Prunes `node` to a LeanNode (see the file comment for what is kept). */
export function leanNode(node: V1Node, interner: Interner): LeanNode {
  const lean: LeanNode = { apiVersion: 'v1', kind: 'Node' };
  if (node.metadata) lean.metadata = leanMeta(node.metadata, interner);
  if (node.spec)
    lean.spec = plain(pickDefined(node.spec, ['unschedulable', 'taints', 'providerID', 'podCIDR']));
  if (node.status) lean.status = leanNodeStatus(node.status, interner);
  return lean;
}

function leanNodeStatus(status: V1NodeStatus, interner: Interner): LeanNodeStatus {
  const lean: LeanNodeStatus = plain(
    pickDefined(status, ['addresses', 'volumesAttached', 'volumesInUse', 'daemonEndpoints']),
  );
  if (status.allocatable) lean.allocatable = interner.shared(plain(status.allocatable));
  if (status.capacity) lean.capacity = interner.shared(plain(status.capacity));
  if (status.conditions) {
    lean.conditions = status.conditions.map((c) =>
      plain(pickDefined(c, ['type', 'status', 'reason', 'message', 'lastTransitionTime'])),
    );
  }
  return lean;
}
