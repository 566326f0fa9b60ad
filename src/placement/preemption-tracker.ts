import type { ClusterModel } from '../model/cluster-model.js';
import type { Preemption } from './preemption.js';

/** How long a preemption may take before it no longer holds anything back (its evictions may have failed). */
export const PREEMPTION_PATIENCE_MS = 30_000;

interface UnderWay {
  pool: string;
  priority: number;
  victims: string[];
  at: number;
}

/**
 * Preemptions under way, by preemptor, until the preemptor is placed or its patience runs out. While one is
 * under way:
 * - the preemptor chooses no more victims as long as any of its victims is still in the cluster (terminating
 *   pods still hold their room), so one pod never evicts more than it needs;
 * - lower-priority pods of the same pool are held back, so the room the victims leave is not taken by the
 *   victims' own replacements before the preemptor gets it (kube-scheduler's nominated node, coarser: the
 *   whole pool waits, for seconds).
 */
export class PreemptionTracker {
  private readonly byPreemptor = new Map<string, UnderWay>();

  started(preemptor: string, pool: string, priority: number, preemption: Preemption, now: number): void {
    this.byPreemptor.set(preemptor, {
      pool,
      priority,
      victims: preemption.victims.map((v) => v.key),
      at: now,
    });
  }

  has(preemptor: string): boolean {
    return this.byPreemptor.has(preemptor);
  }

  /** The preemptor was placed, or no longer waits for a node. */
  finished(preemptor: string): void {
    this.byPreemptor.delete(preemptor);
  }

  /** True while the preemptor's victims are still leaving: it must wait, not choose more victims. */
  victimsLeaving(preemptor: string, model: ClusterModel, now: number): boolean {
    const entry = this.live(preemptor, now);
    return entry !== undefined && entry.victims.some((key) => model.pod(key)?.nodeName !== undefined);
  }

  /** True when a higher-priority preemption in `pool` is under way: a pod of `priority` must wait. */
  holdsBack(pool: string, priority: number, now: number): boolean {
    for (const key of [...this.byPreemptor.keys()]) {
      const entry = this.live(key, now);
      if (entry && entry.pool === pool && entry.priority > priority) return true;
    }
    return false;
  }

  private live(preemptor: string, now: number): UnderWay | undefined {
    const entry = this.byPreemptor.get(preemptor);
    if (entry !== undefined && now - entry.at >= PREEMPTION_PATIENCE_MS) {
      this.byPreemptor.delete(preemptor);
      return undefined;
    }
    return entry;
  }
}
