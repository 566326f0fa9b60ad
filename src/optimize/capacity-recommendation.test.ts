import { zeroResources, type ResourceVector } from '../model/resources.js';
import { recommendCapacity, type CapacityInput, type ResourceDemand } from './capacity-recommendation.js';
import { poolDemand } from './pool-demand.js';
import { UsageForecaster } from './usage-forecaster.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const GI = 2 ** 30;
const CEILINGS = { cpu: 80, memory: 85, ephemeralStorage: 75, network: 70 };
const node = (cpu = 8_000, memory = 32 * GI): ResourceVector => ({
  ...zeroResources(),
  cpu,
  memory,
  pods: 110,
});

/** Ten 8-core nodes: 64 cores at the 80 % ceiling. */
function input(cpu: ResourceDemand, nodes = Array.from({ length: 10 }, () => node())): CapacityInput {
  return {
    now: NOW,
    horizonMs: 10 * 60_000,
    nodes,
    ceilings: CEILINGS,
    demand: { cpu, memory: { now: 40 * GI, requests: 40 * GI } },
  };
}

describe('recommendCapacity', () => {
  it('pressure when the forecast total at the horizon exceeds the capacity at the ceiling, with when', () => {
    // 60 cores now, +1 core a minute: 70 at the horizon, over 64; crossing in 4 minutes.
    const r = recommendCapacity(
      input({
        now: 60_000,
        requests: 20_000,
        forecast: { value: 70_000, high: 72_000, trendPerMinute: 1_000 },
      }),
    );
    expect(r).toMatchObject({
      pressure: true,
      reason: 'ForecastOverCapacity',
      change: 1,
      nodes: 11,
      resource: 'cpu',
    });
    expect(r.by).toBe(NOW + 4 * 60_000);
    expect(r.message).toBe(
      "cpu demand reaches 88% of the pool's allocatable, over its 80% ceiling, in about 4m " +
        '(2026-01-01T00:04Z) even if spread evenly: 1 more node(s) of the typical shape ' +
        '(8 cpu, 32Gi memory) needed by then, 11 in all',
    );
  });

  it('counts nodes of the median shape, enough to bring the demand under the ceiling', () => {
    // 90 cores over 64 on 10 nodes; typical node 8 cores (median of 4, 8 and 16) gives 6.4 at the ceiling.
    const nodes = [
      node(4_000),
      node(4_000),
      node(8_000),
      node(8_000),
      node(8_000),
      node(16_000),
      node(16_000),
    ];
    const r = recommendCapacity(
      input(
        { now: 70_000, requests: 0, forecast: { value: 90_000, high: 90_000, trendPerMinute: 2_000 } },
        nodes,
      ),
    );
    // capacity 64 × 0.8 = 51.2 cores; (90 − 51.2) / 6.4 = 6.06 → 7 nodes.
    expect(r.change).toBe(7);
    expect(r.nodes).toBe(14);
    expect(r.reason).toBe('OverCapacity'); // usage now (70) is already over 51.2
    expect(r.by).toBe(NOW);
    expect(r.message).toContain(' now even if spread evenly');
  });

  it('requests over the capacity count as pressure now, also without a forecast', () => {
    const r = recommendCapacity(input({ now: 10_000, requests: 65_000 }));
    expect(r).toMatchObject({ pressure: true, reason: 'OverCapacity', change: 1, by: NOW });
  });

  it('the resource needing the most nodes decides', () => {
    const i = input({ now: 66_000, requests: 0 });
    i.demand.memory = { now: 300 * GI, requests: 0 }; // 272 Gi at 85 %: 28 Gi over, 27.2 Gi per node → 2
    const r = recommendCapacity(i);
    expect(r).toMatchObject({ resource: 'memory', change: 2 });
  });

  it('nodes that could go: the fewest any resource spares, judged on the upper band, never the last node', () => {
    // cpu: 64 − 30 (band high) = 34 → 5 nodes of 6.4; memory: 272 − 40 = 232 Gi → 8.
    const r = recommendCapacity(
      input({ now: 20_000, requests: 10_000, forecast: { value: 25_000, high: 30_000, trendPerMinute: 0 } }),
    );
    expect(r).toMatchObject({ pressure: false, reason: 'SpareCapacity', change: -5, nodes: 5 });
    expect(r.message).toBe(
      '5 node(s) of the typical shape (8 cpu, 32Gi memory) could go: demand over the next 10m fits 5 node(s) within the ceilings',
    );
    const lone = input({ now: 0, requests: 0 }, [node()]);
    lone.demand.memory = { now: 0, requests: 0 };
    const one = recommendCapacity(lone);
    expect(one).toMatchObject({ pressure: false, reason: 'EnoughCapacity', change: 0, nodes: 1 });
  });

  it('enough capacity when no whole node could go', () => {
    const r = recommendCapacity(input({ now: 60_000, requests: 0 }));
    expect(r).toMatchObject({ pressure: false, reason: 'EnoughCapacity', nodes: 10, change: 0 });
    expect(r.message).toMatch(/^enough capacity: demand over the next 10m fits within the ceilings/);
  });
});

describe('poolDemand', () => {
  it('sums usage now (requests where unmeasured), requests and the nodes’ forecasts', () => {
    const f = new UsageForecaster({ method: 'Holt', stepMs: 60_000 });
    for (let t = 0; t <= 10 * 60_000; t += 15_000)
      f.record([{ key: 'a', time: t, usage: { cpu: 1_000 + t / 1_000 } }]); // +60 m a minute
    const demand = poolDemand({
      nodes: ['a', 'b'],
      usage: (n) => (n === 'a' ? { ...zeroResources(), cpu: 1_600 } : undefined),
      requests: () => ({ ...zeroResources(), cpu: 500 }),
      forecaster: f,
      at: 20 * 60_000,
    });
    expect(demand.cpu?.now).toBe(2_100);
    expect(demand.cpu?.requests).toBe(1_000);
    expect(demand.cpu?.forecast?.value).toBeCloseTo(1_000 + 1_200 + 500, -1); // a at minute 20, b flat
    expect(demand.cpu?.forecast?.trendPerMinute).toBeCloseTo(60, 0);
    expect(demand.memory?.forecast).toBeUndefined(); // nothing learnt
    expect(
      poolDemand({ nodes: ['a'], usage: () => undefined, requests: () => zeroResources(), at: 0 }).cpu
        ?.forecast,
    ).toBeUndefined();
  });
});
