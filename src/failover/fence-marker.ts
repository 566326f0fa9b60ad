/**
 * The fence marker: an annotation Fulcrum writes on a node it fences, recording what it changed, so that on
 * recovery it undoes exactly that and nothing an administrator did (a node cordoned by hand stays cordoned).
 * It also survives operator restarts: a restarted operator knows which nodes it fenced, and since when.
 *
 * Value: JSON, for example `{"pool":"general","cordoned":true,"tainted":true,"at":"2026-05-04T10:00:00.000Z"}`.
 * When someone uncordons a fenced node by hand, Fulcrum adds `"uncordonedAt"` (when it saw it) and respects
 * it: the node is not cordoned again until a failure that began after that (recovery-plan.ts).
 */

export const FENCED_BY_ANNOTATION = 'fulcrum.io/fenced-by';

export interface FenceMarker {
  /** The pool whose failover fenced the node. */
  pool: string;
  /** Fulcrum set spec.unschedulable (the node was schedulable before). */
  cordoned: boolean;
  /** Fulcrum added the out-of-service taint (the node did not carry it before). */
  tainted: boolean;
  /** When the fence was first written, in milliseconds since the epoch. */
  at: number;
  /** When Fulcrum saw the node uncordoned by someone else while fenced (ms since the epoch). */
  uncordonedAt?: number;
}

/** The annotation value for `marker`. */
export function formatFenceMarker(marker: FenceMarker): string {
  return JSON.stringify({
    pool: marker.pool,
    cordoned: marker.cordoned,
    tainted: marker.tainted,
    at: new Date(marker.at).toISOString(),
    ...(marker.uncordonedAt !== undefined
      ? { uncordonedAt: new Date(marker.uncordonedAt).toISOString() }
      : {}),
  });
}

/**
 * Reads the marker from a node's annotations: undefined when absent, 'invalid' when present but unreadable
 * (edited by hand); callers then leave the node as it is rather than guess what to undo.
 */
export function readFenceMarker(
  annotations: Readonly<Record<string, string>> | undefined,
): FenceMarker | 'invalid' | undefined {
  const value = annotations?.[FENCED_BY_ANNOTATION];
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'invalid';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'invalid';
  const { pool, cordoned, tainted, at, uncordonedAt } = parsed as Record<string, unknown>;
  const time = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  if (typeof pool !== 'string' || typeof cordoned !== 'boolean' || typeof tainted !== 'boolean') {
    return 'invalid';
  }
  if (Number.isNaN(time)) return 'invalid';
  if (uncordonedAt === undefined) return { pool, cordoned, tainted, at: time };
  const uncordoned = typeof uncordonedAt === 'string' ? Date.parse(uncordonedAt) : Number.NaN;
  if (Number.isNaN(uncordoned)) return 'invalid';
  return { pool, cordoned, tainted, at: time, uncordonedAt: uncordoned };
}

/**
 * When a human uncordoned this fenced node, if it still stands: the marker recorded the uncordon and the node
 * is schedulable. Undefined otherwise (never fenced, not uncordoned, or fenced again since: cordoned).
 */
export function uncordonedByHand(node: {
  annotations: Readonly<Record<string, string>>;
  unschedulable: boolean;
}): number | undefined {
  if (node.unschedulable) return undefined;
  const marker = readFenceMarker(node.annotations);
  return marker === undefined || marker === 'invalid' ? undefined : marker.uncordonedAt;
}
