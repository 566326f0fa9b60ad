import type { LeaderElector } from '../kube/leader-election.js';
import { describeError } from '../kube/errors.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { Runnable } from '../lifecycle/runnable.js';

export type { Runnable } from '../lifecycle/runnable.js';

export interface ManagerOptions {
  logger?: Logger;
  /**
   * Runs `needsLeader` runnables only while this elector leads. Without one, they run all the time (a
   * single replica, or leader election disabled).
   */
  leaderElector?: LeaderElector;
  /** Time runnables get to return after their signal aborts (default 30 s). */
  stopTimeoutMs?: number;
}

/** Why `Manager.start` rejected: a runnable failed, or did not stop when told to. */
export class ManagerError extends Error {
  override readonly name = 'ManagerError';
}

/**
 * Starts runnables and stops them in order (controller-runtime's manager):
 * - runnables with `needsLeader: false` start at once and run until shutdown;
 * - runnables with `needsLeader: true` start each time this replica becomes leader, and their signal aborts
 *   when leadership ends; the elector neither competes again nor releases the Lease until they returned,
 *   so nothing acts without the Lease;
 * - shutdown (the `start` signal aborts): every runnable's signal aborts, leader runnables return, the
 *   Lease is released (a standby takes over at once), then `start` resolves;
 * - a runnable that returns or throws on its own, or that does not stop within `stopTimeoutMs`, stops
 *   everything and makes `start` reject: the process should then exit non-zero and be restarted.
 */
export class Manager {
  private readonly runnables: Runnable[] = [];
  private readonly logger: Logger;
  private started = false;
  private failure: Error | undefined;

  constructor(private readonly options: ManagerOptions = {}) {
    this.logger = (options.logger ?? silentLogger()).child({ component: 'manager' });
  }

  /** Adds runnables; all must be added before `start`. */
  add(...runnables: Runnable[]): this {
    if (this.started) throw new Error('Manager.add after start');
    this.runnables.push(...runnables);
    return this;
  }

  /** Whether leader-only work may run now (always true without an elector). */
  isLeader(): boolean {
    return this.options.leaderElector?.isLeader() ?? true;
  }

  /** Runs until `signal` aborts or a runnable fails; see the class comment for the guarantees. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error('Manager.start called twice');
    this.started = true;
    const stop = new AbortController();
    const onAbort = (): void => stop.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const fail = (error: Error): void => {
      this.failure ??= error;
      this.logger.error({ err: error.message }, 'stopping: a runnable failed');
      stop.abort(error);
    };
    const always = this.runnables
      .filter((r) => !r.needsLeader)
      .map((r) => this.supervise(r, stop.signal, fail));
    const elected = this.runLeaderRunnables(stop.signal, fail);
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) return resolve();
      stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    signal.removeEventListener('abort', onAbort);
    this.logger.info('shutting down');
    const finished = await settleWithin(Promise.all([...always, elected]), this.stopTimeoutMs());
    if (!finished)
      this.failure ??= new ManagerError(`runnables did not stop within ${this.stopTimeoutMs()} ms`);
    if (this.failure) throw this.failure;
    this.logger.info('stopped');
  }

  private async runLeaderRunnables(signal: AbortSignal, fail: (error: Error) => void): Promise<void> {
    const leaders = this.runnables.filter((r) => r.needsLeader);
    const elector = this.options.leaderElector;
    if (!elector) {
      await Promise.all(leaders.map((r) => this.supervise(r, signal, fail)));
      return;
    }
    let running: Promise<unknown> = Promise.resolve();
    await elector.run(signal, {
      onStartedLeading: (leadership) => {
        this.logger.info({ runnables: leaders.map((r) => r.name) }, 'leading: starting leader runnables');
        running = Promise.all(leaders.map((r) => this.supervise(r, leadership, fail)));
      },
      onStoppedLeading: async () => {
        if (await settleWithin(running, this.stopTimeoutMs())) return;
        // They may still be acting without the Lease: the only safe way out is to stop the process.
        fail(new ManagerError('leader runnables did not stop after leadership ended'));
        await new Promise<void>(() => undefined); // never compete again in this process
      },
    });
  }

  /** Starts one runnable; treats an early return or an error as a failure of the whole manager. */
  private supervise(runnable: Runnable, signal: AbortSignal, fail: (error: Error) => void): Promise<void> {
    const log = this.logger.child({ runnable: runnable.name });
    log.debug('starting');
    let run: Promise<void>;
    try {
      run = runnable.start(signal);
    } catch (error) {
      run = Promise.reject(error);
    }
    return run.then(
      () => {
        if (!signal.aborted)
          fail(new ManagerError(`runnable ${runnable.name} returned before it was stopped`));
        else log.debug('stopped');
      },
      (error: unknown) => {
        if (!signal.aborted)
          fail(new ManagerError(`runnable ${runnable.name} failed: ${describeError(error)}`));
        else log.warn({ err: describeError(error) }, 'runnable failed while stopping');
      },
    );
  }

  private stopTimeoutMs(): number {
    return this.options.stopTimeoutMs ?? 30_000;
  }
}

/** True if `promise` settles within `ms` (its rejection counts as settled). */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
