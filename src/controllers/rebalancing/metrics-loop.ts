/**
 * The metrics loop: one per operator, on every replica (a standby keeps warm samples, as it keeps warm
 * caches, so a new leader can judge load at once). Each round it asks the metrics source once for every
 * node and pod, and files the samples under their pools (PoolUsage), which also feeds the forecasters of the
 * pools that forecast. It runs at the shortest interval of the pools that are measured (they rebalance,
 * consolidate, forecast or recommend a node count), and not at all while none is, so a cluster without any
 * of these is never polled.
 *
 * A round that fails entirely is logged and skipped: samples then age until the pools' conditions say their
 * metrics are stale, which is the one place where that is decided.
 */
import type { MetricsSource } from '../../metrics/index.js';
import { realClock, sleep, timeoutSignal, type Clock } from '../../clock/clock.js';
import { describeError } from '../../kube/errors.js';
import type { ClusterModel } from '../../model/cluster-model.js';
import type { Logger } from '../../logging/logger.js';
import type { Runnable } from '../../lifecycle/runnable.js';
import type { PoolUsage, PoolUsageSettings } from '../../optimize/pool-usage.js';

/** How often to look again for a pool that rebalances, while none does. */
const IDLE_RECHECK_MS = 5_000;
/** Bound on one collection round; a round never runs into the next. */
const ROUND_TIMEOUT_MS = 30_000;

export interface MetricsLoopOptions {
  source: MetricsSource;
  usage: PoolUsage;
  model: ClusterModel;
  /** The pools that rebalance now, with their usage settings (re-read every round). */
  pools: () => ReadonlyMap<string, PoolUsageSettings>;
  poolOfNode: (node: string) => string | undefined;
  logger: Logger;
  clock?: Clock;
  /** Called after each round that read something (the scheduler's usage view is rebuilt then). */
  onRecorded?: (now: number) => void;
}

export class MetricsLoop implements Runnable {
  readonly name = 'metrics-loop';
  readonly needsLeader = false;
  private readonly clock: Clock;
  private readonly log: Logger;
  private rounds = 0;
  private failure: string | undefined;
  private reportedProblems = '';
  private firstRoundDone!: () => void;
  /** Resolves once the first round has been tried (whatever its outcome), so planning does not start blind. */
  readonly firstRound: Promise<void> = new Promise((resolve) => (this.firstRoundDone = resolve));

  constructor(private readonly options: MetricsLoopOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.logger.child({ component: 'metrics-loop', source: options.source.name });
  }

  /** Why the last round read nothing, or undefined when it read something. */
  get lastFailure(): string | undefined {
    return this.failure;
  }

  /** Rounds tried so far. */
  get roundsTried(): number {
    return this.rounds;
  }

  async start(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        const pools = this.options.pools();
        this.options.usage.configure(pools);
        if (pools.size === 0) {
          this.firstRoundDone();
          await sleep(this.clock, IDLE_RECHECK_MS, signal);
          continue;
        }
        const started = this.clock.now();
        await this.round(signal);
        this.firstRoundDone();
        const interval = Math.min(...[...pools.values()].map((p) => p.intervalMs));
        await sleep(this.clock, Math.max(0, started + interval - this.clock.now()), signal);
      }
    } finally {
      this.firstRoundDone();
    }
  }

  /** One collection: record what was read, log what could not be, forget deleted nodes and pods. */
  async round(signal: AbortSignal): Promise<void> {
    const { source, usage, model } = this.options;
    this.rounds++;
    const bounded = timeoutSignal(this.clock, ROUND_TIMEOUT_MS, signal);
    try {
      const collection = await source.collect(bounded.signal);
      this.failure = undefined;
      usage.record(collection, {
        poolOfNode: this.options.poolOfNode,
        nodeOfPod: (key) => model.pod(key)?.nodeName,
      });
      this.reportProblems(collection.problems.map((p) => (p.key ? `${p.key}: ${p.message}` : p.message)));
      this.options.onRecorded?.(this.clock.now());
    } catch (error) {
      if (signal.aborted) return;
      const message = describeError(error);
      if (this.failure !== message) this.log.warn({ err: message }, 'metrics collection failed; usage ages');
      else this.log.debug({ err: message }, 'metrics collection failed again');
      this.failure = message;
    } finally {
      bounded.dispose();
    }
    usage.retain(
      (node) => model.node(node) !== undefined,
      (pod) => model.pod(pod) !== undefined,
      this.options.poolOfNode,
    );
  }

  /** Problems are logged as a warning when they change, and at debug level while they stay the same. */
  private reportProblems(problems: string[]): void {
    const summary = problems.slice(0, 10).join('; ');
    if (summary === this.reportedProblems) {
      if (problems.length > 0) this.log.debug({ problems: problems.length }, 'metrics problems persist');
      return;
    }
    this.reportedProblems = summary;
    if (problems.length > 0)
      this.log.warn(
        { problems: problems.length, first: problems.slice(0, 10) },
        'some usage could not be read',
      );
    else this.log.info('every usage reading succeeded again');
  }
}
