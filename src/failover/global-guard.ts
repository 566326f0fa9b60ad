/**
 * The global guard: checks that hold every fence, whatever the pool, before the per-pool partition guard
 * (partition-guard.ts) is even asked. The per-pool guard sees one pool; a partition of the operator's own
 * node, or of a zone, shows only across pools:
 *
 * | rule | holds                                    | when                                                  |
 * |------|------------------------------------------|-------------------------------------------------------|
 * | 1    | every pool (`APIServerUnreachable`)      | no request to the API server succeeded within         |
 * |      |                                          | `apiMaxAgeMs` (never, or too long ago)                |
 * | 2    | every pool (`ClusterWideFailure`)        | more than 2 of all probed nodes (every pool) are      |
 * |      |                                          | unhealthy and they are at least 55% of them           |
 * | 3    | pools with an unhealthy member in the    | the same within one `topology.kubernetes.io/zone`     |
 * |      | zone (`ZoneWideFailure`)                 | (nodes without the label form no zone)                |
 *
 * Why: an operator that cannot reach the API server is likely cut off from the nodes too, and whatever it
 * observes of them is stale; and when most nodes of the cluster or of a zone look unhealthy at once, the
 * likelier story is a network partition between the operator and them, not that they all died. The numbers
 * are Kubernetes' own for the same question: kube-controller-manager's `--unhealthy-zone-threshold` (0.55)
 * and its rule that a zone is disrupted only with more than 2 not-ready nodes; in a small cluster (< 50
 * nodes) it then stops evicting altogether, as Fulcrum holds here. "Unhealthy" is the per-pool guard's:
 * Suspect, Failed or Recovering (isUnhealthy), so the guard trips as soon as a partition shows.
 *
 * Pure, O(nodes).
 */

/** Kubernetes' `--unhealthy-zone-threshold` default (0.55), in percent so the comparison is exact. */
export const UNHEALTHY_PERCENT = 55;
/** Kubernetes treats a zone as disrupted only with more than this many not-ready nodes. */
export const MAX_UNHEALTHY_IGNORED = 2;
/** The label Kubernetes puts a node's zone in. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** A node some pool probes; each node appears once (a node belongs to at most one pool). */
export interface ProbedNode {
  name: string;
  /** Its topology.kubernetes.io/zone label, if any. */
  zone?: string;
  /** Suspect, Failed or Recovering (isUnhealthy). */
  unhealthy: boolean;
}

export interface GlobalGuardInput {
  nodes: readonly ProbedNode[];
  /** When a request of the operator to the API server last succeeded (ms), undefined if never. */
  apiLastSuccessAt: number | undefined;
  now: number;
  /** How old that success may be for the operator to trust its view. */
  apiMaxAgeMs: number;
}

export type GlobalHoldReason = 'APIServerUnreachable' | 'ClusterWideFailure' | 'ZoneWideFailure';

export interface GlobalHold {
  reason: GlobalHoldReason;
  message: string;
}

export interface GlobalVerdict {
  /** Set when every pool must hold (rules 1 and 2). */
  all?: GlobalHold;
  /** Zones whose nodes must not be acted on (rule 3), by zone name. */
  zones: ReadonlyMap<string, GlobalHold>;
}

/** Evaluates the rules of the file comment. */
export function globalGuard(input: GlobalGuardInput): GlobalVerdict {
  const api = apiHold(input);
  if (api) return { all: api, zones: new Map() };
  const cluster = shareHold(input.nodes, 'ClusterWideFailure', 'probed nodes of all pools');
  if (cluster) return { all: cluster, zones: new Map() };
  const byZone = new Map<string, ProbedNode[]>();
  for (const node of input.nodes) {
    if (node.zone === undefined || node.zone === '') continue;
    const list = byZone.get(node.zone) ?? [];
    list.push(node);
    byZone.set(node.zone, list);
  }
  const zones = new Map<string, GlobalHold>();
  for (const [zone, nodes] of [...byZone].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const hold = shareHold(nodes, 'ZoneWideFailure', `probed nodes in zone ${zone}`);
    if (hold) zones.set(zone, hold);
  }
  return { zones };
}

/** The hold that applies to a node in `zone` (undefined: none). */
export function globalHoldOf(verdict: GlobalVerdict, zone: string | undefined): GlobalHold | undefined {
  if (verdict.all) return verdict.all;
  return zone === undefined ? undefined : verdict.zones.get(zone);
}

function apiHold(input: GlobalGuardInput): GlobalHold | undefined {
  const last = input.apiLastSuccessAt;
  if (last !== undefined && input.now - last <= input.apiMaxAgeMs) return undefined;
  const when =
    last === undefined
      ? 'no request to the API server has succeeded yet'
      : `the last successful request to the API server was ${Math.round((input.now - last) / 100) / 10}s ago`;
  return {
    reason: 'APIServerUnreachable',
    message: `${when} (limit ${input.apiMaxAgeMs / 1000}s): the operator may be cut off, acting on no node`,
  };
}

function shareHold(
  nodes: readonly ProbedNode[],
  reason: GlobalHoldReason,
  what: string,
): GlobalHold | undefined {
  const unhealthy = nodes.filter((n) => n.unhealthy).length;
  if (unhealthy <= MAX_UNHEALTHY_IGNORED || unhealthy * 100 < UNHEALTHY_PERCENT * nodes.length)
    return undefined;
  return {
    reason,
    message:
      `${unhealthy} of ${nodes.length} ${what} unhealthy at once (at least ${UNHEALTHY_PERCENT}% and more ` +
      `than ${MAX_UNHEALTHY_IGNORED}): suspecting a network partition, acting on no node`,
  };
}
