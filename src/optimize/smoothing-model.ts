/**
 * Exponential smoothing of one regularly stepped series, as a small mutable state updated once per step:
 * EWMA (simple exponential smoothing: a level) or Holt (linear: a level and a trend per step). Both carry
 * an exponentially weighted estimate of the one-step residual variance, from which the prediction interval
 * at any horizon follows (Hyndman & Athanasopoulos, "Forecasting: principles and practice", table 8.8:
 * ETS(A,N,N) and ETS(A,A,N)). O(1) time and memory per update, no allocation.
 *
 * Positions are measured in steps but need not be whole: a step's mean stands at the mean time of its
 * samples. An update `k` steps after the previous one (a missed scrape makes k about 2) predicts `k` steps
 * ahead and weighs the new value as `k` one-step updates would (alpha' = 1 - (1 - alpha)^k), so gaps neither
 * stall the level nor overweight the next value.
 */

export type ForecastMethod = 'EWMA' | 'Holt';

export interface SmoothingParameters {
  /** Level smoothing, 0 < alpha <= 1: the weight of the newest step. */
  alpha: number;
  /** Trend smoothing (Holt's beta*), 0 <= beta <= 1; unused by EWMA. */
  beta: number;
  /** Residual-variance smoothing, 0 < gamma <= 1. */
  gamma: number;
}

/**
 * The defaults: alpha 0.3, beta 0.1, gamma 0.1. With one step per 15 s interval a level follows a change
 * within about 10 steps (2.5 min) and a trend within about 30 (7.5 min); chosen on the unit-test series
 * (linear growth, daily cycle, noisy flat, step change: optimize/forecaster.test.ts) for low error at a
 * 10-minute horizon without chasing noise.
 */
export const DEFAULT_PARAMETERS: SmoothingParameters = Object.freeze({ alpha: 0.3, beta: 0.1, gamma: 0.1 });

export class SmoothingModel {
  /** Steps learnt. */
  steps = 0;
  /** Smoothed level, in the series' units. */
  level = 0;
  /** Trend in units per step (always 0 for EWMA). */
  trend = 0;
  /** Smoothed one-step residual variance (0 until the first residual). */
  variance = 0;
  /** Position (in steps) of the last update. */
  lastPosition = 0;
  private residuals = 0;

  constructor(
    readonly method: ForecastMethod,
    readonly parameters: SmoothingParameters = DEFAULT_PARAMETERS,
  ) {
    const { alpha, beta, gamma } = parameters;
    if (!(alpha > 0 && alpha <= 1) || !(beta >= 0 && beta <= 1) || !(gamma > 0 && gamma <= 1))
      throw new Error('SmoothingModel: need 0 < alpha <= 1, 0 <= beta <= 1, 0 < gamma <= 1');
  }

  /** Learns `value` at `position` (in steps; positions must increase, an earlier one is ignored). */
  update(position: number, value: number): void {
    if (this.steps === 0) {
      this.level = value;
      this.lastPosition = position;
      this.steps = 1;
      return;
    }
    const k = position - this.lastPosition;
    if (!(k > 0)) return;
    const holt = this.method === 'Holt';
    if (holt && this.steps === 1) {
      // Two points make the first trend.
      this.trend = (value - this.level) / k;
      this.level = value;
      this.lastPosition = position;
      this.steps = 2;
      return;
    }
    const { alpha, beta, gamma } = this.parameters;
    const predicted = this.level + this.trend * k;
    const residual = value - predicted;
    // A residual k steps ahead has the k-step variance: scale it back to one step.
    const oneStepSquare = (residual * residual) / this.multiplier(k);
    this.variance =
      this.residuals === 0
        ? oneStepSquare
        : this.variance + compound(gamma, k) * (oneStepSquare - this.variance);
    this.residuals++;
    const previousLevel = this.level;
    this.level = predicted + compound(alpha, k) * residual;
    if (holt) this.trend += compound(beta, k) * ((this.level - previousLevel) / k - this.trend);
    this.lastPosition = position;
    this.steps++;
  }

  /** Point forecast `h` steps (h >= 0, fractional allowed) after the last update's position. */
  valueAt(h: number): number {
    return this.level + this.trend * h;
  }

  /**
   * Variance of the forecast error `h` steps ahead relative to the one-step variance (>= 1 for h >= 1):
   * ETS(A,N,N) 1 + alpha²(h−1); ETS(A,A,N) 1 + (h−1)(alpha² + alpha·b·h + b²h(2h−1)/6) with b = alpha·beta.
   */
  multiplier(h: number): number {
    const { alpha, beta } = this.parameters;
    const m = Math.max(0, h - 1);
    if (this.method === 'EWMA') return 1 + alpha * alpha * m;
    const b = alpha * beta;
    return 1 + m * (alpha * alpha + alpha * b * h + (b * b * h * (2 * h - 1)) / 6);
  }

  /** Standard deviation of the forecast error `h` steps ahead (0 until a residual was seen). */
  stddevAt(h: number): number {
    return Math.sqrt(this.variance * Math.max(1, this.multiplier(h)));
  }
}

/** The weight `k` one-step updates of weight `w` give the newest value together: 1 − (1 − w)^k. */
function compound(w: number, k: number): number {
  return k === 1 ? w : 1 - Math.pow(1 - w, k);
}
