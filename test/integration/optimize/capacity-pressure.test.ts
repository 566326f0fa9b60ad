/**
 * Capacity advice end to end on the real control plane: a pool of four kwok nodes of its own (8 CPU each,
 * 80 % CPU ceiling: 25.6 cores for the pool) with `optimization: {forecast: Holt, horizon: 2m,
 * scaleRecommendations: true}`, measured through the Prometheus source (a real Prometheus scraping, every
 * second, the test's exporter on 127.0.0.1, usage-exporter.ts). The exporter publishes a usage trace:
 *  1. flat at 50 % on every node: CapacityPressure=False, one node could go;
 *  2. then rising by 15 m a second on every node (crossing the ceiling 160 s later): the pool reports
 *     CapacityPressure=True with a node count while every node is still under its ceiling, a Warning Event
 *     says so, and status.recommendation asks for more nodes than the pool has.
 * The operator runs in this process with the default PromQL (rate window 5 s, as rebalance-prometheus).
 */
import * as k8s from '@kubernetes/client-node';
import { eventually, testKubeConfig } from '../support/cluster.js';
import { condition, type PoolObject } from '../rebalance/scenario.js';
import { startMeasuredPool, type MeasuredPool } from './measured-pool.js';

const CEILING_MC = 6_400; // 80 % of 8 cores
const START_MC = 4_000;
const RISE_MC_PER_S = 15;

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const pool = `cap-${Math.random().toString(36).slice(2, 7)}`;
/** When the rise starts (ms since the epoch); until then usage is flat. */
let riseFrom = Infinity;
const cpuAt = (ms: number): number => START_MC + (RISE_MC_PER_S * Math.max(0, ms - riseFrom)) / 1_000;
let measured: MeasuredPool;

async function poolObject(): Promise<
  PoolObject & { status?: { recommendation?: { nodes?: number; reason?: string } } }
> {
  return (await measured.read()) as PoolObject;
}

beforeAll(async () => {
  measured = await startMeasuredPool(
    kc,
    pool,
    { forecast: 'Holt', horizon: '2m', scaleRecommendations: true },
    cpuAt,
  );
}, 120_000);

afterAll(() => measured?.close(), 60_000);

test('flat at 50 %: CapacityPressure=False, and one node of four could go', async () => {
  const object = await eventually(
    'CapacityPressure=False from the balancer',
    async () => {
      const p = await poolObject();
      // Until Prometheus's rate() has a window of samples the usage reads low and more nodes could go.
      return condition(p, 'CapacityPressure')?.reason === 'SpareCapacity' &&
        p.status?.recommendation?.nodes === 3
        ? p
        : undefined;
    },
    60_000,
    1_000,
  );
  expect(condition(object, 'CapacityPressure')).toMatchObject({ status: 'False' });
  expect(condition(object, 'CapacityPressure')?.message).toMatch(
    /^1 node\(s\) of the typical shape \(8 cpu, 32Gi memory\) could go/,
  );
  expect(object.status?.recommendation?.nodes).toBe(3);
  // The balancer owns the condition in this pool; the pool controller (manager `fulcrum`) leaves it alone.
  const owners = (object.metadata?.managedFields ?? [])
    .filter((f) => JSON.stringify(f.fieldsV1 ?? {}).includes('CapacityPressure'))
    .map((f) => f.manager);
  expect(owners).toEqual(['fulcrum-balancer']);
}, 90_000);

test('rising usage: CapacityPressure=True with a node count before any node crosses its ceiling', async () => {
  riseFrom = Date.now();
  const crossing = riseFrom + ((CEILING_MC - START_MC) / RISE_MC_PER_S) * 1_000;
  const object = await eventually(
    'CapacityPressure=True',
    async () => {
      const p = await poolObject();
      return condition(p, 'CapacityPressure')?.status === 'True' ? p : undefined;
    },
    150_000,
    1_000,
  );
  const seenAt = Date.now();
  // What the nodes publish now is what Prometheus will read a scrape later: every node still under 80 %.
  expect(Math.max(...[...measured.exporter.current().values()].map((u) => u.cpu))).toBeLessThan(CEILING_MC);
  expect(seenAt).toBeLessThan(crossing);
  const pressure = condition(object, 'CapacityPressure');
  expect(pressure?.reason).toBe('ForecastOverCapacity');
  expect(pressure?.message).toMatch(
    /^cpu demand reaches \d+% of the pool's allocatable, over its 80% ceiling, in about \d+m \(.*Z\) even if spread evenly: [1-9]\d* more node\(s\) of the typical shape \(8 cpu, 32Gi memory\) needed by then, \d+ in all$/,
  );
  expect(object.status?.recommendation?.nodes).toBeGreaterThan(4);
  expect(object.status?.recommendation?.reason).toBe(pressure?.message);
  const events = await core.listEventForAllNamespaces({
    fieldSelector: `involvedObject.name=${pool},reason=CapacityPressure`,
  });
  expect(events.items.some((e) => e.type === 'Warning' && e.message === pressure?.message)).toBe(true);
  // The test's own numbers, for the note: seconds after the rise began, and before the crossing.
  console.log(
    `CapacityPressure=True ${Math.round((seenAt - riseFrom) / 1000)} s into the rise, ` +
      `${Math.round((crossing - seenAt) / 1000)} s before the first crossing: ${pressure?.message}`,
  );
}, 180_000);
