/**
 * What the failover controller has done for each failed node during this leadership term: the timings that
 * end up in status and metrics, and which pods it has already deleted (so a reconcile that runs before the
 * pod informer caught up never deletes twice, and never counts a pod twice).
 */
import type { FailoverProgress } from './status.js';

export interface NodeProgress extends FailoverProgress {
  pool: string;
  /** Uids whose deletion was accepted, or that turned out to be gone already. */
  deleted: Set<string>;
  /** Uids whose force deletion (confirmed down) was accepted, or that were gone by then. */
  forced: Set<string>;
  /** At-most-once pods the last Reschedule plan left waiting for confirmed down. */
  awaiting: number;
  /** Uids of waiting pods already reported with an AwaitingConfirmedDown Event in this term. */
  reportedAwaiting: Set<string>;
  /** Deletions the last Reschedule plan still had to do (Denied or Failed ones). */
  remaining: number;
  /** DryRun: the would-be fence and deletions were reported for this failure. */
  dryRunReported: boolean;
}

export class FailoverProgressBook {
  private readonly byNode = new Map<string, NodeProgress>();

  /** The node's entry, created at its detection time. */
  ensure(node: string, pool: string, detectedAt: number): NodeProgress {
    let progress = this.byNode.get(node);
    if (!progress) {
      progress = {
        node,
        pool,
        detectedAt,
        deleted: new Set(),
        forced: new Set(),
        awaiting: 0,
        reportedAwaiting: new Set(),
        remaining: 0,
        dryRunReported: false,
      };
      this.byNode.set(node, progress);
    }
    return progress;
  }

  get(node: string): NodeProgress | undefined {
    return this.byNode.get(node);
  }

  delete(node: string): void {
    this.byNode.delete(node);
  }

  /** The entries of one pool, by node, as planStatus takes them. */
  ofPool(pool: string): Map<string, NodeProgress> {
    const out = new Map<string, NodeProgress>();
    for (const [node, progress] of this.byNode) if (progress.pool === pool) out.set(node, progress);
    return out;
  }

  has(node: string): boolean {
    return this.byNode.has(node);
  }
}
