/**
 * The partition guard: when too many of a pool's nodes look unhealthy at once, the likelier story is that the
 * operator (or its network) is cut off from them, not that they all died; fencing them and deleting their pods
 * would turn a network blip into an outage. So beyond `maxUnhealthy`, act on no node at all.
 *
 * What counts as unhealthy: Suspect, Failed and Recovering nodes, not just Failed ones. In a partition every
 * cut-off node fails its first probe within one period, but they cross failureThreshold one by one (jitter,
 * probe order); counting only Failed nodes would let the first few be fenced before the guard trips. Counting
 * Suspect ones too makes the guard trip as soon as the partition shows, before any node is Failed.
 * Recovering nodes are still fenced and not yet trusted, so they count as well.
 *
 * How many may fail (`allowedUnhealthy`): a percentage is resolved against the pool size rounding down, as
 * Kubernetes resolves maxUnavailable, but a non-zero percentage allows at least one node: rounding "30%" of a
 * 3-node pool down to 0 would mean small pools never fail over at all, the opposite of what anyone writing
 * 30% wants. An integer is taken as written. Either way, never the whole pool: when every node of a pool
 * fails at once, the likeliest story is that the operator is cut off, and there would be no healthy member
 * left to take the pods anyway. So a 1-node pool never fails over, and "0%" or 0 disables acting. The pool
 * trips when unhealthy > allowed.
 *
 * Small pools: in a pool of 1 or 2 nodes the share of unhealthy nodes says nothing (one node is half the
 * pool), so a Failed node there is acted on only while at least two channels fail *now* (failingChannels),
 * never on one channel plus the detector's memory of an earlier failure.
 *
 * Before all this, the global guard (global-guard.ts: API server reachable, cluster-wide and zone-wide
 * shares) may hold the pool: its verdict comes in as `global`, and a hold that covers the whole cluster, or
 * the zone of any unhealthy member, makes the pool PartitionSuspected with the global reason.
 */
import { scaledIntOrPercent, type IntOrPercent } from '../api/index.js';
import type { NodeHealthState } from './detector.js';
import { failingChannels } from './evidence.js';
import { globalHoldOf, type GlobalHoldReason, type GlobalVerdict } from './global-guard.js';

/** A pool never fences on one channel when it has at most this many nodes. */
export const SMALL_POOL_SIZE = 2;

export interface GuardInput {
  /** The pool's member nodes; the pool size is their number. */
  members: readonly string[];
  /** Detector state per node; a member without one counts as Healthy. */
  health: ReadonlyMap<string, NodeHealthState>;
  maxUnhealthy: IntOrPercent;
  /** The global guard's verdict (global-guard.ts); default: nothing held. */
  global?: GlobalVerdict;
  /** A member's topology.kubernetes.io/zone, for the global guard's zone holds. */
  zoneOf?: (node: string) => string | undefined;
}

interface GuardCounts {
  poolSize: number;
  /** maxUnhealthy resolved against poolSize. */
  allowed: number;
  /** Unhealthy members (Suspect, Failed, Recovering), sorted by name. */
  unhealthy: string[];
  /** Failed members, sorted by name. */
  failed: string[];
}

/** Failover may proceed on the Failed nodes in `act` (sorted by name; possibly none). */
export interface ProceedVerdict extends GuardCounts {
  verdict: 'Proceed';
  act: string[];
  message: string;
}

/** Why a pool holds: its own maxUnhealthy, or a rule of the global guard. */
export type PartitionReason = 'TooManyUnhealthyNodes' | GlobalHoldReason;

/** More nodes are unhealthy than allowed, or the global guard holds: act on none (`act` is always empty). */
export interface PartitionVerdict extends GuardCounts {
  verdict: 'PartitionSuspected';
  reason: PartitionReason;
  act: readonly [];
  message: string;
}

export type GuardVerdict = ProceedVerdict | PartitionVerdict;

/** How many names a message lists before "and N more". */
const MESSAGE_NODES = 5;

/**
 * Decides whether failover may act in this pool, and on which nodes. Pure and O(members).
 * Throws only if `maxUnhealthy` is malformed (the schema rejects those).
 */
export function partitionGuard(input: GuardInput): GuardVerdict {
  const unhealthy: string[] = [];
  const failed: string[] = [];
  let suspect = 0;
  for (const name of input.members) {
    const state = input.health.get(name);
    if (!state || state.health === 'Healthy') continue;
    unhealthy.push(name);
    if (state.health === 'Failed') failed.push(name);
    else if (state.health === 'Suspect') suspect++;
  }
  unhealthy.sort();
  failed.sort();
  const poolSize = input.members.length;
  const allowed = allowedUnhealthy(input.maxUnhealthy, poolSize);
  const counts: GuardCounts = { poolSize, allowed, unhealthy, failed };
  const limit = `maxUnhealthy ${String(input.maxUnhealthy)} allows ${allowed} of ${poolSize}`;
  const global = globalHold(input, unhealthy);
  if (global) {
    return {
      ...counts,
      verdict: 'PartitionSuspected',
      reason: global.reason,
      act: [],
      message: global.message,
    };
  }
  if (unhealthy.length > allowed) {
    const recovering = unhealthy.length - failed.length - suspect;
    return {
      ...counts,
      verdict: 'PartitionSuspected',
      reason: 'TooManyUnhealthyNodes',
      act: [],
      message:
        `${unhealthy.length} of ${poolSize} nodes unhealthy at once (${failed.length} failed, ${suspect} suspect` +
        `${recovering > 0 ? `, ${recovering} recovering` : ''}: ${listNodes(unhealthy)}); ${limit}: ` +
        'suspecting a network partition, acting on no node',
    };
  }
  const { act, held } = smallPoolAct(input, failed);
  const holding = held.length
    ? `; a pool of ${poolSize} acts only on two failing channels, holding ${listNodes(held)}`
    : '';
  return {
    ...counts,
    verdict: 'Proceed',
    act,
    message: `${unhealthy.length} of ${poolSize} nodes unhealthy; ${limit}${holding}`,
  };
}

/** The global guard's hold on this pool: a cluster-wide one, or the zone of an unhealthy member. */
function globalHold(input: GuardInput, unhealthy: readonly string[]) {
  if (!input.global) return undefined;
  if (input.global.all) return input.global.all;
  for (const name of unhealthy) {
    const hold = globalHoldOf(input.global, input.zoneOf?.(name));
    if (hold) return hold;
  }
  return undefined;
}

/** Small pools act only on Failed nodes that two channels show failing now; see the file comment. */
function smallPoolAct(input: GuardInput, failed: string[]): { act: string[]; held: string[] } {
  if (input.members.length > SMALL_POOL_SIZE) return { act: failed, held: [] };
  const act: string[] = [];
  const held: string[] = [];
  for (const name of failed) {
    const evidence = input.health.get(name)?.evidence;
    (evidence && failingChannels(evidence) >= 2 ? act : held).push(name);
  }
  return { act, held };
}

/** How many of `poolSize` nodes may be unhealthy at once; see the file comment. */
export function allowedUnhealthy(maxUnhealthy: IntOrPercent, poolSize: number): number {
  const resolved = scaledIntOrPercent(maxUnhealthy, poolSize, 'down');
  const atLeastOne =
    typeof maxUnhealthy === 'string' && !/^0+%$/.test(maxUnhealthy) ? Math.max(1, resolved) : resolved;
  return Math.max(0, Math.min(atLeastOne, poolSize - 1));
}

function listNodes(names: readonly string[]): string {
  const shown = names.slice(0, MESSAGE_NODES).join(', ');
  return names.length > MESSAGE_NODES ? `${shown} and ${names.length - MESSAGE_NODES} more` : shown;
}
