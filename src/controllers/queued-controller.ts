import type { Logger } from '../logging/logger.js';
import { waitForCacheSync } from '../kube/informer.js';
import { runWorkers, type ReconcileMetrics, type Reconciler } from '../kube/workers.js';
import { WorkQueue, type WorkQueueMetrics } from '../kube/work-queue.js';
import type { Runnable } from '../lifecycle/runnable.js';

export interface QueuedControllerOptions {
  /** Names the queue in logs and metrics (`pool`, `policy`). */
  name: string;
  reconcile: Reconciler;
  /** Every key that exists now; all are reconciled when the controller starts (or becomes leader again). */
  allKeys: () => Iterable<string>;
  concurrency?: number;
  /** Caches that must have synced before the first reconcile, so no status is computed from half a cluster. */
  waitFor: ReadonlyArray<{ hasSynced(): boolean }>;
  logger: Logger;
  metrics?: WorkQueueMetrics;
  /** Counts and times every reconcile by outcome (`fulcrum_reconcile_*{controller=name}`). */
  reconcileMetrics?: ReconcileMetrics;
}

/**
 * A level-triggered controller: informer handlers call `enqueue(key)`, workers reconcile keys while this
 * replica leads. Each leadership term gets a fresh queue that starts with every key, so nothing changed
 * while this replica was standby is missed; keys enqueued while not leading are dropped for the same reason.
 */
export class QueuedController implements Runnable {
  readonly name: string;
  readonly needsLeader = true;
  private queue: WorkQueue | undefined;

  constructor(private readonly options: QueuedControllerOptions) {
    this.name = `${options.name}-controller`;
  }

  enqueue(key: string): void {
    this.queue?.add(key);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { name, reconcile, concurrency, logger, metrics, reconcileMetrics } = this.options;
    if (!(await waitForCacheSync(this.options.waitFor, signal))) return;
    const queue = new WorkQueue({ name, metrics });
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
