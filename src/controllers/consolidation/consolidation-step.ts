/**
 * Consolidation, as a step of the rebalance controller's interval, after the balance plan (so the two never
 * evict at once and balance goes first):
 *
 *  1. read the drains under way from the member nodes (their consolidation taint), the pool's usage and the
 *     pod facts;
 *  2. plan with the pure core (planConsolidation), held when the balance plan moved pods this interval;
 *  3. act (DrainExecutor): lift given-up drains, taint new ones, evict through the Actuator in the pool's
 *     consolidation mode;
 *  4. write status.consolidation (packing efficiency, lower bound, candidates, draining and free nodes) under
 *     the field manager `fulcrum-consolidator`, the metrics, and in DryRun a pool Event when the plan changes.
 */
import type { Actuator } from '../../actuation/index.js';
import type { ConsolidationStatus, ResourcePool } from '../../api/index.js';
import {
  consolidationSettings,
  drainsOf,
  planConsolidation,
  type ConsolidationPlan,
} from '../../consolidation/index.js';
import type { Clock } from '../../clock/clock.js';
import type { CustomObject } from '../../kube/informers.js';
import type { NodeInfo } from '../../model/node-info.js';
import { zeroResources } from '../../model/resources.js';
import { placementPool } from '../../placement/index.js';
import type { ControllerDeps } from '../controller-deps.js';
import type { PolicyCache } from '../caches/policy-cache.js';
import type { PoolUsage } from '../../optimize/pool-usage.js';
import { consolidationFacts } from './consolidation-facts.js';
import { ConsolidationMetrics } from './consolidation-metrics.js';
import { ConsolidationStatusWriter } from './consolidation-status-writer.js';
import { DrainExecutor, type DrainExecution } from './drain-executor.js';

export interface ConsolidationStepDeps extends ControllerDeps {
  actuator: Actuator;
  policies: PolicyCache;
  usage: PoolUsage;
  clock: Clock;
}

export interface StepInput {
  pool: ResourcePool;
  object: CustomObject;
  members: readonly string[];
  now: number;
  /** Why no new drain may start this interval, if so. */
  hold?: string;
  signal: AbortSignal;
}

export class ConsolidationStep {
  private readonly executor: DrainExecutor;
  private readonly statusWriter: ConsolidationStatusWriter;
  private readonly metrics: ConsolidationMetrics | undefined;
  /** Per pool, the last DryRun plan reported as an Event, so an unchanged plan is not reported again. */
  private readonly reported = new Map<string, string>();

  constructor(private readonly deps: ConsolidationStepDeps) {
    this.executor = new DrainExecutor(deps.actuator);
    this.statusWriter = new ConsolidationStatusWriter(deps.customObjects);
    this.metrics = deps.metrics ? new ConsolidationMetrics(deps.metrics.registry) : undefined;
  }

  async run(input: StepInput): Promise<ConsolidationPlan> {
    const name = input.pool.metadata.name;
    const settings = consolidationSettings(
      input.pool.spec.optimization.consolidation,
      input.pool.spec.rebalancing,
    );
    const plan = this.plan(input);
    const execution = await this.executor.execute(plan, {
      pool: name,
      mode: settings.mode === 'DryRun' ? 'DryRun' : 'Enforce',
      now: input.now,
      signal: input.signal,
    });
    this.report(input, plan, execution, settings.mode);
    const wrote = await this.statusWriter.write(
      input.object,
      { consolidation: consolidationStatus(plan, execution, settings.mode, input.now) },
      input.signal,
    );
    if (wrote) this.deps.controllerMetrics?.statusWritten('ResourcePool/consolidation');
    return plan;
  }

  /** The pure part: drains, usage, facts, then planConsolidation. */
  private plan(input: StepInput): ConsolidationPlan {
    const { model, informers, policies } = this.deps;
    const { pool, members, now } = input;
    const name = pool.metadata.name;
    const infos: NodeInfo[] = [];
    const pods: string[] = [];
    for (const node of members) {
      const info = model.node(node);
      if (info) infos.push(info);
      for (const key of model.podsOn(node)) pods.push(key);
    }
    const usage = this.deps.usage.view(name, {
      members,
      pods,
      now,
      nodeRequests: (node) => model.requested(node),
      nodeIdle: (node) => model.podsOn(node).size === 0,
      podRequests: (key) => model.pod(key)?.requests ?? zeroResources(),
    });
    return planConsolidation({
      model,
      pool: placementPool(pool, [...members]),
      settings: consolidationSettings(pool.spec.optimization.consolidation, pool.spec.rebalancing),
      now,
      ...(usage ? { usage: usage.nodes.usage, podUsage: usage.pods, metrics: usage.nodes } : {}),
      draining: drainsOf(infos, now),
      facts: consolidationFacts({ informers, policies, model, pools: () => this.deps.pools.validPools() }),
      ...(input.hold !== undefined ? { hold: input.hold } : {}),
    });
  }

  /** Metrics, a log line when something happened, and in DryRun an Event when the plan changes. */
  private report(input: StepInput, plan: ConsolidationPlan, execution: DrainExecution, mode: string): void {
    const name = input.pool.metadata.name;
    const { packing } = plan;
    this.metrics?.efficiency.set({ pool: name }, packing.efficiency);
    this.metrics?.nodes.set({ pool: name, state: 'inUse' }, packing.nodesInUse);
    this.metrics?.nodes.set({ pool: name, state: 'lowerBound' }, packing.lowerBoundNodes);
    this.metrics?.nodes.set({ pool: name, state: 'draining' }, plan.draining.length);
    this.metrics?.nodes.set({ pool: name, state: 'free' }, plan.free.length);
    for (const b of execution.blocked)
      this.deps.events.record(
        input.object,
        'Warning',
        'EvictionBlocked',
        `could not move ${b.pod} off ${b.node} (consolidation): ${b.message}`,
      );
    if (mode === 'DryRun' && plan.candidates.length > 0) {
      const text = `would drain ${plan.candidates.join(', ')} (${plan.evictions.length} eviction(s) this interval): ${plan.message}`;
      if (this.reported.get(name) !== text) {
        this.reported.set(name, text);
        this.deps.events.record(input.object, 'Normal', 'ConsolidationPlanned', text);
      }
    }
    const acted = plan.marks.length + plan.evictions.length > 0 || execution.failures.length > 0;
    if (!acted) return;
    const fields = {
      controller: 'consolidation',
      pool: name,
      mode,
      started: execution.started,
      stopped: execution.stopped,
      draining: plan.draining,
      free: plan.free,
      planned: plan.evictions.length,
      evicted: execution.evicted,
      dryRun: execution.dryRun,
      blocked: execution.blocked.length,
      denied: execution.denied,
      efficiency: Math.round(packing.efficiency * 10) / 10,
      ...(execution.failures.length > 0 ? { failures: execution.failures } : {}),
    };
    if (execution.failures.length > 0) this.deps.logger.warn(fields, 'consolidation interval had failures');
    else this.deps.logger.info(fields, `consolidation: ${plan.message}`);
  }
}

function consolidationStatus(
  plan: ConsolidationPlan,
  execution: DrainExecution,
  mode: string,
  now: number,
): ConsolidationStatus {
  const round = (x: number): number => Math.round(x * 10) / 10;
  const blocked =
    execution.blocked.length > 0
      ? `; ${execution.blocked.length} eviction(s) refused by a disruption budget`
      : '';
  return {
    mode,
    nodesInUse: plan.packing.nodesInUse,
    lowerBoundNodes: plan.packing.lowerBoundNodes,
    packingEfficiency: round(plan.packing.efficiency),
    boundEfficiency: round(plan.packing.boundEfficiency),
    ...(plan.candidates.length > 0 ? { candidates: plan.candidates.slice(0, 20) } : {}),
    ...(plan.draining.length > 0 && mode === 'Enforce' ? { draining: plan.draining.slice(0, 20) } : {}),
    ...(plan.free.length > 0 ? { free: plan.free.slice(0, 20) } : {}),
    message: (plan.message + blocked).slice(0, 1024),
    time: new Date(now).toISOString(),
  };
}
