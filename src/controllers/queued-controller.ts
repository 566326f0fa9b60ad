import type { Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import { waitForCacheSync } from '../kube/informer.js';
import { runWorkers, type ReconcileMetrics, type Reconciler } from '../kube/workers.js';
import { WorkQueue, type WorkQueueMetrics } from '../kube/work-queue.js';
import type { RateLimiter } from '../kube/rate-limiter.js';
import type { Watch } from '../kube/watches.js';
import type { Runnable } from '../lifecycle/runnable.js';

export interface QueuedControllerOptions {
  /** Names the queue in logs and metrics (`pool`, `policy`). */
  name: string;
  reconcile: Reconciler;
  /** Every trigger, in one place: which informer changes enqueue which keys (`watches(informer, toKeys)`). */
  watches?: readonly Watch[];
  /** Every key that exists now; all are reconciled when the controller starts (or becomes leader again). */
  allKeys: () => Iterable<string>;
  concurrency?: number;
  /** Caches that must have synced before the first reconcile, so no status is computed from half a cluster. */
  waitFor: ReadonlyArray<{ hasSynced(): boolean }>;
  logger: Logger;
  metrics?: WorkQueueMetrics;
  /** Counts and times every reconcile by outcome (`fulcrum_reconcile_*{controller=name}`). */
  reconcileMetrics?: ReconcileMetrics;
  /** Per-key backoff after a reconcile throws; the work queue's default when absent. */
  rateLimiter?: RateLimiter;
  /** Times requeues and backoffs (tests pin it); the real clock when absent. */
  clock?: Clock;
}

/**
 * A level-triggered controller: its watches enqueue keys, workers reconcile keys while this replica leads.
 * A reconcile returns `requeueAfterMs` to run again later and throws to be retried with backoff. Each leadership term gets a fresh queue that starts with every key, so nothing changed
 * while this replica was standby is missed; keys enqueued while not leading are dropped for the same reason.
 */
export class QueuedController implements Runnable {
  readonly name: string;
  readonly needsLeader = true;
  private queue: WorkQueue | undefined;

  constructor(private readonly options: QueuedControllerOptions) {
    this.name = `${options.name}-controller`;
    for (const watch of options.watches ?? []) watch.bind((key) => this.enqueue(key));
  }

  enqueue(key: string): void {
    this.queue?.add(key);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { name, reconcile, concurrency, logger, metrics, reconcileMetrics } = this.options;
    if (!(await waitForCacheSync(this.options.waitFor, signal))) return;
    const { rateLimiter, clock } = this.options;
    const queue = new WorkQueue({
      name,
      metrics,
      ...(rateLimiter ? { rateLimiter } : {}),
      ...(clock ? { clock } : {}),
    });
    this.queue = queue;
    for (const key of this.options.allKeys()) queue.add(key);
    logger.info({ controller: name }, 'controller started');
    try {
      const log = logger.child({ controller: name });
      await runWorkers(queue, concurrency ?? 2, reconcile, signal, log, reconcileMetrics);
    } finally {
      if (this.queue === queue) this.queue = undefined;
    }
  }
}
