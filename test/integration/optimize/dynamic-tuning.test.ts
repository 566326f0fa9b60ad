/**
 * Dynamic tuning end to end on the real control plane: a pool of four kwok nodes measured through Prometheus
 * (measured-pool.ts) with `rebalancing.tuning: {mode: Adaptive, tolerance 5..20, interval 5s..20s}`:
 *  1. flat usage: status.tuning shows tolerance and interval set from the measured volatility (a few points:
 *     the noise of rate() over 5 s), within the bounds, and says why;
 *  2. usage swinging between 90 % and 10 % every 20 s on every node: the highest tolerance and the shortest
 *     interval.
 */
import { eventually, testKubeConfig } from '../support/cluster.js';
import { startMeasuredPool, type MeasuredPool } from './measured-pool.js';

interface TuningStatus {
  tolerance?: number;
  recoveryTolerance?: number;
  interval?: string;
  volatility?: number;
  reason?: string;
}

const kc = testKubeConfig();
const pool = `tune-${Math.random().toString(36).slice(2, 7)}`;
let swingFrom = Infinity;
/** 50 % of 8 cores, then alternating 90 % and 10 % every 20 s (slower than the 10 s metrics window smooths). */
const cpuAt = (ms: number): number =>
  ms < swingFrom ? 4_000 : Math.floor((ms - swingFrom) / 20_000) % 2 === 0 ? 7_200 : 800;
let measured: MeasuredPool;

/** The last status.tuning read, printed when a wait times out. */
let last: unknown;
const tuning = async (): Promise<TuningStatus | undefined> => {
  const status = (await measured.read()).status;
  last = status?.tuning ?? status;
  return status?.tuning as TuningStatus | undefined;
};
afterEach(() => console.log('last status.tuning:', JSON.stringify(last)));

beforeAll(async () => {
  measured = await startMeasuredPool(kc, pool, { forecast: 'Holt', horizon: '2m' }, cpuAt, {
    tolerance: 10,
    recoveryTolerance: 5,
    tuning: { mode: 'Adaptive', minTolerance: 5, maxTolerance: 20, minInterval: '5s', maxInterval: '20s' },
  });
}, 120_000);

afterAll(() => measured?.close(), 60_000);

let flatVolatility = 0;

test('flat usage: status.tuning shows the values in force, set from the measured volatility, and why', async () => {
  // "Flat" as measured: Prometheus's rate() over 5 s of 1 s scrapes reads a flat load with a few points of
  // noise (and a warm-up ramp that the smoothing forgets), and that noise is what tuning is for.
  const status = await eventually(
    'status.tuning from a measured volatility under 5 points',
    async () => {
      const t = await tuning();
      return t?.volatility !== undefined && t.volatility < 5 ? t : undefined;
    },
    150_000,
    1_000,
  );
  flatVolatility = status.volatility!;
  const tolerance = Math.min(20, Math.max(5, 3 * flatVolatility));
  expect(status.tolerance).toBeCloseTo(tolerance, 0);
  expect(status.recoveryTolerance).toBeCloseTo(status.tolerance! / 2, 0);
  const seconds = Number(status.interval?.replace(/s$/, ''));
  expect(seconds).toBeGreaterThanOrEqual(5);
  expect(seconds).toBeLessThanOrEqual(20);
  expect(status.reason).toMatch(
    new RegExp(
      `^node loads change by \\d+\\.\\d points per interval \\(median of 4 node\\(s\\)\\): tolerance ${status.tolerance} .*interval ${status.interval} \\(.*, 5s\\.\\.20s\\)$`,
    ),
  );
  console.log(`dynamic tuning, flat usage: ${status.reason}`);
}, 180_000);

test('swinging usage: volatile, so the highest tolerance and the shortest interval', async () => {
  swingFrom = Date.now();
  const status = await eventually(
    'status.tuning volatile',
    async () => {
      const t = await tuning();
      return t?.interval === '5s' && t.tolerance === 20 ? t : undefined;
    },
    90_000,
    1_000,
  );
  expect(status).toMatchObject({ tolerance: 20, recoveryTolerance: 10, interval: '5s' });
  expect(status.volatility).toBeGreaterThan(Math.max(5, flatVolatility));
  expect(status.reason).toContain('(volatile, 5s..20s)');
  console.log(
    `dynamic tuning: ${Math.round((Date.now() - swingFrom) / 1000)} s after the swing began: ${status.reason}`,
  );
}, 120_000);
