/**
 * A fixed number of slots for concurrent API writes (a counting semaphore). A burst of work — thousands of
 * pods bound after a scheduler pause, an Event for each — would otherwise send every request at once: the
 * API server then spends its time on connections and queued requests, and each of them waits longer.
 * Tasks beyond the slots wait in order of arrival.
 */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`slots must be a whole number of at least 1, got ${size}`);
    this.free = size;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` in a slot: at once (synchronously) when one is free, else when one frees up. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) {
      this.free--;
      return this.held(task);
    }
    return new Promise<void>((granted) => this.waiting.push(granted)).then(() => this.held(task));
  }

  private async held<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next task
      else this.free++;
    }
  }
}
