import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A manual clock for tests: time moves only when the test calls `advance`. Timers fire in time order (ties
 * in creation order), and pending promise callbacks run between timers, so async loops driven by this clock
 * behave as they would in real time, without waiting.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<object, PendingTimer>();

  constructor(startMs = 1_700_000_000_000) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = {};
    this.timers.set(handle, { at: this.current + Math.max(0, ms), seq: this.seq++, fn });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle);
  }

  /** Number of timers not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, and letting promises settle. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushPromises();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].fn();
      await flushPromises();
    }
    this.current = target;
    await flushPromises();
  }

  /** Lets pending promise callbacks run without moving time. */
  async flush(): Promise<void> {
    await flushPromises();
  }

  private nextDue(limit: number): [object, PendingTimer] | undefined {
    let best: [object, PendingTimer] | undefined;
    for (const entry of this.timers) {
      const t = entry[1];
      if (t.at > limit) continue;
      if (!best || t.at < best[1].at || (t.at === best[1].at && t.seq < best[1].seq)) best = entry;
    }
    return best;
  }
}

/** Runs queued promise callbacks (several macrotask turns, so chains of awaits complete). */
export async function flushPromises(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
