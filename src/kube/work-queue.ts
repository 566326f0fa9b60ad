import { realClock, type Clock, type TimerHandle } from '../clock/clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Where a queue reports its metrics (see `OperatorMetrics.workQueue`); every method is optional to call. */
export interface WorkQueueMetrics {
  depth(n: number): void;
  added(): void;
  retried(): void;
  /** Seconds a key waited in the queue before a worker took it. */
  queued(seconds: number): void;
  /** Seconds a worker spent on a key. */
  worked(seconds: number): void;
}

export interface WorkQueueOptions {
  /** For metrics and logs. */
  name: string;
  rateLimiter?: RateLimiter;
  clock?: Clock;
  metrics?: WorkQueueMetrics;
}

/**
 * A rate-limited work queue of string keys with client-go's guarantees:
 * - a key is queued at most once: adding a queued key again is a no-op;
 * - a key is never handed to two workers at once: adding a key that is being processed marks it dirty,
 *   and it is queued again (once) when the worker calls `done`;
 * - keys come out in FIFO order;
 * - `addRateLimited` waits the rate limiter's delay (per-key exponential backoff) and `forget` resets it;
 * - `addAfter` keeps only the earliest pending time per key;
 * - after `shutDown`, adds are ignored and `get` returns undefined.
 */
export class WorkQueue {
  readonly name: string;
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly delayed = new Map<string, { at: number; handle: TimerHandle }>();
  private readonly enqueuedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: WorkQueueMetrics | undefined;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.clock = options.clock ?? realClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter({ clock: this.clock });
    this.metrics = options.metrics;
  }

  /** Queues `key` unless it is already queued (or shutting down). */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.metrics?.added();
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Queues `key` after `delayMs` (at once if ≤ 0). An earlier pending time for the key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimeout(pending.handle);
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { at, handle });
  }

  /** Queues `key` after its rate-limited backoff; counts a retry. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.metrics?.retried();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Clears the key's failure history: its next `addRateLimited` waits the base delay again. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  /** Failures recorded for `key` since its last `forget`. */
  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * Waits for the next key and marks it as processing; the caller must call `done(key)` afterwards.
   * Returns undefined once the queue is shut down.
   */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (this.length > 0) return Promise.resolve(this.take());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends processing of `key`; if it was added meanwhile, it is queued again now. */
  done(key: string): void {
    const started = this.startedAt.get(key);
    if (started !== undefined) this.metrics?.worked((this.clock.now() - started) / 1000);
    this.startedAt.delete(key);
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
  }

  /** Keys waiting to be processed (not counting delayed or in-flight ones). */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Keys being processed right now. */
  get inFlight(): number {
    return this.processing.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops the queue: pending and delayed keys are dropped, waiting `get` calls return undefined. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { handle } of this.delayed.values()) this.clock.clearTimeout(handle);
    this.delayed.clear();
    this.queue.length = 0;
    this.head = 0;
    this.metrics?.depth(0);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private push(key: string): void {
    this.enqueuedAt.set(key, this.clock.now());
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queue.push(key);
      waiter(this.take());
      return;
    }
    this.queue.push(key);
    this.metrics?.depth(this.length);
  }

  private take(): string {
    const key = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    const now = this.clock.now();
    const queuedAt = this.enqueuedAt.get(key);
    if (queuedAt !== undefined) this.metrics?.queued((now - queuedAt) / 1000);
    this.enqueuedAt.delete(key);
    this.startedAt.set(key, now);
    this.metrics?.depth(this.length);
    return key;
  }
}
