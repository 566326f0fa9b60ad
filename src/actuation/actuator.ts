/**
 * The Actuator: the one path for every disruptive action in Fulcrum (evict or delete a pod; cordon, taint,
 * annotate a node), whoever asks: failover, preemption, rebalancing.
 *
 * For each request, in order:
 *  1. Budgets: the ledger admits the request or denies it (`Denied`, nothing written, `retryAfterMs` says
 *     when there is room). DryRun requests are counted apart, so rehearsing never eats the real budget.
 *  2. DryRun: nothing is written; the request is reported as "would ..." (`DryRun`).
 *  3. Enforce: one API call (a node request: read, then one guarded JSON patch, re-read and retried on a
 *     conflict). The outcome is classified once, here: 429 from an eviction is `Blocked` (a
 *     PodDisruptionBudget refuses; never retried here), 404 or a failed uid precondition is `Gone`, anything
 *     else unexpected is `Failed`. Whatever did not happen gives its budget back.
 *  4. Report: exactly one structured log line, one Event on the pod or node, and one increment of
 *     `fulcrum_actions_total{source,action,outcome}` per action kind, for every outcome.
 *
 * Never throws for API errors: callers get an `ActionResult` and decide (see ActionOutcome for what each
 * outcome asks of them). Safe to share between controllers: budget decisions are synchronous.
 */
import type { KubernetesObject, V1Node } from '@kubernetes/client-node';
import type { EventType } from '../kube/event-recorder.js';
import { realClock, timeoutSignal, type Clock } from '../clock/clock.js';
import { describeError, isConflict, isNotFound, isTooManyRequests, statusCode } from '../kube/errors.js';
import type { Logger } from '../logging/logger.js';
import type { ActionMetrics } from './action-metrics.js';
import { BudgetLedger, type BudgetRule, type LedgerEntry, type Ticket } from './budget-ledger.js';
import { DEFAULT_BUDGET_RULES } from './default-budgets.js';
import type { ActuationClient } from './kube-client.js';
import { nodePatch } from './node-patch.js';
import type {
  ActionContext,
  ActionKind,
  ActionOutcome,
  ActionResult,
  DeletePodRequest,
  EvictRequest,
  NodeChange,
  NodeRequest,
  PodRef,
  ScaleRequest,
} from './action-requests.js';

/** Where the actuator records Events (the EventRecorder fits). */
export interface EventSink {
  record(object: KubernetesObject, type: EventType, reason: string, message: string): void;
}

export interface ActuatorOptions {
  client: ActuationClient;
  events: EventSink;
  logger: Logger;
  metrics?: ActionMetrics;
  clock?: Clock;
  /** Budget rules (default DEFAULT_BUDGET_RULES). */
  budgets?: readonly BudgetRule[];
  /** Bound on one API call (default 10 s). */
  timeoutMs?: number;
  /** Attempts at a node write that keeps meeting concurrent changes (default 5). */
  nodeWriteAttempts?: number;
}

/** An action in words, to do and done: "evict pod a/b", "evicted pod a/b". */
interface Phrase {
  todo: string;
  done: string;
}

/** What one attempt at the API produced, before reporting. */
interface Attempt {
  outcome: ActionOutcome;
  detail: string;
  changed?: boolean;
  node?: V1Node;
}

export class Actuator {
  private readonly ledger: BudgetLedger;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly options: ActuatorOptions) {
    this.ledger = new BudgetLedger(options.budgets ?? DEFAULT_BUDGET_RULES);
    options.metrics?.describeBudgets(this.ledger.rules);
    this.clock = options.clock ?? realClock;
    this.log = options.logger.child({ component: 'actuator' });
  }

  /** Evicts a pod through the Eviction API (policy/v1): PodDisruptionBudgets hold. */
  evict(request: EvictRequest, signal?: AbortSignal): Promise<ActionResult> {
    return this.podAction('Evict', request, signal, (s) => this.options.client.evict(request.pod, s));
  }

  /** Deletes a pod, only if it is still the one with `pod.uid`; `force` deletes with grace period 0. */
  deletePod(request: DeletePodRequest, signal?: AbortSignal): Promise<ActionResult> {
    const grace = request.force ? 0 : undefined;
    return this.podAction('DeletePod', request, signal, (s) =>
      this.options.client.deletePod(request.pod, grace, s),
    );
  }

  /** Applies `changes` to a node in one write, without clobbering concurrent changes (see node-patch.ts). */
  async changeNode(request: NodeRequest, signal?: AbortSignal): Promise<ActionResult> {
    const kinds = request.changes.map((c) => c.kind);
    const entries = kinds.map((action) => entry(request, action, request.node));
    const where = ` on node ${request.node}`;
    const what: Phrase = {
      todo: request.changes.map((c) => describeChange(c).todo).join(', ') + where,
      done: request.changes.map((c) => describeChange(c).done).join(', ') + where,
    };
    const target: KubernetesObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: request.node } };
    const label = request.label ?? kinds.join('');
    return this.run(request, kinds, label, target, what, entries, signal, (s) => this.writeNode(request, s));
  }

  /** Sets the replicas of a scale subresource (merge patch of spec.replicas). */
  scale(request: ScaleRequest, signal?: AbortSignal): Promise<ActionResult> {
    const t = request.target;
    const object = `${t.kind} ${t.namespace}/${t.name}`;
    const what: Phrase = {
      todo: `scale ${object} from ${request.from} to ${request.replicas} replicas`,
      done: `scaled ${object} from ${request.from} to ${request.replicas} replicas`,
    };
    const target: KubernetesObject = {
      apiVersion: t.group === '' ? t.version : `${t.group}/${t.version}`,
      kind: t.kind,
      metadata: { name: t.name, namespace: t.namespace },
    };
    const entries = [entry(request, 'Scale', undefined)];
    return this.run(request, ['Scale'], 'Scale', target, what, entries, signal, async (s) => {
      const scale = this.options.client.scale;
      if (!scale) return { outcome: 'Failed', detail: 'this client cannot scale' };
      try {
        await scale(t, request.replicas, s);
        return { outcome: 'Done', detail: '' };
      } catch (error) {
        if (isNotFound(error)) return { outcome: 'Gone', detail: `${object} does not exist` };
        return { outcome: 'Failed', detail: apiMessage(error) };
      }
    });
  }

  cordon(context: ActionContext, node: string, signal?: AbortSignal): Promise<ActionResult> {
    return this.changeNode({ ...context, node, changes: [{ kind: 'Cordon' }] }, signal);
  }

  uncordon(context: ActionContext, node: string, signal?: AbortSignal): Promise<ActionResult> {
    return this.changeNode({ ...context, node, changes: [{ kind: 'Uncordon' }] }, signal);
  }

  taint(
    context: ActionContext,
    node: string,
    taint: Extract<NodeChange, { kind: 'Taint' }>['taint'],
    signal?: AbortSignal,
  ): Promise<ActionResult> {
    return this.changeNode({ ...context, node, changes: [{ kind: 'Taint', taint }] }, signal);
  }

  untaint(context: ActionContext, node: string, key: string, signal?: AbortSignal): Promise<ActionResult> {
    return this.changeNode({ ...context, node, changes: [{ kind: 'Untaint', key }] }, signal);
  }

  annotate(
    context: ActionContext,
    node: string,
    key: string,
    value: string,
    signal?: AbortSignal,
  ): Promise<ActionResult> {
    return this.changeNode({ ...context, node, changes: [{ kind: 'Annotate', key, value }] }, signal);
  }

  unannotate(context: ActionContext, node: string, key: string, signal?: AbortSignal): Promise<ActionResult> {
    return this.changeNode({ ...context, node, changes: [{ kind: 'Unannotate', key }] }, signal);
  }

  private podAction(
    action: 'Evict' | 'DeletePod',
    request: EvictRequest | DeletePodRequest,
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<void>,
  ): Promise<ActionResult> {
    const pod = request.pod;
    const target: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
    };
    const force = action === 'DeletePod' && (request as DeletePodRequest).force ? ' (grace period 0)' : '';
    const object = ` pod ${pod.namespace}/${pod.name}${onNode(pod)}${force}`;
    const what: Phrase =
      action === 'Evict'
        ? { todo: `evict${object}`, done: `evicted${object}` }
        : { todo: `delete${object}`, done: `deleted${object}` };
    const entries = [entry(request, action, pod.node)];
    return this.run(request, [action], action, target, what, entries, signal, async (s) => {
      try {
        await call(s);
        return { outcome: 'Done', detail: '' };
      } catch (error) {
        return classifyPodError(action, pod, error);
      }
    });
  }

  /** Budget → DryRun or the API → report; see the file comment. */
  private async run(
    context: ActionContext,
    kinds: readonly ActionKind[],
    label: string,
    target: KubernetesObject,
    what: Phrase,
    entries: readonly LedgerEntry[],
    signal: AbortSignal | undefined,
    perform: (signal: AbortSignal) => Promise<Attempt>,
  ): Promise<ActionResult> {
    const admission = this.ledger.tryAdmit(entries, this.clock.now());
    if (!admission.admitted) {
      this.options.metrics?.denied(admission.rule.name);
      const result: ActionResult = {
        outcome: 'Denied',
        message: `did not ${what.todo}: ${admission.message}`,
        retryAfterMs: admission.retryAfterMs,
      };
      return this.report(context, kinds, label, target, result);
    }
    if (context.mode === 'DryRun') {
      return this.report(context, kinds, label, target, { outcome: 'DryRun', message: `would ${what.todo}` });
    }
    const bounded = timeoutSignal(this.clock, this.options.timeoutMs ?? 10_000, signal);
    let attempt: Attempt;
    try {
      attempt = await perform(bounded.signal);
    } catch (error) {
      attempt = { outcome: 'Failed', detail: apiMessage(error) };
    } finally {
      bounded.dispose();
    }
    if (attempt.outcome !== 'Done' || attempt.changed === false) this.release(admission.ticket);
    const result: ActionResult = { outcome: attempt.outcome, message: resultMessage(what, attempt) };
    if (attempt.changed !== undefined) result.changed = attempt.changed;
    if (attempt.node) {
      result.node = attempt.node;
      target.metadata = { ...target.metadata, uid: attempt.node.metadata?.uid };
    }
    return this.report(context, kinds, label, target, result);
  }

  private release(ticket: Ticket): void {
    this.ledger.release(ticket);
  }

  /** Reads the node and writes the changes guarded by its resourceVersion; re-reads on a conflict. */
  private async writeNode(request: NodeRequest, signal: AbortSignal): Promise<Attempt> {
    const attempts = this.options.nodeWriteAttempts ?? 5;
    let lastConflict = '';
    for (let i = 0; i < attempts; i++) {
      let node: V1Node;
      try {
        node = await this.options.client.readNode(request.node, signal);
      } catch (error) {
        if (isNotFound(error)) return { outcome: 'Gone', detail: `node ${request.node} does not exist` };
        throw error;
      }
      const patch = nodePatch(node, request.changes);
      if (patch.length === 0) return { outcome: 'Done', detail: 'already so', changed: false, node };
      try {
        const written = await this.options.client.patchNode(request.node, patch, signal);
        return { outcome: 'Done', detail: '', changed: true, node: written };
      } catch (error) {
        if (isNotFound(error)) return { outcome: 'Gone', detail: `node ${request.node} does not exist` };
        if (!isStaleWrite(error)) throw error;
        lastConflict = apiMessage(error);
      }
    }
    return {
      outcome: 'Failed',
      detail: `node kept changing under ${attempts} attempts; last: ${lastConflict}`,
    };
  }

  /** The one log line, the Event and the metric every action gets. */
  private report(
    context: ActionContext,
    kinds: readonly ActionKind[],
    label: string,
    target: KubernetesObject,
    result: ActionResult,
  ): ActionResult {
    const { source, pool, reason, mode } = context;
    const message = `${result.message} (${source}, pool ${pool}): ${reason}`;
    const fields = {
      source,
      pool,
      mode,
      action: label,
      outcome: result.outcome,
      kind: target.kind,
      object: target.metadata?.namespace
        ? `${target.metadata.namespace}/${target.metadata.name}`
        : target.metadata?.name,
      reason,
      ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    };
    const warn = result.outcome === 'Denied' || result.outcome === 'Blocked' || result.outcome === 'Failed';
    if (warn) this.log.warn(fields, result.message);
    else this.log.info(fields, result.message);
    const eventReason = result.outcome === 'Done' ? label : `${label}${result.outcome}`;
    this.options.events.record(target, warn ? 'Warning' : 'Normal', eventReason, message);
    for (const kind of kinds) this.options.metrics?.count(source, kind, result.outcome);
    return { ...result, message };
  }
}

function entry(context: ActionContext, action: ActionKind, node: string | undefined): LedgerEntry {
  const e: LedgerEntry = { source: context.source, pool: context.pool, action, mode: context.mode };
  if (node !== undefined) e.node = node;
  return e;
}

function onNode(pod: PodRef): string {
  return pod.node ? ` on node ${pod.node}` : '';
}

/** 429 = a PDB refuses (evictions only); 404 = gone; 409 = the uid precondition failed: a new pod has the name. */
function classifyPodError(action: ActionKind, pod: PodRef, error: unknown): Attempt {
  if (action === 'Evict' && isTooManyRequests(error)) {
    return { outcome: 'Blocked', detail: `a PodDisruptionBudget refuses: ${apiMessage(error)}` };
  }
  if (isNotFound(error)) return { outcome: 'Gone', detail: 'the pod no longer exists' };
  if (isConflict(error)) {
    return {
      outcome: 'Gone',
      detail: `pod uid ${pod.uid} no longer exists; another pod now has the name and was left alone`,
    };
  }
  return { outcome: 'Failed', detail: apiMessage(error) };
}

/**
 * The API server refused a guarded patch, most likely because the node changed since it was read: a failed
 * JSON patch `test` comes back as a bare 422 ("the server rejected our request due to an error in our
 * request"), indistinguishable from other patch errors, so any 422 (and 409) re-reads and recomputes, a
 * bounded number of times. Ops computed from a fresh read apply cleanly unless the node moved again.
 */
function isStaleWrite(error: unknown): boolean {
  return isConflict(error) || statusCode(error) === 422;
}

/** The server's own words for an API error ("Cannot evict pod as it would violate ..."), with its status. */
function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown } | undefined)?.body;
  let message: unknown;
  if (typeof body === 'string') {
    try {
      message = (JSON.parse(body) as { message?: unknown }).message;
    } catch {
      message = undefined;
    }
  } else if (typeof body === 'object' && body !== null) {
    message = (body as { message?: unknown }).message;
  }
  const code = statusCode(error);
  return typeof message === 'string' && message !== ''
    ? `${message}${code !== undefined ? ` (HTTP ${code})` : ''}`
    : describeError(error);
}

function resultMessage(what: Phrase, attempt: Attempt): string {
  switch (attempt.outcome) {
    case 'Done':
      return attempt.changed === false
        ? `did not need to ${what.todo}: ${attempt.detail}`
        : capitalize(what.done);
    case 'Gone':
      return `did not ${what.todo}: ${attempt.detail}`;
    default:
      return `could not ${what.todo}: ${attempt.detail}`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describeChange(change: NodeChange): Phrase {
  switch (change.kind) {
    case 'Cordon':
      return { todo: 'cordon', done: 'cordoned' };
    case 'Uncordon':
      return { todo: 'uncordon', done: 'uncordoned' };
    case 'Taint': {
      const t = change.taint;
      const taint = `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
      return { todo: `taint ${taint}`, done: `tainted ${taint}` };
    }
    case 'Untaint': {
      const taint = `${change.key}${change.effect ? `:${change.effect}` : ''}`;
      return { todo: `untaint ${taint}`, done: `untainted ${taint}` };
    }
    case 'Annotate':
      return { todo: `annotate ${change.key}`, done: `annotated ${change.key}` };
    case 'Unannotate':
      return { todo: `remove annotation ${change.key}`, done: `removed annotation ${change.key}` };
  }
}
