/**
 * Exponential backoff with a cap and optional jitter, as pure arithmetic plus a tiny stateful helper.
 */

export interface BackoffOptions {
  /** First delay, in milliseconds. */
  initialMs: number;
  /** Largest delay, in milliseconds; the growth stops there. */
  maxMs: number;
  /** Growth per failure (default 2). */
  factor?: number;
  /** Adds up to `jitter × delay` at random (default 0); spreads retries of many clients apart. */
  jitter?: number;
}

/**
 * The delay before retry number `attempt` (0-based), without jitter: `initialMs × factor^attempt`, capped
 * at `maxMs`. Never NaN or Infinity, whatever `attempt` is.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const factor = options.factor ?? 2;
  const exponent = Math.max(0, attempt);
  const raw = options.initialMs * Math.pow(factor, exponent);
  return Number.isFinite(raw) ? Math.min(raw, options.maxMs) : options.maxMs;
}

/** Counts consecutive failures and hands out the next delay; `reset()` after a success. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay to wait now; each call counts one more failure. */
  next(): number {
    const base = backoffDelay(this.failures, this.options);
    this.failures++;
    const jitter = this.options.jitter ?? 0;
    return Math.min(this.options.maxMs, base + base * jitter * this.random());
  }

  /** Forgets past failures: the next delay is `initialMs` again. */
  reset(): void {
    this.failures = 0;
  }

  /** Consecutive failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }
}
