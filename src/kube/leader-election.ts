import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { realClock, sleep, timeoutSignal, type Clock, type TimerHandle } from '../clock/clock.js';
import { describeError, isConflict } from './errors.js';
import type { LeaseClient } from './lease-client.js';
import { decide, mayStillLead, observe, releasedRecord, type LeaseObservation } from './lease-decision.js';

export interface LeaderElectionOptions {
  client: LeaseClient;
  /** Unique per process; default `<hostname>_<random>`. */
  identity?: string;
  /** How long others wait after last seeing a renewal before taking over (default 15 s). */
  leaseDurationMs?: number;
  /** The leader stops acting when it has not renewed for this long (default 10 s; < leaseDuration). */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** On graceful stop, hand the Lease over at once (holder "", 1 s). Default true. */
  releaseOnCancel?: boolean;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /** Set to 1 while leading, 0 otherwise (the `fulcrum_leader` gauge). */
  leaderGauge?: { set(value: number): void };
}

export interface LeadershipCallbacks {
  /** Became leader. Act only until `signal` aborts (leadership lost or shutting down). */
  onStartedLeading(signal: AbortSignal): void;
  /**
   * Leadership ended. Awaited before the elector competes again or releases the Lease, so return only
   * once everything started in `onStartedLeading` has stopped.
   */
  onStoppedLeading?(): Promise<void> | void;
  /** The observed holder changed (including to this candidate). */
  onNewLeader?(identity: string): void;
}

/**
 * Leader election on a Lease with client-go's semantics and one addition: after losing leadership it
 * competes again, so a replica that lost its Lease during an API server outage can lead again later.
 *
 * Guarantees:
 * - at most one candidate believes it leads at any instant, provided clocks advance at similar rates: a
 *   leader stops (`isLeader()` false, its signal aborted) `renewDeadlineMs` after its last successful
 *   renewal was sent, while others wait `leaseDurationMs` after they observed that renewal;
 * - writes use the Lease's resourceVersion, so concurrent candidates cannot both acquire;
 * - a leader that sees another holder on the Lease stops at once;
 * - on graceful stop (signal aborted) it stops acting first, then releases the Lease.
 */
export class LeaderElector {
  readonly identity: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observation: LeaseObservation | undefined;
  private leading = false;
  private lastRenewAt = 0;
  private observedHolder: string | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    this.identity = options.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.logger = (options.logger ?? silentLogger()).child({
      component: 'leader-election',
      identity: this.identity,
    });
    validate(this.leaseDurationMs, this.renewDeadlineMs, this.retryPeriodMs);
  }

  /** True only while leading and within renewDeadline of the last renewal (checked on the clock). */
  isLeader(): boolean {
    return this.leading && mayStillLead(this.lastRenewAt, this.clock.now(), this.renewDeadlineMs);
  }

  /** The holder this candidate last saw on the Lease. */
  currentLeader(): string | undefined {
    return this.observedHolder;
  }

  /**
   * Competes for leadership until `signal` aborts: acquire, lead while renewals succeed, and compete again
   * after a loss. Resolves after stopping (and releasing, if configured). Never rejects.
   */
  async run(signal: AbortSignal, callbacks: LeadershipCallbacks): Promise<void> {
    this.options.leaderGauge?.set(0);
    while (!signal.aborted) {
      if (!(await this.acquire(signal, callbacks))) break;
      await this.lead(signal, callbacks);
      if (signal.aborted && (this.options.releaseOnCancel ?? true)) await this.release(callbacks);
    }
  }

  private async acquire(signal: AbortSignal, callbacks: LeadershipCallbacks): Promise<boolean> {
    this.logger.info('trying to acquire the lease');
    while (!signal.aborted) {
      const sentAt = this.clock.now();
      if ((await this.tryAcquireOrRenew(signal, callbacks)) === 'ok') {
        this.lastRenewAt = sentAt;
        return true;
      }
      await sleep(this.clock, this.retryPeriodMs * (1 + 0.2 * this.random()), signal);
    }
    return false;
  }

  private async lead(signal: AbortSignal, callbacks: LeadershipCallbacks): Promise<void> {
    const leadership = new AbortController();
    const stopOnShutdown = (): void => leadership.abort('shutdown');
    signal.addEventListener('abort', stopOnShutdown, { once: true });
    let deadline = this.armDeadline(leadership);
    this.leading = true;
    this.options.leaderGauge?.set(1);
    this.logger.info('became leader');
    try {
      callbacks.onStartedLeading(leadership.signal);
      while (!leadership.signal.aborted) {
        await sleep(this.clock, this.retryPeriodMs, leadership.signal);
        if (leadership.signal.aborted) break;
        const sentAt = this.clock.now();
        const outcome = await this.tryAcquireOrRenew(leadership.signal, callbacks);
        if (outcome === 'ok' && !leadership.signal.aborted) {
          this.lastRenewAt = sentAt;
          this.clock.clearTimeout(deadline);
          deadline = this.armDeadline(leadership);
        } else if (outcome === 'held') {
          leadership.abort('lease held by another candidate');
        }
      }
    } catch (error) {
      this.logger.error({ err: describeError(error) }, 'onStartedLeading threw: giving up leadership');
    } finally {
      this.clock.clearTimeout(deadline);
      signal.removeEventListener('abort', stopOnShutdown);
      this.leading = false;
      leadership.abort('stopped');
      this.options.leaderGauge?.set(0);
      this.logger.warn({ reason: String(leadership.signal.reason) }, 'stopped leading');
      await this.stopped(callbacks);
    }
  }

  /** Aborts leadership when renewDeadline passes without a successful renewal, even if a request hangs. */
  private armDeadline(leadership: AbortController): TimerHandle {
    const remaining = this.lastRenewAt + this.renewDeadlineMs - this.clock.now();
    return this.clock.setTimeout(() => leadership.abort('renew deadline exceeded'), remaining);
  }

  /** One round: read, decide, write. 'held' means another candidate validly holds the Lease. */
  private async tryAcquireOrRenew(
    signal: AbortSignal,
    callbacks: LeadershipCallbacks,
  ): Promise<'ok' | 'held' | 'failed'> {
    const bounded = timeoutSignal(this.clock, Math.min(this.renewDeadlineMs, this.retryPeriodMs * 2), signal);
    try {
      const snapshot = await this.options.client.get(bounded.signal);
      const now = this.clock.now();
      this.observation = snapshot ? observe(this.observation, snapshot, now) : undefined;
      if (snapshot) this.noticeHolder(snapshot.record.holderIdentity, callbacks);
      const decision = decide(this.observation, now, this.identity, Math.ceil(this.leaseDurationMs / 1000));
      if (decision.action === 'wait') return 'held';
      const written =
        decision.action === 'create'
          ? await this.options.client.create(decision.record, bounded.signal)
          : await this.options.client.replace(decision.record, decision.resourceVersion, bounded.signal);
      this.observation = { snapshot: written, observedAt: now };
      this.noticeHolder(this.identity, callbacks);
      return 'ok';
    } catch (error) {
      const level = isConflict(error) ? 'debug' : 'warn';
      this.logger[level]({ err: describeError(error) }, 'lease acquire/renew attempt failed');
      return 'failed';
    } finally {
      bounded.dispose();
    }
  }

  private noticeHolder(holder: string, callbacks: LeadershipCallbacks): void {
    if (holder === this.observedHolder) return;
    this.observedHolder = holder;
    if (holder === '') return;
    this.logger.info({ leader: holder }, 'new leader observed');
    try {
      callbacks.onNewLeader?.(holder);
    } catch (error) {
      this.logger.error({ err: describeError(error) }, 'onNewLeader threw');
    }
  }

  private async stopped(callbacks: LeadershipCallbacks): Promise<void> {
    try {
      await callbacks.onStoppedLeading?.();
    } catch (error) {
      this.logger.error({ err: describeError(error) }, 'onStoppedLeading threw');
    }
  }

  /** Hands the Lease over (holder "", 1 s) if this candidate still holds it. Best effort, bounded. */
  private async release(callbacks: LeadershipCallbacks): Promise<void> {
    const bounded = timeoutSignal(this.clock, this.renewDeadlineMs);
    try {
      const snapshot = await this.options.client.get(bounded.signal);
      if (!snapshot || snapshot.record.holderIdentity !== this.identity) return;
      await this.options.client.replace(
        releasedRecord(snapshot.record, this.clock.now()),
        snapshot.resourceVersion,
        bounded.signal,
      );
      this.observation = undefined;
      this.noticeHolder('', callbacks);
      this.logger.info('released the lease');
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not release the lease; it will expire instead');
    } finally {
      bounded.dispose();
    }
  }
}

function validate(leaseDurationMs: number, renewDeadlineMs: number, retryPeriodMs: number): void {
  if (!(leaseDurationMs > renewDeadlineMs))
    throw new Error('leaseDuration must be greater than renewDeadline');
  if (!(renewDeadlineMs > 1.2 * retryPeriodMs))
    throw new Error('renewDeadline must be greater than 1.2 × retryPeriod');
  if (!(retryPeriodMs > 0)) throw new Error('retryPeriod must be positive');
}
