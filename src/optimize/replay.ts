/**
 * Drives a SeriesForecaster over a known series and scores its forecasts against the truth: the error of
 * the point forecast at the horizon, how often the 95 % band held the actual sample, and the error of the
 * naive forecast ("the newest sample stays") for comparison. Used by the forecaster's tests and the
 * benchmark report.
 */
import { seededNormal, type KnownSeries } from './known-series.js';
import { SeriesForecaster } from './series-forecaster.js';
import type { ForecastMethod, SmoothingParameters } from './smoothing-model.js';

export interface ReplayOptions {
  method: ForecastMethod;
  /** Time between samples (the metrics interval). */
  sampleMs: number;
  /** The model's step (forecastStepMs). */
  stepMs: number;
  horizonMs: number;
  durationMs: number;
  /** Forecasts made before this time are not scored (the model is learning). */
  warmupMs: number;
  /** Forecasts made in [from, to) are not scored (a known disturbance, e.g. a step). */
  exclude?: { from: number; to: number };
  seed?: number;
  parameters?: SmoothingParameters;
}

export interface ReplayScore {
  scored: number;
  meanAbsError: number;
  maxAbsError: number;
  /** Fraction of scored forecasts whose band held the sample observed at the horizon. */
  coverage: number;
  naiveMeanAbsError: number;
  /** Mean half-width of the band. */
  meanSpread: number;
}

export function replay(series: KnownSeries, options: ReplayOptions): ReplayScore {
  const { sampleMs, stepMs, horizonMs, durationMs } = options;
  const forecaster = new SeriesForecaster({
    method: options.method,
    stepMs,
    historySteps: 64,
    minSteps: 5,
    ...(options.parameters ? { parameters: options.parameters } : {}),
  });
  const normal = seededNormal(options.seed ?? 1);
  const samples: number[] = [];
  for (let t = 0; t <= durationMs + horizonMs; t += sampleMs)
    samples.push(series.truth(t) + series.noise * normal());
  const sampleAt = (t: number): number => samples[Math.round(t / sampleMs)] as number;
  let scored = 0;
  let absSum = 0;
  let maxAbs = 0;
  let covered = 0;
  let naiveSum = 0;
  let spreadSum = 0;
  for (let t = 0; t <= durationMs; t += sampleMs) {
    forecaster.add(t, sampleAt(t));
    const excluded = options.exclude && t >= options.exclude.from && t < options.exclude.to;
    const f = forecaster.forecastAt(t + horizonMs);
    if (t >= options.warmupMs && !excluded && f?.ready) {
      const actual = meanAround(samples, sampleMs, t + horizonMs, stepMs);
      const truth = series.truth(t + horizonMs);
      const error = Math.abs(f.value - truth);
      scored++;
      absSum += error;
      maxAbs = Math.max(maxAbs, error);
      const slack = 1e-9 * Math.max(1, Math.abs(actual));
      if (actual >= f.low - slack && actual <= f.high + slack) covered++;
      naiveSum += Math.abs(sampleAt(t) - truth);
      spreadSum += (f.high - f.low) / 2;
    }
  }
  return {
    scored,
    meanAbsError: absSum / Math.max(1, scored),
    maxAbsError: maxAbs,
    coverage: covered / Math.max(1, scored),
    naiveMeanAbsError: naiveSum / Math.max(1, scored),
    meanSpread: spreadSum / Math.max(1, scored),
  };
}

/** The mean of the samples within half a step of `at`: what a step mean measured there would be. */
function meanAround(samples: readonly number[], sampleMs: number, at: number, stepMs: number): number {
  let sum = 0;
  let n = 0;
  for (let t = at - stepMs / 2; t < at + stepMs / 2; t += sampleMs) {
    const v = samples[Math.round(t / sampleMs)];
    if (v !== undefined) {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}
