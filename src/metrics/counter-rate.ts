/**
 * Turns cumulative counters (network bytes) into rates: the rate between the previous reading of a key and
 * this one. Pure apart from the memory of the previous reading, which its owner keeps.
 */
export class CounterRates {
  private readonly last = new Map<string, { time: number; value: number }>();

  /**
   * Per second since the previous reading of `key`, or undefined for the first reading, a reading not newer
   * than the previous one, or a counter that went backwards (a restart: the next reading has a rate again).
   */
  update(key: string, time: number, value: number): number | undefined {
    const previous = this.last.get(key);
    if (previous !== undefined && time <= previous.time) return undefined;
    this.last.set(key, { time, value });
    if (previous === undefined || value < previous.value) return undefined;
    return ((value - previous.value) * 1000) / (time - previous.time);
  }

  retain(keep: (key: string) => boolean): void {
    for (const key of [...this.last.keys()]) if (!keep(key)) this.last.delete(key);
  }
}
