/**
 * Carries out a consolidation plan through the Actuator (budgets, DryRun, a log line, an Event and a metric
 * for every outcome):
 *
 *  1. StopDrain: the consolidation taint and annotation are lifted in one write, always for real (a
 *     restorative change, never budget-limited) — even in DryRun, a taint left by an earlier Enforce must
 *     not outlive the plan that set it.
 *  2. StartDrain: taint and annotate the node in one write, in the pool's mode. A node that could not be
 *     marked (Denied, Failed) is not drained: its evictions are dropped.
 *  3. Evictions, in plan order, one at a time: Denied stops the rest for this interval; Blocked (a PDB
 *     answered 429) is counted and the drain goes on with the other pods next interval.
 */
import type { Actuator, ActuationMode } from '../../actuation/index.js';
import {
  CONSOLIDATING_SINCE_ANNOTATION,
  CONSOLIDATING_TAINT_KEY,
  consolidatingTaint,
  type ConsolidationPlan,
  type DrainMark,
} from '../../consolidation/index.js';
import type { EvictionRequest } from '../../rebalancing/index.js';

export interface DrainContext {
  pool: string;
  mode: ActuationMode;
  now: number;
  signal: AbortSignal;
}

export interface DrainExecution {
  started: string[];
  stopped: string[];
  evicted: number;
  dryRun: number;
  blocked: Array<{ pod: string; node: string; message: string }>;
  denied: number;
  failures: string[];
}

export class DrainExecutor {
  constructor(private readonly actuator: Actuator) {}

  async execute(plan: ConsolidationPlan, ctx: DrainContext): Promise<DrainExecution> {
    const out: DrainExecution = {
      started: [],
      stopped: [],
      evicted: 0,
      dryRun: 0,
      blocked: [],
      denied: 0,
      failures: [],
    };
    const unmarked = new Set<string>();
    for (const mark of plan.marks) {
      if (ctx.signal.aborted) return out;
      if (!(await this.mark(mark, ctx, out))) unmarked.add(mark.node);
    }
    const evictions = plan.evictions.filter((e) => !unmarked.has(e.from));
    for (const [k, e] of evictions.entries()) {
      if (ctx.signal.aborted) return out;
      if (await this.evict(e, ctx, out)) {
        out.denied = evictions.length - k;
        break;
      }
    }
    return out;
  }

  /** Returns whether the node is marked as asked (DryRun counts). */
  private async mark(mark: DrainMark, ctx: DrainContext, out: DrainExecution): Promise<boolean> {
    const start = mark.kind === 'StartDrain';
    const result = await this.actuator.changeNode(
      {
        source: 'consolidation',
        pool: ctx.pool,
        reason: mark.reason,
        mode: start ? ctx.mode : 'Enforce',
        node: mark.node,
        label: mark.kind,
        changes: start
          ? [
              { kind: 'Taint', taint: consolidatingTaint(ctx.pool) },
              {
                kind: 'Annotate',
                key: CONSOLIDATING_SINCE_ANNOTATION,
                value: new Date(ctx.now).toISOString(),
              },
            ]
          : [
              { kind: 'Untaint', key: CONSOLIDATING_TAINT_KEY },
              { kind: 'Unannotate', key: CONSOLIDATING_SINCE_ANNOTATION },
            ],
      },
      ctx.signal,
    );
    if (result.outcome === 'Failed') out.failures.push(result.message);
    const ok = result.outcome === 'Done' || result.outcome === 'DryRun' || result.outcome === 'Gone';
    if (ok) (start ? out.started : out.stopped).push(mark.node);
    return ok;
  }

  /** One eviction; returns true when the actuator's budget denied it (stop for this interval). */
  private async evict(e: EvictionRequest, ctx: DrainContext, out: DrainExecution): Promise<boolean> {
    const result = await this.actuator.evict(
      {
        source: 'consolidation',
        pool: ctx.pool,
        reason: e.reason,
        mode: ctx.mode,
        pod: { namespace: e.namespace, name: e.name, uid: e.uid, node: e.from },
      },
      ctx.signal,
    );
    switch (result.outcome) {
      case 'Done':
        out.evicted++;
        return false;
      case 'DryRun':
        out.dryRun++;
        return false;
      case 'Blocked':
        out.blocked.push({ pod: e.pod, node: e.from, message: result.message });
        return false;
      case 'Denied':
        return true;
      case 'Failed':
        out.failures.push(result.message);
        return false;
      case 'Gone':
        return false;
    }
  }
}
