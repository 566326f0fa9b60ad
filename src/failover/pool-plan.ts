/**
 * One failover decision for a whole pool, pure: the partition guard first, then a plan per Failed node it
 * admits, and unfence plans for the nodes Fulcrum fenced that are Healthy again. This is what the failover
 * controller calls once per reconcile; the actuator then applies the actions (DryRun, budgets, Events).
 *
 * Guarantees: with `PartitionSuspected` (from the pool's own guard or the global one, `global`), no failover
 * plan at all (unfencing a recovered node is still planned: its own probes vouch for it); with mode Off, no
 * plan of any kind; the operator's own node is never failed over; otherwise those of planFailover and
 * planUnfence. O(members + pods on the failed nodes).
 */
import type { EnforcementMode, IntOrPercent } from '../api/index.js';
import type { NodeInfo } from '../model/node-info.js';
import type { PodInfo } from '../model/pod-info.js';
import { provenHealthy, type DetectorConfig, type NodeHealthState } from './detector.js';
import { readFenceMarker } from './fence-marker.js';
import { partitionGuard, type GuardInput, type GuardVerdict } from './partition-guard.js';
import {
  planFailover,
  planUnfence,
  type FailoverPlan,
  type FailoverPlanInput,
  type RecoveryPlan,
} from './recovery-plan.js';

export interface PoolPlanInput
  extends
    Pick<GuardInput, 'global' | 'zoneOf'>,
    Pick<
      FailoverPlanInput,
      | 'pool'
      | 'fencing'
      | 'policyOf'
      | 'ownerKind'
      | 'isMirrorPod'
      | 'now'
      | 'outOfServiceEffect'
      | 'safeTimeMs'
      | 'leaseRenewTime'
    > {
  mode: EnforcementMode;
  maxUnhealthy: IntOrPercent;
  members: readonly string[];
  health: ReadonlyMap<string, NodeHealthState>;
  /** The node as last observed; a member the model does not hold yet is skipped. */
  nodeInfo: (name: string) => NodeInfo | undefined;
  /** The pods bound to a node (podsOnNode over the model). Called only for fenced Failed nodes. */
  podsOf: (name: string) => Iterable<PodInfo>;
  /** The caller confirms the fence writes for this node were accepted. */
  fenced: (name: string) => boolean;
  /** The caller saw this node fenced in this term (FailoverPlanInput.fenceSeen); default never. */
  fenceSeen?: (name: string) => boolean;
  /** The pool's detector settings: a fenced node is unfenced only once provenHealthy. */
  detector: DetectorConfig;
  /**
   * Whether the pool's probe channel can be believed (probesUsable): when most probes are refused the pool
   * fails over no node at all, and says so in ProbesHealthy. Default true.
   */
  probesUsable?: boolean;
  /**
   * The node the operator itself runs on ($NODE_NAME), if known: it is never failed over. An operator that
   * can still reconcile is evidence its node is up, and fencing it would take the operator down mid-plan.
   */
  ownNode?: string;
}

export interface PoolPlan {
  verdict: GuardVerdict;
  /** One plan per Failed node the guard admitted (Fence or Reschedule), in node-name order. */
  failover: FailoverPlan[];
  /** Unfence plans for Healthy members that carry Fulcrum's fence marker, in node-name order. */
  unfence: RecoveryPlan[];
}

/** Plans failover for one pool; see the file comment. */
export function planPool(input: PoolPlanInput): PoolPlan {
  const verdict = partitionGuard(input);
  if (input.mode === 'Off') return { verdict, failover: [], unfence: [] };
  const failover: FailoverPlan[] = [];
  const act = input.probesUsable === false ? [] : verdict.act.filter((name) => name !== input.ownNode);
  for (const name of act) {
    const node = input.nodeInfo(name);
    const health = input.health.get(name);
    if (!node || !health) continue;
    const fenced = input.fenced(name);
    failover.push(
      planFailover({
        ...input,
        node,
        health,
        fenced,
        fenceSeen: input.fenceSeen?.(name) ?? false,
        // Pods are only looked at once the plan can delete them.
        pods: fenced ? input.podsOf(name) : [],
      }),
    );
  }
  const unfence: RecoveryPlan[] = [];
  for (const name of [...input.members].sort()) {
    const node = input.nodeInfo(name);
    const health = input.health.get(name);
    if (!node || !health || (health.health !== 'Healthy' && health.health !== 'Degraded')) continue;
    if (readFenceMarker(node.annotations) === undefined) continue;
    unfence.push(planUnfence({ node, health, proven: provenHealthy(health, input.detector) }));
  }
  return { verdict, failover, unfence };
}
