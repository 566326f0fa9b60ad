import type { ClusterModel } from '../../model/cluster-model.js';
import type { Preemption } from '../../placement/index.js';

/** How long a preemption may take before the pod may choose victims again (its evictions may have failed). */
export const PREEMPTION_PATIENCE_MS = 30_000;

/**
 * Preemptions under way, by preemptor: while any of its victims is still on its node and not terminating,
 * the preemptor waits instead of choosing more victims, so one pod never evicts twice the room it needs.
 */
export class PreemptionTracker {
  private readonly byPreemptor = new Map<string, { victims: string[]; at: number }>();

  started(preemptor: string, preemption: Preemption, now: number): void {
    this.byPreemptor.set(preemptor, { victims: preemption.victims.map((v) => v.key), at: now });
  }

  underWay(preemptor: string, model: ClusterModel, now: number): boolean {
    const entry = this.byPreemptor.get(preemptor);
    if (entry === undefined) return false;
    const waiting = entry.victims.some((key) => {
      const victim = model.pod(key);
      return victim !== undefined && !victim.deleting && victim.nodeName !== undefined;
    });
    if (waiting && now - entry.at < PREEMPTION_PATIENCE_MS) return true;
    this.byPreemptor.delete(preemptor);
    return false;
  }
}
