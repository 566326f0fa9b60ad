import { decideScale, type ScaleDecisionInput } from './scale-decision.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const base: ScaleDecisionInput = {
  minReplicas: 2,
  maxReplicas: 6,
  cooldownMs: 300_000,
  replicas: 3,
  now: NOW,
};

describe('decideScale', () => {
  it('sets the replicas to the recommended node count', () => {
    const d = decideScale({ ...base, recommended: 5, reason: 'cpu: 2 more nodes needed' });
    expect(d).toEqual({
      scale: true,
      desired: 5,
      message: '3→5 replicas: the pool needs 5 node(s) (cpu: 2 more nodes needed)',
    });
    expect(decideScale({ ...base, recommended: 2 })).toMatchObject({ scale: true, desired: 2 });
  });

  it.each([
    [9, 6, 'capped at maxReplicas 6'],
    [0, 2, 'raised to minReplicas 2'],
    [1, 2, 'raised to minReplicas 2'],
  ])('keeps %i recommended nodes within the bounds (%i)', (recommended, desired, note) => {
    const d = decideScale({ ...base, recommended });
    expect(d.desired).toBe(desired);
    expect(d.message).toContain(note);
    expect(d.desired).toBeGreaterThanOrEqual(base.minReplicas);
    expect(d.desired).toBeLessThanOrEqual(base.maxReplicas);
  });

  it('changes nothing when the replicas already match, or the recommendation is withheld', () => {
    expect(decideScale({ ...base, recommended: 3 })).toMatchObject({ scale: false, desired: 3 });
    expect(decideScale({ ...base, replicas: 6, recommended: 40 })).toMatchObject({
      scale: false,
      desired: 6,
    });
    const stale = decideScale({ ...base });
    expect(stale.scale).toBe(false);
    expect(stale.desired).toBeUndefined();
    expect(stale.message).toMatch(/no recommendation/);
  });

  it('waits for the cooldown after a change, then scales', () => {
    const cooling = decideScale({ ...base, recommended: 5, lastScaleTime: NOW - 100_000 });
    expect(cooling).toMatchObject({ scale: false, desired: 5 });
    expect(cooling.message).toBe('3→5 replicas waits 200s for the cooldown: the pool needs 5 node(s)');
    expect(decideScale({ ...base, recommended: 5, lastScaleTime: NOW - 300_000 }).scale).toBe(true);
  });

  it('never leaves the bounds, whatever comes in (property)', () => {
    for (let min = 0; min <= 4; min++)
      for (let max = Math.max(1, min); max <= 8; max++)
        for (let recommended = 0; recommended <= 12; recommended++)
          for (let replicas = 0; replicas <= 10; replicas += 3) {
            const d = decideScale({ ...base, minReplicas: min, maxReplicas: max, recommended, replicas });
            expect(d.desired! >= min && d.desired! <= max).toBe(true);
            expect(d.scale).toBe(d.desired !== replicas);
          }
  });
});
