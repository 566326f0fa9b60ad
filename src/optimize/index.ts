/**
 * Optimization cores (pure): usage history and forecasts. Nothing here does I/O or reads a clock; time comes
 * in with samples and questions.
 *
 * API (for callers building on the forecaster):
 *
 *   const f = new UsageForecaster({ method: 'Holt' | 'EWMA', stepMs: forecastStepMs(intervalMs, horizonMs) });
 *   f.record(samples);                  // UsageSample[] from a MetricsSource (node key = node name)
 *   f.retain((key) => exists(key));     // forget deleted nodes: memory = keys × resources × historySteps
 *   f.forecast(node, 'cpu', at)         // Forecast | undefined: {at, value, low, high (95 % band), level,
 *                                       //   trendPerMinute, steps, ready}; act only when `ready`
 *   f.forecastAll(node, at)             // {cpu?, memory?, ...}: every measured resource
 *   f.lookahead(node, currentVector, at) // ResourceVector for the Forecast basis: max(now, ready forecast)
 *   f.seriesOf(node, 'cpu')?.history    // BoundedSeries: points(), stepVolatility()
 *   poolTotalForecast(f, members, 'cpu', at, (n) => usageNow(n))   // a pool's total, bands summed
 *   recommendCapacity({now, horizonMs, nodes, ceilings, demand: poolDemand({...})}) // CapacityPressure
 *   lookaheadUsage({forecaster, current, now, horizonMs, allocatable}) // what rebalancing plans on, + notes
 *
 * Units are the ResourceVector's (millicores, bytes, bits/s). `forecastStepMs(interval, horizon)` is
 * max(interval, horizon / 10): the model learns one step mean per step, and a forecast for `at` is
 * level + trend × (steps from the last learnt step to `at`). Forecast quality on known series:
 * forecaster.test.ts; the method in docs/optimization.md.
 */
export { BoundedSeries, type ClosedStep } from './bounded-series.js';
export { DAY_MS, MINUTE_MS, seededNormal, seededRandom, type KnownSeries } from './known-series.js';
export {
  recommendCapacity,
  type CapacityInput,
  type CapacityReason,
  type CapacityRecommendation,
  type ResourceDemand,
} from './capacity-recommendation.js';
export { poolDemand, type PoolDemandInput } from './pool-demand.js';
export { formatSpan, lookaheadUsage, type LookaheadInput, type LookaheadUsage } from './lookahead.js';
export { poolTotalForecast, type PoolTotalForecast } from './pool-total.js';
export {
  BAND_Z,
  SeriesForecaster,
  STEPS_PER_HORIZON,
  forecastStepMs,
  type Forecast,
  type SeriesForecasterOptions,
} from './series-forecaster.js';
export {
  DEFAULT_PARAMETERS,
  SmoothingModel,
  type ForecastMethod,
  type SmoothingParameters,
} from './smoothing-model.js';
export {
  DEFAULT_HISTORY_STEPS,
  DEFAULT_MIN_STEPS,
  UsageForecaster,
  type UsageForecast,
  type UsageForecasterOptions,
} from './usage-forecaster.js';
export { decideScale, type ScaleDecision, type ScaleDecisionInput } from './scale-decision.js';
export { LoadVolatility, MIN_CHANGES, VOLATILITY_ALPHA, type Volatility } from './load-volatility.js';
export {
  CALM_POINTS,
  TOLERANCE_SIGMAS,
  VOLATILE_POINTS,
  tuneRebalancing,
  type TunableSettings,
  type TunedSettings,
  type TuningBounds,
} from './dynamic-tuning.js';
