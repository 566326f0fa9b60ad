import type { Clock } from '../../clock/clock.js';

/**
 * Puts the scheduling loop to sleep until something happens: `notify` (a pod to place, a binding done, a
 * cluster change), the time `until` (the next parked pod due), or the abort of `signal`. A notify that comes
 * while the loop is busy is remembered, so no event is lost between two waits.
 */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.resolve?.();
  }

  async wait(clock: Clock, until: number | undefined, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = until === undefined ? undefined : clock.setTimeout(done, until - clock.now());
      const onAbort = (): void => done();
      signal.addEventListener('abort', onAbort, { once: true });
      this.resolve = done;
      function done(): void {
        if (timer !== undefined) clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
    });
    this.resolve = undefined;
    this.pending = false;
  }
}
