/**
 * Synthetic usage series with known shape, for the forecaster's tests and the optimize benchmark: a seeded
 * pseudo-random generator (mulberry32) and Gaussian noise (Box–Muller), so every run sees the same numbers.
 */

/** A seeded uniform generator on [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded standard normal generator. */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => {
    const u = Math.max(uniform(), 1e-12);
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/** A series: its value at time t (ms from the start), without noise, plus the noise added to samples. */
export interface KnownSeries {
  name: string;
  truth(t: number): number;
  noise: number;
}

export const linearGrowth = (start: number, perMinute: number): KnownSeries => ({
  name: `linear growth ${perMinute}/min`,
  truth: (t) => start + (perMinute * t) / MINUTE_MS,
  noise: 0,
});

export const dailyCycle = (mean: number, amplitude: number, noise: number): KnownSeries => ({
  name: `daily cycle ${mean}±${amplitude}`,
  truth: (t) => mean + amplitude * Math.sin((2 * Math.PI * t) / DAY_MS),
  noise,
});

export const noisyFlat = (mean: number, noise: number): KnownSeries => ({
  name: `flat ${mean} with noise σ ${noise}`,
  truth: () => mean,
  noise,
});

export const stepChange = (before: number, after: number, atMs: number): KnownSeries => ({
  name: `step ${before}→${after}`,
  truth: (t) => (t < atMs ? before : after),
  noise: 0,
});
