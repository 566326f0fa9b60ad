/**
 * Usage forecasts per key (a node, or anything else measured: a pool's total) and per resource, fed with
 * the metrics sources' samples. Each (key, resource) pair is one SeriesForecaster, created when its first
 * sample arrives; `retain` forgets keys that are gone, so memory is bounded by (keys × measured resources ×
 * historySteps) whatever the uptime. Pure: time comes in with the samples and the questions.
 */
import type { UsageSample } from '../metrics/metrics-source.js';
import { CEILING_RESOURCES, type CeilingResource, type ResourceVector } from '../model/resources.js';
import { SeriesForecaster, type Forecast, type SeriesForecasterOptions } from './series-forecaster.js';
import type { ForecastMethod, SmoothingParameters } from './smoothing-model.js';

export interface UsageForecasterOptions {
  method: ForecastMethod;
  /** Step width, ms: the pool's metrics interval (spec.rebalancing.interval). */
  stepMs: number;
  /** Steps of history per series (default 64). */
  historySteps?: number;
  /** Steps learnt before a forecast is ready (default 5). */
  minSteps?: number;
  parameters?: SmoothingParameters;
}

export const DEFAULT_HISTORY_STEPS = 64;
export const DEFAULT_MIN_STEPS = 5;

/** One key's series, indexed like CEILING_RESOURCES: an array, so a round reads it without string keys. */
type KeySeries = Array<SeriesForecaster | undefined>;

const RESOURCE_INDEX: Readonly<Record<CeilingResource, number>> = {
  cpu: 0,
  memory: 1,
  ephemeralStorage: 2,
  network: 3,
};

/** Forecast of every measured resource of one key at one time. */
export type UsageForecast = Partial<Record<CeilingResource, Forecast>>;

export class UsageForecaster {
  private readonly series = new Map<string, KeySeries>();
  /** The last round's keys by their position in it, and their series (recentSeries). */
  private recentKeys: string[] = [];
  private recent: KeySeries[] = [];
  /** The same for questions (seriesOfKey with a position). */
  private askedKeys: string[] = [];
  private asked: KeySeries[] = [];
  private readonly seriesOptions: SeriesForecasterOptions;

  constructor(options: UsageForecasterOptions) {
    this.seriesOptions = {
      method: options.method,
      stepMs: options.stepMs,
      historySteps: options.historySteps ?? DEFAULT_HISTORY_STEPS,
      minSteps: options.minSteps ?? DEFAULT_MIN_STEPS,
      ...(options.parameters ? { parameters: options.parameters } : {}),
    };
  }

  get method(): ForecastMethod {
    return this.seriesOptions.method;
  }

  get stepMs(): number {
    return this.seriesOptions.stepMs;
  }

  /** Keys with at least one series. */
  get size(): number {
    return this.series.size;
  }

  /**
   * Learns samples (repeats of one scrape fold into the same step mean; older steps are ignored). One map
   * lookup per sample, not per resource: a round of 5,000 nodes is 20,000 values.
   */
  record(samples: Iterable<UsageSample>): void {
    let position = 0;
    for (const sample of samples) {
      const byResource = this.recentSeries(position++, sample.key);
      const { usage, time } = sample;
      // Read by name: a name in a variable (usage[resource]) is a slow megamorphic load.
      if (usage.cpu !== undefined) this.seriesAt(byResource, 0).add(time, usage.cpu);
      if (usage.memory !== undefined) this.seriesAt(byResource, 1).add(time, usage.memory);
      if (usage.ephemeralStorage !== undefined)
        this.seriesAt(byResource, 2).add(time, usage.ephemeralStorage);
      if (usage.network !== undefined) this.seriesAt(byResource, 3).add(time, usage.network);
    }
  }

  /** Learns one value of one resource of one key. */
  add(key: string, resource: CeilingResource, time: number, value: number): void {
    this.seriesAt(this.keySeries(key), RESOURCE_INDEX[resource]).add(time, value);
  }

  /**
   * The series of the `position`-th sample's key: a metrics source sends its nodes in the same order every
   * round, so the previous round's key at that position, when it is the same string, names the same series
   * and the map lookup is skipped (5,000 string hashes and probes a round). `retain` clears this memory.
   */
  private recentSeries(position: number, key: string): KeySeries {
    if (this.recentKeys[position] === key) return this.recent[position] as KeySeries;
    const byResource = this.keySeries(key);
    this.recentKeys[position] = key;
    this.recent[position] = byResource;
    return byResource;
  }

  private keySeries(key: string): KeySeries {
    let byResource = this.series.get(key);
    if (byResource === undefined) {
      byResource = [undefined, undefined, undefined, undefined];
      this.series.set(key, byResource);
    }
    return byResource;
  }

  private seriesAt(byResource: KeySeries, k: number): SeriesForecaster {
    let series = byResource[k];
    if (series === undefined) {
      series = new SeriesForecaster(this.seriesOptions);
      byResource[k] = series;
    }
    return series;
  }

  /** Forgets every key not in `keep` (deleted nodes). */
  retain(keep: (key: string) => boolean): void {
    for (const key of [...this.series.keys()]) if (!keep(key)) this.series.delete(key);
    // A forgotten key's series must not be found again through the last round's positions.
    this.recentKeys = [];
    this.recent = [];
    this.askedKeys = [];
    this.asked = [];
  }

  /** The forecast of `resource` of `key` for time `at`, or undefined when nothing was learnt yet. */
  forecast(key: string, resource: CeilingResource, at: number): Forecast | undefined {
    return this.series.get(key)?.[RESOURCE_INDEX[resource]]?.forecastAt(at);
  }

  /** Forecasts of every measured resource of `key` for time `at`. */
  forecastAll(key: string, at: number): UsageForecast {
    const out: UsageForecast = {};
    const byResource = this.series.get(key);
    if (!byResource) return out;
    for (const resource of CEILING_RESOURCES) {
      const f = byResource[RESOURCE_INDEX[resource]]?.forecastAt(at);
      if (f) out[resource] = f;
    }
    return out;
  }

  /**
   * Every series of `key`, indexed like CEILING_RESOURCES (read-only: a pool total's one pass). With
   * `position` (the key's place in a list asked in the same order every step, as a pool's members are),
   * the answer for the same key at that place last time is reused without a map lookup.
   */
  seriesOfKey(key: string, position?: number): ReadonlyArray<SeriesForecaster | undefined> | undefined {
    if (position === undefined) return this.series.get(key);
    if (this.askedKeys[position] === key) return this.asked[position];
    const found = this.series.get(key);
    // Only a found key is remembered: one not learnt yet may be learnt before the next question.
    if (found !== undefined) {
      this.askedKeys[position] = key;
      this.asked[position] = found;
    }
    return found;
  }

  /** The series of `key` and `resource` (history and model), for volatility and reports. */
  seriesOf(key: string, resource: CeilingResource): SeriesForecaster | undefined {
    return this.series.get(key)?.[RESOURCE_INDEX[resource]];
  }

  /**
   * The usage to plan on for `key` at `at` on the Forecast basis: per measured resource with a ready
   * forecast, the larger of `current` (smoothed usage now) and the point forecast; `current` elsewhere.
   * Never below what is used now, so a falling forecast never lets a node take more than it holds today.
   */
  lookahead(key: string, current: ResourceVector, at: number): ResourceVector {
    const out = { ...current };
    const byResource = this.series.get(key);
    if (!byResource) return out;
    for (const resource of CEILING_RESOURCES) {
      const f = byResource[RESOURCE_INDEX[resource]]?.forecastAt(at);
      if (f?.ready && f.value > out[resource]) out[resource] = f.value;
    }
    return out;
  }
}
