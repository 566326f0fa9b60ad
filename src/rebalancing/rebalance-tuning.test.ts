import { parseResourcePool, type ResourcePool } from '../api/index.js';
import { rebalanceSettings } from './settings.js';
import { nodeInfo } from './planner-fixtures.js';
import { ClusterModel } from '../model/cluster-model.js';
import { zeroResources } from '../model/resources.js';
import { seededNormal } from '../optimize/index.js';
import type { PoolUsageView } from '../optimize/pool-usage.js';
import { RebalanceTuning } from './rebalance-tuning.js';

function pool(rebalancing: Record<string, unknown>, basis = 'Usage'): ResourcePool {
  const parsed = parseResourcePool({
    apiVersion: 'fulcrum.io/v1alpha1',
    kind: 'ResourcePool',
    metadata: { name: 'p' },
    spec: {
      nodeSelector: { matchLabels: { a: 'b' } },
      weights: { cpu: 1, memory: 0, ephemeralStorage: 0, network: 0 },
      allocation: { basis },
      rebalancing,
    },
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const members = ['n0', 'n1', 'n2', 'n3'];
const model = new ClusterModel();
for (const name of members) model.upsertNode(nodeInfo({ name, cpu: 8000 }));

/** `intervals` intervals of every member at 50 % cpu plus `sd` points of noise. */
function feed(tuning: RebalanceTuning, p: ResourcePool, sd: number, intervals: number): void {
  const noise = seededNormal(11);
  for (let i = 0; i < intervals; i++) {
    const usage = new Map(members.map((n) => [n, { ...zeroResources(), cpu: 80 * (50 + sd * noise()) }]));
    tuning.observe(
      p,
      members,
      { nodes: { usage, stale: [] }, pods: new Map() } as unknown as PoolUsageView,
      model,
    );
  }
}

describe('RebalanceTuning', () => {
  const adaptive = {
    tuning: { mode: 'Adaptive', minTolerance: 5, maxTolerance: 20, minInterval: '10s', maxInterval: '1m' },
  };

  it('Off: the declared settings, and no status', () => {
    const p = pool({});
    const tuning = new RebalanceTuning();
    feed(tuning, p, 5, 20);
    const declared = rebalanceSettings(p.spec.rebalancing);
    expect(tuning.settings(p, declared)).toEqual({ settings: declared });
  });

  it('Adaptive: declared values while learning, then volatile loads raise the tolerance and shorten the interval', () => {
    const p = pool(adaptive);
    const tuning = new RebalanceTuning();
    const declared = rebalanceSettings(p.spec.rebalancing);
    const learning = tuning.settings(p, declared);
    expect(learning.settings).toEqual(declared);
    expect(learning.status?.reason).toMatch(/^learning/);
    feed(tuning, p, 6, 30);
    const volatile = tuning.settings(p, declared);
    expect(volatile.settings).toMatchObject({ tolerance: 20, recoveryTolerance: 10, intervalMs: 10_000 });
    expect(volatile.status).toMatchObject({ tolerance: 20, recoveryTolerance: 10, interval: '10s' });
    expect(volatile.status?.volatility).toBeGreaterThan(5);
    expect(volatile.status?.reason).toMatch(
      /^node loads change by \d+\.\d points per interval \(median of 4 node\(s\)\)/,
    );
    // Everything else is the pool's own.
    expect({ ...volatile.settings, tolerance: 0, recoveryTolerance: 0, intervalMs: 0 }).toEqual({
      ...declared,
      tolerance: 0,
      recoveryTolerance: 0,
      intervalMs: 0,
    });
  });

  it('Adaptive: calm loads lower the tolerance and lengthen the interval', () => {
    const p = pool(adaptive);
    const tuning = new RebalanceTuning();
    feed(tuning, p, 0.2, 30);
    expect(tuning.settings(p, rebalanceSettings(p.spec.rebalancing)).settings).toMatchObject({
      tolerance: 5,
      recoveryTolerance: 2.5,
      intervalMs: 60_000,
    });
  });

  it('on the Requests basis the declared values hold, and the status says why', () => {
    const p = pool(adaptive, 'Requests');
    const tuning = new RebalanceTuning();
    feed(tuning, p, 6, 30);
    const t = tuning.settings(p, rebalanceSettings(p.spec.rebalancing));
    expect(t.settings).toMatchObject({ tolerance: 10, intervalMs: 15_000 });
    expect(t.status?.reason).toMatch(/^allocation.basis is Requests/);
  });
});
