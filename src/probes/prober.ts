/**
 * The prober: probes every target once per period, with bounded concurrency and jitter, on an injected Clock,
 * and hands each result to a callback as a detector observation. A runnable: `start(signal)` runs until the
 * signal aborts, then waits for the probes in flight and resolves.
 *
 * Each round:
 *  1. Read the targets afresh (nodes come and go).
 *  2. Give each a random offset in [0, jitter × period), so probes spread over the period instead of
 *     arriving in one burst, and dispatch them in offset order.
 *  3. Dispatching a target: if its previous probe is still queued or running, skip it this round (never two
 *     probes of one node at once); if it has no address, or the address guard refuses its address, report an
 *     inconclusive observation WITHOUT connecting; otherwise queue the probe behind the concurrency limit.
 *  4. A probe gets `timeout` from when it starts (not from when it was queued); running out is a failure.
 *  5. The next round starts one period after this one started; if rounds overrun, missed rounds are dropped.
 *
 * Sizing: in the worst case (every probe timing out) a round needs targets × timeout / concurrency; with
 * 5,000 nodes, 250 ms timeouts and a 500 ms period that is a concurrency of 2,500. Below that, slow rounds
 * show up in `stats().skippedBusy`.
 *
 * When the signal aborts, results of probes cut short are dropped (a probe we stopped says nothing about the
 * node). If `onObservation` throws, the prober stops and `start` rejects with that error.
 */
import { parseDuration, type Probe } from '../api/index.js';
import type { ProbeObservation } from '../failover/detector.js';
import { raceAbort, sleep, timeoutSignal, TimeoutError, type Clock } from '../clock/clock.js';
import type { Runnable } from '../lifecycle/runnable.js';
import { probeable, refusedMessage, type AddressGuard } from './address-guard.js';
import { probeAddressVerdict } from './address-policy.js';
import { probeAddress, type AddressedNode, type ProbeAddressOptions } from './probe-address.js';
import { httpCheck } from './http-probe.js';
import type { NetworkProbeOptions } from './network-probe.js';
import { tcpCheck } from './tcp-probe.js';
import { formatAddress, type ProbeAddress, type ProbeCheck, type ProbeOutcome } from './probe-check.js';

/** How long after its timeout a check that ignores its signal is abandoned. */
const HARD_DEADLINE_GRACE_MS = 50;

/** One node to probe: its address, or why it has none (then it is reported inconclusive, never probed). */
export interface ProbeTarget {
  node: string;
  address?: ProbeAddress;
  addressError?: string;
  /** The node has an address but address-policy.ts refused it (addressError says why). */
  refused?: boolean;
}

export interface ProberOptions {
  clock: Clock;
  periodMs: number;
  /** Per probe; should be shorter than the period. */
  timeoutMs: number;
  /** Called at the start of every round. */
  targets: () => Iterable<ProbeTarget>;
  check: ProbeCheck;
  onObservation: (observation: ProbeObservation) => void;
  /**
   * The last gate before a socket opens, after probeTarget's address policy. Default `probeable` (no
   * link-local, metadata, multicast or unspecified address); tests narrow it to prove nothing else is sent.
   */
  allowedAddress?: AddressGuard;
  /** Probes running at once (default 256). */
  concurrency?: number;
  /** Fraction of the period over which a round's probes are spread, in [0, 1) (default 0.2). */
  jitter?: number;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
  /** Whether only the leader probes (default true: followers would double the traffic). */
  needsLeader?: boolean;
}

export interface ProberStats {
  rounds: number;
  /** Probes that ran to an outcome. */
  probes: number;
  /** Targets skipped because their previous probe had not finished. */
  skippedBusy: number;
  /** Targets whose address the guard refused (never connected to). */
  refused: number;
  /** Inconclusive observations reported (no address, refused, check error). */
  inconclusive: number;
}

export class Prober implements Runnable {
  readonly name = 'prober';
  readonly needsLeader: boolean;
  private readonly guard: AddressGuard;
  private readonly concurrency: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly waiters: Array<() => void> = [];
  private active = 0;
  private stop: AbortController | undefined;
  private fatal: unknown;
  private readonly counters: ProberStats = {
    rounds: 0,
    probes: 0,
    skippedBusy: 0,
    refused: 0,
    inconclusive: 0,
  };

  constructor(private readonly options: ProberOptions) {
    this.guard = options.allowedAddress ?? probeable;
    this.concurrency = options.concurrency ?? 256;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? Math.random;
    this.needsLeader = options.needsLeader ?? true;
    if (!(options.periodMs > 0)) throw new Error(`periodMs must be positive, got ${options.periodMs}`);
    if (!(options.timeoutMs > 0)) throw new Error(`timeoutMs must be positive, got ${options.timeoutMs}`);
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new Error(`concurrency must be a positive integer, got ${this.concurrency}`);
    }
    if (!(this.jitter >= 0 && this.jitter < 1))
      throw new Error(`jitter must be in [0, 1), got ${this.jitter}`);
  }

  stats(): ProberStats {
    return { ...this.counters };
  }

  /** Probes until `signal` aborts; resolves once every probe in flight has settled. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.stop) throw new Error('prober already started');
    const stop = new AbortController();
    this.stop = stop;
    this.fatal = undefined;
    const onAbort = (): void => stop.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const { clock, periodMs } = this.options;
    let roundStart = clock.now();
    try {
      while (!stop.signal.aborted) {
        await this.round(roundStart, stop.signal);
        const now = clock.now();
        roundStart = Math.max(roundStart + periodMs, now);
        if (roundStart > now) await sleep(clock, roundStart - now, stop.signal);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await Promise.allSettled([...this.running]);
      this.stop = undefined;
    }
    if (this.fatal !== undefined) throw this.fatal;
  }

  private async round(start: number, signal: AbortSignal): Promise<void> {
    this.counters.rounds++;
    const spread = this.jitter * this.options.periodMs;
    const plan = Array.from(this.options.targets(), (target) => ({
      target,
      offset: spread > 0 ? this.random() * spread : 0,
    }));
    plan.sort((a, b) => a.offset - b.offset);
    const clock = this.options.clock;
    for (const { target, offset } of plan) {
      // Timers are only ms-precise: dispatch whatever is due within the next millisecond right away.
      const wait = start + offset - clock.now();
      if (wait >= 1) await sleep(clock, wait, signal);
      if (signal.aborted) return;
      this.dispatch(target, signal);
    }
  }

  private dispatch(target: ProbeTarget, signal: AbortSignal): void {
    const node = target.node;
    if (this.busy.has(node)) {
      this.counters.skippedBusy++;
      return;
    }
    const address = target.address;
    if (!address) {
      if (target.refused) this.counters.refused++;
      this.reportInconclusive(node, target.addressError ?? 'no probe address');
      return;
    }
    if (!this.guard(address.host)) {
      this.counters.refused++;
      this.reportInconclusive(node, refusedMessage(address.host, this.guard));
      return;
    }
    this.busy.add(node);
    const probe = this.probe(node, address, signal)
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.busy.delete(node);
        this.running.delete(probe);
      });
    this.running.add(probe);
  }

  private async probe(node: string, address: ProbeAddress, signal: AbortSignal): Promise<void> {
    await this.acquire(signal);
    if (signal.aborted) return this.release();
    const { clock, timeoutMs, check } = this.options;
    const started = clock.now();
    // The check gets the timeout through its signal and reports it in its own words; the hard deadline only
    // catches a check that ignores its signal.
    const timeout = timeoutSignal(clock, timeoutMs, signal);
    const hard = timeoutSignal(clock, timeoutMs + HARD_DEADLINE_GRACE_MS, signal);
    let outcome: ProbeOutcome;
    try {
      outcome = await raceAbort(check(address, timeout.signal), hard.signal);
    } catch (error) {
      const latencyMs = clock.now() - started;
      const where = formatAddress(address);
      outcome =
        hard.signal.reason instanceof TimeoutError
          ? { ok: false, reason: `${where}: timed out after ${timeoutMs} ms`, latencyMs }
          : { ok: false, inconclusive: true, reason: `${where}: probe error: ${String(error)}`, latencyMs };
    } finally {
      timeout.dispose();
      hard.dispose();
      this.release();
    }
    if (signal.aborted) return;
    this.counters.probes++;
    const observation: ProbeObservation = {
      kind: 'probe',
      node,
      at: clock.now(),
      ok: outcome.ok,
      latencyMs: outcome.latencyMs,
    };
    if (!outcome.ok) {
      observation.reason = outcome.reason;
      if (outcome.inconclusive) {
        observation.inconclusive = true;
        this.counters.inconclusive++;
      }
    }
    this.emit(observation);
  }

  private reportInconclusive(node: string, reason: string): void {
    this.counters.inconclusive++;
    this.emit({ kind: 'probe', node, at: this.options.clock.now(), ok: false, inconclusive: true, reason });
  }

  private emit(observation: ProbeObservation): void {
    try {
      this.options.onObservation(observation);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Stops the prober; `start` rejects with the first such error. */
  private fail(error: unknown): void {
    this.fatal ??= error;
    this.stop?.abort(error);
  }

  /** Waits for a concurrency slot; resolves without one when `signal` aborts (the caller checks). */
  private acquire(signal: AbortSignal): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        this.active++; // released by the caller like a granted slot
        resolve();
      };
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.active--;
  }
}

/**
 * The prober's target for a node: its probe address (see probe-address.ts) if address-policy.ts admits it,
 * else why not. `redirects` judges addresses an annotation points to that are not the node's own.
 */
export function probeTarget(
  node: AddressedNode,
  options: ProbeAddressOptions,
  redirects: AddressGuard,
): ProbeTarget {
  const name = node.metadata?.name ?? '';
  const resolved = probeAddress(node, options);
  if (!resolved.ok) return { node: name, addressError: resolved.reason };
  const verdict = probeAddressVerdict(node, resolved, redirects);
  return verdict.ok
    ? { node: name, address: resolved.address }
    : { node: name, addressError: verdict.reason, refused: true };
}

/** A pool's probe period and timeout in milliseconds. */
export function probeTimings(probe: Pick<Probe, 'period' | 'timeout'>): {
  periodMs: number;
  timeoutMs: number;
} {
  return { periodMs: parseDuration(probe.period), timeoutMs: parseDuration(probe.timeout) };
}

/** The network check for a pool's probe type; undefined for Lease, which sends no traffic. */
export function networkCheckFor(
  probe: Pick<Probe, 'type' | 'path'>,
  options: Omit<NetworkProbeOptions, 'signal' | 'timeoutMs'> = {},
): ProbeCheck | undefined {
  switch (probe.type) {
    case 'TCP':
      return tcpCheck(options);
    case 'HTTP':
      return httpCheck({ ...options, ...(probe.path !== undefined ? { path: probe.path } : {}) });
    case 'Lease':
      return undefined;
  }
}
