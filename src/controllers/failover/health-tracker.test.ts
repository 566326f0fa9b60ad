import { FENCED_BY_ANNOTATION, formatFenceMarker, type Observation } from '../../failover/index.js';
import { nodeInfoFromNode } from '../../model/node-info.js';
import { node } from '../../testing/builders.js';
import { HealthTracker } from './health-tracker.js';

const config = { failureThreshold: 3, successThreshold: 2 };
const probe = (n: string, at: number, ok: boolean): Observation => ({
  kind: 'probe',
  node: n,
  at,
  ok,
  ...(ok ? {} : { reason: 'tcp 127.1.0.1:10250: connection refused' }),
});

describe('HealthTracker', () => {
  const plain = nodeInfoFromNode(node('n1').obj());

  test('a node that answered once is failed by failureThreshold failing probes', () => {
    const tracker = new HealthTracker(() => plain);
    tracker.observe(probe('n1', 0, true), config);
    expect(tracker.observe(probe('n1', 1, false), config)).toEqual([
      expect.objectContaining({ to: 'Suspect' }),
    ]);
    tracker.observe(probe('n1', 2, false), config);
    expect(tracker.observe(probe('n1', 3, false), config)).toEqual([
      expect.objectContaining({ to: 'Failed' }),
    ]);
  });

  test('a node that never answered is not failed by probes alone: they are inconclusive', () => {
    const tracker = new HealthTracker(() => plain);
    for (let at = 0; at < 10; at++) expect(tracker.observe(probe('n1', at, false), config)).toEqual([]);
    expect(tracker.state('n1').health).toBe('Healthy');
    expect(tracker.state('n1').inconclusive).toMatch(/^never answered a probe/);
    expect(tracker.neverAnswered(['n1'])).toEqual(['n1']);
  });

  test('…but its Ready condition can fail it', () => {
    const tracker = new HealthTracker(() => plain);
    const unknown = (at: number): Observation => ({ kind: 'condition', node: 'n1', at, status: 'Unknown' });
    tracker.observe(probe('n1', 0, false), config);
    tracker.observe(unknown(1), config);
    tracker.observe(unknown(2), config);
    expect(tracker.observe(unknown(3), config)).toEqual([expect.objectContaining({ to: 'Failed' })]);
  });

  test('a node Fulcrum fenced before this term starts Failed, so it is unfenced only after good probes', () => {
    const marker = formatFenceMarker({ pool: 'p', cordoned: true, tainted: true, at: 5 });
    const fenced = nodeInfoFromNode(node('n1').annotate(FENCED_BY_ANNOTATION, marker).obj());
    const tracker = new HealthTracker(() => fenced);
    expect(tracker.state('n1')).toMatchObject({ health: 'Failed', failedAt: 5 });
    // Its failing probes count (it is not Healthy), and it needs successThreshold good ones to be Healthy.
    expect(tracker.observe(probe('n1', 10, true), config)).toEqual([
      expect.objectContaining({ to: 'Recovering' }),
    ]);
    expect(tracker.observe(probe('n1', 11, true), config)).toEqual([
      expect.objectContaining({ to: 'Healthy' }),
    ]);
  });

  test('retain forgets nodes no longer probed', () => {
    const tracker = new HealthTracker(() => plain);
    tracker.observe(probe('n1', 0, true), config);
    tracker.retain(new Set());
    expect(tracker.neverAnswered(['n1'])).toEqual(['n1']);
  });
});
