/**
 * The usage store: keeps recent samples per key (node or pod), smooths them over a window, and says how old
 * the newest one is. Pure: time comes in as a number, nothing is fetched here.
 *
 * Guarantees:
 * - A reading is `fresh` only when the newest sample is at most `staleAfterMs` old; otherwise it is `stale`
 *   with a reason (`NoSamples`, `TooOld`) and carries no usage, so a caller cannot act on it by accident.
 * - Smoothing runs per resource over the samples of the last `windowMs` before the newest sample (so a source
 *   that reports less often than the window still yields its newest value).
 * - A sample repeated with the same timestamp (metrics-server answers with the same scrape until the next
 *   one) counts once; samples older than the window are dropped when newer ones arrive.
 */
import { CEILING_RESOURCES, type CeilingResource, type ResourceVector } from '../model/resources.js';
import { smooth, type Smoothing } from './smoothing.js';
import type { PartialUsage, UsageSample } from './metrics-source.js';

export interface UsageStoreOptions {
  /** Samples within this long before the newest one are smoothed together. */
  windowMs: number;
  /** A key whose newest sample is older than this is stale (DESIGN.md: three intervals). */
  staleAfterMs: number;
  smoothing: Smoothing;
}

/** DESIGN.md section 4: metrics older than three intervals are never acted on. */
export function staleAfterIntervals(intervalMs: number, intervals = 3): number {
  return intervalMs * intervals;
}

export type StaleReason = 'NoSamples' | 'TooOld';

export type UsageReading =
  | { state: 'fresh'; usage: PartialUsage; time: number; ageMs: number; samples: number }
  | { state: 'stale'; reason: StaleReason; time?: number; ageMs?: number };

/** A key that could not be read fresh, for the pool's conditions. */
export interface StaleKey {
  key: string;
  reason: StaleReason;
  /** Age of the newest sample, when there is one. */
  ageMs?: number;
}

/** Usage vectors for a set of nodes, as the placement engine and the rebalance planner take them. */
export interface UsageView {
  /** Fresh keys only: measured resources smoothed, the others taken from `fallback` (requests). */
  usage: Map<string, ResourceVector>;
  stale: StaleKey[];
  /** Time of the newest sample used, undefined when none was. */
  newestTime: number | undefined;
  /** Age of the oldest fresh reading used (0 when none). */
  maxAgeMs: number;
}

export class UsageStore {
  private readonly samples = new Map<string, UsageSample[]>();

  constructor(readonly options: UsageStoreOptions) {
    if (!(options.windowMs > 0) || !(options.staleAfterMs > 0))
      throw new Error('UsageStore: windowMs and staleAfterMs must be positive');
  }

  /** Adds samples; each key's list stays in time order, without duplicates and without expired entries. */
  record(samples: Iterable<UsageSample>): void {
    for (const sample of samples) {
      if (!Number.isFinite(sample.time)) continue;
      let list = this.samples.get(sample.key);
      if (list === undefined) {
        list = [];
        this.samples.set(sample.key, list);
      }
      insertByTime(list, sample);
      const newest = (list[list.length - 1] as UsageSample).time;
      let drop = 0;
      while (drop < list.length && (list[drop] as UsageSample).time <= newest - this.options.windowMs) drop++;
      if (drop > 0) list.splice(0, drop);
    }
  }

  /** Forgets every key not in `keep` (deleted nodes and pods), so the store does not grow forever. */
  retain(keep: (key: string) => boolean): void {
    for (const key of [...this.samples.keys()]) if (!keep(key)) this.samples.delete(key);
  }

  /**
   * The part (0..1) of `key`'s current samples taken at or before `at`: how much of its smoothed reading
   * predates an event at `at` (a pod moved off or onto the node). 0 without samples.
   */
  shareAtOrBefore(key: string, at: number): number {
    const list = this.samples.get(key);
    if (list === undefined || list.length === 0) return 0;
    let before = 0;
    while (before < list.length && (list[before] as UsageSample).time <= at) before++;
    return before / list.length;
  }

  /** The smoothed usage of `key` at time `now`, or why there is none. */
  read(key: string, now: number): UsageReading {
    const list = this.samples.get(key);
    if (list === undefined || list.length === 0) return { state: 'stale', reason: 'NoSamples' };
    const newest = (list[list.length - 1] as UsageSample).time;
    const ageMs = Math.max(0, now - newest);
    if (ageMs > this.options.staleAfterMs) return { state: 'stale', reason: 'TooOld', time: newest, ageMs };
    const usage: PartialUsage = {};
    for (const resource of CEILING_RESOURCES) {
      const values = valuesOf(list, resource);
      if (values.length > 0) usage[resource] = smooth(values, this.options.smoothing);
    }
    return { state: 'fresh', usage, time: newest, ageMs, samples: list.length };
  }

  /**
   * Usage vectors for `keys` at `now`. A fresh key gets its smoothed usage, and `fallback(key)` (its
   * requests) for the resources the source does not measure. A key without samples for which `idle(key)`
   * holds (no pods: metrics-server leaves such nodes out) counts as fresh zero usage; every other key
   * without a fresh reading is listed in `stale` and left out of `usage`.
   */
  view(
    keys: Iterable<string>,
    now: number,
    fallback: (key: string) => ResourceVector,
    idle: (key: string) => boolean = () => false,
  ): UsageView {
    const usage = new Map<string, ResourceVector>();
    const stale: StaleKey[] = [];
    let newestTime: number | undefined;
    let maxAgeMs = 0;
    for (const key of keys) {
      const reading = this.read(key, now);
      if (reading.state === 'stale') {
        if (reading.reason === 'NoSamples' && idle(key)) {
          usage.set(key, { ...fallback(key) });
          continue;
        }
        stale.push(
          reading.ageMs === undefined
            ? { key, reason: reading.reason }
            : { key, reason: reading.reason, ageMs: reading.ageMs },
        );
        continue;
      }
      const vector = { ...fallback(key) };
      for (const resource of CEILING_RESOURCES) {
        const measured = reading.usage[resource];
        if (measured !== undefined) vector[resource] = measured;
      }
      usage.set(key, vector);
      newestTime = newestTime === undefined ? reading.time : Math.max(newestTime, reading.time);
      maxAgeMs = Math.max(maxAgeMs, reading.ageMs);
    }
    return { usage, stale, newestTime, maxAgeMs };
  }
}

/** Inserts `sample` in time order; a sample with the time of one already held replaces it. */
function insertByTime(list: UsageSample[], sample: UsageSample): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as UsageSample).time > sample.time) i--;
  if (i > 0 && (list[i - 1] as UsageSample).time === sample.time) {
    list[i - 1] = sample;
    return;
  }
  list.splice(i, 0, sample);
}

function valuesOf(list: readonly UsageSample[], resource: CeilingResource): number[] {
  const values: number[] = [];
  for (const sample of list) {
    const value = sample.usage[resource];
    if (value !== undefined && Number.isFinite(value)) values.push(value);
  }
  return values;
}
