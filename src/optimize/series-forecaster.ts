/**
 * One quantity's bounded history and its forecast: samples are folded into step means (bounded-series.ts);
 * each closed step teaches the smoothing model (smoothing-model.ts); a forecast for any time reads the model.
 * The step still open is not learnt until it closes, so a forecast lags the newest sample by at most a step.
 */
import { BoundedSeries } from './bounded-series.js';
import {
  DEFAULT_PARAMETERS,
  SmoothingModel,
  type ForecastMethod,
  type SmoothingParameters,
} from './smoothing-model.js';

/** Normal quantile of the two-sided 95 % band. */
export const BAND_Z = 1.96;

/** Steps per horizon: the model learns in steps of a tenth of the horizon (or the metrics interval if longer). */
export const STEPS_PER_HORIZON = 10;

/**
 * The model's step for a pool: max(metrics interval, horizon / 10). Learning in steps much shorter than the
 * horizon makes the trend chase noise, and a trend learnt per 15 s step and carried 40 steps ahead turns a
 * one-off jump into a forecast two or three times the jump; ten steps per horizon keeps a jump's overshoot
 * within the jump itself and averages four 15 s samples per step (explored on the series of
 * forecaster.test.ts; see docs/optimization.md).
 */
export function forecastStepMs(intervalMs: number, horizonMs: number): number {
  return Math.max(intervalMs, Math.ceil(horizonMs / STEPS_PER_HORIZON));
}

/** What a forecast says about one quantity at one future time. */
export interface Forecast {
  /** The time the forecast is for, ms since the epoch. */
  at: number;
  /** Point forecast. */
  value: number;
  /** 95 % prediction interval (value ∓ 1.96 σ at that distance); equal to value until a residual was seen. */
  low: number;
  high: number;
  /** Smoothed level at the last learnt step. */
  level: number;
  /** Trend per minute (0 for EWMA). */
  trendPerMinute: number;
  /** Steps learnt so far. */
  steps: number;
  /** Whether enough steps were learnt (minSteps) for the forecast to be acted on. */
  ready: boolean;
}

/** A running sum of forecasts (pool-total.ts). */
export interface ForecastSum {
  value: number;
  low: number;
  high: number;
  trendPerMinute: number;
  /** Series with a ready forecast added. */
  nodes: number;
}

export interface SeriesForecasterOptions {
  method: ForecastMethod;
  /** Width of one step, ms (the pool's metrics interval). */
  stepMs: number;
  /** Steps of history held (bounds memory). */
  historySteps: number;
  /** Steps to learn before a forecast is `ready`. */
  minSteps: number;
  parameters?: SmoothingParameters;
}

export class SeriesForecaster {
  readonly history: BoundedSeries;
  readonly model: SmoothingModel;

  constructor(readonly options: SeriesForecasterOptions) {
    this.history = new BoundedSeries(options.stepMs, options.historySteps);
    this.model = new SmoothingModel(options.method, options.parameters ?? DEFAULT_PARAMETERS);
  }

  /** Adds one sample (ms since the epoch, the series' unit); samples older than the newest step are ignored. */
  add(time: number, value: number): void {
    const closed = this.history.add(time, value);
    if (closed) this.model.update(closed.time / this.options.stepMs, closed.mean);
  }

  /**
   * Adds the ready forecast for `at` to `total` (value, band, trend per minute, one node) without building
   * a Forecast, and says whether it was ready; the same arithmetic as forecastAt, so a sum over many series
   * equals the sum of their forecastAt figures bit for bit. A series not ready adds nothing.
   */
  addReadyTo(at: number, total: ForecastSum): boolean {
    const { model } = this;
    if (model.steps === 0 || model.steps < this.options.minSteps) return false;
    const { stepMs } = this.options;
    const h = Math.max(0, at / stepMs - model.lastPosition);
    const value = model.valueAt(h);
    const spread = BAND_Z * model.stddevAt(h);
    total.value += value;
    total.low += value - spread;
    total.high += value + spread;
    total.trendPerMinute += (model.trend * 60_000) / stepMs;
    total.nodes++;
    return true;
  }

  /** The forecast for time `at`; undefined before the first step has closed. */
  forecastAt(at: number): Forecast | undefined {
    const { model } = this;
    if (model.steps === 0) return undefined;
    const { stepMs } = this.options;
    const h = Math.max(0, at / stepMs - model.lastPosition);
    const value = model.valueAt(h);
    const spread = BAND_Z * model.stddevAt(h);
    return {
      at,
      value,
      low: value - spread,
      high: value + spread,
      level: model.level,
      trendPerMinute: (model.trend * 60_000) / stepMs,
      steps: model.steps,
      ready: model.steps >= this.options.minSteps,
    };
  }
}
