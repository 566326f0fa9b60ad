import fc from 'fast-check';
import {
  describeFailure,
  newNodeHealth,
  provenHealthy,
  step,
  type DetectorConfig,
  type NodeHealthState,
  type Observation,
  type Transition,
} from './detector.js';
import { evidenceVerdict } from './evidence.js';

const CONFIG: DetectorConfig = { failureThreshold: 3, successThreshold: 2 };

const ok = (at: number): Observation => ({ kind: 'probe', node: 'n1', at, ok: true });
const fail = (at: number, reason = 'connection refused'): Observation => ({
  kind: 'probe',
  node: 'n1',
  at,
  ok: false,
  reason,
});
const lease = (at: number, ageMs: number): Observation => ({
  kind: 'lease',
  node: 'n1',
  at,
  ageMs,
  staleAfterMs: 13_000,
});
const ready = (at: number, status: 'True' | 'False' | 'Unknown'): Observation => ({
  kind: 'condition',
  node: 'n1',
  at,
  status,
  ...(status === 'True' ? {} : { reason: 'KubeletNotReady' }),
});

/** Applies observations in order; returns every state and all transitions. */
function run(
  observations: readonly Observation[],
  config = CONFIG,
  start = newNodeHealth('n1'),
): { states: NodeHealthState[]; transitions: Transition[]; last: NodeHealthState } {
  const states: NodeHealthState[] = [];
  const transitions: Transition[] = [];
  let state = start;
  for (const o of observations) {
    const result = step(state, o, config);
    state = result.state;
    states.push(state);
    transitions.push(...result.transitions);
  }
  return { states, transitions, last: state };
}

/** A live node as the detector sees it after a while: answering, Lease renewing, Ready. */
const healthy = [ok(0), lease(0, 2_000), ready(0, 'True')];

describe('detector: evidence from three channels', () => {
  test('a node starts Unknown and is Healthy once a channel shows life', () => {
    expect(newNodeHealth('n1').health).toBe('Unknown');
    expect(run([ok(0)]).last.health).toBe('Healthy');
  });

  test('a dead node: probe fails (Suspect), then its Lease misses a renewal (Failed, reason probe)', () => {
    const { transitions, last } = run([...healthy, fail(1), fail(2), fail(3), lease(4, 14_000)]);
    expect(transitions.map((t) => `${t.from}→${t.to}`)).toEqual([
      'Unknown→Healthy',
      'Healthy→Suspect',
      'Suspect→Failed',
    ]);
    expect(last).toMatchObject({ health: 'Failed', failedAt: 4, suspectSince: 3 });
    expect(describeFailure(last.failureReason!)).toBe('probe: connection refused');
  });

  test('operator-side partition: the probe fails but the Lease keeps renewing → Suspect, never Failed', () => {
    const obs = [...healthy];
    for (let at = 1; at < 200; at++) obs.push(fail(at), lease(at, (at % 10) * 1_000));
    const { states } = run(obs);
    expect(states.some((s) => s.health === 'Failed')).toBe(false);
    expect(states.at(-1)?.health).toBe('Suspect');
  });

  test('Ready=False from a kubelet that renews its Lease → Degraded, never Failed', () => {
    const { last, transitions } = run([...healthy, ready(1, 'False'), lease(2, 1_000), ready(3, 'False')]);
    expect(last.health).toBe('Degraded');
    expect(transitions.at(-1)).toMatchObject({ to: 'Degraded', reason: { source: 'condition' } });
  });

  test('Lease missed and Ready Unknown with no probe evidence (Kubernetes’ own view) → Failed', () => {
    expect(run([lease(0, 60_000), ready(1, 'Unknown')]).last.health).toBe('Failed');
  });

  test('a Failed node is trusted again only after successThreshold answered probes with a fresh Lease', () => {
    const failed = run([...healthy, fail(1), fail(2), fail(3), lease(4, 14_000)]).last;
    const back = run([ok(5), lease(6, 14_500)], CONFIG, failed);
    expect(back.last.health).toBe('Recovering'); // answering, but the Lease has not renewed yet
    const renewed = run([lease(7, 500)], CONFIG, back.last);
    expect(renewed.last.health).toBe('Recovering'); // one answered probe of two
    const healthyAgain = run([ok(8)], CONFIG, renewed.last);
    expect(healthyAgain.last).toMatchObject({ health: 'Healthy', recoveredAt: 8, failedAt: undefined });
    expect(provenHealthy(healthyAgain.last, CONFIG)).toBe(true);
  });

  test('Recovering → Failed again when the evidence fails again, keeping the first failure time', () => {
    const failed = run([...healthy, fail(1), fail(2), fail(3), lease(4, 14_000)]).last;
    const { last } = run([ok(5), fail(6), fail(7), fail(8)], CONFIG, failed);
    expect(last).toMatchObject({ health: 'Failed', failedAt: 4 });
  });

  test('Lease pools (no probes) recover on a fresh Lease alone', () => {
    const config: DetectorConfig = { ...CONFIG, probeType: 'Lease' };
    const failed = run([lease(0, 60_000), ready(1, 'Unknown')], config).last;
    expect(run([lease(2, 500)], config, failed).last.health).toBe('Degraded'); // Ready still Unknown
    expect(run([lease(2, 500), ready(3, 'True')], config, failed).last.health).toBe('Healthy');
  });

  test('an inconclusive probe is recorded and is no evidence', () => {
    const { last } = run([
      ...healthy,
      { kind: 'probe', node: 'n1', at: 1, ok: false, inconclusive: true, reason: 'refused' },
    ]);
    expect(last).toMatchObject({ health: 'Healthy', inconclusive: 'refused' });
    expect(last.evidence.probe).toBe('ok');
  });

  test('observations older than the channel’s last one are ignored', () => {
    const { last } = run([ok(10), fail(5), fail(6), fail(7)]);
    expect(last.consecutiveFailures).toBe(0);
  });

  test('an observation for another node is a wiring bug and throws', () => {
    expect(() => step(newNodeHealth('n1'), { ...ok(0), node: 'n2' }, CONFIG)).toThrow(/n2/);
  });
});

type ObservationSpec =
  | { kind: 'probe'; ok: boolean; inconclusive: boolean }
  | { kind: 'lease'; ageMs: number }
  | { kind: 'condition'; status: string };

describe('detector: properties', () => {
  const observation = fc.oneof(
    fc.record({ kind: fc.constant('probe' as const), ok: fc.boolean(), inconclusive: fc.boolean() }),
    fc.record({ kind: fc.constant('lease' as const), ageMs: fc.integer({ min: 0, max: 60_000 }) }),
    fc.record({
      kind: fc.constantFrom('condition' as const),
      status: fc.constantFrom('True', 'False', 'Unknown'),
    }),
  );
  const toObservation = (o: ObservationSpec, at: number): Observation => {
    if (o.kind === 'probe')
      return { kind: 'probe', node: 'n1', at, ok: o.ok, ...(o.inconclusive ? { inconclusive: true } : {}) };
    if (o.kind === 'lease') return { kind: 'lease', node: 'n1', at, ageMs: o.ageMs, staleAfterMs: 13_000 };
    return { kind: 'condition', node: 'n1', at, status: o.status as 'True' | 'False' | 'Unknown' };
  };

  test('a node that is not down becomes Failed only when the evidence table says Failed (two channels agree)', () => {
    fc.assert(
      fc.property(
        fc.array(observation, { maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        (obs, threshold) => {
          const config = { failureThreshold: threshold, successThreshold: 2 };
          let state = newNodeHealth('n1');
          obs.forEach((o, at) => {
            const { state: next, transitions } = step(state, toObservation(o, at), config);
            // Recovering → Failed is a node that never left its fence losing its signs of life again, not a
            // new failure; every way into Failed from a live state needs the table's verdict.
            for (const t of transitions)
              if (t.to === 'Failed' && t.from !== 'Recovering')
                expect(evidenceVerdict(next.evidence)).toBe('Failed');
            state = next;
          });
        },
      ),
    );
  });

  test('a Failed node leaves Failed/Recovering only when proven healthy', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 60 }), (obs) => {
        let state = newNodeHealth('n1', { at: 0, reason: { source: 'probe', message: 'down' } });
        obs.forEach((o, at) => {
          const { state: next } = step(state, toObservation(o, at + 1), CONFIG);
          const wasDown = state.health === 'Failed' || state.health === 'Recovering';
          const isDown = next.health === 'Failed' || next.health === 'Recovering';
          if (wasDown && !isDown) expect(provenHealthy(next, CONFIG)).toBe(true);
          state = next;
        });
      }),
    );
  });

  test('a fresh Lease at every step means never Failed, whatever the probe and Ready say', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 60 }), (obs) => {
        let state = newNodeHealth('n1');
        obs.forEach((o, at) => {
          state = step(state, toObservation(o, 2 * at), CONFIG).state;
          state = step(state, lease(2 * at + 1, 1_000), CONFIG).state;
          expect(state.health).not.toBe('Failed');
        });
      }),
    );
  });
});
