import { backoffDelay } from './backoff.js';
import { realClock, type Clock } from '../clock/clock.js';

/**
 * Decides how long a failed key waits before its next attempt (client-go's workqueue.RateLimiter).
 * `when` counts one more failure of the key; `forget` clears its history after a success.
 */
export interface RateLimiter {
  when(key: string): number;
  forget(key: string): void;
  numRequeues(key: string): number;
}

/** Per-key exponential backoff: `baseMs × 2^failures`, capped at `maxMs` (client-go: 5 ms → 1000 s). */
export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1_000_000,
  ) {}

  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    return backoffDelay(failures, { initialMs: this.baseMs, maxMs: this.maxMs });
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * An overall token bucket over all keys (client-go: 10 per second, burst 100), so that many keys failing
 * at once cannot hammer the API server. Delays are reservations: each call takes a token now or later.
 */
export class BucketRateLimiter implements RateLimiter {
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number;

  constructor(options: { perSecond?: number; burst?: number; clock?: Clock } = {}) {
    this.perSecond = options.perSecond ?? 10;
    this.burst = options.burst ?? 100;
    this.clock = options.clock ?? realClock;
    this.tokens = this.burst;
    this.last = this.clock.now();
  }

  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.perSecond;
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** The longest delay of several limiters; requeue counts come from the first. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    if (limiters.length === 0) throw new Error('MaxOfRateLimiter needs at least one limiter');
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiters[0]!.numRequeues(key);
  }
}

/** client-go's DefaultControllerRateLimiter: per-key 5 ms → 1000 s, and 10/s burst 100 overall. */
export function defaultControllerRateLimiter(options: { clock?: Clock } = {}): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialRateLimiter(5, 1_000_000),
    new BucketRateLimiter({ perSecond: 10, burst: 100, ...options }),
  );
}
