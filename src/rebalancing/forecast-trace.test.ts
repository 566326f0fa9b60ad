/**
 * The trace: usage rises linearly on one node of a pool. Planned every 15 s interval, reactive
 * rebalancing (forecast None) first moves a pod off the node only after it crossed its 80 % CPU ceiling;
 * forecast-based rebalancing (Holt, 10 m horizon) moves one before it crosses. The pool is BinPack, where only
 * a ceiling makes a node hot, so the first move is the ceiling's and nothing else; samples carry noise.
 */
import { forecastStepMs, lookaheadUsage, seededNormal, UsageForecaster } from '../optimize/index.js';
import type { ForecastMethod } from '../optimize/index.js';
import { zeroResources, type ResourceVector } from '../model/resources.js';
import { planRebalance } from './planner.js';
import { inputOf, NOW, podsOf, scenario } from './planner-fixtures.js';
import type { EvictionRequest } from './rebalance-plan.js';

const INTERVAL_MS = 15_000;
const HORIZON_MS = 10 * 60_000;
const CEILING_MC = 6_400; // 80 % of 8 cores
/** n0 starts at 50 % and gains 100 m per minute: it crosses 80 % at minute 24. */
const usageOfN0 = (ms: number): number => 4_000 + (100 * ms) / 60_000;
const CROSSING_MS = ((CEILING_MC - 4_000) / 100) * 60_000;

interface Move {
  atMs: number;
  /** n0's true usage just before the move, millicores. */
  usage: number;
  eviction: EvictionRequest;
}

interface Trace {
  moves: Move[];
  /** n0's highest true usage over the trace, millicores. */
  peak: number;
}

/**
 * Plans every interval for 40 minutes. A planned move happens at once: the pod's 400 m of usage goes with it
 * to its destination (and the model records the pod there), as it would after the replacement started.
 */
function trace(forecast: ForecastMethod | 'None'): Trace {
  const s = scenario(
    [
      { name: 'n0', pods: podsOf('web', 10, 400, { workload: 'ReplicaSet/default/web' }) },
      { name: 'n1', pods: podsOf('db', 2, 500, { workload: 'ReplicaSet/default/db' }) },
      { name: 'n2' },
      { name: 'n3' },
    ],
    { strategy: 'BinPack', basis: 'Usage' },
  );
  const forecaster =
    forecast === 'None'
      ? undefined
      : new UsageForecaster({ method: forecast, stepMs: forecastStepMs(INTERVAL_MS, HORIZON_MS) });
  const noise = seededNormal(7);
  const moved = new Map<string, number>(); // net usage moved onto each node
  const on = (node: string): number => moved.get(node) ?? 0;
  let heat = new Map();
  const out: Trace = { moves: [], peak: 0 };
  for (let t = 0; t <= 40 * 60_000; t += INTERVAL_MS) {
    const now = NOW + t;
    const n0 = usageOfN0(t) + on('n0');
    out.peak = Math.max(out.peak, n0);
    const measured = new Map<string, ResourceVector>([
      ['n0', { ...zeroResources(), cpu: n0 + 40 * noise() }],
      ['n1', { ...zeroResources(), cpu: 1_000 + on('n1') + 40 * noise() }],
      ['n2', { ...zeroResources(), cpu: on('n2') }],
      ['n3', { ...zeroResources(), cpu: on('n3') }],
    ]);
    forecaster?.record([...measured].map(([key, usage]) => ({ key, time: now, usage: { cpu: usage.cpu } })));
    const ahead = forecaster
      ? lookaheadUsage({
          forecaster,
          current: measured,
          now,
          horizonMs: HORIZON_MS,
          allocatable: (n) => s.model.node(n)?.allocatable,
        })
      : undefined;
    const plan = planRebalance(
      inputOf(s, {
        now,
        heat,
        usage: ahead?.usage ?? measured,
        ...(ahead ? { forecastNotes: ahead.notes } : {}),
      }),
    );
    heat = plan.heat;
    for (const eviction of plan.evictions) {
      out.moves.push({ atMs: t, usage: n0, eviction });
      moved.set(eviction.from, on(eviction.from) - 400);
      moved.set(eviction.expectedTo, on(eviction.expectedTo) + 400);
      s.model.upsertPod({ ...s.model.pod(eviction.pod)!, nodeName: eviction.expectedTo });
    }
  }
  return out;
}

describe('a node whose usage rises linearly toward its ceiling', () => {
  it('reactive rebalancing (forecast None) first moves a pod only after the node crossed the ceiling', () => {
    const { moves, peak } = trace('None');
    const first = moves[0]!;
    expect(first.eviction.from).toBe('n0');
    expect(first.usage).toBeGreaterThan(CEILING_MC);
    expect(first.atMs).toBeGreaterThanOrEqual(CROSSING_MS - 2 * INTERVAL_MS); // noise may cross a little early
    expect(first.eviction.mode).toBe('Urgent');
    expect(first.eviction.reason).not.toContain('forecast');
    expect(peak).toBeGreaterThan(CEILING_MC);
  });

  it('forecast-based rebalancing (Holt) moves one before the crossing, saying it acts on the forecast', () => {
    const { moves } = trace('Holt');
    const first = moves[0]!;
    expect(first.eviction.from).toBe('n0');
    expect(first.usage).toBeLessThan(CEILING_MC);
    // Before the crossing, but not before the forecast at the horizon could see it (minus two model steps).
    expect(first.atMs).toBeLessThan(CROSSING_MS);
    expect(first.atMs).toBeGreaterThanOrEqual(CROSSING_MS - HORIZON_MS - 2 * 60_000);
    expect(first.eviction.reason).toMatch(
      /^Urgent: n0 is over its cpu ceiling on its forecast \(forecast: cpu 8\d% in 10m\); moving/,
    );
    expect(first.eviction.expectedTo).not.toBe('n0');
  });

  it('with Holt the node never crosses the ceiling in 40 minutes, one pod per crossing foreseen', () => {
    const holt = trace('Holt');
    expect(holt.peak).toBeLessThan(CEILING_MC);
    // Each move is alone: the growth is added to usage now, which drops with the pod at once, so the next
    // interval does not move a second pod for the same foreseen crossing.
    for (let k = 1; k < holt.moves.length; k++)
      expect(holt.moves[k]!.atMs - holt.moves[k - 1]!.atMs).toBeGreaterThan(60_000);
    // Reactive planning moves about as many pods, after each crossing: forecasting costs no extra evictions.
    expect(holt.moves.length).toBeLessThanOrEqual(trace('None').moves.length + 1);
  });

  it('EWMA (a level, no trend) expects no growth: it plans on usage now and acts when reactive planning does', () => {
    const ewma = trace('EWMA').moves[0]!;
    const reactive = trace('None').moves[0]!;
    expect(ewma.atMs).toBe(reactive.atMs);
    expect(ewma.eviction.reason).toBe(reactive.eviction.reason);
  });
});

describe('destinations on the forecast', () => {
  it('a node trending toward its ceiling is not chosen, though it is the least loaded now', () => {
    const s = scenario(
      [
        { name: 'n0', pods: podsOf('web', 17, 400, { workload: 'ReplicaSet/default/web' }) },
        { name: 'n1', pods: podsOf('a', 1, 100) },
        { name: 'n2', pods: podsOf('b', 1, 100) },
      ],
      { basis: 'Usage' },
    );
    const forecaster = new UsageForecaster({ method: 'Holt', stepMs: 60_000 });
    const start = NOW - 10 * 60_000;
    // n1 gains 200 m a minute and is at 40 % now; n2 stays at 45 %; n0 is over its ceiling at 85 %.
    for (let t = start; t <= NOW; t += INTERVAL_MS)
      forecaster.record([
        { key: 'n0', time: t, usage: { cpu: 6_800 } },
        { key: 'n1', time: t, usage: { cpu: 3_200 - (200 * (NOW - t)) / 60_000 } },
        { key: 'n2', time: t, usage: { cpu: 3_600 } },
      ]);
    const current = new Map([
      ['n0', { ...zeroResources(), cpu: 6_800 }],
      ['n1', { ...zeroResources(), cpu: 3_200 }],
      ['n2', { ...zeroResources(), cpu: 3_600 }],
    ]);
    const reactive = planRebalance(inputOf(s, { usage: current }));
    expect(reactive.evictions[0]?.expectedTo).toBe('n1');
    const ahead = lookaheadUsage({
      forecaster,
      current,
      now: NOW,
      horizonMs: HORIZON_MS,
      allocatable: (n) => s.model.node(n)?.allocatable,
    });
    expect(ahead.notes.get('n1')).toBe('cpu 65% in 10m');
    const forecast = planRebalance(inputOf(s, { usage: ahead.usage, forecastNotes: ahead.notes }));
    expect(forecast.evictions.length).toBeGreaterThan(0);
    for (const e of forecast.evictions) expect(e.expectedTo).toBe('n2');
    // n0 is over its ceiling now, and its forecast adds nothing: its reason has no forecast note.
    expect(forecast.evictions[0]?.reason).toMatch(/^Urgent: n0 is over its cpu ceiling; moving/);
  });
});
