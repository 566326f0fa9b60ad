import { parseResourcePool, type ResourcePool } from '../api/index.js';
import { zeroResources } from '../model/resources.js';
import { nodeInfo, scenario } from '../rebalancing/planner-fixtures.js';
import { UsageForecaster } from './usage-forecaster.js';
import { capacityAdvice } from './capacity-advice.js';
import type { PoolUsageView } from './pool-usage.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function pool(): ResourcePool {
  const parsed = parseResourcePool({
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'ResourcePool',
    metadata: { name: 'general' },
    spec: {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'general' } },
      optimization: { forecast: 'Holt', horizon: '10m', scaleRecommendations: true },
    },
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** Three 8-core nodes (one not ready) each using `cpu` millicores now. */
function setUp(cpu: number) {
  const s = scenario([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  s.model.upsertNode({ ...nodeInfo({ name: 'c' }), ready: false });
  const usage: PoolUsageView = {
    nodes: {
      usage: new Map(['a', 'b', 'c'].map((n) => [n, { ...zeroResources(), cpu }])),
      stale: [],
      newestTime: NOW,
      maxAgeMs: 0,
    },
    pods: new Map(),
  };
  return { model: s.model, usage };
}

describe('capacityAdvice', () => {
  it('counts ready nodes only, and reports pressure with the recommendation when the forecast needs a node', () => {
    const { model, usage } = setUp(6_000); // 12 of 12.8 cores at the ceiling on a and b
    const forecaster = new UsageForecaster({ method: 'Holt', stepMs: 60_000 });
    for (let t = NOW - 10 * 60_000; t <= NOW; t += 15_000)
      for (const n of ['a', 'b'])
        forecaster.record([{ key: n, time: t, usage: { cpu: 6_000 + (100 * (t - NOW)) / 60_000 } }]);
    const advice = capacityAdvice({
      pool: pool(),
      generation: 3,
      members: ['a', 'b', 'c'],
      model,
      usage,
      forecaster,
      now: NOW,
    });
    expect(advice.condition).toMatchObject({
      type: 'CapacityPressure',
      status: 'True',
      reason: 'ForecastOverCapacity',
      observedGeneration: 3,
    });
    // +200 m a minute on 12 cores: 14 at the horizon, 12.8 at the ceiling → one 8-core node (6.4 at 80 %).
    expect(advice.recommendation?.nodes).toBe(3);
    expect(advice.condition.message).toMatch(
      /in about 4m .* 1 more node\(s\) of the typical shape \(8 cpu, 32Gi memory\)/,
    );
  });

  it('without a forecast it advises on usage now: enough capacity, or nodes that could go', () => {
    const { model, usage } = setUp(1_000);
    const advice = capacityAdvice({
      pool: pool(),
      generation: 1,
      members: ['a', 'b', 'c'],
      model,
      usage,
      forecaster: undefined,
      now: NOW,
    });
    expect(advice.condition).toMatchObject({ status: 'False', reason: 'SpareCapacity' });
    expect(advice.recommendation?.nodes).toBe(1);
  });

  it('is Unknown with no recommendation while metrics are stale or missing', () => {
    const { model, usage } = setUp(1_000);
    usage.nodes.stale = [{ key: 'b', reason: 'TooOld', ageMs: 60_000 }];
    const input = {
      pool: pool(),
      generation: 1,
      members: ['a', 'b'],
      model,
      forecaster: undefined,
      now: NOW,
    };
    const stale = capacityAdvice({ ...input, usage });
    expect(stale.condition).toMatchObject({ status: 'Unknown', reason: 'MetricsStale' });
    expect(stale.condition.message).toContain('b');
    expect(stale.recommendation).toBeUndefined();
    expect(capacityAdvice({ ...input, usage: undefined }).condition.message).toBe('no usage measured yet');
  });
});
