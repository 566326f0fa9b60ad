import { realClock, type Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { describeError } from './errors.js';
import { ItemExponentialRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { ReconcileMetrics } from './workers.js';

export interface BackoffCyclesOptions {
  clock?: Clock;
  /** Counts and times each cycle that ran, by outcome, as `runWorkers` does for queued reconciles. */
  metrics?: ReconcileMetrics;
  logger?: Logger;
  /** The log field that names the key (`pool`); `key` when absent. */
  keyField?: string;
  /** Per-key delay after each consecutive failure; 1 s doubling to 5 min when absent. */
  limiter?: RateLimiter;
}

/** How `BackoffCycles.run` went: the cycle ran (and did or did not find work), threw, or was not tried. */
export type CycleOutcome = 'ran' | 'idle' | 'failed' | 'backing-off';

/**
 * The cycles of a loop that visits its keys on its own schedule (the rebalance controller's pools), run the
 * way `runWorkers` runs a queued reconcile: a cycle that did work is counted and timed by outcome, and a key
 * whose cycle threw is skipped until its per-key backoff has passed, the delay doubling while the key keeps
 * failing and reset by its next success. The loop's own schedule still applies: backing off only ever makes
 * a key wait longer.
 */
export class BackoffCycles {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly logger: Logger;
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly options: BackoffCyclesOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.limiter = options.limiter ?? new ItemExponentialRateLimiter(1_000, 300_000);
    this.logger = options.logger ?? silentLogger();
  }

  /**
   * Runs `cycle` for `key` unless the key is backing off. `cycle` returns false when nothing was due (not
   * counted). Never throws: an error is counted as `error`, logged, and starts or lengthens the backoff.
   */
  async run(key: string, cycle: () => Promise<boolean | void>): Promise<CycleOutcome> {
    const retryAt = this.retryAt.get(key);
    if (retryAt !== undefined && this.clock.now() < retryAt) return 'backing-off';
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    let ran: boolean;
    try {
      ran = (await cycle()) !== false;
    } catch (error) {
      this.options.metrics?.reconciled('error', seconds());
      this.backOff(key, error);
      return 'failed';
    }
    if (ran) this.options.metrics?.reconciled('success', seconds());
    this.retryAt.delete(key);
    this.limiter.forget(key);
    return ran ? 'ran' : 'idle';
  }

  /** Failures in a row of `key` (0 once a cycle of it succeeded). */
  failures(key: string): number {
    return this.limiter.numRequeues(key);
  }

  private backOff(key: string, error: unknown): void {
    const delayMs = this.limiter.when(key);
    this.retryAt.set(key, this.clock.now() + delayMs);
    this.logger.warn(
      {
        [this.options.keyField ?? 'key']: key,
        err: describeError(error),
        failures: this.failures(key),
        delayMs,
      },
      'cycle failed: backing off',
    );
  }
}
