import { nodeInfoFromNode, type NodeInfo } from '../model/node-info.js';
import { node } from '../testing/builders.js';
import { confirmedDown, FENCE_CONFIRMED_ANNOTATION, type ConfirmedDownInput } from './confirmed-down.js';
import {
  newNodeHealth,
  step,
  type DetectorConfig,
  type NodeHealthState,
  type Observation,
} from './detector.js';
import { FENCED_BY_ANNOTATION, formatFenceMarker } from './fence-marker.js';

const T0 = Date.parse('2026-05-04T10:00:00Z');
const SAFE = 20_000;
const CONFIG: DetectorConfig = { failureThreshold: 3, successThreshold: 2 };

/** Feeds observations to a fresh (new term) detector state. */
function observe(observations: Observation[]): NodeHealthState {
  let state = newNodeHealth('n1');
  for (const o of observations) state = step(state, o, CONFIG).state;
  return state;
}

const ok = (at: number): Observation => ({ kind: 'probe', node: 'n1', at, ok: true });
const fail = (at: number): Observation => ({ kind: 'probe', node: 'n1', at, ok: false, reason: 'refused' });
const lease = (at: number, ageMs: number): Observation => ({
  kind: 'lease',
  node: 'n1',
  at,
  ageMs,
  staleAfterMs: 13_000,
});

/** Alive until T0 (probe answering, Lease renewed at T0), then probe failing from T0 + 1 s, Lease silent. */
function deadSince(until: number): NodeHealthState {
  const obs: Observation[] = [ok(T0 - 1000), lease(T0, 0)];
  for (let t = T0 + 1000; t <= until; t += 1000) {
    obs.push(fail(t));
    obs.push(lease(t, t - T0));
  }
  return observe(obs);
}

function fencedNode(annotations: Record<string, string> = {}, taint = false, tainted = false): NodeInfo {
  let b = node('n1')
    .unschedulable()
    .annotate(FENCED_BY_ANNOTATION, formatFenceMarker({ pool: 'p', cordoned: true, tainted, at: T0 }));
  for (const [k, v] of Object.entries(annotations)) b = b.annotate(k, v);
  if (taint) b = b.taint('node.kubernetes.io/out-of-service', 'NoSchedule', 'nodeshutdown');
  return nodeInfoFromNode(b.obj());
}

function input(overrides: Partial<ConfirmedDownInput>): ConfirmedDownInput {
  const now = overrides.now ?? T0 + 15_000;
  return {
    node: fencedNode(),
    health: deadSince(now),
    safeTimeMs: SAFE,
    leaseRenewTime: T0,
    now,
    ...overrides,
  };
}

describe('confirmedDown', () => {
  test('a failed node is not confirmed before both channels were silent for the safe time', () => {
    const verdict = confirmedDown(input({ now: T0 + 15_000 }));
    expect(verdict.down).toBe(false);
    // Silent since the first failed probe (T0 + 1 s), later than the last renewal (T0).
    expect(verdict).toMatchObject({ releaseAt: T0 + 1000 + SAFE });
  });

  test('it is confirmed once probe failing and Lease unrenewed have lasted the safe time', () => {
    expect(confirmedDown(input({ now: T0 + 1000 + SAFE }))).toMatchObject({ down: true, by: 'SafeTime' });
  });

  test('an answering probe in between restarts the count', () => {
    const obs: Observation[] = [ok(T0 - 1000), lease(T0, 0)];
    for (let t = T0 + 1000; t <= T0 + 30_000; t += 1000) {
      obs.push(t === T0 + 20_000 ? ok(t) : fail(t));
      obs.push(lease(t, t - T0));
    }
    const health = observe(obs);
    expect(health.health).toBe('Failed');
    const verdict = confirmedDown(input({ health, now: T0 + 30_000 }));
    expect(verdict).toMatchObject({ down: false, releaseAt: T0 + 21_000 + SAFE });
  });

  test('a new leader measures the safe time from its own first sighting of the Lease', () => {
    // The new term starts at T0 + 60 s; the Lease has not been renewed for a minute, but this term saw none.
    const start = T0 + 60_000;
    const obs: Observation[] = [];
    for (let t = start; t <= start + 15_000; t += 1000) {
      obs.push(fail(t));
      obs.push(lease(t, 14_000 + t - start)); // the supervisor's age, on this term's clock, is overdue
    }
    // The probe of a node that never answered in this term is not evidence (HealthTracker): simulate the
    // case where it did answer once, at the start.
    const health = observe([ok(start - 1), ...obs]);
    expect(health.health).toBe('Failed');
    expect(confirmedDown(input({ health, now: start + 15_000 })).down).toBe(false);
  });

  test('Lease missed and Ready False without a failing probe never confirm', () => {
    const obs: Observation[] = [lease(T0, 0)];
    for (let t = T0 + 1000; t <= T0 + 600_000; t += 10_000) {
      obs.push(lease(t, t - T0));
      obs.push({ kind: 'condition', node: 'n1', at: t, status: 'Unknown' });
    }
    const health = observe(obs);
    expect(health.health).toBe('Failed');
    const verdict = confirmedDown(input({ health, now: T0 + 600_000 }));
    expect(verdict.down).toBe(false);
    expect(verdict.message).toContain('never confirm a node down');
  });

  test('a fresh Lease never lets the safe time run out (the node is not Failed)', () => {
    const obs: Observation[] = [ok(T0 - 1000)];
    for (let t = T0; t <= T0 + 100_000; t += 1000) obs.push(fail(t), lease(t, 2000));
    const health = observe(obs);
    expect(confirmedDown(input({ health, now: T0 + 100_000 })).down).toBe(false);
  });

  test('a fence agent confirmation later than the last Lease renewal confirms at once', () => {
    const agent = fencedNode({ [FENCE_CONFIRMED_ANNOTATION]: '2026-05-04T10:00:05Z' });
    expect(confirmedDown(input({ node: agent, now: T0 + 15_000 }))).toMatchObject({
      down: true,
      by: 'FenceAgent',
    });
  });

  test.each([
    ['older than the last renewal (a leftover)', '2026-05-04T09:59:00Z'],
    ['not an RFC 3339 time', 'yes'],
    ['a date without a time', '2026-05-04'],
  ])('a fence agent annotation %s does not confirm', (_why, value) => {
    const agent = fencedNode({ [FENCE_CONFIRMED_ANNOTATION]: value });
    expect(confirmedDown(input({ node: agent, now: T0 + 15_000 })).down).toBe(false);
  });

  test('a fence agent confirmation of a node that is not Failed does not confirm', () => {
    const agent = fencedNode({ [FENCE_CONFIRMED_ANNOTATION]: '2026-05-04T10:00:05Z' });
    const alive = observe([ok(T0), lease(T0, 0), ok(T0 + 1000), lease(T0 + 1000, 1000)]);
    expect(confirmedDown(input({ node: agent, health: alive, now: T0 + 6000 })).down).toBe(false);
  });

  test("an administrator's out-of-service taint confirms; Fulcrum's own (marker tainted) does not", () => {
    expect(confirmedDown(input({ node: fencedNode({}, true, false), now: T0 + 15_000 }))).toMatchObject({
      down: true,
      by: 'OutOfServiceTaint',
    });
    expect(confirmedDown(input({ node: fencedNode({}, true, true), now: T0 + 15_000 })).down).toBe(false);
  });

  test('a deleted Node is confirmed down, whatever the detector says', () => {
    expect(confirmedDown(input({ node: undefined, health: newNodeHealth('n1') }))).toMatchObject({
      down: true,
      by: 'NodeDeleted',
    });
  });
});
