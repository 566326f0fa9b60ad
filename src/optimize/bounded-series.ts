/**
 * A bounded, regularly spaced history of one measured quantity: the mean of the samples in each step of
 * `stepMs`, for the last `capacity` steps. Memory is fixed at construction (one Float64Array), whatever the
 * uptime or sampling rate: samples within one step are folded into its mean, and a step that received no
 * sample is a gap (NaN). Pure: time comes in with each sample.
 */

/** A step that received its last sample: its number, the mean of its samples and their mean time. */
export interface ClosedStep {
  step: number;
  mean: number;
  time: number;
}

export class BoundedSeries {
  private readonly values: Float64Array;
  /** Step number (floor(time / stepMs)) of the newest slot; -Infinity while empty. */
  private newest = -Infinity;
  private openSum = 0;
  private openCount = 0;
  private openTimeSum = 0;

  constructor(
    readonly stepMs: number,
    readonly capacity: number,
  ) {
    if (!(stepMs > 0) || !Number.isInteger(capacity) || capacity < 2)
      throw new Error('BoundedSeries: stepMs must be positive and capacity an integer of at least 2');
    this.values = new Float64Array(capacity).fill(Number.NaN);
  }

  /** The step a time falls in. */
  stepOf(time: number): number {
    return Math.floor(time / this.stepMs);
  }

  /**
   * Adds a sample. Returns the step that was closed by it, as `{step, mean, time}` (`time` the mean time of
   * its samples), when the sample opens a later step than the newest one (the caller's model then learns the
   * closed step's mean), else undefined. A sample older than the newest step is ignored: history is
   * append-only.
   */
  add(time: number, value: number): ClosedStep | undefined {
    if (!Number.isFinite(time) || !Number.isFinite(value)) return undefined;
    const step = this.stepOf(time);
    if (step < this.newest) return undefined;
    if (step === this.newest) {
      this.openSum += value;
      this.openTimeSum += time;
      this.openCount++;
      this.values[this.slot(step)] = this.openSum / this.openCount;
      return undefined;
    }
    const closed =
      this.openCount > 0
        ? { step: this.newest, mean: this.openSum / this.openCount, time: this.openTimeSum / this.openCount }
        : undefined;
    // Steps skipped since the newest one are gaps; clear at most one lap of the ring.
    const gap = Math.min(this.capacity, Number.isFinite(this.newest) ? step - this.newest - 1 : 0);
    for (let k = 1; k <= gap; k++) this.values[this.slot(this.newest + k)] = Number.NaN;
    this.newest = step;
    this.openSum = value;
    this.openTimeSum = time;
    this.openCount = 1;
    this.values[this.slot(step)] = value;
    return closed;
  }

  /** Step number of the newest (still open) step, or undefined while empty. */
  get newestStep(): number | undefined {
    return Number.isFinite(this.newest) ? this.newest : undefined;
  }

  /** The step means held, oldest first, as `[stepStartTime, mean]`; gaps are left out. */
  points(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    if (!Number.isFinite(this.newest)) return out;
    for (let step = this.newest - this.capacity + 1; step <= this.newest; step++) {
      if (step < 0) continue;
      const v = this.values[this.slot(step)] as number;
      if (!Number.isNaN(v)) out.push([step * this.stepMs, v]);
    }
    return out;
  }

  /**
   * Standard deviation of the change between consecutive held steps (closed steps only), in the series'
   * units per step, and how many changes it is based on. A measure of how jumpy the series is, which does
   * not count a steady trend as volatility the way a plain standard deviation would. O(capacity).
   */
  stepVolatility(): { stddev: number; changes: number } {
    if (!Number.isFinite(this.newest)) return { stddev: 0, changes: 0 };
    let n = 0;
    let sum = 0;
    let squares = 0;
    let previous = Number.NaN;
    // The open step is excluded: its mean is still moving.
    for (let step = this.newest - this.capacity + 1; step < this.newest; step++) {
      const v = step < 0 ? Number.NaN : (this.values[this.slot(step)] as number);
      if (!Number.isNaN(v) && !Number.isNaN(previous)) {
        const d = v - previous;
        n++;
        sum += d;
        squares += d * d;
      }
      previous = v;
    }
    if (n < 2) return { stddev: 0, changes: n };
    const mean = sum / n;
    return { stddev: Math.sqrt(Math.max(0, squares / n - mean * mean)), changes: n };
  }

  private slot(step: number): number {
    return ((step % this.capacity) + this.capacity) % this.capacity;
  }
}
