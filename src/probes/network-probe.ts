/**
 * What the TCP and HTTP probes share: the address guard (checked before anything is opened), the timeout, the
 * abort signal, settling exactly once, closing whatever was opened, and readable error texts.
 */
import type { Socket } from 'node:net';
import { realClock, TimeoutError, type Clock, type TimerHandle } from '../clock/clock.js';
import { probeable, refusedMessage, type AddressGuard } from './address-guard.js';
import type { ProbeAddress, ProbeOutcome } from './probe-check.js';

/** Opens a TCP connection (node:net's `connect` by default; tests pass a spy). */
export type ConnectFn = (options: { host: string; port: number }) => Socket;

export interface NetworkProbeOptions {
  /** Gives up after this long; without it, only `signal` ends a probe that hangs. */
  timeoutMs?: number;
  /** Aborting ends the probe: with a clock/clock.ts TimeoutError reason it fails as a timeout, else it is inconclusive. */
  signal?: AbortSignal;
  /** Addresses the probe may connect to; default `probeable`. A refused address is never connected to. */
  guard?: AddressGuard;
  clock?: Clock;
  connect?: ConnectFn;
}

/** Opens the connection; calls `fail` or `succeed` (at most one counts) and returns how to close it. */
export type Start = (fail: (reason: string) => void, succeed: () => void) => () => void;

/** Runs `start` behind the guard, the timeout and the signal; resolves (never rejects) exactly once. */
export function runGuarded(
  address: ProbeAddress,
  label: string,
  options: NetworkProbeOptions,
  start: Start,
): Promise<ProbeOutcome> {
  const guard = options.guard ?? probeable;
  const clock = options.clock ?? realClock;
  if (!guard(address.host)) {
    return Promise.resolve({
      ok: false,
      inconclusive: true,
      reason: refusedMessage(address.host, guard),
      latencyMs: 0,
    });
  }
  const signal = options.signal;
  if (signal?.aborted) return Promise.resolve(abortOutcome(label, signal.reason, 0));
  const started = clock.now();
  return new Promise<ProbeOutcome>((resolve) => {
    let settled = false;
    let timer: TimerHandle | undefined;
    let close: () => void = () => undefined;
    const settle = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      close();
      resolve(outcome);
    };
    const elapsed = (): number => Math.max(0, clock.now() - started);
    const onAbort = (): void => settle(abortOutcome(label, signal?.reason, elapsed()));
    const fail = (reason: string): void =>
      settle({ ok: false, reason: `${label}: ${reason}`, latencyMs: elapsed() });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      timer = clock.setTimeout(() => fail(`timed out after ${ms} ms`), ms);
    }
    try {
      close = start(fail, () => settle({ ok: true, latencyMs: elapsed() }));
    } catch (error) {
      fail(errorText(error));
    }
    if (settled) close();
  });
}

function abortOutcome(label: string, reason: unknown, latencyMs: number): ProbeOutcome {
  if (reason instanceof TimeoutError) {
    return { ok: false, reason: `${label}: timed out after ${reason.ms} ms`, latencyMs };
  }
  return { ok: false, inconclusive: true, reason: `${label}: probe stopped before it finished`, latencyMs };
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  EADDRNOTAVAIL: 'address not available',
  EPIPE: 'connection closed',
};

/** "connection refused" for ECONNREFUSED and friends; the error's message otherwise. */
export function errorText(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && ERRNO_TEXT[code]) return ERRNO_TEXT[code];
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
