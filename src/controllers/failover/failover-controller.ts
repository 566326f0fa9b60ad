/**
 * The failover controller: while this replica leads, it probes the member nodes of every valid pool whose
 * failover mode is not Off, feeds the detector, and for each pool (one work-queue key per pool):
 *  1. plans with the pure core (planPool: the global guard across pools and zones, with a fresh check that
 *     the API server answers whenever a member is Failed; the pool's partition guard; then fence /
 *     reschedule / unfence plans);
 *  2. executes the plans through the Actuator (budgets, DryRun, a log line, an Event and a metric each);
 *  3. writes FailoverActive, PartitionSuspected, failed nodes and the last failover into the pool's status,
 *     under its own field manager (`fulcrum-failover`), beside what the pool controller owns.
 * Probing and detector state belong to one leadership term: a new leader starts afresh from what it
 * observes (every node starts Unknown and needs fresh failing evidence, fence marker or not).
 *
 * I/O helpers beside this file: the probe supervisor (probers and tickers per pool), the plan executor, the
 * status writer and the metrics. The pure parts are in src/failover/: the health tracker (detector state),
 * the progress book, the replacement tracker.
 */
import { performance } from 'node:perf_hooks';
import type { Actuator } from '../../actuation/index.js';
import { parseDuration, type ResourcePool } from '../../api/index.js';
import {
  describeEvidence,
  describeFailure,
  FENCED_BY_ANNOTATION,
  detectorConfig,
  isFenced,
  planNodeGone,
  planPool,
  type PoolPlan,
  planStatus,
  podsOnNode,
  type FailoverStatusInput,
  type AwaitingPod,
  describePodClass,
  type GuardVerdict,
  type PartitionReason,
  globalGuard,
  uncordonedByHand,
  type GlobalVerdict,
  isUnhealthy,
  ZONE_LABEL,
  type Observation,
  type ReschedulePlan,
  probesHealthyCondition,
  probesUsable,
  type Transition,
} from '../../failover/index.js';
import { realClock, type Clock } from '../../clock/clock.js';
import { waitForCacheSync } from '../../kube/informer.js';
import type { CustomObject } from '../../kube/informers.js';
import type { ReconcileResult } from '../../kube/workers.js';
import { nodeInfoFromNode, type NodeInfo } from '../../model/node-info.js';
import type { ResourcePoolStatus } from '../../api/index.js';
import { leaseRenewTime, type AddressGuard } from '../../probes/index.js';
import type { Runnable } from '../../lifecycle/runnable.js';
import type { Logger } from '../../logging/logger.js';
import type { ControllerDeps } from '../controller-deps.js';
import { API_MAX_AGE_MS, ApiReachability, type ApiCheck } from './api-reachability.js';
import { FailoverMetrics } from './failover-metrics.js';
import { FailoverProgressBook, type NodeProgress } from '../../failover/failover-progress.js';
import { FailoverStatusWriter } from './failover-status-writer.js';
import { HealthTracker } from '../../failover/health-tracker.js';
import { PlanExecutor, type ExecutionResult, type PoolContext } from './plan-executor.js';
import { failoverPolicyOf, isMirrorPod, ownerKindOf, type PodPolicyLookup } from './pod-policy.js';
import { ProbeSupervisor, type ProbedPool } from './probe-supervisor.js';
import { ReplacementTracker } from '../../failover/replacement-tracker.js';
import type { PolicyCache } from '../caches/policy-cache.js';
import { QueuedController } from '../queued-controller.js';
import { watches, type Watch } from '../../kube/watches.js';
import type { LeanPod } from '../../kube/lean-pod.js';
import type { LeanNode } from '../../kube/lean-node.js';

/** Every reason a pool may hold for, each a series of fulcrum_failover_partition_suspected. */
const PARTITION_REASONS: readonly PartitionReason[] = [
  'TooManyUnhealthyNodes',
  'APIServerUnreachable',
  'ClusterWideFailure',
  'ZoneWideFailure',
];

/** While a failover is under way, look again this often even if no event arrives. */
const IN_PROGRESS_REQUEUE_MS = 2_000;

export interface FailoverControllerDeps extends ControllerDeps {
  actuator: Actuator;
  policies: PolicyCache;
  clock?: Clock;
  /**
   * Where a node annotation may redirect a probe besides the node's own addresses (--probe-allow-cidrs);
   * default nowhere.
   */
  probeRedirects?: AddressGuard;
  /** Probes in flight at once, per pool (default 256). */
  probeConcurrency?: number;
  /** The node this operator runs on ($NODE_NAME): never failed over (see planPool). */
  ownNode?: string;
  /**
   * One cheap request to the API server (createOperator: GET /version), made before a pool with a Failed
   * member is planned; without it the API-server rule of the global guard is off.
   */
  apiCheck?: ApiCheck;
}

/** Everything that lives for one leadership term. */
interface Term {
  signal: AbortSignal;
  tracker: HealthTracker;
  progress: FailoverProgressBook;
  replacements: ReplacementTracker;
  supervisor: ProbeSupervisor;
  executor: PlanExecutor;
  /** Nodes as our own writes returned them, newer than the informer's until it catches up. */
  written: Map<string, LeanNode>;
  /** The last verdict per pool: 'Proceed' or why it holds (PartitionReason). */
  verdicts: Map<string, 'Proceed' | PartitionReason>;
  /** The last ProbesHealthy reason per pool, for Events on change. */
  probeReasons: Map<string, string>;
  reportedSilent: Set<string>;
}

export class FailoverController implements Runnable {
  readonly name = 'failover-controller';
  readonly needsLeader = true;
  private readonly queue: QueuedController;
  private readonly clock: Clock;
  private readonly metrics: FailoverMetrics | undefined;
  private readonly statusWriter: FailoverStatusWriter;
  private readonly lookup: PodPolicyLookup;
  private readonly api: ApiReachability | undefined;
  private term: Term | undefined;

  constructor(private readonly deps: FailoverControllerDeps) {
    this.clock = deps.clock ?? realClock;
    this.metrics = deps.metrics ? new FailoverMetrics(deps.metrics.registry) : undefined;
    this.statusWriter = new FailoverStatusWriter(deps.customObjects);
    this.api = deps.apiCheck ? new ApiReachability(deps.apiCheck, this.clock) : undefined;
    this.lookup = {
      policies: deps.policies,
      pools: () => deps.pools.validPools(),
      pod: (key) => deps.informers.pods.get(key),
    };
    this.queue = new QueuedController({
      name: 'failover',
      reconcile: (key, signal, log) => this.reconcile(key, signal, log),
      allKeys: () => deps.informers.resourcePools.list().map((p) => p.metadata?.name ?? ''),
      waitFor: deps.informers.all(),
      logger: deps.logger,
      metrics: deps.metrics?.workQueue('failover'),
      reconcileMetrics: deps.metrics?.reconciles('failover'),
      watches: this.triggers(),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    if (!(await waitForCacheSync(this.deps.informers.all(), signal))) return;
    const term = this.newTerm(signal);
    this.term = term;
    try {
      term.supervisor.sync(this.probedPools(), signal);
      await this.queue.start(signal);
    } finally {
      await term.supervisor.stopAll();
      if (this.term === term) this.term = undefined;
    }
  }

  private newTerm(signal: AbortSignal): Term {
    const { informers, logger, actuator } = this.deps;
    const progress = new FailoverProgressBook();
    const replacements = new ReplacementTracker();
    const written = new Map<string, LeanNode>();
    const term: Term = {
      signal,
      tracker: new HealthTracker(),
      progress,
      replacements,
      written,
      verdicts: new Map(),
      probeReasons: new Map(),
      reportedSilent: new Set(),
      supervisor: new ProbeSupervisor({
        clock: this.clock,
        logger: logger.child({ controller: 'failover' }),
        members: (pool) => this.members(pool),
        node: (name) => informers.nodes.get(name),
        lease: (name) => informers.nodeLeases.get(`kube-node-lease/${name}`),
        onObservation: (pool, observation) => this.observe(pool, observation),
        ...(this.deps.probeRedirects ? { probeRedirects: this.deps.probeRedirects } : {}),
        ...(this.deps.probeConcurrency ? { concurrency: this.deps.probeConcurrency } : {}),
      }),
      executor: new PlanExecutor({
        actuator,
        progress,
        replacements,
        pod: (key) => informers.pods.get(key),
        nodeWritten: (node) => written.set(node.metadata?.name ?? '', node),
        onFenced: (p) => this.onFenced(p),
        onReleased: (p, message) => {
          this.nodeEvent(p.node, 'Warning', 'NodeConfirmedDown', `failover of pool ${p.pool}: ${message}`);
          this.poolEvent(p.pool, 'Warning', 'NodeConfirmedDown', message);
        },
        onAwaiting: (plan, pods) => this.reportAwaiting(plan, pods),
        onUncordonRespected: (p, message) => {
          this.nodeEvent(p.node, 'Normal', 'UncordonRespected', `failover of pool ${p.pool}: ${message}`);
          this.poolEvent(p.pool, 'Normal', 'UncordonRespected', message);
        },
        onUnfenced: (node) =>
          this.poolEvent(
            this.poolOfNode(node),
            'Normal',
            'NodeUnfenced',
            `node ${node} recovered and was unfenced`,
          ),
        now: () => this.clock.now(),
      }),
    };
    return term;
  }

  /** One pool: plan, execute, write status. `log` carries the controller and the pool. */
  private async reconcile(
    poolName: string,
    signal: AbortSignal,
    log: Logger,
  ): Promise<ReconcileResult | void> {
    const term = this.term;
    if (!term) return;
    term.supervisor.sync(this.probedPools(), term.signal);
    const object = this.deps.informers.resourcePools.get(poolName);
    const pool = this.deps.pools.validPools().get(poolName);
    if (!object || !pool) return; // deleted, or an invalid spec the pool controller reports
    const failover = pool.spec.failover;
    const members = this.members(poolName);
    const now = this.clock.now();
    const policy = this.planPolicy(poolName, failover, now);
    const podsOf = (node: string) => podsOnNode(this.deps.model, node);
    const probes = this.probeReport(term, poolName, failover, members);
    const global = await this.globalVerdict(term, members, now, signal);
    const started = performance.now();
    const plan = planPool({
      ...policy,
      global,
      zoneOf: (name) => this.deps.informers.nodes.get(name)?.metadata?.labels?.[ZONE_LABEL],
      mode: failover.mode,
      maxUnhealthy: failover.maxUnhealthy,
      members,
      health: term.tracker.healthOf(members),
      nodeInfo: (name) => this.nodeInfo(name),
      podsOf,
      fenced: (name) => this.isFencedNode(name),
      fenceSeen: (name) => term.progress.get(name)?.fencedAt !== undefined,
      detector: detectorConfig(failover.probe),
      probesUsable: probesUsable(probes),
      ...(this.deps.ownNode !== undefined ? { ownNode: this.deps.ownNode } : {}),
    });
    this.metrics?.decision.observe({ pool: poolName }, (performance.now() - started) / 1000);
    this.reportVerdict(term, object, plan.verdict, log);
    this.reportSilentNodes(term, object, members, log);
    const result: ExecutionResult = { failures: [] };
    if (failover.mode !== 'Off') {
      const ctx: PoolContext = {
        pool: poolName,
        mode: failover.mode,
        planInput: policy,
        podsOf,
        nodeInfo: (name) => this.nodeInfo(name),
        health: (name) => term.tracker.state(name),
        signal,
      };
      await this.execute(term, plan, ctx, result);
    }
    this.settle(term, poolName, members);
    this.reportProbes(object, probes, log);
    await this.writeStatus(term, object, pool, members, plan.verdict, probes, signal);
    if (result.failures.length > 0)
      throw new Error(`failover of pool ${poolName}: ${result.failures.join('; ')}`);
    return this.requeueAfter(term, poolName, result);
  }

  private isFencedNode(name: string): boolean {
    const info = this.nodeInfo(name);
    return info !== undefined && isFenced(info);
  }

  /** The pool's settings and lookups the planners need (planPool, and planFailover again when executing). */
  private planPolicy(poolName: string, failover: ResourcePool['spec']['failover'], now: number) {
    return {
      pool: poolName,
      fencing: failover.fencing,
      outOfServiceEffect: 'NoSchedule' as const,
      now,
      policyOf: (pod: Parameters<typeof failoverPolicyOf>[1]) => failoverPolicyOf(this.lookup, pod),
      ownerKind: (pod: Parameters<typeof ownerKindOf>[1]) => ownerKindOf(this.lookup, pod),
      isMirrorPod: (pod: Parameters<typeof isMirrorPod>[1]) => isMirrorPod(this.lookup, pod),
      safeTimeMs: parseDuration(failover.safeTime),
      leaseRenewTime: (node: string) =>
        leaseRenewTime(this.deps.informers.nodeLeases.get(`kube-node-lease/${node}`)),
    };
  }

  /** The probe type, the members' probe counts and the probe settings' problem, if any. */
  private probeReport(
    term: Term,
    poolName: string,
    failover: ResourcePool['spec']['failover'],
    members: readonly string[],
  ) {
    const settingsError = term.supervisor.problem(poolName);
    return {
      probeType: failover.probe.type,
      counts: term.tracker.probeCounts(members),
      ...(settingsError !== undefined ? { settingsError } : {}),
    };
  }

  /** Carries out the plan in order: fail over (fence), unfence, then release the nodes that were deleted. */
  private async execute(
    term: Term,
    plan: PoolPlan,
    ctx: PoolContext,
    result: ExecutionResult,
  ): Promise<void> {
    for (const p of plan.failover) await term.executor.failover(p, ctx, result);
    for (const p of plan.unfence) await term.executor.unfence(p, ctx, result);
    await this.releaseDeletedNodes(term, ctx.pool, ctx, result);
  }

  /**
   * When to look at the pool again: the executor's earliest retry, or soon while a fenced node's failover is
   * still in progress (at least 100 ms); otherwise only on a change.
   */
  private requeueAfter(term: Term, poolName: string, result: ExecutionResult): ReconcileResult {
    const pending = [...term.progress.ofPool(poolName).values()].some(
      (p) => p.completedAt === undefined && p.fencedAt !== undefined,
    );
    const waits = [result.retryAfterMs, pending ? IN_PROGRESS_REQUEUE_MS : undefined].filter(
      (w) => w !== undefined,
    );
    return waits.length > 0 ? { requeueAfterMs: Math.max(100, Math.min(...waits)) } : {};
  }

  /**
   * The global guard over every probed node of every pool. The API server is asked (at most once a second)
   * only when this pool has a Failed member, that is when the plan could fence; otherwise its rule is moot.
   */
  private async globalVerdict(
    term: Term,
    members: readonly string[],
    now: number,
    signal: AbortSignal,
  ): Promise<GlobalVerdict> {
    const wouldAct = members.some((m) => term.tracker.state(m).health === 'Failed');
    const apiLastSuccessAt = wouldAct && this.api ? await this.api.fresh(signal) : now;
    const nodes = this.probedPools().flatMap((p) =>
      this.members(p.name).map((name) => {
        const zone = this.deps.informers.nodes.get(name)?.metadata?.labels?.[ZONE_LABEL];
        return { name, unhealthy: isUnhealthy(term.tracker.state(name)), ...(zone ? { zone } : {}) };
      }),
    );
    return globalGuard({ nodes, apiLastSuccessAt, now: this.clock.now(), apiMaxAgeMs: API_MAX_AGE_MS });
  }

  /**
   * A node this term was failing over whose Node object is gone is confirmed down by its deletion: its pods
   * still bound to it are force-deleted (planNodeGone), at-most-once ones included.
   */
  private async releaseDeletedNodes(
    term: Term,
    poolName: string,
    ctx: PoolContext,
    result: ExecutionResult,
  ): Promise<void> {
    for (const progress of term.progress.ofPool(poolName).values()) {
      if (this.nodeInfo(progress.node) !== undefined || progress.fencedAt === undefined) continue;
      const plan = planNodeGone({ ...ctx.planInput, node: progress.node, pods: ctx.podsOf(progress.node) });
      if (plan.deletions.length > 0) await term.executor.release(plan, ctx, result);
    }
  }

  /** Marks finished failovers complete and forgets nodes that are healthy and unfenced (or gone). */
  private settle(term: Term, poolName: string, members: readonly string[]): void {
    const memberSet = new Set(members);
    for (const progress of term.progress.ofPool(poolName).values()) {
      const node = progress.node;
      const health = term.tracker.state(node);
      const info = this.nodeInfo(node);
      const gone = info === undefined;
      // A deleted node is kept until its pods are gone too (releaseDeletedNodes force-deletes them).
      if (gone && progress.fencedAt !== undefined && podsOnNode(this.deps.model, node).length > 0) continue;
      if (!memberSet.has(node) || gone || (health.health === 'Healthy' && !isFencedByUs(info))) {
        term.progress.delete(node);
        term.replacements.forget(node);
        continue;
      }
      const done =
        progress.deletionsIssuedAt !== undefined &&
        progress.completedAt === undefined &&
        progress.remaining === 0 &&
        progress.awaiting === 0 &&
        term.replacements.outstanding(node) === 0 &&
        !progress.dryRunReported;
      if (!done) continue;
      progress.completedAt = this.clock.now();
      const seconds = (progress.completedAt - progress.detectedAt) / 1000;
      this.metrics?.recovery.observe({ pool: poolName }, seconds);
      const message = `node ${node}: ${progress.podsRescheduled ?? 0} pods rescheduled and bound elsewhere, ${seconds.toFixed(1)}s after detection`;
      this.deps.logger.info({ controller: 'failover', pool: poolName, node, seconds }, message);
      this.poolEvent(poolName, 'Normal', 'FailoverComplete', message);
    }
  }

  private async writeStatus(
    term: Term,
    object: CustomObject,
    pool: ResourcePool,
    members: readonly string[],
    verdict: GuardVerdict,
    probes: NonNullable<FailoverStatusInput['probes']>,
    signal: AbortSignal,
  ): Promise<void> {
    const status = object.status as ResourcePoolStatus | undefined;
    const fragment = planStatus({
      mode: pool.spec.failover.mode,
      generation: object.metadata?.generation,
      members,
      health: term.tracker.healthOf(members),
      verdict,
      progress: term.progress.ofPool(pool.metadata.name),
      probes,
      // Read from the node itself, so a new leader reports a human uncordon too.
      uncordonedAt: (node) => {
        const info = this.nodeInfo(node);
        return info ? uncordonedByHand(info) : undefined;
      },
      ...(status?.failover?.lastFailover ? { previous: status.failover.lastFailover } : {}),
    });
    this.metrics?.report(pool.metadata.name, fragment);
    const wrote = await this.statusWriter.write(object, fragment, new Date(this.clock.now()), signal);
    if (wrote) this.deps.controllerMetrics?.statusWritten('ResourcePool/failover');
  }

  /** An observation from the probes or the informers: step the detector, report transitions. */
  private observe(pool: string, observation: Observation): void {
    const term = this.term;
    const spec = this.deps.pools.validPools().get(pool)?.spec.failover;
    if (!term || !spec) return;
    const transitions = term.tracker.observe(observation, detectorConfig(spec.probe));
    if (transitions.length === 0) return;
    for (const t of transitions) this.reportTransition(term, pool, t);
    this.queue.enqueue(pool);
  }

  private reportTransition(term: Term, pool: string, t: Transition): void {
    const log = this.deps.logger.child({ controller: 'failover', pool, node: t.node });
    if (t.to === 'Failed' && t.from === 'Suspect') {
      const state = term.tracker.state(t.node);
      const seconds = state.suspectSince !== undefined ? (t.at - state.suspectSince) / 1000 : 0;
      this.metrics?.detection.observe({ pool }, seconds);
      const why = t.reason ? describeFailure(t.reason) : 'failing';
      log.warn({ detectionSeconds: seconds }, `node failed: ${why}`);
      this.nodeEvent(t.node, 'Warning', 'NodeFailed', `failover of pool ${pool}: node failed (${why})`);
      this.poolEvent(pool, 'Warning', 'NodeFailed', `node ${t.node} failed (${why})`);
    } else if (
      (t.to === 'Healthy' || t.to === 'Degraded') &&
      (t.from === 'Recovering' || t.from === 'Failed')
    ) {
      log.info('node recovered');
      this.nodeEvent(
        t.node,
        'Normal',
        'NodeRecovered',
        `failover of pool ${pool}: node passes its probes again`,
      );
      this.poolEvent(pool, 'Normal', 'NodeRecovered', `node ${t.node} passes its probes again`);
    } else if (t.to === 'Degraded') {
      // A live kubelet (fresh Lease) or an answering host reports trouble: Kubernetes' business, not a
      // failure. Reported, never acted on.
      const why = t.reason ? describeFailure(t.reason) : 'degraded';
      log.warn(`node degraded, not failed: ${why}`);
      this.nodeEvent(
        t.node,
        'Warning',
        'NodeDegraded',
        `failover of pool ${pool}: ${why}, but ${describeEvidence(term.tracker.state(t.node).evidence)}: not failed over`,
      );
    } else {
      log.debug({ from: t.from, to: t.to }, 'node health changed');
    }
  }

  private onFenced(progress: NodeProgress): void {
    const seconds = ((progress.fencedAt ?? progress.detectedAt) - progress.detectedAt) / 1000;
    this.metrics?.fencing.observe({ pool: progress.pool }, seconds);
    this.poolEvent(
      progress.pool,
      'Normal',
      'NodeFenced',
      `node ${progress.node} fenced ${seconds.toFixed(2)}s after detection`,
    );
  }

  /**
   * At-most-once pods that stay on a failed node until it is confirmed down: a Warning Event on each pod
   * (once per pod and term) and one on the node, saying why and until when.
   */
  private reportAwaiting(plan: ReschedulePlan, pods: readonly AwaitingPod[]): void {
    const why = plan.confirmed.down ? '' : plan.confirmed.message;
    for (const p of pods) {
      const lean = this.deps.informers.pods.get(p.pod);
      if (!lean) continue;
      const message =
        `node ${plan.node} failed; this ${describePodClass(p.podClass)} is at-most-once and is released only ` +
        `when the node is confirmed down: ${why}`;
      this.deps.events.record(lean, 'Warning', 'AwaitingConfirmedDown', message);
    }
    const names = pods.map((p) => p.pod);
    const list = names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    this.nodeEvent(
      plan.node,
      'Warning',
      'AwaitingConfirmedDown',
      `${pods.length} at-most-once pods (${list}) wait until the node is confirmed down: ${why}`,
    );
  }

  /** An Event when the partition guard trips or clears. */
  private reportVerdict(term: Term, pool: CustomObject, verdict: GuardVerdict, log: Logger): void {
    const name = pool.metadata?.name ?? '';
    const now = verdict.verdict === 'PartitionSuspected' ? verdict.reason : 'Proceed';
    for (const reason of PARTITION_REASONS)
      this.metrics?.partitionSuspected.set({ pool: name, reason }, reason === now ? 1 : 0);
    const before = term.verdicts.get(name);
    term.verdicts.set(name, now);
    if (before === now) return;
    if (verdict.verdict === 'PartitionSuspected') {
      log.warn(verdict.message);
      this.deps.events.record(pool, 'Warning', 'PartitionSuspected', verdict.message);
    } else if (before !== undefined) {
      this.deps.events.record(pool, 'Normal', 'PartitionCleared', verdict.message);
    }
  }

  /** The probe metric, and an Event whenever the ProbesHealthy reason changes. */
  private reportProbes(
    pool: CustomObject,
    probes: NonNullable<FailoverStatusInput['probes']>,
    log: Logger,
  ): void {
    const name = pool.metadata?.name ?? '';
    const c = probes.counts;
    for (const [outcome, value] of [
      ['answering', c.answering],
      ['failing', c.failing],
      ['refused', c.refused],
      ['pending', c.pending],
    ] as const)
      this.metrics?.probes.set({ pool: name, outcome }, value);
    const condition = probesHealthyCondition(probes);
    const term = this.term;
    if (!term || term.probeReasons.get(name) === condition.reason) return;
    const before = term.probeReasons.get(name);
    term.probeReasons.set(name, condition.reason);
    if (condition.status === 'False') {
      log.warn(condition.message);
      this.deps.events.record(pool, 'Warning', condition.reason, condition.message);
    } else if (before !== undefined) {
      this.deps.events.record(pool, 'Normal', condition.reason, condition.message);
    }
  }

  /** Once per node and term: a node whose probes never succeeded is not failed by them (see HealthTracker). */
  private reportSilentNodes(term: Term, pool: CustomObject, members: readonly string[], log: Logger): void {
    for (const node of members) {
      const inconclusive = term.tracker.state(node).inconclusive;
      if (!inconclusive?.startsWith('never answered') || term.reportedSilent.has(node)) continue;
      term.reportedSilent.add(node);
      const message = `node ${node}: ${inconclusive}`;
      log.warn({ node }, message);
      this.deps.events.record(pool, 'Warning', 'ProbeNeverAnswered', message);
    }
  }

  /** Pools to probe: valid, failover not Off. */
  private probedPools(): ProbedPool[] {
    const out: ProbedPool[] = [];
    for (const pool of this.deps.pools.validPools().values()) {
      if (pool.spec.failover.mode !== 'Off')
        out.push({ name: pool.metadata.name, probe: pool.spec.failover.probe });
    }
    return out;
  }

  private members(pool: string): readonly string[] {
    return this.deps.pools.membership().nodesByPool.get(pool) ?? [];
  }

  private poolOfNode(node: string): string {
    return this.deps.pools.poolOfNode(node) ?? this.term?.progress.get(node)?.pool ?? '';
  }

  /** The node to plan with: the informer's, unless our own write returned a newer one. */
  private nodeInfo(name: string): NodeInfo | undefined {
    const observed = this.deps.informers.nodes.get(name);
    const ours = this.term?.written.get(name);
    if (ours && (!observed || newer(ours, observed))) return nodeInfoFromNode(ours);
    if (ours) this.term?.written.delete(name);
    return observed ? (this.deps.model.node(name) ?? nodeInfoFromNode(observed)) : undefined;
  }

  private nodeEvent(node: string, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const uid = this.deps.informers.nodes.get(node)?.metadata?.uid;
    this.deps.events.record(
      { apiVersion: 'v1', kind: 'Node', metadata: { name: node, uid } },
      type,
      reason,
      message,
    );
  }

  private poolEvent(pool: string, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const object = this.deps.informers.resourcePools.get(pool);
    if (object) this.deps.events.record(object, type, reason, message);
  }

  /**
   * Which changes touch which pool: its own (a deleted pool's reconcile stops its probes); a node change
   * the node's pool; a pod change the pools of the failed nodes it replaces or still sits on. Pod resyncs
   * count too: each one is shown to the replacement tracker, as every pod change is.
   */
  private triggers(): Watch[] {
    const { informers } = this.deps;
    return [
      watches(informers.resourcePools, (pool) => pool.metadata?.name ?? ''),
      watches(informers.nodes, (node) => this.poolOfChangedNode(node.metadata?.name)),
      watches(informers.pods, (pod) => this.poolsTouchedBy(pod), { resyncs: true }),
    ];
  }

  private poolOfChangedNode(node: string | undefined): string | undefined {
    if (!node || !this.term) return undefined;
    return this.deps.pools.poolOfNode(node) ?? this.term.progress.get(node)?.pool;
  }

  /** Feeds the replacement tracker, then names the pools of the failed nodes the pod concerns. */
  private poolsTouchedBy(pod: LeanPod): string[] {
    const term = this.term;
    if (!term) return [];
    const nodes = [...term.replacements.observe(pod)];
    const node = pod.spec?.nodeName;
    if (node && term.progress.has(node)) nodes.push(node);
    const pools: string[] = [];
    for (const failed of nodes) {
      const pool = this.poolOfChangedNode(failed);
      if (pool) pools.push(pool);
    }
    return pools;
  }
}

function isFencedByUs(node: NodeInfo): boolean {
  return node.annotations[FENCED_BY_ANNOTATION] !== undefined;
}

/** resourceVersions are opaque, but etcd's are increasing integers: compare them as such when they are. */
function newer(a: LeanNode, b: LeanNode): boolean {
  const ra = a.metadata?.resourceVersion ?? '';
  const rb = b.metadata?.resourceVersion ?? '';
  if (!/^[0-9]+$/.test(ra) || !/^[0-9]+$/.test(rb)) return false;
  return BigInt(ra) > BigInt(rb);
}

/** Builds the controller; `createOperator` adds it to the manager. */
export function createFailoverController(deps: FailoverControllerDeps): FailoverController {
  return new FailoverController(deps);
}
