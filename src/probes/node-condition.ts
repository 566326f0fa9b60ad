/** The node's Ready condition as a detector observation, pure. */
import type { ConditionObservation, ReadyStatus } from '../failover/detector.js';

/** The parts of a core/v1 Node used here (a V1Node fits). */
export interface NodeWithConditions {
  metadata?: { name?: string };
  status?: {
    conditions?: ReadonlyArray<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

/**
 * The Ready condition of `node` at time `at`. A node without a Ready condition reports Unknown, as the node
 * lifecycle controller treats it.
 */
export function readyObservation(node: NodeWithConditions, at: number): ConditionObservation {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status: ReadyStatus =
    ready?.status === 'True' || ready?.status === 'False' ? ready.status : 'Unknown';
  const observation: ConditionObservation = {
    kind: 'condition',
    node: node.metadata?.name ?? '',
    at,
    status,
  };
  if (ready?.reason) observation.reason = ready.reason;
  if (ready?.message) observation.message = ready.message;
  return observation;
}
