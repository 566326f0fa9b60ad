/**
 * The little state placement keeps between decisions, owned by the caller: round-robin cursors and the pods
 * assumed onto nodes recently. `schedule` only reads it; `assume` and `forget` are the only writers.
 *
 * The cycle, as in Kueue and kube-scheduler: snapshot (the model) → `schedule` → `assume` (the model now holds
 * the pod on its node, so the next decision sees it) → bind asynchronously → on failure `forget` and requeue.
 */
import type { ClusterModel } from '../model/cluster-model.js';
import { isTerminal, type PodInfo } from '../model/pod-info.js';
import { accumulate, zeroResources, type ResourceVector } from '../model/resources.js';

export const DEFAULT_ASSUMED_USAGE_WINDOW_MS = 120_000;

/** A pod placed by this scheduler, remembered so measured usage can be topped up until metrics see it. */
export interface AssumedPod {
  node: string;
  requests: ResourceVector;
  /** When it was assumed (caller's clock, ms). */
  at: number;
}

export interface PlacementState {
  /**
   * How long an assumed pod is added to its node's measured usage on the Usage and Max bases: long enough for
   * metrics to catch up with a new pod, so a burst of placements cannot overshoot a ceiling.
   */
  readonly assumedUsageWindowMs: number;
  /** Per pool: the node the last round-robin placement chose; the next one goes to the next name after it. */
  readonly roundRobinCursor: Map<string, string>;
  /** By pod key, in the order assumed. */
  readonly assumed: Map<string, AssumedPod>;
  /** The keys of `assumed` by node, so refreshing one node does not walk every assumed pod. */
  readonly assumedOnNode: Map<string, Set<string>>;
}

export function newPlacementState(assumedUsageWindowMs = DEFAULT_ASSUMED_USAGE_WINDOW_MS): PlacementState {
  return { assumedUsageWindowMs, roundRobinCursor: new Map(), assumed: new Map(), assumedOnNode: new Map() };
}

/** Where `assume` and `forget` record a commitment besides the model. */
export interface CommitOptions {
  /** Round-robin cursors and the assumed pods the Usage basis tops measured usage up with. */
  state?: PlacementState;
  /** Caller's clock, ms: when the pod was assumed. */
  now?: number;
  /** The batch's snapshot, so the next decision of the batch sees the pod too. */
  snapshot?: PlacementAccount;
}

/**
 * What `assume` and `forget` need of a `PoolSnapshot`: to move a pod's requests on or off a node. Declared
 * here, not imported, so state.ts and snapshot.ts do not import each other.
 */
export interface PlacementAccount {
  account(node: string, requests: ResourceVector, sign: 1 | -1): void;
}

/**
 * Commits a placement: upserts `pod` into the model bound to `placed.node` (so the node's aggregates include
 * it at once), advances the pool's round-robin cursor, remembers the pod for the Usage basis, and accounts it
 * in the batch's snapshot. Call it right after `schedule` returned `placed`, before binding; returns the pod
 * as assumed. Until the bind is confirmed, the caller must not let an informer event that still shows the pod
 * unbound overwrite the assumed pod in the model.
 */
export function assume(
  model: ClusterModel,
  pod: PodInfo,
  placed: { node: string; pool: string },
  options: CommitOptions = {},
): PodInfo {
  const { state, snapshot } = options;
  const now = options.now ?? 0;
  const assumedPod: PodInfo = { ...pod, nodeName: placed.node };
  const previous = model.pod(pod.key);
  if (previous?.nodeName !== undefined && !isTerminal(previous)) {
    snapshot?.account(previous.nodeName, previous.requests, -1); // re-placed: free its old node
  }
  model.upsertPod(assumedPod);
  snapshot?.account(placed.node, pod.requests, 1);
  if (state) {
    state.roundRobinCursor.set(placed.pool, placed.node);
    dropAssumed(state, pod.key); // re-insert so the map stays in assumption order
    state.assumed.set(pod.key, { node: placed.node, requests: { ...pod.requests }, at: now });
    let keys = state.assumedOnNode.get(placed.node);
    if (keys === undefined) {
      keys = new Set();
      state.assumedOnNode.set(placed.node, keys);
    }
    keys.add(pod.key);
    pruneAssumed(state, now - state.assumedUsageWindowMs);
  }
  return assumedPod;
}

/**
 * Undoes `assume` when binding failed: the model holds `pod` unbound again (pass the pod as it was before
 * `assume`), the Usage basis stops counting it and the snapshot, if still in use, gives its room back. The
 * round-robin cursor is left alone: skipping one node once is harmless.
 */
export function forget(model: ClusterModel, pod: PodInfo, options: CommitOptions = {}): void {
  const bound = model.pod(pod.key);
  model.upsertPod({ ...pod, nodeName: undefined });
  if (bound?.nodeName !== undefined && !isTerminal(bound)) {
    options.snapshot?.account(bound.nodeName, bound.requests, -1);
  }
  if (options.state) dropAssumed(options.state, pod.key);
}

function dropAssumed(state: PlacementState, key: string): void {
  const entry = state.assumed.get(key);
  if (entry === undefined) return;
  state.assumed.delete(key);
  const keys = state.assumedOnNode.get(entry.node);
  keys?.delete(key);
  if (keys?.size === 0) state.assumedOnNode.delete(entry.node);
}

/** Drops assumed pods older than `before`; entries are in assumption order, so this stops at the first newer. */
function pruneAssumed(state: PlacementState, before: number): void {
  for (const [key, entry] of state.assumed) {
    if (entry.at >= before) return;
    dropAssumed(state, key);
  }
}

/**
 * Per node, the requests of pods assumed within the window before `now` that the model still shows running
 * there: measured usage does not include them yet. Undefined when there are none (the common case). With
 * `nodes`, only those nodes are summed, in O(pods assumed on them).
 */
export function recentlyAssumedByNode(
  model: ClusterModel,
  state: PlacementState | undefined,
  now: number,
  nodes?: Iterable<string>,
): Map<string, ResourceVector> | undefined {
  if (!state || state.assumed.size === 0) return undefined;
  const keys = nodes === undefined ? state.assumed.keys() : keysOn(state, nodes);
  let out: Map<string, ResourceVector> | undefined;
  for (const key of keys) {
    const entry = state.assumed.get(key) as AssumedPod;
    if (now - entry.at > state.assumedUsageWindowMs) continue;
    const current = model.pod(key);
    if (!current || current.nodeName !== entry.node || isTerminal(current)) continue;
    out ??= new Map();
    let sum = out.get(entry.node);
    if (!sum) {
      sum = zeroResources();
      out.set(entry.node, sum);
    }
    accumulate(sum, entry.requests);
  }
  return out;
}

function* keysOn(state: PlacementState, nodes: Iterable<string>): Generator<string> {
  for (const node of nodes) yield* state.assumedOnNode.get(node) ?? [];
}
