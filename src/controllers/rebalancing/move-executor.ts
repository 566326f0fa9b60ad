/**
 * Carries out one rebalance plan through the Actuator, the one path for disruptive actions (budgets, DryRun,
 * a log line, an Event and a metric for every outcome). Evictions first, in plan order, one at a time:
 *
 *  - before it (Enforce): both nodes are stamped `fulcrum.io/rebalanced-at`, so their cooldown survives a
 *    restart or a change of leader, even one between the eviction and the status write;
 *  - Done: the move is recorded (history, `lastActions`);
 *  - DryRun: recorded as such (no history: nothing moved), once per pod and node within the cooldown;
 *  - Blocked (a PodDisruptionBudget answered 429): counted and reported, never retried in this interval;
 *  - Denied (the actuator's own budget is spent): the rest of the plan waits for the next interval;
 *  - Gone: nothing left to do; Failed: reported, the next interval plans afresh.
 *
 * Then the hot taints: added on hot nodes, lifted from cooled ones.
 */
import type { Actuator, ActuationMode, NodeChange } from '../../actuation/index.js';
import type { PoolAction } from '../../api/index.js';
import {
  HOT_TAINT,
  HOT_TAINT_KEY,
  REBALANCED_AT_ANNOTATION,
  moveRecord,
  moveToPoolAction,
  rebalancedAtValue,
  type EvictionRequest,
  type MoveRecord,
  type RebalancePlan,
  type TaintRequest,
} from '../../rebalancing/index.js';
import { dryRunListed } from '../../rebalancing/action-log.js';

export interface ExecutionContext {
  pool: string;
  mode: ActuationMode;
  now: number;
  cooldownMs: number;
  /** The pool's lastActions so far (newest first), to list each DryRun eviction once per cooldown. */
  listed: readonly PoolAction[];
  signal: AbortSignal;
}

export interface Execution {
  /** New `lastActions` entries, in the order they happened. */
  actions: PoolAction[];
  /** Moves performed (Enforce, eviction accepted). */
  moves: MoveRecord[];
  evicted: number;
  /** Of `evicted`, the urgent moves (off nodes over a ceiling). */
  urgentEvicted: number;
  dryRun: number;
  /** Evictions a PodDisruptionBudget refused, with the actuator's message. */
  blocked: Array<{ pod: string; node: string; message: string }>;
  /** Evictions the actuator's budgets denied (the rest of the plan waited). */
  denied: number;
  failures: string[];
}

export class MoveExecutor {
  constructor(private readonly actuator: Actuator) {}

  async execute(plan: RebalancePlan, ctx: ExecutionContext): Promise<Execution> {
    const execution: Execution = {
      actions: [],
      moves: [],
      evicted: 0,
      urgentEvicted: 0,
      dryRun: 0,
      blocked: [],
      denied: 0,
      failures: [],
    };
    for (const eviction of plan.evictions) {
      if (ctx.signal.aborted) return execution;
      const waited = await this.evict(eviction, ctx, execution);
      if (waited) {
        execution.denied = plan.evictions.length - plan.evictions.indexOf(eviction);
        break;
      }
    }
    for (const taint of plan.taints) {
      if (ctx.signal.aborted) return execution;
      await this.retaint(taint, ctx, execution);
    }
    return execution;
  }

  /** One eviction; returns true when the actuator's budget denied it (stop for this interval). */
  private async evict(e: EvictionRequest, ctx: ExecutionContext, out: Execution): Promise<boolean> {
    // Stamp first, evict second: a leader killed right after an eviction would otherwise leave no trace of
    // it (status is written at the end of the interval), and its successor would take another pod off the
    // same node at once (test/integration/rebalance/rebalance-leader-change.test.ts). A stamp whose eviction
    // then does not happen only rests the node for one cooldown; a source that cannot be stamped is not evicted.
    if (ctx.mode === 'Enforce' && !(await this.stamp([e.from, e.expectedTo], ctx, out))) return false;
    const result = await this.actuator.evict(
      {
        // Urgent moves have their own safety budgets (default-budgets.ts) and metric series.
        source: e.mode === 'Urgent' ? 'rebalance-urgent' : 'rebalance',
        pool: ctx.pool,
        reason: e.reason,
        mode: ctx.mode,
        pod: { namespace: e.namespace, name: e.name, uid: e.uid, node: e.from },
      },
      ctx.signal,
    );
    switch (result.outcome) {
      case 'Done': {
        const record = moveRecord(e, ctx.now);
        out.moves.push(record);
        out.actions.push(moveToPoolAction(record, e.reason));
        out.evicted++;
        if (e.mode === 'Urgent') out.urgentEvicted++;
        return false;
      }
      case 'DryRun':
        if (!dryRunListed(ctx.listed, e.pod, e.from, ctx.now, ctx.cooldownMs)) {
          out.actions.push(moveToPoolAction(moveRecord(e, ctx.now), e.reason, true));
          out.dryRun++;
        }
        return false;
      case 'Blocked':
        out.blocked.push({ pod: e.pod, node: e.from, message: result.message });
        out.actions.push({
          time: new Date(ctx.now).toISOString(),
          action: 'EvictBlocked',
          pod: e.pod,
          node: e.from,
          reason: result.message.slice(0, 1024),
        });
        return false;
      case 'Denied':
        return true;
      case 'Gone':
        return false;
      case 'Failed':
        out.failures.push(result.message);
        return false;
    }
  }

  /**
   * Both nodes of a move start their cooldown, in the API server (a new leader reads it from the nodes).
   * Returns whether the first node (the source) carries the stamp.
   */
  private async stamp(nodes: readonly string[], ctx: ExecutionContext, out: Execution): Promise<boolean> {
    const value = rebalancedAtValue(ctx.now);
    const results = await Promise.all(
      nodes.map((node) =>
        this.actuator.changeNode(
          {
            source: 'rebalance',
            pool: ctx.pool,
            reason: 'a pod was moved: start the node cooldown',
            mode: ctx.mode,
            node,
            label: 'MarkRebalanced',
            changes: [{ kind: 'Annotate', key: REBALANCED_AT_ANNOTATION, value }],
          },
          ctx.signal,
        ),
      ),
    );
    for (const r of results) if (r.outcome === 'Failed') out.failures.push(r.message);
    return results[0]?.outcome === 'Done';
  }

  private async retaint(t: TaintRequest, ctx: ExecutionContext, out: Execution): Promise<void> {
    const change: NodeChange =
      t.kind === 'Taint'
        ? { kind: 'Taint', taint: { ...HOT_TAINT } }
        : { kind: 'Untaint', key: HOT_TAINT_KEY, effect: 'PreferNoSchedule' };
    const result = await this.actuator.changeNode(
      {
        source: 'rebalance',
        pool: ctx.pool,
        reason: t.reason,
        mode: ctx.mode,
        node: t.node,
        changes: [change],
      },
      ctx.signal,
    );
    if (result.outcome === 'Done' && result.changed === true)
      out.actions.push({
        time: new Date(ctx.now).toISOString(),
        action: t.kind,
        node: t.node,
        reason: t.reason,
      });
    else if (result.outcome === 'Failed') out.failures.push(result.message);
  }
}
