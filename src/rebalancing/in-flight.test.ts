/**
 * Moves the metrics do not show yet: the correction itself, and the hot spot it fixes — after an urgent move
 * the source's smoothed usage still carries the moved pod, and without the correction the next interval
 * moves from the same node again while the other nodes over the ceiling wait (bench/REPORT.md, issue 12).
 */
import { inFlightMoves, MAX_IN_FLIGHT, showMoves } from './in-flight.js';
import { planRebalance } from './planner.js';
import { inputOf, NOW, podsOf, scenario, type NodeSpec, type Scenario } from './planner-fixtures.js';
import type { ResourceVector } from '../model/resources.js';
import type { MoveRecord, RebalancePlan } from './rebalance-plan.js';

const cpu = (m: number): ResourceVector => ({ cpu: m, memory: 0, ephemeralStorage: 0, network: 0, pods: 0 });
const WINDOW = 60_000;

describe('inFlightMoves', () => {
  const move = (at: number, extra: Partial<MoveRecord> = {}): MoveRecord => ({
    at,
    pod: `ns/p-${at}`,
    from: 'a',
    to: 'b',
    usage: cpu(1800),
    ...extra,
  });

  it('keeps moves within the window that a reading still predates, with each node’s share', () => {
    const share = (node: string, at: number) => (node === 'a' ? 0.75 : at > NOW - 20_000 ? 1 : 0);
    const moves = inFlightMoves(
      [move(NOW - 90_000), move(NOW - 30_000), move(NOW - 10_000), move(NOW + 1_000)],
      NOW,
      WINDOW,
      share,
    );
    // Newest first; the one older than the window and the one from the future are left out.
    expect(moves).toEqual([
      { from: 'a', to: 'b', usage: cpu(1800), fromShare: 0.75, toShare: 1 },
      { from: 'a', to: 'b', usage: cpu(1800), fromShare: 0.75, toShare: 0 },
    ]);
  });

  it('leaves out moves without a recorded usage and moves the metrics fully show', () => {
    const noUsage: MoveRecord = { at: NOW - 1_000, pod: 'ns/x', from: 'a', to: 'b' };
    expect(inFlightMoves([noUsage, move(NOW - 2_000)], NOW, WINDOW, () => 0)).toEqual([]);
    expect(inFlightMoves([noUsage], NOW, WINDOW, () => 1)).toEqual([]);
  });

  it('clamps shares to 0..1 and keeps at most MAX_IN_FLIGHT, the newest', () => {
    const history = Array.from({ length: MAX_IN_FLIGHT * 4 }, (_, k) => move(NOW - 50_000 + k));
    const moves = inFlightMoves(history, NOW, WINDOW, () => 7);
    expect(moves).toHaveLength(MAX_IN_FLIGHT);
    expect(moves.every((m) => m.fromShare === 1 && m.toShare === 1)).toBe(true);
    expect(inFlightMoves([move(NOW - 1)], NOW, WINDOW, () => NaN)).toEqual([]);
  });
});

describe('showMoves', () => {
  it('takes each share off the source and puts it on the destination', () => {
    const usage = new Map([
      ['a', cpu(7200)],
      ['b', cpu(100)],
      ['c', cpu(3000)],
    ]);
    const shown = showMoves(usage, [
      { from: 'a', to: 'b', usage: cpu(1800), fromShare: 1, toShare: 0.5 },
      { from: 'a', usage: cpu(1800), fromShare: 0.25, toShare: 0 },
    ]);
    expect(shown.get('a')?.cpu).toBe(7200 - 1800 - 450);
    expect(shown.get('b')?.cpu).toBe(100 + 900);
    expect(shown.get('c')).toBe(usage.get('c'));
    expect(usage.get('a')?.cpu).toBe(7200); // the caller's map is left alone
  });

  it('never goes below zero, leaves nodes without usage out, and returns the same map when nothing applies', () => {
    const usage = new Map([['a', cpu(500)]]);
    const shown = showMoves(usage, [{ from: 'a', to: 'gone', usage: cpu(1800), fromShare: 1, toShare: 1 }]);
    expect(shown.get('a')?.cpu).toBe(0);
    expect(shown.has('gone')).toBe(false);
    expect(showMoves(usage, [])).toBe(usage);
    expect(showMoves(usage, [{ from: 'x', usage: cpu(1), fromShare: 1, toShare: 0 }])).toBe(usage);
  });
});

/**
 * The hot spot on the Max basis, as metrics-server shows it: eight 8-CPU nodes, four running four
 * pods of one Deployment each (requests 100m, usage 1800m: 90 %), four idle; a PDB lets two go at a time.
 */
function hotSpot(): {
  s: Scenario;
  usage: Map<string, ResourceVector>;
  podUsage: Map<string, ResourceVector>;
} {
  const nodes: NodeSpec[] = Array.from({ length: 8 }, (_, i) => ({
    name: `n${i}`,
    pods: i < 4 ? podsOf(`web-${i}`, 4, 100, { workload: 'ReplicaSet/default/web', pdbs: ['web'] }) : [],
  }));
  const s = scenario(nodes, { basis: 'Max', pdbs: { web: 2 } });
  const usage = new Map(nodes.map((n, i) => [n.name, cpu(i < 4 ? 7200 : 0)]));
  const podUsage = new Map<string, ResourceVector>();
  for (const [key] of s.pods) podUsage.set(key, cpu(1800));
  return { s, usage, podUsage };
}

/** The evictions of `plan` done: each pod's replacement (not yet measured) bound where the plan expected. */
function perform(s: Scenario, plan: RebalancePlan, at: number): MoveRecord[] {
  return plan.evictions.map((e) => {
    const pod = s.model.pod(e.pod)!;
    s.model.deletePod(e.pod);
    s.model.upsertPod({
      ...pod,
      key: `${e.pod}-r`,
      name: `${pod.name}-r`,
      uid: `${pod.uid}-r`,
      nodeName: e.expectedTo,
    });
    return {
      at,
      pod: e.pod,
      from: e.from,
      to: e.expectedTo,
      mode: e.mode,
      ...(e.usage ? { usage: e.usage } : {}),
    };
  });
}

describe('a hot spot over two intervals, the metrics lagging behind the moves', () => {
  const settings = { consecutive: 3, minPodAgeMs: 0 };

  function secondInterval(corrected: boolean): { first: RebalancePlan; second: RebalancePlan } {
    const { s, usage, podUsage } = hotSpot();
    const first = planRebalance(inputOf(s, { settings, usage, podUsage }));
    const history = perform(s, first, NOW);
    // 15 s later: one of the window's four samples was taken after the moves, so 3/4 still carry the pods.
    const later = NOW + 15_000;
    const inFlight = inFlightMoves(history, later, WINDOW, () => 0.75);
    const second = planRebalance(
      inputOf(s, { settings, usage, podUsage, now: later, history, ...(corrected ? { inFlight } : {}) }),
    );
    return { first, second };
  }

  it('moves from the other nodes over the ceiling in the next interval, not again from the relieved ones', () => {
    const { first, second } = secondInterval(true);
    expect(first.evictions.map((e) => [e.mode, e.from])).toEqual([
      ['Urgent', 'n0'],
      ['Urgent', 'n1'],
    ]);
    expect(first.evictions.every((e) => e.usage?.cpu === 1800)).toBe(true);
    expect(second.evictions.map((e) => [e.mode, e.from])).toEqual([
      ['Urgent', 'n2'],
      ['Urgent', 'n3'],
    ]);
    // The destinations of the first moves carry their replacements' usage: the second goes elsewhere.
    const firstTo = new Set(first.evictions.map((e) => e.expectedTo));
    for (const e of second.evictions) expect(firstTo.has(e.expectedTo)).toBe(false);
    const over = second.classification.filter((c) => c.overCeiling.length > 0).map((c) => c.node);
    expect(over).toEqual(['n2', 'n3']);
  });

  it('without the correction, takes the same sources again (the failure it fixes)', () => {
    const { second } = secondInterval(false);
    expect(second.evictions.map((e) => e.from)).toEqual(['n0', 'n1']);
  });
});
