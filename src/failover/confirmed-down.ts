/**
 * Confirmed down, pure: the only state of a failed node in which its at-most-once pods (pod-class.ts) are
 * released: the out-of-service taint is written and they are force-deleted (grace period 0). Kubernetes
 * documents that taint as "only after the node is verified shut down"; a node that is merely unreachable
 * from the operator keeps running its containers, and a released StatefulSet pod would then run twice.
 *
 * A node is confirmed down when one of these holds (checked in this order):
 * 1. **NodeDeleted** — the Node object is gone (an administrator or a cloud controller removed the machine).
 * 2. **FenceAgent** — the node is Failed and carries the annotation `fulcrum.io/fence-confirmed` with an
 *    RFC 3339 time that is later than the kubelet's last Lease renewal (`renewTime`): a fence agent (a
 *    power-off hook, medik8s-style fencing, an IPMI script) writes it once the machine is off. A time older
 *    than the last renewal is a leftover of an earlier fence (the kubelet renewed after it) and is ignored.
 *    Fulcrum removes the annotation when it unfences the node.
 * 3. **OutOfServiceTaint** — the node is Failed and carries `node.kubernetes.io/out-of-service` that
 *    Fulcrum did not write (its fence marker says `tainted: false`): an administrator declared it shut down,
 *    as Kubernetes' non-graceful node shutdown procedure asks.
 * 4. **SafeTime** — the node is Failed, its probe is failing, its Lease is missed, and both have been silent
 *    for the pool's `failover.safeTime`, measured on the operator's clock within this leadership term: since
 *    the later of the first failed probe of the current streak and the last Lease renewal this term saw (or
 *    its first sighting of the Lease). A new leader therefore waits a full safe time again. The probe is
 *    required: the Lease and the Ready condition both come from the kubelet's own link to the API server
 *    (Ready turns Unknown because the Lease stops), so without the probe they are one signal, not two. A pool
 *    with `probe.type: Lease`, or a node whose probe never answered in this term, is released only by 1–3.
 *
 * The safe time is the operator's promise to the workload: by then a node cut off from the control plane has
 * stopped its containers itself (a watchdog, self-node-remediation's reboot) or has been powered off. Pick it
 * from how your nodes self-fence; the default, 5 minutes, is Kubernetes' own pod eviction timeout.
 */
import type { NodeInfo } from '../model/node-info.js';
import type { NodeHealthState } from './detector.js';
import { readFenceMarker } from './fence-marker.js';

/** Node annotation a fence agent sets, value an RFC 3339 time, once the machine is verified off. */
export const FENCE_CONFIRMED_ANNOTATION = 'fulcrum.io/fence-confirmed';

const OUT_OF_SERVICE_TAINT_KEY = 'node.kubernetes.io/out-of-service';

export type ConfirmedBy = 'NodeDeleted' | 'FenceAgent' | 'OutOfServiceTaint' | 'SafeTime';

export type ConfirmedDown =
  | { down: true; by: ConfirmedBy; message: string }
  | {
      down: false;
      message: string;
      /** When the safe time runs out if the evidence holds until then (ms since the epoch, operator clock). */
      releaseAt?: number;
    };

export interface ConfirmedDownInput {
  /** The node as observed; undefined when the Node object is gone. */
  node: NodeInfo | undefined;
  /** The detector's state of the node in this term. */
  health: NodeHealthState;
  /** The pool's failover.safeTime in ms. */
  safeTimeMs: number;
  /** The kubelet's last Lease renewTime (ms since the epoch), if the Lease exists and has one. */
  leaseRenewTime: number | undefined;
  now: number;
}

/** Whether the node is confirmed down; see the file comment for the rules. */
export function confirmedDown(input: ConfirmedDownInput): ConfirmedDown {
  const { node, health } = input;
  if (!node) return { down: true, by: 'NodeDeleted', message: 'the Node object is gone' };
  if (health.health !== 'Failed') {
    return { down: false, message: `node ${node.name} is ${health.health}, not Failed` };
  }
  const fenced = fenceAgentTime(node);
  if (fenced !== undefined && (input.leaseRenewTime === undefined || fenced > input.leaseRenewTime)) {
    return {
      down: true,
      by: 'FenceAgent',
      message: `a fence agent confirmed it off at ${new Date(fenced).toISOString()} (${FENCE_CONFIRMED_ANNOTATION})`,
    };
  }
  if (taintedBySomeoneElse(node)) {
    return {
      down: true,
      by: 'OutOfServiceTaint',
      message: `it carries ${OUT_OF_SERVICE_TAINT_KEY}, set by an administrator`,
    };
  }
  return safeTimeVerdict(input);
}

function safeTimeVerdict(input: ConfirmedDownInput): ConfirmedDown {
  const { health, safeTimeMs, now } = input;
  const safe = seconds(safeTimeMs);
  if (health.evidence.probe !== 'failing' || health.probeFailingSince === undefined) {
    return {
      down: false,
      message:
        `its probe is not failing (${health.evidence.probe}): the Lease and Ready alone never confirm a node down; ` +
        `waiting for a fence agent (${FENCE_CONFIRMED_ANNOTATION}) or the Node's deletion`,
    };
  }
  const silent = leaseSilentSince(health);
  if (silent === undefined) {
    return { down: false, message: `its Lease is ${health.evidence.lease}, not missed: waiting` };
  }
  const since = Math.max(silent, health.probeFailingSince);
  const releaseAt = since + safeTimeMs;
  if (now >= releaseAt) {
    return {
      down: true,
      by: 'SafeTime',
      message: `probe failing and Lease not renewed for the safe time (${safe}) since ${new Date(since).toISOString()}`,
    };
  }
  return {
    down: false,
    message:
      `probe failing and Lease not renewed since ${new Date(since).toISOString()}: released at ` +
      `${new Date(releaseAt).toISOString()} (safe time ${safe}) unless a fence agent confirms sooner`,
    releaseAt,
  };
}

/** Since when the Lease has been silent in this term, if it is missed now. */
export function leaseSilentSince(health: NodeHealthState): number | undefined {
  if (health.evidence.lease !== 'missed' || health.leaseFirstSeenAt === undefined) return undefined;
  return Math.max(health.leaseRenewedAt ?? Number.NEGATIVE_INFINITY, health.leaseFirstSeenAt);
}

/** The fence agent's confirmation time, if the annotation holds a readable RFC 3339 time. */
export function fenceAgentTime(node: NodeInfo): number | undefined {
  const value = node.annotations[FENCE_CONFIRMED_ANNOTATION];
  if (value === undefined || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function taintedBySomeoneElse(node: NodeInfo): boolean {
  if (!node.taints.some((t) => t.key === OUT_OF_SERVICE_TAINT_KEY)) return false;
  const marker = readFenceMarker(node.annotations);
  // No marker, or a marker that says Fulcrum did not add it; an unreadable marker proves nothing.
  return marker === undefined || (marker !== 'invalid' && !marker.tainted);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
