import type { MetricsCollection } from '../metrics/index.js';
import { zeroResources } from '../model/resources.js';
import { PoolUsage } from './pool-usage.js';

const T0 = 1_000_000;
const routing = {
  poolOfNode: (node: string) => ({ a1: 'a', a2: 'a', b1: 'b' })[node],
  nodeOfPod: (pod: string) => ({ 'ns/p1': 'a1', 'ns/q1': 'b1', 'ns/unbound': undefined })[pod],
};
const collection = (time: number, cpu: number): MetricsCollection => ({
  source: 'test',
  nodes: [
    { key: 'a1', time, usage: { cpu } },
    { key: 'b1', time, usage: { cpu: cpu * 2 } },
    { key: 'elsewhere', time, usage: { cpu: 1 } },
  ],
  pods: [
    { key: 'ns/p1', time, usage: { cpu: cpu / 2 } },
    { key: 'ns/q1', time, usage: { cpu } },
  ],
  problems: [],
});
const viewInput = (members: string[], pods: string[], now: number) => ({
  members,
  pods,
  now,
  nodeRequests: () => zeroResources(),
  nodeIdle: (n: string) => n === 'a2',
  podRequests: () => zeroResources(),
});

describe('PoolUsage', () => {
  it('files node samples under their pool and pod samples under the pool of their node', () => {
    const usage = new PoolUsage();
    usage.configure(
      new Map([
        ['a', { windowMs: 60_000, intervalMs: 10_000 }],
        ['b', { windowMs: 60_000, intervalMs: 10_000 }],
      ]),
    );
    usage.record(collection(T0, 1000), routing);
    const a = usage.view('a', viewInput(['a1', 'a2'], ['ns/p1', 'ns/q1'], T0));
    expect(a?.nodes.usage.get('a1')?.cpu).toBe(1000);
    expect(a?.nodes.usage.get('a2')?.cpu).toBe(0); // idle: no pods, no samples
    expect(a?.nodes.stale).toEqual([]);
    expect([...(a?.pods.keys() ?? [])]).toEqual(['ns/p1']); // q1 runs in pool b
    expect(usage.view('b', viewInput(['b1'], ['ns/q1'], T0))?.nodes.usage.get('b1')?.cpu).toBe(2000);
  });

  it('judges staleness by each pool’s own interval (three of them)', () => {
    const usage = new PoolUsage();
    usage.configure(
      new Map([
        ['a', { windowMs: 60_000, intervalMs: 5_000 }],
        ['b', { windowMs: 60_000, intervalMs: 60_000 }],
      ]),
    );
    usage.record(collection(T0, 1000), routing);
    const later = T0 + 20_000;
    expect(usage.view('a', viewInput(['a1'], [], later))?.nodes.stale).toEqual([
      { key: 'a1', reason: 'TooOld', ageMs: 20_000 },
    ]);
    expect(usage.view('b', viewInput(['b1'], [], later))?.nodes.stale).toEqual([]);
  });

  it('smooths over the pool’s window', () => {
    const usage = new PoolUsage();
    usage.configure(new Map([['a', { windowMs: 30_000, intervalMs: 10_000 }]]));
    usage.record(collection(T0, 1000), routing);
    usage.record(collection(T0 + 15_000, 2000), routing);
    expect(usage.view('a', viewInput(['a1'], [], T0 + 15_000))?.nodes.usage.get('a1')?.cpu).toBe(1500);
  });

  it('starts a pool afresh when its settings change, and forgets pools no longer measured', () => {
    const usage = new PoolUsage();
    usage.configure(new Map([['a', { windowMs: 60_000, intervalMs: 10_000 }]]));
    usage.record(collection(T0, 1000), routing);
    usage.configure(new Map([['a', { windowMs: 60_000, intervalMs: 10_000 }]]));
    expect(usage.view('a', viewInput(['a1'], [], T0))?.nodes.stale).toEqual([]);
    usage.configure(new Map([['a', { windowMs: 30_000, intervalMs: 10_000 }]]));
    expect(usage.view('a', viewInput(['a1'], [], T0))?.nodes.stale).toEqual([
      { key: 'a1', reason: 'NoSamples' },
    ]);
    usage.configure(new Map());
    expect(usage.view('a', viewInput(['a1'], [], T0))).toBeUndefined();
  });

  it('forgets deleted nodes and pods', () => {
    const usage = new PoolUsage();
    usage.configure(new Map([['a', { windowMs: 60_000, intervalMs: 10_000 }]]));
    usage.record(collection(T0, 1000), routing);
    usage.retain(
      (node) => node !== 'a1',
      () => false,
    );
    const view = usage.view('a', viewInput(['a1'], ['ns/p1'], T0));
    expect(view?.nodes.stale).toEqual([{ key: 'a1', reason: 'NoSamples' }]);
    expect(view?.pods.size).toBe(0);
  });

  it('feeds the node samples of a forecasting pool to its forecaster, and no other pool has one', () => {
    const usage = new PoolUsage();
    const forecast = { method: 'Holt' as const, stepMs: 10_000 };
    usage.configure(
      new Map([
        ['a', { windowMs: 60_000, intervalMs: 10_000, forecast }],
        ['b', { windowMs: 60_000, intervalMs: 10_000 }],
      ]),
    );
    // a1 grows by 100 m per 10 s step: after 8 steps the forecast is ready and carries the trend.
    for (let k = 0; k <= 8; k++) usage.record(collection(T0 + k * 10_000, 1000 + 100 * k), routing);
    const f = usage.forecaster('a');
    expect(usage.forecaster('b')).toBeUndefined();
    expect(f?.size).toBe(1); // a1 only: b1 and 'elsewhere' belong to no forecasting pool; pods are not learnt
    const ahead = f?.forecast('a1', 'cpu', T0 + 80_000 + 60_000);
    expect(ahead?.ready).toBe(true);
    expect(ahead?.trendPerMinute).toBeGreaterThan(300);
    expect(ahead?.value).toBeGreaterThan(2000);
  });

  it('keeps the usage stores when only the forecast changes, and forgets nodes that left the pool', () => {
    const usage = new PoolUsage();
    usage.configure(new Map([['a', { windowMs: 60_000, intervalMs: 10_000 }]]));
    usage.record(collection(T0, 1000), routing);
    const forecast = { method: 'EWMA' as const, stepMs: 10_000 };
    usage.configure(new Map([['a', { windowMs: 60_000, intervalMs: 10_000, forecast }]]));
    expect(usage.view('a', viewInput(['a1'], [], T0))?.nodes.usage.get('a1')?.cpu).toBe(1000);
    usage.record(collection(T0 + 10_000, 1000), routing);
    expect(usage.forecaster('a')?.size).toBe(1);
    usage.retain(
      () => true,
      () => true,
      () => 'b', // a1 moved to pool b
    );
    expect(usage.forecaster('a')?.size).toBe(0);
    usage.configure(new Map([['a', { windowMs: 60_000, intervalMs: 10_000 }]]));
    expect(usage.forecaster('a')).toBeUndefined();
  });
});
