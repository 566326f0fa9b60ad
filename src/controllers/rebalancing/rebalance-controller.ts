/**
 * The rebalance controller: while this replica leads, every valid pool is planned once per its
 * `spec.rebalancing.interval` and the plan carried out through the Actuator. A queued reconciler keyed by
 * pool, like the others: a reconcile that finds the pool's interval not due yet asks to be requeued when it
 * is; one that runs an interval asks for the next one; one that throws is retried with per-key backoff (1 s
 * doubling to 5 min, never sooner than the next interval) and counted as an error. Per pool and interval:
 *
 *  1. read the pool's usage (PoolUsage, fed by the MetricsLoop on every replica) and the pod facts; in a
 *     pool that forecasts, plan on each node's larger of usage now and its forecast at the horizon;
 *  2. plan with the pure core (planRebalance: hysteresis, victims, budgets, destinations, hot taints);
 *  3. act (MoveExecutor): evictions through the Eviction API, node cooldown stamps, hot taints;
 *  4. write Balanced, MetricsAvailable, nodes.hot, load, imbalance, lastActions and counters by server-side
 *     apply under the field manager `fulcrum-balancer`, beside what the pool and failover controllers own;
 *     with scaleRecommendations also CapacityPressure and the recommendation (capacity-advice.ts);
 *  5. with spec.rebalancing.tuning Adaptive, the next interval's tolerance and interval follow the volatility
 *     of the members' loads (rebalancing/rebalance-tuning.ts), shown in status.tuning;
 *  6. with a scale target, set its replicas to the recommendation through the Actuator (scale/scale-step.ts).
 *
 * Heat, move history and counters belong to one leadership term and start from the API server (pool-term.ts),
 * so a new leader neither forgets a cooldown nor repeats a cycle's budget. Pools are planned one after the
 * other (one worker); evictions are replaced by the Fulcrum scheduler, pods of other schedulers are steered by the taint.
 *
 * I/O helpers beside this file: the metrics loop, the move executor, the status writer and the metrics; pod
 * facts in controllers/caches/. The pure parts: per-pool usage stores and capacity advice in src/optimize/,
 * the term, action log, outcome status and tuning in src/rebalancing/.
 */
import { isProtectionReason, PROTECTION_TEXT } from '../../eviction/index.js';
import { performance } from 'node:perf_hooks';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Actuator, ActuationMode } from '../../actuation/index.js';
import {
  parseDuration,
  type ResourcePool,
  type ResourcePoolStatus,
  type TuningStatus,
} from '../../api/index.js';
import {
  planRebalance,
  inFlightMoves,
  pruneHistory,
  rebalanceSettings,
  type InFlightMove,
  type RebalancePlan,
  type RebalanceSettings,
} from '../../rebalancing/index.js';
import { realClock, type Clock } from '../../clock/clock.js';
import { waitForCacheSync } from '../../kube/informer.js';
import type { CustomObject } from '../../kube/informers.js';
import { ItemExponentialRateLimiter } from '../../kube/rate-limiter.js';
import { watches } from '../../kube/watches.js';
import type { ReconcileResult } from '../../kube/workers.js';
import type { Logger } from '../../logging/logger.js';
import { createMetricsSource, type MetricsSourceConfig, type Smoothing } from '../../metrics/index.js';
import { staleAfterIntervals } from '../../metrics/usage-store.js';
import type { NodeInfo } from '../../model/node-info.js';
import { zeroResources, type ResourceVector } from '../../model/resources.js';
import { placementPool } from '../../placement/index.js';
import type { Runnable } from '../../lifecycle/runnable.js';
import type { ControllerDeps } from '../controller-deps.js';
import { QueuedController } from '../queued-controller.js';
import { PolicyCache } from '../caches/policy-cache.js';
import { appendActions } from '../../rebalancing/action-log.js';
import { MetricsLoop } from './metrics-loop.js';
import { MoveExecutor, type Execution } from './move-executor.js';
import { outcomeStatus } from '../../rebalancing/outcome-status.js';
import { rebalanceFacts } from '../caches/pod-facts.js';
import { startTerm, type PoolTerm } from '../../rebalancing/pool-term.js';
import { PoolUsage, type PoolUsageSettings, type PoolUsageView } from '../../optimize/pool-usage.js';
import { capacityAdvice, type CapacityAdvice } from '../../optimize/capacity-advice.js';
import { poolUtilization } from '../../rebalancing/pool-utilization.js';
import { RebalanceMetrics } from './rebalance-metrics.js';
import { RebalanceStatusWriter } from './rebalance-status-writer.js';
import { settlingNodes } from '../../rebalancing/settling-nodes.js';
import { ConsolidationStep } from '../consolidation/consolidation-step.js';
import { ScaleStep } from '../scale/scale-step.js';
import { RebalanceTuning } from '../../rebalancing/rebalance-tuning.js';
import { kubeScaleTargetClient, type ScaleTargetClient } from '../scale/scale-target-client.js';
import { drainsOf } from '../../consolidation/index.js';
import { forecastStepMs, lookaheadUsage, type LookaheadUsage } from '../../optimize/index.js';

/** A failing pool is retried after 1 s, doubling to 5 min (and never before its next interval is due). */
const FAILURE_BACKOFF = { initialMs: 1_000, maxMs: 300_000 };

export interface RebalanceControllerDeps extends ControllerDeps {
  actuator: Actuator;
  policies: PolicyCache;
  usage: PoolUsage;
  /** The metrics loop filling `usage`: planning waits for its first round, and names its failures. */
  metricsLoop: Pick<MetricsLoop, 'firstRound' | 'lastFailure'>;
  /** Reads scale targets (spec.optimization.scaleTarget); without it no target is scaled. */
  scaleTargets?: ScaleTargetClient;
  clock?: Clock;
}

export class RebalanceController implements Runnable {
  readonly name = 'rebalance-controller';
  readonly needsLeader = true;
  private readonly clock: Clock;
  private readonly executor: MoveExecutor;
  private readonly statusWriter: RebalanceStatusWriter;
  private readonly metrics: RebalanceMetrics | undefined;
  private readonly consolidation: ConsolidationStep;
  private readonly scale: ScaleStep | undefined;
  private readonly tuning = new RebalanceTuning();
  private readonly queue: QueuedController;
  /** Heat, history and counters per pool for this leadership term (started afresh by `start`). */
  private terms = new Map<string, PoolTerm>();

  constructor(private readonly deps: RebalanceControllerDeps) {
    this.clock = deps.clock ?? realClock;
    this.scale = deps.scaleTargets ? new ScaleStep({ ...deps, client: deps.scaleTargets }) : undefined;
    this.consolidation = new ConsolidationStep({ ...deps, clock: this.clock });
    this.executor = new MoveExecutor(deps.actuator);
    this.statusWriter = new RebalanceStatusWriter(deps.customObjects);
    this.metrics = deps.metrics ? new RebalanceMetrics(deps.metrics.registry) : undefined;
    this.queue = new QueuedController({
      name: 'rebalance',
      // One pool at a time: plans share the actuator's budgets and the CPU with the scheduler.
      concurrency: 1,
      reconcile: (pool, signal, log) => this.reconcile(pool, signal, log),
      allKeys: () => deps.pools.validPools().keys(),
      // Intervals come from requeues; what else matters is a pool appearing, going, or its spec changing
      // (status writes, ours included, change no generation).
      watches: [watches(deps.informers.resourcePools, (pool, old) => specChange(pool, old))],
      waitFor: deps.informers.all(),
      logger: deps.logger,
      metrics: deps.metrics?.workQueue('rebalance'),
      reconcileMetrics: deps.metrics?.reconciles('rebalance'),
      rateLimiter: new ItemExponentialRateLimiter(FAILURE_BACKOFF.initialMs, FAILURE_BACKOFF.maxMs),
      clock: this.clock,
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    if (!(await waitForCacheSync(this.deps.informers.all(), signal))) return;
    await Promise.race([this.deps.metricsLoop.firstRound, aborted(signal)]);
    if (signal.aborted) return;
    this.terms = new Map();
    await this.queue.start(signal);
  }

  /**
   * One pool: run its interval if it is due, then ask to come back at the next one. A pool that is gone
   * or invalid is forgotten (the pool controller reports an invalid spec).
   */
  private async reconcile(name: string, signal: AbortSignal, log: Logger): Promise<ReconcileResult | void> {
    const pool = this.deps.pools.validPools().get(name);
    const object = this.deps.informers.resourcePools.get(name);
    if (!pool || !object) {
      this.terms.delete(name);
      this.tuning.retain(new Set(this.deps.pools.validPools().keys()));
      return;
    }
    const tuned = this.tuning.settings(pool, rebalanceSettings(pool.spec.rebalancing));
    const members = this.deps.pools.membership().nodesByPool.get(name) ?? [];
    const now = this.clock.now();
    const term = this.termOf(name, object, members, tuned.settings, now);
    if (now < term.nextAt) return { requeueAfterMs: term.nextAt - now };
    term.nextAt = now + tuned.settings.intervalMs;
    // Kept for the cooldown, and at least a metrics window: in-flight moves (in-flight.ts) are read from it.
    term.history = pruneHistory(
      term.history,
      now,
      Math.max(tuned.settings.cooldownMs, tuned.settings.metricsWindowMs),
    );
    await this.interval({ pool, object, members, tuned, term, now, signal, log });
    return { requeueAfterMs: tuned.settings.intervalMs };
  }

  /** One interval of one pool: plan, act, record, write status, then scale and consolidate. */
  private async interval(run: IntervalRun): Promise<void> {
    const { pool, object, members, term, now, signal, log } = run;
    const { settings, status: tuning } = run.tuned;
    const name = pool.metadata.name;
    const { plan, usage } = this.plan(pool, object, members, settings, term, now);
    term.heat = plan.heat;
    this.tuning.observe(pool, members, usage, this.deps.model);
    const mode: ActuationMode = settings.mode === 'DryRun' ? 'DryRun' : 'Enforce';
    const execution = await this.executor.execute(plan, {
      pool: name,
      mode,
      now,
      cooldownMs: settings.cooldownMs,
      listed: term.lastActions,
      signal,
    });
    this.record(term, execution, settings, now);
    this.report(object, plan, execution, term, log);
    const fragment = outcomeStatus(plan.status, execution, this.deps.metricsLoop.lastFailure);
    const capacity = this.advise(pool, object, members, usage, now);
    const wrote = await this.statusWriter.write(
      object,
      {
        fragment,
        lastActions: term.lastActions,
        counters: term.counters,
        ...(capacity ? { capacity } : {}),
        ...(tuning ? { tuning } : {}),
      },
      new Date(now),
      signal,
    );
    if (wrote) this.deps.controllerMetrics?.statusWritten('ResourcePool/rebalance');
    // The scale target follows this interval's recommendation (optimize/scale-decision.ts).
    await this.scale?.run({ pool, object, advice: capacity, now, signal });

    // Consolidation goes after balance, and starts no new drain in an interval where balance moved pods.
    const moved = plan.evictions.length;
    await this.consolidation.run({
      pool,
      object,
      members,
      now,
      ...(moved > 0 ? { hold: `rebalancing planned ${moved} move(s) this interval` } : {}),
      signal,
    });
  }

  /** The pool's term, started from what the API server holds on first sight in this leadership term. */
  private termOf(
    name: string,
    object: CustomObject,
    members: readonly string[],
    settings: RebalanceSettings,
    now: number,
  ): PoolTerm {
    let term = this.terms.get(name);
    if (!term) {
      const status = object.status as ResourcePoolStatus | undefined;
      term = startTerm(status, this.memberInfos(members), settings, now);
      this.terms.set(name, term);
    }
    return term;
  }

  /**
   * Capacity advice for a pool with scaleRecommendations (capacity-advice.ts), its gauge, and an Event when
   * CapacityPressure turns True or its reason changes; undefined for other pools.
   */
  private advise(
    pool: ResourcePool,
    object: CustomObject,
    members: readonly string[],
    usage: PoolUsageView | undefined,
    now: number,
  ): CapacityAdvice | undefined {
    const name = pool.metadata.name;
    if (!pool.spec.optimization.scaleRecommendations) {
      this.metrics?.recommendedNodes.remove({ pool: name });
      return undefined;
    }
    const advice = capacityAdvice({
      pool,
      generation: object.metadata?.generation,
      members,
      model: this.deps.model,
      usage,
      forecaster: this.deps.usage.forecaster(name),
      now,
    });
    if (advice.recommendation)
      this.metrics?.recommendedNodes.set({ pool: name }, advice.recommendation.nodes);
    else this.metrics?.recommendedNodes.remove({ pool: name }); // no advice on stale figures
    const before = ((object.status as ResourcePoolStatus | undefined)?.conditions ?? []).find(
      (c) => c.type === advice.condition.type,
    );
    const { status, reason, message } = advice.condition;
    if (status === 'True' && (before?.status !== 'True' || before.reason !== reason))
      this.deps.events.record(object, 'Warning', 'CapacityPressure', message);
    else if (status === 'False' && before?.status === 'True')
      this.deps.events.record(object, 'Normal', 'CapacityRelieved', message);
    return advice;
  }

  /** The pure part: usage, facts, then planRebalance. */
  private plan(
    pool: ResourcePool,
    object: CustomObject,
    members: readonly string[],
    settings: RebalanceSettings,
    term: PoolTerm,
    now: number,
  ): { plan: RebalancePlan; usage: PoolUsageView | undefined } {
    const { model, informers, policies } = this.deps;
    const name = pool.metadata.name;
    const pods: string[] = [];
    for (const node of members) for (const key of model.podsOn(node)) pods.push(key);
    const usage = this.deps.usage.view(name, {
      members,
      pods,
      now,
      nodeRequests: (node) => model.requested(node),
      nodeIdle: (node) => model.podsOn(node).size === 0,
      podRequests: (key) => model.pod(key)?.requests ?? zeroResources(),
    });
    const ahead = usage ? this.lookahead(pool, usage.nodes.usage, now) : undefined;
    // Nodes not measured yet because their pods just arrived stay out of the plan instead of halting it.
    const fresh = usage
      ? settlingNodes(usage.nodes, model, now, staleAfterIntervals(settings.intervalMs))
      : undefined;
    const started = performance.now();
    const plan = planRebalance({
      model,
      pool: placementPool(pool, members),
      settings,
      ...(object.metadata?.generation !== undefined ? { generation: object.metadata.generation } : {}),
      now,
      ...(usage && fresh ? { usage: usage.nodes.usage, podUsage: usage.pods, metrics: fresh.metrics } : {}),
      ...(ahead ? { usage: ahead.usage, forecastNotes: ahead.notes } : {}),
      inFlight: this.inFlight(name, term, now),
      // Nodes consolidation drains take no pods and leave the mean: they are on their way out.
      failedNodes: new Set([...drainsOf(this.memberInfos(members), now).keys(), ...(fresh?.settling ?? [])]),
      heat: term.heat,
      history: term.history,
      facts: rebalanceFacts({ informers, policies, model, pools: () => this.deps.pools.validPools() }),
      ...(this.deps.operator ? { operator: this.deps.operator } : {}),
    });
    this.metrics?.plan.observe({ pool: name }, (performance.now() - started) / 1000);
    this.metrics?.hotNodes.set({ pool: name }, plan.status.nodes.hot);
    if (plan.status.imbalance !== undefined)
      this.metrics?.imbalance.set({ pool: name }, plan.status.imbalance);
    const measured = usage ? poolUtilization(usage.nodes.usage, (node) => model.node(node)?.allocatable) : [];
    this.metrics?.reportUsage(
      name,
      pool.spec.ceilings,
      measured,
      usage?.nodes.stale.length ?? members.length,
    );
    return { plan, usage };
  }

  /** The pool's recent moves its node metrics do not fully show yet (in-flight.ts). */
  private inFlight(pool: string, term: PoolTerm, now: number): InFlightMove[] {
    const windowMs = this.deps.usage.windowMs(pool);
    if (windowMs === undefined) return [];
    return inFlightMoves(term.history, now, windowMs, (node, at) =>
      this.deps.usage.shareBefore(pool, node, at),
    );
  }

  /**
   * In a pool that forecasts, the usage rebalancing plans on: each node's larger of now and its ready
   * forecast at the horizon (lookahead.ts). Undefined when the pool does not forecast.
   */
  private lookahead(
    pool: ResourcePool,
    current: ReadonlyMap<string, ResourceVector>,
    now: number,
  ): LookaheadUsage | undefined {
    const forecaster = this.deps.usage.forecaster(pool.metadata.name);
    if (!forecaster || pool.spec.optimization.forecast === 'None') return undefined;
    return lookaheadUsage({
      forecaster,
      current,
      now,
      horizonMs: parseDuration(pool.spec.optimization.horizon),
      allocatable: (node) => this.deps.model.node(node)?.allocatable,
    });
  }

  /** History, counters and lastActions after an interval's actions. */
  private record(term: PoolTerm, execution: Execution, settings: RebalanceSettings, now: number): void {
    term.history.push(...execution.moves);
    term.counters = {
      evictions: term.counters.evictions + execution.evicted,
      urgentEvictions: term.counters.urgentEvictions + execution.urgentEvicted,
      dryRunEvictions: term.counters.dryRunEvictions + execution.dryRun,
      evictionsBlocked: term.counters.evictionsBlocked + execution.blocked.length,
    };
    term.lastActions = appendActions(term.lastActions, execution.actions, now, settings.cooldownMs);
  }

  /**
   * A log line per interval that did something, pool Events for evictions a budget stopped, and one per pod
   * the pool's spec.eviction protects (EvictionProtected).
   */
  private report(
    object: CustomObject,
    plan: RebalancePlan,
    execution: Execution,
    term: PoolTerm,
    logger: Logger,
  ): void {
    const { events } = this.deps;
    const pool = object.metadata?.name;
    for (const b of execution.blocked)
      events.record(
        object,
        'Warning',
        'EvictionBlocked',
        `could not move ${b.pod} off hot node ${b.node}: ${b.message}`,
      );
    for (const skip of plan.skipped) {
      // Once per pod, and only for what the pool's owner could opt in to (not DaemonSet, bare or mirror pods).
      if (isProtectionReason(skip.reason) && skip.detail !== undefined && !term.reportedHolds.has(skip.pod)) {
        term.reportedHolds.add(skip.pod);
        events.record(
          object,
          'Normal',
          'EvictionProtected',
          `not moving ${skip.pod} off hot node ${skip.node}: ${PROTECTION_TEXT[skip.reason]} (${skip.detail})`,
        );
        continue;
      }
      if (skip.reason !== 'DisruptionBudget' || term.reportedHolds.has(skip.pod)) continue;
      term.reportedHolds.add(skip.pod);
      events.record(
        object,
        'Warning',
        'EvictionBlocked',
        `not moving ${skip.pod} off hot node ${skip.node}: disruption budget ${skip.detail ?? ''} allows no more disruptions`,
      );
    }
    const acted = execution.actions.length > 0 || execution.failures.length > 0;
    const fields = {
      pool,
      hot: plan.status.nodes.hot,
      load: plan.status.load,
      imbalance: plan.status.imbalance,
      planned: plan.evictions.length,
      urgent: plan.evictions.filter((e) => e.mode === 'Urgent').length,
      evicted: execution.evicted,
      dryRun: execution.dryRun,
      blocked: execution.blocked.length,
      denied: execution.denied,
      ...(plan.halted ? { halted: plan.halted } : {}),
      ...(execution.failures.length > 0 ? { failures: execution.failures } : {}),
    };
    if (execution.failures.length > 0) logger.warn(fields, 'rebalancing interval had failures');
    else if (acted) logger.info(fields, 'rebalancing interval');
    else logger.debug(fields, 'rebalancing interval');
  }

  private memberInfos(members: readonly string[]): NodeInfo[] {
    const infos: NodeInfo[] = [];
    for (const name of members) {
      const info = this.deps.model.node(name);
      if (info) infos.push(info);
    }
    return infos;
  }
}

/** What one interval of one pool works on. */
interface IntervalRun {
  pool: ResourcePool;
  object: CustomObject;
  members: readonly string[];
  tuned: { settings: RebalanceSettings; status?: TuningStatus | undefined };
  term: PoolTerm;
  now: number;
  signal: AbortSignal;
  /** Carries the controller and the pool. */
  log: Logger;
}

/** The pool's key when it appeared, went, or its spec changed (a new generation); nothing otherwise. */
function specChange(pool: CustomObject, old: CustomObject | undefined): string | undefined {
  if (old && old.metadata?.generation === pool.metadata?.generation) return undefined;
  return pool.metadata?.name;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export interface RebalancingDeps extends ControllerDeps {
  kubeConfig: KubeConfig;
  actuator: Actuator;
  metricsSource: MetricsSourceConfig;
  smoothing?: Smoothing;
  clock?: Clock;
  /** Receives every measured node's fresh usage after each metrics round (the scheduler reads it). */
  onNodeUsage?: (usage: ReadonlyMap<string, ResourceVector>) => void;
}

/**
 * Fresh smoothed usage of every measured node of every pool, for the scheduler: placement on the Usage and
 * Max bases then reads the same signal that makes a node hot here, so an evicted pod's replacement is not
 * placed back on the node it left. Stale nodes are left out (the scheduler counts them by requests).
 */
function nodeUsage(
  usage: PoolUsage,
  deps: RebalancingDeps,
  now: number,
): ReadonlyMap<string, ResourceVector> {
  const out = new Map<string, ResourceVector>();
  for (const pool of usage.poolNames) {
    const view = usage.view(pool, {
      members: deps.pools.membership().nodesByPool.get(pool) ?? [],
      pods: [],
      now,
      nodeRequests: (node) => deps.model.requested(node),
      nodeIdle: (node) => deps.model.podsOn(node).size === 0,
      podRequests: (key) => deps.model.pod(key)?.requests ?? zeroResources(),
    });
    for (const [node, vector] of view?.nodes.usage ?? []) out.set(node, vector);
  }
  return out;
}

/**
 * The metrics loop (every replica) and the rebalance controller (leader only), sharing one PoolUsage;
 * `createOperator` adds both to the manager. Only pools that rebalance or consolidate on measured usage, or
 * forecast, or recommend node counts, are measured.
 */
export function createRebalancing(deps: RebalancingDeps): [MetricsLoop, RebalanceController] {
  const measured = (): Map<string, PoolUsageSettings> => {
    const wanted = new Map<string, PoolUsageSettings>();
    for (const pool of deps.pools.validPools().values()) {
      const r = pool.spec.rebalancing;
      const o = pool.spec.optimization;
      const consolidating = o.consolidation.mode !== 'Off';
      // Forecasts and recommendations read usage whatever the balance basis; rebalancing reads it on Usage/Max.
      const forecasting = o.forecast !== 'None' || o.scaleRecommendations;
      const balancing = r.mode !== 'Off' || consolidating;
      if (!forecasting && (!balancing || pool.spec.allocation.basis === 'Requests')) continue;
      const intervalMs = parseDuration(r.interval);
      wanted.set(pool.metadata.name, {
        windowMs: parseDuration(r.metricsWindow),
        intervalMs,
        ...(o.forecast !== 'None'
          ? { forecast: { method: o.forecast, stepMs: forecastStepMs(intervalMs, parseDuration(o.horizon)) } }
          : {}),
      });
    }
    return wanted;
  };
  const usage = new PoolUsage(deps.smoothing);
  const source = createMetricsSource(deps.metricsSource, {
    kubeConfig: deps.kubeConfig,
    nodes: () =>
      [...measured().keys()].flatMap((pool) => deps.pools.membership().nodesByPool.get(pool) ?? []),
  });
  const metricsLoop = new MetricsLoop({
    source,
    usage,
    model: deps.model,
    pools: measured,
    poolOfNode: (node) => deps.pools.poolOfNode(node),
    logger: deps.logger,
    ...(deps.clock ? { clock: deps.clock } : {}),
    onRecorded: (now) => deps.onNodeUsage?.(nodeUsage(usage, deps, now)),
  });
  const controller = new RebalanceController({
    ...deps,
    policies: new PolicyCache(deps.informers.workloadPolicies),
    usage,
    metricsLoop,
    scaleTargets: kubeScaleTargetClient(deps.kubeConfig),
  });
  return [metricsLoop, controller];
}
