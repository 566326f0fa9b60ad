/**
 * The forecaster on series whose future is known: 15 s samples, the model's steps of a tenth of a 10-minute
 * horizon (forecastStepMs), every forecast scored against the truth 10 minutes later. Bounds are the
 * guarantees docs/optimization.md states; the naive forecast ("the newest sample stays") is the baseline.
 */
import {
  DAY_MS,
  MINUTE_MS,
  dailyCycle,
  linearGrowth,
  noisyFlat,
  stepChange,
  type KnownSeries,
} from './known-series.js';
import { replay } from './replay.js';
import { forecastStepMs } from './series-forecaster.js';
import type { ForecastMethod } from './smoothing-model.js';

const SAMPLE_MS = 15_000;
const HORIZON_MS = 10 * MINUTE_MS;
const STEP_MS = forecastStepMs(SAMPLE_MS, HORIZON_MS);

interface Case {
  scenario: string;
  series: KnownSeries;
  method: ForecastMethod;
  durationMs: number;
  warmupMs: number;
  /** Mean absolute error of the point forecast at the horizon, in the series' units. */
  wantMeanErrorBelow: number;
  wantMaxErrorBelow: number;
  /** Least fraction of forecasts whose 95 % band held what was measured at the horizon. */
  wantCoverageAtLeast?: number;
  /** Whether the forecast must beat the naive one on mean error. */
  wantBeatsNaive: boolean;
}

const cases: Case[] = [
  {
    scenario: 'linear growth: Holt extrapolates the trend exactly',
    series: linearGrowth(20, 0.5),
    method: 'Holt',
    durationMs: 60 * MINUTE_MS,
    warmupMs: 10 * MINUTE_MS,
    wantMeanErrorBelow: 0.01,
    wantMaxErrorBelow: 0.01,
    wantBeatsNaive: true,
  },
  {
    scenario: 'daily seasonality (50 ± 20, noise σ 1): Holt follows the cycle, band holds',
    series: dailyCycle(50, 20, 1),
    method: 'Holt',
    durationMs: DAY_MS,
    warmupMs: 60 * MINUTE_MS,
    wantMeanErrorBelow: 0.5,
    wantMaxErrorBelow: 2,
    wantCoverageAtLeast: 0.95,
    wantBeatsNaive: true,
  },
  {
    scenario: 'noisy flat (50, noise σ 3): Holt does not chase noise',
    series: noisyFlat(50, 3),
    method: 'Holt',
    durationMs: 6 * 60 * MINUTE_MS,
    warmupMs: 30 * MINUTE_MS,
    wantMeanErrorBelow: 1.2,
    wantMaxErrorBelow: 4,
    wantCoverageAtLeast: 0.95,
    wantBeatsNaive: true,
  },
  {
    scenario: 'noisy flat (50, noise σ 3): EWMA averages noise away',
    series: noisyFlat(50, 3),
    method: 'EWMA',
    durationMs: 6 * 60 * MINUTE_MS,
    warmupMs: 30 * MINUTE_MS,
    wantMeanErrorBelow: 0.6,
    wantMaxErrorBelow: 2,
    wantCoverageAtLeast: 0.95,
    wantBeatsNaive: true,
  },
  {
    scenario: 'step change 30 → 60: Holt never overshoots by more than the step itself',
    series: stepChange(30, 60, 60 * MINUTE_MS),
    method: 'Holt',
    durationMs: 180 * MINUTE_MS,
    warmupMs: 20 * MINUTE_MS,
    wantMeanErrorBelow: 5,
    wantMaxErrorBelow: 30.001,
    wantBeatsNaive: false,
  },
];

describe('forecasts on known series (10-minute horizon)', () => {
  test.each(cases)('$scenario', (c) => {
    const score = replay(c.series, {
      method: c.method,
      sampleMs: SAMPLE_MS,
      stepMs: STEP_MS,
      horizonMs: HORIZON_MS,
      durationMs: c.durationMs,
      warmupMs: c.warmupMs,
    });
    expect(score.scored).toBeGreaterThan(100);
    expect(score.meanAbsError).toBeLessThan(c.wantMeanErrorBelow);
    expect(score.maxAbsError).toBeLessThan(c.wantMaxErrorBelow);
    if (c.wantCoverageAtLeast !== undefined)
      expect(score.coverage).toBeGreaterThanOrEqual(c.wantCoverageAtLeast);
    if (c.wantBeatsNaive) expect(score.meanAbsError).toBeLessThan(score.naiveMeanAbsError);
    else expect(score.meanAbsError).toBeGreaterThan(0);
  });

  test('EWMA on linear growth errs by at least the growth over the horizon', () => {
    const score = replay(linearGrowth(20, 0.5), {
      method: 'EWMA',
      sampleMs: SAMPLE_MS,
      stepMs: STEP_MS,
      horizonMs: HORIZON_MS,
      durationMs: 60 * MINUTE_MS,
      warmupMs: 10 * MINUTE_MS,
    });
    expect(score.meanAbsError).toBeGreaterThanOrEqual(0.5 * 10);
  });

  test('step change: Holt settles within 2 points of the new level within 30 minutes of the step', () => {
    const settled = replay(stepChange(30, 60, 60 * MINUTE_MS), {
      method: 'Holt',
      sampleMs: SAMPLE_MS,
      stepMs: STEP_MS,
      horizonMs: HORIZON_MS,
      durationMs: 180 * MINUTE_MS,
      warmupMs: 20 * MINUTE_MS,
      // Forecasts made from 10 minutes before the step (they target after it) to 30 minutes after it.
      exclude: { from: 50 * MINUTE_MS, to: 90 * MINUTE_MS },
    });
    expect(settled.maxAbsError).toBeLessThan(2);
  });
});
