/**
 * A pool's nodes pre-extracted into flat arrays, so a decision scans memory instead of looking nodes, their
 * aggregates and their usage up in maps (three map lookups per node cost more than the whole decision at
 * 5,000 nodes). Pod filters and scores read node `i` straight from these arrays.
 *
 * Validity: a snapshot reflects the model, usage, failed nodes and assumed pods at the moment it was taken,
 * plus every pod committed through `assume(..., { snapshot })` since. Take it at the start of a synchronous
 * scheduling batch — informer events cannot interleave while no `await` runs — and drop it at the end, or
 * when anything may have changed. `schedule` takes a fresh one itself when given none.
 */
import type { ClusterModel } from '../model/cluster-model.js';
import type { NodeInfo, Taint } from '../model/node-info.js';
import type { PodInfo } from '../model/pod-info.js';
import { zeroResources, type ResourceVector } from '../model/resources.js';
import { DEFAULT_NODE_FILTERS } from './node-filters.js';
import { fillUsed, nodeWeight, SLOTS, writeSlots } from './load.js';
import { buildColumn, type LabelColumn } from './node-affinity.js';
import { recentlyAssumedByNode, type PlacementState } from './state.js';
import type { NodeFacts, NodeRejection, PlacementPool } from './framework.js';

export interface SnapshotInput {
  model: ClusterModel;
  pool: PlacementPool;
  now: number;
  usage?: ReadonlyMap<string, ResourceVector>;
  failedNodes?: ReadonlySet<string>;
  state?: PlacementState;
}

/** The mark of a node the node filters rejected (pod filters use marks 1, 2, ...). */
export const BLOCKED = 255;

/** Shared by every untainted node, so the decision loop reads one array that stays in cache. */
const NO_TAINTS: readonly Taint[] = [];

export class PoolSnapshot {
  /** Member nodes present in the model, in `pool.members` order. */
  readonly names: string[] = [];
  readonly infos: NodeInfo[] = [];
  /** The node's taints. */
  readonly taints: Array<readonly Taint[]> = [];
  /** 1 where the node has a NoSchedule or NoExecute taint. */
  readonly hardTainted: Uint8Array;
  /** Some member has (or had, since `refresh` only sets it) a NoSchedule or NoExecute taint: else the
   * TaintToleration filter skips every pod. */
  anyHardTaint = false;
  /** Some member has (or had) a PreferNoSchedule taint: else ranking skips the taint tier. */
  anyPreferTaint = false;
  /**
   * Why the node filters reject the node whatever the pod, or undefined when they pass. Decisions return
   * these objects as they are: treat them as read-only.
   */
  readonly nodeRejections: Array<NodeRejection | undefined> = [];
  /** BLOCKED where `nodeRejections` has an entry, else 0: the starting point of every decision's marks. */
  readonly blocked: Uint8Array;
  /** Node weight for the Weighted strategy (1 for other strategies). */
  readonly weights: Float64Array;
  /** Allocatable, SLOTS per node (load.ts). */
  readonly allocatable: Float64Array;
  /** Usage on the pool's basis, SLOTS per node; pods is the bound pod count. */
  readonly used: Float64Array;
  private indexByName: Map<string, number> | undefined;
  private order: { rank: Int32Array; sorted: string[] } | undefined;
  private rejectedScratch: Uint8Array | undefined;
  private scoresScratch: Float64Array | undefined;
  private readonly labelColumns = new Map<string, LabelColumn>();
  private names_: LabelColumn | undefined;
  private readonly buffers = new Map<string, unknown>();
  private podLists: Array<readonly PodInfo[] | undefined> | undefined;

  private constructor(
    readonly model: ClusterModel,
    readonly pool: PlacementPool,
    size: number,
  ) {
    this.blocked = new Uint8Array(size);
    this.hardTainted = new Uint8Array(size);
    this.weights = new Float64Array(size);
    this.allocatable = new Float64Array(size * SLOTS);
    this.used = new Float64Array(size * SLOTS);
  }

  /**
   * Reads every member once and runs the node filters on it: O(members) map lookups, no pod scanned. Label
   * columns of `previous` (the snapshot this one replaces) are carried over for nodes whose NodeInfo is the
   * same object, so a selector seen before costs nothing to check again.
   */
  static take(input: SnapshotInput, previous?: PoolSnapshot): PoolSnapshot {
    const { model, pool } = input;
    const snapshot = new PoolSnapshot(model, pool, pool.members.length);
    const read = nodeReader(snapshot, input);
    let n = 0;
    for (const name of pool.members) {
      const info = model.node(name);
      if (info === undefined) continue;
      read(n, name, info);
      n++;
    }
    if (previous !== undefined) {
      snapshot.carryLabelColumns(previous);
      if (previous.order !== undefined && sameNames(previous.names, snapshot.names))
        snapshot.order = previous.order;
    }
    return snapshot;
  }

  /**
   * Re-reads `nodes` from the model — after pod, node or failure events on them — keeping everything else:
   * O(nodes), so a controller that marks the nodes its informer events touch can keep one snapshot across
   * batches. `input` must carry the same model and pool. Returns false, changing nothing, when a node is no
   * longer a member or no longer in the model: take a new snapshot then, as after any membership change or a
   * new usage sample (assumed-pod top-ups that expire are only dropped by a new snapshot, which errs on the
   * safe side).
   */
  refresh(input: SnapshotInput, nodes: Iterable<string>): boolean {
    if (input.model !== this.model || input.pool !== this.pool) return false;
    const targets: Array<{ i: number; name: string; info: NodeInfo }> = [];
    for (const name of nodes) {
      const i = this.indexOf(name);
      const info = this.model.node(name);
      if (i === undefined || info === undefined) return false;
      targets.push({ i, name, info });
    }
    if (targets.length === 0) return true;
    const read = nodeReader(
      this,
      input,
      targets.map((t) => t.name),
    );
    for (const { i, name, info } of targets) {
      read(i, name, info);
      if (this.podLists !== undefined) this.podLists[i] = undefined;
      for (const [key, column] of this.labelColumns) {
        this.labelColumns.set(key, withValue(column, i, labelValue(info.labels, key)));
      }
    }
    return true;
  }

  get size(): number {
    return this.names.length;
  }

  /**
   * Per-decision work arrays, reused so a decision allocates nothing per node: the rejection marks (reset to
   * `blocked`) and the scores. Valid until the next call; decisions are synchronous, so one at a time.
   */
  scratch(): { rejected: Uint8Array; scores: Float64Array } {
    const size = this.size;
    if (this.rejectedScratch === undefined || this.rejectedScratch.length !== size) {
      this.rejectedScratch = new Uint8Array(size);
      this.scoresScratch = new Float64Array(size);
    }
    this.rejectedScratch.set(this.blocked.subarray(0, size));
    return { rejected: this.rejectedScratch, scores: this.scoresScratch as Float64Array };
  }

  /**
   * A per-node work buffer of the caller's (`key` names it, `make` builds it for this snapshot's size), kept
   * with the snapshot and handed out again on the next call, so a core that runs every interval on a kept
   * snapshot allocates nothing per node (at 5,000 nodes a few fresh 40 KiB arrays per plan are what fills the
   * young generation and brings the scavenges that make the plan's tail). Valid until the next call with the
   * same key: callers are synchronous and must not keep it past their own return.
   */
  buffer<T>(key: string, make: (size: number) => T): T {
    let value = this.buffers.get(key) as T | undefined;
    if (value === undefined) {
      value = make(this.size);
      this.buffers.set(key, value);
    }
    return value;
  }

  /**
   * The pods bound to member `i` (non-terminal, as `ClusterModel.podsOn`), read from the model on first use
   * and kept with the snapshot until `refresh` or `account` touches the node — the same validity as the
   * snapshot's usage. A preemption search reads the pods of hundreds of nodes, one lookup in the model's pod
   * map each (15,000 at 5,000 nodes, most of its time); on a kept snapshot the next search reads arrays.
   */
  podsAt(i: number): readonly PodInfo[] {
    this.podLists ??= new Array<readonly PodInfo[] | undefined>(this.size);
    let pods = this.podLists[i];
    if (pods === undefined) {
      const list: PodInfo[] = [];
      for (const key of this.model.podsOn(this.names[i] as string)) {
        const pod = this.model.pod(key);
        if (pod !== undefined) list.push(pod);
      }
      pods = list;
      this.podLists[i] = pods;
    }
    return pods;
  }

  /** Label `key` of every member (undefined where absent), built on first use and kept with the snapshot. */
  labelColumn(key: string): LabelColumn {
    let column = this.labelColumns.get(key);
    if (column === undefined) {
      const infos = this.infos;
      column = buildColumn(this.size, (i) => labelValue((infos[i] as NodeInfo).labels, key));
      this.labelColumns.set(key, column);
    }
    return column;
  }

  /**
   * The members in name order: `rank[i]` is node i's position, `sorted` the names. Built on first use
   * (O(n log n) string comparisons) and carried over by `take(input, previous)` while the members stay the
   * same, so round-robin and name tie-breaks compare integers.
   */
  nameOrder(): { rank: Int32Array; sorted: readonly string[] } {
    if (this.order === undefined) {
      const names = this.names;
      const indexes = names
        .map((_, i) => i)
        .sort((a, b) => ((names[a] as string) < (names[b] as string) ? -1 : 1));
      const rank = new Int32Array(names.length);
      indexes.forEach((i, position) => (rank[i] = position));
      this.order = { rank, sorted: indexes.map((i) => names[i] as string) };
    }
    return this.order;
  }

  /** `nameOrder()` if something already built it, else undefined. */
  nameOrderIfBuilt(): Int32Array | undefined {
    return this.order?.rank;
  }

  /** The node names as a column, for matchFields on metadata.name. */
  nameColumn(): LabelColumn {
    this.names_ ??= buildColumn(this.size, (i) => this.names[i]);
    return this.names_;
  }

  private carryLabelColumns(previous: PoolSnapshot): void {
    for (const [key, old] of previous.labelColumns) {
      const column = buildColumn(this.size, (i) => {
        const info = this.infos[i] as NodeInfo;
        if (previous.names[i] !== this.names[i] || previous.infos[i] !== info)
          return labelValue(info.labels, key);
        const id = old.ids[i] as number;
        return id < 0 ? undefined : old.values[id];
      });
      this.labelColumns.set(key, column);
    }
  }

  /** Position of a member node, or undefined. Builds the name index on first use. */
  indexOf(name: string): number | undefined {
    if (!this.indexByName) {
      this.indexByName = new Map();
      for (let i = 0; i < this.names.length; i++) this.indexByName.set(this.names[i] as string, i);
    }
    return this.indexByName.get(name);
  }

  /**
   * Adds (sign 1) or removes (sign −1) a pod's requests on `node`. Exact on every basis: a bound pod adds its
   * requests to the requested sum, to the assumed top-up of measured usage, and so to the larger of the two.
   */
  account(node: string, requests: ResourceVector, sign: 1 | -1): void {
    const i = this.indexOf(node);
    if (i === undefined) return;
    if (this.podLists !== undefined) this.podLists[i] = undefined; // a pod came or went: read them again
    const o = i * SLOTS;
    const used = this.used;
    used[o] = (used[o] as number) + sign * requests.cpu;
    used[o + 1] = (used[o + 1] as number) + sign * requests.memory;
    used[o + 2] = (used[o + 2] as number) + sign * requests.ephemeralStorage;
    used[o + 3] = (used[o + 3] as number) + sign * requests.network;
    used[o + 4] = (used[o + 4] as number) + sign * requests.pods;
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `column` with node `i` set to `value`: in place when the value is already numbered, else rebuilt. */
function withValue(column: LabelColumn, i: number, value: string | undefined): LabelColumn {
  const id = value === undefined ? -1 : column.idOf.get(value);
  if (id !== undefined) {
    column.ids[i] = id;
    return column;
  }
  return buildColumn(column.ids.length, (j) => {
    if (j === i) return value;
    const old = column.ids[j] as number;
    return old < 0 ? undefined : column.values[old];
  });
}

/**
 * A label's value, or undefined. Label values are strings, so `typeof` rules out inherited members
 * ("constructor") without the slower own-property check.
 */
function labelValue(labels: Record<string, string>, key: string): string | undefined {
  const value = labels[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Writes node `name` at index `i` of the snapshot's arrays: its usage on the pool's basis, weight,
 * allocatable, taints and the node filters' verdict.
 */
function nodeReader(
  snapshot: PoolSnapshot,
  input: SnapshotInput,
  only?: readonly string[],
): (i: number, name: string, info: NodeInfo) => void {
  const { model, pool } = input;
  const basis = pool.allocation.basis;
  const usage = basis === 'Requests' ? undefined : input.usage;
  const assumed =
    basis === 'Requests' ? undefined : recentlyAssumedByNode(model, input.state, input.now, only);
  const failed =
    input.failedNodes !== undefined && input.failedNodes.size > 0 ? input.failedNodes : undefined;
  const weightKey = pool.allocation.strategy === 'Weighted' ? pool.allocation.nodeWeightLabel : undefined;
  const used = zeroResources();
  // One facts object for every node: node filters must not keep it.
  const facts: NodeFacts = { name: '', info: undefined as unknown as NodeInfo, inPool: true, failed: false };
  return (i, name, info) => {
    fillUsed(used, basis, model.requested(name), usage?.get(name), assumed?.get(name));
    facts.name = name;
    facts.info = info;
    facts.failed = failed !== undefined && failed.has(name);
    snapshot.names[i] = name;
    snapshot.infos[i] = info;
    const rejection = runNodeFilters(facts, pool);
    snapshot.nodeRejections[i] = rejection;
    snapshot.blocked[i] = rejection === undefined ? 0 : BLOCKED;
    snapshot.hardTainted[i] = 0;
    if (info.taints.length === 0) {
      snapshot.taints[i] = NO_TAINTS;
    } else {
      snapshot.taints[i] = info.taints;
      for (const taint of info.taints) {
        if (taint.effect === 'PreferNoSchedule') {
          snapshot.anyPreferTaint = true;
        } else if (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') {
          snapshot.anyHardTaint = true;
          snapshot.hardTainted[i] = 1;
        }
      }
    }
    snapshot.weights[i] = weightKey === undefined ? 1 : nodeWeight(info.labels, info.annotations, weightKey);
    writeSlots(snapshot.allocatable, i, info.allocatable);
    writeSlots(snapshot.used, i, used);
  };
}

function runNodeFilters(facts: NodeFacts, pool: PlacementPool): NodeRejection | undefined {
  for (const filter of DEFAULT_NODE_FILTERS) {
    const status = filter.filterNode(facts, pool);
    if (status.code !== 'success') {
      return { node: facts.name, plugin: filter.name, status: status.code, reasons: status.reasons };
    }
  }
  return undefined;
}
