import type { Observation } from './detector.js';
import { HealthTracker } from './health-tracker.js';

const config = { failureThreshold: 3, successThreshold: 2 };
const probe = (n: string, at: number, ok: boolean): Observation => ({
  kind: 'probe',
  node: n,
  at,
  ok,
  ...(ok ? {} : { reason: 'tcp 127.1.0.1:10250: connection refused' }),
});
const lease = (n: string, at: number, ageMs: number): Observation => ({
  kind: 'lease',
  node: n,
  at,
  ageMs,
  staleAfterMs: 13_000,
});

describe('HealthTracker', () => {
  test('every node starts a term Unknown', () => {
    expect(new HealthTracker().state('n1').health).toBe('Unknown');
  });

  test('a node that answered once is failed by failing probes only when its Lease misses a renewal too', () => {
    const tracker = new HealthTracker();
    tracker.observe(probe('n1', 0, true), config);
    tracker.observe(lease('n1', 0, 1_000), config);
    for (let at = 1; at <= 3; at++) tracker.observe(probe('n1', at, false), config);
    expect(tracker.state('n1').health).toBe('Suspect');
    expect(tracker.observe(lease('n1', 4, 14_000), config)).toEqual([
      expect.objectContaining({ from: 'Suspect', to: 'Failed' }),
    ]);
  });

  test('a node that never answered is not failed by its probes: they are inconclusive', () => {
    const tracker = new HealthTracker();
    tracker.observe(lease('n1', 0, 14_000), config);
    for (let at = 1; at < 10; at++) tracker.observe(probe('n1', at, false), config);
    expect(tracker.state('n1').health).toBe('Suspect');
    expect(tracker.state('n1').inconclusive).toMatch(/^never answered a probe/);
    expect(tracker.neverAnswered(['n1'])).toEqual(['n1']);
  });

  test('…but its Lease and Ready condition together can fail it', () => {
    const tracker = new HealthTracker();
    tracker.observe(probe('n1', 0, false), config);
    tracker.observe(lease('n1', 1, 14_000), config);
    expect(tracker.observe({ kind: 'condition', node: 'n1', at: 2, status: 'Unknown' }, config)).toEqual([
      expect.objectContaining({ to: 'Failed' }),
    ]);
  });

  test('probe counts: answering, failing, refused (with an example), pending', () => {
    const tracker = new HealthTracker();
    tracker.observe(probe('a', 0, true), config);
    tracker.observe(probe('b', 0, true), config);
    tracker.observe(probe('b', 1, false), config);
    tracker.observe(
      { kind: 'probe', node: 'c', at: 0, ok: false, inconclusive: true, reason: 'refused by the guard' },
      config,
    );
    expect(tracker.probeCounts(['a', 'b', 'c', 'd'])).toEqual({
      members: 4,
      answering: 1,
      failing: 1,
      refused: 1,
      pending: 1,
      example: 'c: refused by the guard',
    });
  });

  test('retain forgets nodes no longer probed', () => {
    const tracker = new HealthTracker();
    tracker.observe(probe('n1', 0, true), config);
    tracker.retain(new Set());
    expect(tracker.neverAnswered(['n1'])).toEqual(['n1']);
  });
});
