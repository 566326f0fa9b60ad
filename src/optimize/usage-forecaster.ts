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

type KeySeries = Partial<Record<CeilingResource, SeriesForecaster>>;

/** Forecast of every measured resource of one key at one time. */
export type UsageForecast = Partial<Record<CeilingResource, Forecast>>;

export class UsageForecaster {
  private readonly series = new Map<string, KeySeries>();
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

  /** Learns samples (repeats of one scrape fold into the same step mean; older steps are ignored). */
  record(samples: Iterable<UsageSample>): void {
    for (const sample of samples) {
      for (const resource of CEILING_RESOURCES) {
        const value = sample.usage[resource];
        if (value !== undefined) this.add(sample.key, resource, sample.time, value);
      }
    }
  }

  /** Learns one value of one resource of one key. */
  add(key: string, resource: CeilingResource, time: number, value: number): void {
    let byResource = this.series.get(key);
    if (byResource === undefined) {
      byResource = {};
      this.series.set(key, byResource);
    }
    let series = byResource[resource];
    if (series === undefined) {
      series = new SeriesForecaster(this.seriesOptions);
      byResource[resource] = series;
    }
    series.add(time, value);
  }

  /** Forgets every key not in `keep` (deleted nodes). */
  retain(keep: (key: string) => boolean): void {
    for (const key of [...this.series.keys()]) if (!keep(key)) this.series.delete(key);
  }

  /** The forecast of `resource` of `key` for time `at`, or undefined when nothing was learnt yet. */
  forecast(key: string, resource: CeilingResource, at: number): Forecast | undefined {
    return this.series.get(key)?.[resource]?.forecastAt(at);
  }

  /** Forecasts of every measured resource of `key` for time `at`. */
  forecastAll(key: string, at: number): UsageForecast {
    const out: UsageForecast = {};
    const byResource = this.series.get(key);
    if (!byResource) return out;
    for (const resource of CEILING_RESOURCES) {
      const f = byResource[resource]?.forecastAt(at);
      if (f) out[resource] = f;
    }
    return out;
  }

  /** The series of `key` and `resource` (history and model), for volatility and reports. */
  seriesOf(key: string, resource: CeilingResource): SeriesForecaster | undefined {
    return this.series.get(key)?.[resource];
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
      const f = byResource[resource]?.forecastAt(at);
      if (f?.ready && f.value > out[resource]) out[resource] = f.value;
    }
    return out;
  }
}
