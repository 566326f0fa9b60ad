/**
 * Hot and breaching nodes take no pods. They are kept out of the placement engine's choices by marking them
 * failed on the planning snapshot through the engine's own `refresh` — lazily: a source before pods leave
 * it, any other closed node only when the engine picks it. Marking every hot node up front would cost
 * O(hot nodes) snapshot reads per plan, most of them for nodes LeastLoaded never picks. `restore` gives the
 * snapshot back as it was.
 */
import { PoolSnapshot, type SnapshotInput } from '../placement/snapshot.js';

export class ClosedNodes {
  readonly snapshot: PoolSnapshot;
  private readonly blocking: SnapshotInput;
  private readonly blocked = new Set<string>();

  /** `snapshot` is the caller's; a snapshot of another model or pool is replaced by a private one. */
  constructor(
    private readonly base: SnapshotInput,
    snapshot: PoolSnapshot,
    /** The hot and breaching nodes. */
    readonly nodes: ReadonlySet<string>,
  ) {
    this.snapshot =
      snapshot.model === base.model && snapshot.pool === base.pool ? snapshot : PoolSnapshot.take(base);
    const failedNodes = new Set(base.failedNodes ?? []);
    for (const node of nodes) failedNodes.add(node);
    this.blocking = { ...base, failedNodes };
  }

  has(node: string): boolean {
    return this.nodes.has(node);
  }

  /**
   * Marks a closed node failed on the snapshot. Call it before any move is accounted on the node: the
   * node's usage is read again from the model.
   */
  block(node: string): void {
    if (this.blocked.has(node) || !this.nodes.has(node)) return;
    if (!this.snapshot.refresh(this.blocking, [node]))
      throw new Error(`cannot block ${node}: not in the snapshot`);
    this.blocked.add(node);
  }

  /** Unmarks every node blocked (after the plan's own accounting was undone). */
  restore(): void {
    if (this.blocked.size > 0) this.snapshot.refresh(this.base, this.blocked);
    this.blocked.clear();
  }
}
