/**
 * The operator's self-check before a fence: when did a request of this replica to the API server last
 * succeed? The answer feeds the global guard (src/failover/global-guard.ts, rule 1), which holds every fence
 * when it is older than API_MAX_AGE_MS. A check is one cheap request (GET /version), bounded by a timeout, and
 * made only when a decision needs it and the last success is older than API_RECHECK_MS; concurrent callers
 * share the check in flight. A failed check never throws: it leaves the last success as it was.
 */
import type { Clock } from '../../clock/clock.js';

/** How old the last success may be before a fence holds (the global guard's apiMaxAgeMs). */
export const API_MAX_AGE_MS = 5_000;
/** A success younger than this is reused instead of asking again. */
export const API_RECHECK_MS = 1_000;
/** A check that takes longer than this failed. */
export const API_CHECK_TIMEOUT_MS = 2_000;

/** One request to the API server; resolves when it succeeded. */
export type ApiCheck = (signal: AbortSignal) => Promise<void>;

export class ApiReachability {
  private lastSuccess: number | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly check: ApiCheck,
    private readonly clock: Clock,
  ) {}

  /** When the last check succeeded (ms), undefined if none has. */
  get lastSuccessAt(): number | undefined {
    return this.lastSuccess;
  }

  /** Checks again unless a success is younger than API_RECHECK_MS; returns the last success after that. */
  async fresh(signal: AbortSignal): Promise<number | undefined> {
    const last = this.lastSuccess;
    if (last !== undefined && this.clock.now() - last < API_RECHECK_MS) return last;
    this.inFlight ??= this.run(signal).finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
    return this.lastSuccess;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(API_CHECK_TIMEOUT_MS)]);
    try {
      await this.check(bounded);
      this.lastSuccess = this.clock.now();
    } catch {
      // Unreachable (or too slow): the last success stays as it was, and ages.
    }
  }
}
