import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { describeError } from './errors.js';
import type { WorkQueue } from './work-queue.js';

/**
 * What a reconcile asks for next. Return nothing (or `{}`) to wait for the next change to the key; return
 * `requeueAfterMs` to be called again after that delay even if nothing changes.
 */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/**
 * Reconciles one key: reads the caches, computes, writes. It must be idempotent (running it twice changes
 * nothing). Throw to retry with per-key backoff; throw `TerminalError` when retrying cannot help. `log`
 * carries the controller and the key, so every line of one reconcile can be found together.
 */
export type Reconciler = (key: string, signal: AbortSignal, log: Logger) => Promise<ReconcileResult | void>;

/** How a reconcile ended: done, done but asked to run again later, or threw (retried with backoff). */
export type ReconcileOutcome = 'success' | 'requeue' | 'error';

/**
 * Where reconciles are counted and timed (controller-runtime's `controller_runtime_reconcile_total` and
 * `_time_seconds`); `OperatorMetrics.reconciles(controller)` makes one per controller.
 */
export interface ReconcileMetrics {
  reconciled(outcome: ReconcileOutcome, seconds: number): void;
}

/**
 * Runs one reconcile (or one cycle of a loop that reconciles on its own schedule) and reports its outcome
 * and duration to `metrics`; the result or the error passes through unchanged.
 */
export async function measureReconcile<T extends ReconcileResult | void>(
  metrics: ReconcileMetrics | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  try {
    const result = await run();
    metrics?.reconciled(result?.requeueAfterMs !== undefined ? 'requeue' : 'success', seconds());
    return result;
  } catch (error) {
    metrics?.reconciled('error', seconds());
    throw error;
  }
}

/** An error that retrying cannot fix (invalid spec, missing permission): the key is dropped, not retried. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

/**
 * Runs `concurrency` workers that take keys from `queue` and reconcile them, until `signal` aborts. Then
 * it shuts the queue down and resolves once every in-flight reconcile has returned (each is told through
 * `signal`). Outcomes:
 * - success → `forget` (backoff reset), then `addAfter(requeueAfterMs)` if asked;
 * - `TerminalError` → `forget`, logged, not retried;
 * - any other error → `addRateLimited` (retried with per-key exponential backoff).
 * A key is never reconciled by two workers at once (the queue guarantees it). Each reconcile is counted
 * and timed in `metrics` by outcome (`measureReconcile`), and gets `logger` with the queue and its key.
 */
export async function runWorkers(
  queue: WorkQueue,
  concurrency: number,
  reconcile: Reconciler,
  signal: AbortSignal,
  logger: Logger = silentLogger(),
  metrics?: ReconcileMetrics,
): Promise<void> {
  const log = logger.child({ queue: queue.name });
  const measured: Reconciler = (key, abort, keyLog) =>
    measureReconcile(metrics, () => reconcile(key, abort, keyLog));
  const stop = (): void => queue.shutDown();
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  const workers = Array.from({ length: Math.max(1, concurrency) }, () =>
    worker(queue, measured, signal, log),
  );
  await Promise.all(workers);
}

async function worker(
  queue: WorkQueue,
  reconcile: Reconciler,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  for (;;) {
    const key = await queue.get();
    if (key === undefined) return;
    try {
      await processKey(queue, key, reconcile, signal, log);
    } finally {
      queue.done(key);
    }
  }
}

async function processKey(
  queue: WorkQueue,
  key: string,
  reconcile: Reconciler,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  try {
    const result = await reconcile(key, signal, log.child({ key }));
    queue.forget(key);
    if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
  } catch (error) {
    if (error instanceof TerminalError) {
      queue.forget(key);
      log.error({ key, err: describeError(error) }, 'reconcile failed permanently: not retrying');
      return;
    }
    queue.addRateLimited(key);
    log.warn(
      { key, err: describeError(error), retries: queue.numRequeues(key) },
      'reconcile failed: will retry',
    );
  }
}
