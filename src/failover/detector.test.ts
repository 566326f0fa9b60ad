import fc from 'fast-check';
import {
  describeFailure,
  newNodeHealth,
  step,
  type DetectorConfig,
  type NodeHealth,
  type NodeHealthState,
  type Observation,
  type Transition,
} from './detector.js';

const CONFIG: DetectorConfig = { failureThreshold: 3, successThreshold: 2 };

const ok = (at: number): Observation => ({ kind: 'probe', node: 'n1', at, ok: true });
const fail = (at: number, reason = 'connection refused'): Observation => ({
  kind: 'probe',
  node: 'n1',
  at,
  ok: false,
  reason,
});

/** Applies observations in order; returns every state and all transitions. */
function run(
  observations: readonly Observation[],
  config = CONFIG,
  start = newNodeHealth('n1'),
): { states: NodeHealthState[]; transitions: Transition[] } {
  const states: NodeHealthState[] = [];
  const transitions: Transition[] = [];
  let state = start;
  for (const o of observations) {
    const result = step(state, o, config);
    state = result.state;
    states.push(state);
    transitions.push(...result.transitions);
  }
  return { states, transitions };
}

const last = <T>(xs: readonly T[]): T => xs[xs.length - 1] as T;

describe('detector: transitions', () => {
  test.each([
    { scenario: 'one failure makes a healthy node Suspect', votes: 'F', want: 'Suspect' },
    { scenario: 'failureThreshold failures make it Failed', votes: 'FFF', want: 'Failed' },
    { scenario: 'a success in Suspect clears the suspicion', votes: 'FFS', want: 'Healthy' },
    { scenario: 'a blip resets the failure count', votes: 'FFSFF', want: 'Suspect' },
    { scenario: 'one success after Failed is only Recovering', votes: 'FFFS', want: 'Recovering' },
    { scenario: 'successThreshold successes after Failed make it Healthy', votes: 'FFFSS', want: 'Healthy' },
    { scenario: 'a failure while Recovering goes back to Failed', votes: 'FFFSF', want: 'Failed' },
    { scenario: 'recovery needs consecutive successes', votes: 'FFFSFS', want: 'Recovering' },
  ])('$scenario', ({ votes, want }) => {
    const observations = [...votes].map((v, i) => (v === 'F' ? fail(i * 500) : ok(i * 500)));
    expect(last(run(observations).states).health).toBe(want);
  });

  test('records suspectSince, failedAt and recoveredAt, and the reason of the deciding failure', () => {
    const { states, transitions } = run([fail(0, 'a'), fail(500, 'b'), fail(1000, 'c'), ok(1500), ok(2000)]);
    const failed = states[2] as NodeHealthState;
    expect(failed).toMatchObject({ health: 'Failed', suspectSince: 0, failedAt: 1000 });
    expect(failed.failureReason).toEqual({ source: 'probe', message: 'c' });
    const recovered = last(states);
    expect(recovered).toMatchObject({
      health: 'Healthy',
      recoveredAt: 2000,
      failedAt: undefined,
      suspectSince: undefined,
      failureReason: undefined,
    });
    expect(transitions.map((t) => `${t.from}>${t.to}@${t.at}`)).toEqual([
      'Healthy>Suspect@0',
      'Suspect>Failed@1000',
      'Failed>Recovering@1500',
      'Recovering>Healthy@2000',
    ]);
  });

  test('Recovering → Failed keeps the original failure time and reason', () => {
    const { states } = run([fail(0, 'x'), fail(1, 'x'), fail(2, 'first'), ok(3), fail(4, 'again')]);
    expect(last(states)).toMatchObject({ health: 'Failed', failedAt: 2 });
    expect(last(states).failureReason).toEqual({ source: 'probe', message: 'first' });
    expect(last(states).lastFailure).toEqual({ source: 'probe', message: 'again' });
  });

  test('thresholds of 1 walk the whole cycle in one step each way', () => {
    const config = { failureThreshold: 1, successThreshold: 1 };
    const { transitions } = run([fail(0), ok(1)], config);
    expect(transitions.map((t) => t.to)).toEqual(['Suspect', 'Failed', 'Recovering', 'Healthy']);
  });

  test('observations older than the last one applied are ignored', () => {
    const { states } = run([fail(1000), fail(1500), ok(1200), fail(2000)]);
    expect(states[2]).toBe(states[1]);
    expect(last(states).health).toBe('Failed');
  });

  test('an observation for another node is a wiring bug and throws', () => {
    expect(() => step(newNodeHealth('n1'), { kind: 'probe', node: 'n2', at: 0, ok: true }, CONFIG)).toThrow(
      /n2.*n1/,
    );
  });

  test('a node known to be fenced starts Failed and needs successThreshold successes', () => {
    const start = newNodeHealth('n1', { at: 5, reason: { source: 'probe', message: 'before restart' } });
    const { states } = run([ok(10), ok(20)], CONFIG, start);
    expect(states.map((s) => s.health)).toEqual(['Recovering', 'Healthy']);
  });
});

describe('detector: signals other than probes', () => {
  const lease = (at: number, ageMs: number): Observation => ({
    kind: 'lease',
    node: 'n1',
    at,
    ageMs,
    staleAfterMs: 40_000,
  });

  test('a stale Lease is a failing vote with reason lease; a fresh one a success', () => {
    const { states } = run([lease(0, 41_000), lease(1, 42_000), lease(2, 43_000)]);
    expect(last(states).health).toBe('Failed');
    expect(last(states).failureReason).toEqual({ source: 'lease', ageMs: 43_000, staleAfterMs: 40_000 });
    expect(last(run([lease(0, 41_000), lease(1, 100)]).states).health).toBe('Healthy');
  });

  test('Ready=False or Unknown is a failing vote with reason condition', () => {
    const unknown: Observation = {
      kind: 'condition',
      node: 'n1',
      at: 2,
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    };
    const { states } = run([fail(0), fail(1), unknown]);
    expect(last(states).health).toBe('Failed');
    expect(describeFailure(last(states).failureReason!)).toBe(
      'condition: Ready=Unknown (NodeStatusUnknown: Kubelet stopped posting node status.)',
    );
  });

  test('Ready=True casts no vote: it never cuts short a detection in progress', () => {
    const readyTrue: Observation = { kind: 'condition', node: 'n1', at: 1, status: 'True' };
    const { states } = run([fail(0), readyTrue, fail(2), fail(3)]);
    expect(states.map((s) => s.health)).toEqual(['Suspect', 'Suspect', 'Suspect', 'Failed']);
  });

  test('an inconclusive probe is recorded, casts no vote and keeps the streak', () => {
    const refused: Observation = {
      kind: 'probe',
      node: 'n1',
      at: 1,
      ok: false,
      inconclusive: true,
      reason: 'probe address 192.0.2.1 refused by the address guard',
    };
    const { states } = run([fail(0), refused, fail(2)]);
    expect(states[1]).toMatchObject({ health: 'Suspect', consecutiveFailures: 1 });
    expect(states[1]?.inconclusive).toMatch(/refused by the address guard/);
    expect(states[2]).toMatchObject({ consecutiveFailures: 2, inconclusive: undefined });
  });

  test.each([
    { reason: { source: 'probe', message: 'tcp 127.0.0.1:1: connection refused' }, want: /^probe: tcp/ },
    {
      reason: { source: 'lease', ageMs: 41_234, staleAfterMs: 40_000 },
      want: /not renewed for 41.2s \(limit 40s\)/,
    },
    { reason: { source: 'lease', ageMs: Infinity, staleAfterMs: 40_000 }, want: /^lease: never renewed$/ },
    { reason: { source: 'condition', status: 'False' }, want: /^condition: Ready=False$/ },
  ] as const)('describeFailure: $want', ({ reason, want }) => {
    expect(describeFailure(reason)).toMatch(want);
  });
});

/** A vote in a generated history: F fails, S succeeds, I is an inconclusive probe, T is Ready=True. */
const voteArb = fc.constantFrom('F', 'S', 'I', 'T', 'L', 'l');
const configArb = fc.record({
  failureThreshold: fc.integer({ min: 1, max: 6 }),
  successThreshold: fc.integer({ min: 1, max: 6 }),
});

function observationOf(vote: string, at: number): Observation {
  switch (vote) {
    case 'F':
      return fail(at);
    case 'S':
      return ok(at);
    case 'I':
      return { kind: 'probe', node: 'n1', at, ok: false, inconclusive: true, reason: 'no address' };
    case 'T':
      return { kind: 'condition', node: 'n1', at, status: 'True' };
    case 'L':
      return { kind: 'lease', node: 'n1', at, ageMs: 50_000, staleAfterMs: 40_000 };
    default:
      return { kind: 'lease', node: 'n1', at, ageMs: 1_000, staleAfterMs: 40_000 };
  }
}

const isFailVote = (v: string): boolean => v === 'F' || v === 'L';
const isOkVote = (v: string): boolean => v === 'S' || v === 'l';

describe('detector: properties', () => {
  test('a node is never declared Failed before failureThreshold consecutive failing votes, and always after', () => {
    fc.assert(
      fc.property(configArb, fc.array(voteArb, { maxLength: 60 }), (config, votes) => {
        let state = newNodeHealth('n1');
        let failRun = 0;
        votes.forEach((vote, i) => {
          if (isFailVote(vote)) failRun++;
          else if (isOkVote(vote)) failRun = 0;
          const before = state.health;
          const result = step(state, observationOf(vote, i), config);
          state = result.state;
          if (result.transitions.some((t) => t.from === 'Suspect' && t.to === 'Failed')) {
            expect(failRun).toBeGreaterThanOrEqual(config.failureThreshold);
          }
          if (before === 'Healthy' || before === 'Suspect') {
            expect(state.health === 'Failed').toBe(failRun >= config.failureThreshold);
          }
        });
      }),
    );
  });

  test('a Failed node never becomes Healthy before successThreshold consecutive successes, and always after', () => {
    fc.assert(
      fc.property(configArb, fc.array(voteArb, { maxLength: 60 }), (config, votes) => {
        let state = newNodeHealth('n1', { at: -1, reason: { source: 'probe', message: 'down' } });
        let okRun = 0;
        votes.forEach((vote, i) => {
          if (isOkVote(vote)) okRun++;
          else if (isFailVote(vote)) okRun = 0;
          const wasDown = state.health === 'Failed' || state.health === 'Recovering';
          const result = step(state, observationOf(vote, i), config);
          state = result.state;
          if (wasDown) {
            expect(state.health === 'Healthy').toBe(okRun >= config.successThreshold);
            if (state.health !== 'Healthy') expect(['Failed', 'Recovering']).toContain(state.health);
          }
        });
      }),
    );
  });

  test('timestamps are consistent with the state', () => {
    fc.assert(
      fc.property(configArb, fc.array(voteArb, { maxLength: 60 }), (config, votes) => {
        const { states } = run(
          votes.map((v, i) => observationOf(v, i * 10)),
          config,
        );
        for (const s of states) {
          const down: NodeHealth[] = ['Failed', 'Recovering'];
          expect(s.failedAt !== undefined).toBe(down.includes(s.health));
          expect(s.failureReason !== undefined).toBe(down.includes(s.health));
          expect(s.suspectSince !== undefined).toBe(s.health !== 'Healthy');
          if (s.failedAt !== undefined) expect(s.failedAt).toBeGreaterThanOrEqual(s.suspectSince!);
        }
      }),
    );
  });

  test('transitions follow the cycle Healthy → Suspect → Failed → Recovering → Healthy (and back-edges)', () => {
    const allowed = new Set([
      'Healthy>Suspect',
      'Suspect>Healthy',
      'Suspect>Failed',
      'Failed>Recovering',
      'Recovering>Healthy',
      'Recovering>Failed',
    ]);
    fc.assert(
      fc.property(configArb, fc.array(voteArb, { maxLength: 60 }), (config, votes) => {
        const { transitions } = run(
          votes.map((v, i) => observationOf(v, i)),
          config,
        );
        for (const t of transitions) expect(allowed).toContain(`${t.from}>${t.to}`);
      }),
    );
  });
});
