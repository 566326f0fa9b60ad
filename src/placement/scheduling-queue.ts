/**
 * The scheduler's queue of pods waiting for a node, after kube-scheduler's three queues folded into two:
 *
 * - **active**: pods to try in the next batch, highest priority first, FIFO within a priority (PendingQueue);
 * - **parked**: pods that found no node. Each waits out its backoff (1 s doubling to 10 s per failed
 *   attempt) and then for a reason to try again: a cluster change that may have made room (`wake`), or the
 *   periodic retry (`retryAfterMs`, 30 s) that catches changes no event announced.
 *
 * Pure: time comes in as numbers, nothing is awaited; the controller owns the timer that calls `nextDueAt`.
 */
import { PendingQueue, type QueuedPod } from './pending-queue.js';

export interface SchedulingQueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A parked pod is retried at the latest this long after its last attempt, even if no event woke it. */
  retryAfterMs?: number;
}

interface Parked<T> {
  item: T;
  attempts: number;
  lastAttemptAt: number;
  /** Backoff: not tried again before this time. */
  notBefore: number;
  /** A cluster change since the last attempt may have made room. */
  woken: boolean;
}

export class SchedulingQueue<T extends QueuedPod> {
  private readonly active = new PendingQueue<T>();
  private readonly parked = new Map<string, Parked<T>>();
  /** Failed attempts per pod, kept while the pod is active again so its next failure backs off longer. */
  private readonly attempts = new Map<string, number>();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly retryAfterMs: number;

  constructor(options: SchedulingQueueOptions = {}) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
  }

  /** Pods queued, active or parked. */
  get size(): number {
    return this.active.size + this.parked.size;
  }

  get activeSize(): number {
    return this.active.size;
  }

  get parkedSize(): number {
    return this.parked.size;
  }

  has(key: string): boolean {
    return this.active.has(key) || this.parked.has(key);
  }

  /**
   * A pod that needs a node (new, or changed). A parked pod stays parked with the new item — its backoff
   * holds — but counts as woken, since the change may be what it was missing.
   */
  add(item: T): void {
    const parked = this.parked.get(item.key);
    if (parked) {
      parked.item = item;
      parked.woken = true;
      return;
    }
    this.active.add(item);
  }

  /** The pod no longer needs a node (bound, deleted, or no longer ours). */
  remove(key: string): void {
    this.active.remove(key);
    this.parked.delete(key);
    this.attempts.delete(key);
  }

  /** Every pod due now, in placement order; they leave the queue (the caller re-adds or parks each). */
  popDue(now: number): T[] {
    for (const [key, parked] of this.parked) {
      if (this.isDue(parked, now)) {
        this.parked.delete(key);
        this.active.add(parked.item);
      }
    }
    const out: T[] = [];
    for (let item = this.active.pop(); item; item = this.active.pop()) out.push(item);
    return out;
  }

  /**
   * The pod found no node at `now`: it waits out a backoff that doubles with each failed attempt. With
   * `retryWithoutBackoff` (its preemption victims are leaving) it is retried as soon as something changes.
   */
  park(item: T, now: number, options: { retryWithoutBackoff?: boolean } = {}): void {
    this.active.remove(item.key);
    const attempts = (this.attempts.get(item.key) ?? 0) + 1;
    this.attempts.set(item.key, attempts);
    const backoff = options.retryWithoutBackoff ? 0 : this.backoffMs(attempts);
    this.parked.set(item.key, { item, attempts, lastAttemptAt: now, notBefore: now + backoff, woken: false });
  }

  /** A pod placed: forget its failed attempts. */
  placed(key: string): void {
    this.attempts.delete(key);
  }

  /** Something changed that may let parked pods fit (a pod left, a node changed, a pool or policy changed). */
  wake(): void {
    for (const parked of this.parked.values()) parked.woken = true;
  }

  /** When the next parked pod becomes due, or undefined when none is parked (or active pods are due now). */
  nextDueAt(now: number): number | undefined {
    if (this.active.size > 0) return now;
    let next: number | undefined;
    for (const parked of this.parked.values()) {
      const at = parked.woken
        ? parked.notBefore
        : Math.max(parked.notBefore, parked.lastAttemptAt + this.retryAfterMs);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /** The failed attempts of a pod, for logs and events. */
  attemptsOf(key: string): number {
    return this.attempts.get(key) ?? 0;
  }

  private isDue(parked: Parked<T>, now: number): boolean {
    if (now < parked.notBefore) return false;
    return parked.woken || now >= parked.lastAttemptAt + this.retryAfterMs;
  }

  private backoffMs(attempts: number): number {
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempts - 1));
  }
}
