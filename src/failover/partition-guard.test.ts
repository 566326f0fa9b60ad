import fc from 'fast-check';
import { newNodeHealth, type NodeHealth, type NodeHealthState } from './detector.js';
import { globalGuard } from './global-guard.js';
import { partitionGuard } from './partition-guard.js';

function stateOf(node: string, health: NodeHealth): NodeHealthState {
  const failed = health === 'Failed' || health === 'Recovering';
  return {
    ...newNodeHealth(node, failed ? { at: 0, reason: { source: 'probe', message: 'down' } } : undefined),
    health,
    suspectSince: health === 'Healthy' ? undefined : 0,
  };
}

/** A pool of `size` nodes n00..; `unhealthy` maps some of them to a state. */
function pool(size: number, unhealthy: Record<string, NodeHealth>) {
  const members = Array.from({ length: size }, (_, i) => `n${String(i).padStart(2, '0')}`);
  const health = new Map(Object.entries(unhealthy).map(([n, h]) => [n, stateOf(n, h)]));
  return { members, health };
}

interface GuardCase {
  scenario: string;
  size: number;
  states: Record<string, NodeHealth>;
  maxUnhealthy: number | string;
  wantVerdict: 'Proceed' | 'PartitionSuspected';
  wantAct: string[];
}

describe('partitionGuard', () => {
  test.each<GuardCase>([
    {
      scenario: 'one failed node of ten, 30%: act on it',
      size: 10,
      states: { n03: 'Failed' },
      maxUnhealthy: '30%',
      wantVerdict: 'Proceed',
      wantAct: ['n03'],
    },
    {
      scenario: 'suspect and recovering nodes are not acted on',
      size: 10,
      states: { n01: 'Suspect', n02: 'Recovering', n03: 'Failed' },
      maxUnhealthy: '30%',
      wantVerdict: 'Proceed',
      wantAct: ['n03'],
    },
    {
      scenario: 'half the pool failing trips the guard',
      size: 10,
      states: { n00: 'Failed', n01: 'Failed', n02: 'Failed', n03: 'Failed', n04: 'Failed' },
      maxUnhealthy: '30%',
      wantVerdict: 'PartitionSuspected',
      wantAct: [],
    },
    {
      scenario: 'suspect nodes count: the guard trips before the cut-off nodes reach Failed',
      size: 10,
      states: { n00: 'Failed', n01: 'Suspect', n02: 'Suspect', n03: 'Suspect' },
      maxUnhealthy: '30%',
      wantVerdict: 'PartitionSuspected',
      wantAct: [],
    },
    {
      scenario: 'exactly at the limit still proceeds',
      size: 10,
      states: { n00: 'Failed', n01: 'Failed', n02: 'Failed' },
      maxUnhealthy: 3,
      wantVerdict: 'Proceed',
      wantAct: ['n00', 'n01', 'n02'],
    },
    {
      scenario: 'a non-zero percentage allows at least one node: 30% of 3 nodes allows 1',
      size: 3,
      states: { n00: 'Failed' },
      maxUnhealthy: '30%',
      wantVerdict: 'Proceed',
      wantAct: ['n00'],
    },
    {
      scenario: '30% of 3 nodes still trips on two',
      size: 3,
      states: { n00: 'Failed', n01: 'Suspect' },
      maxUnhealthy: '30%',
      wantVerdict: 'PartitionSuspected',
      wantAct: [],
    },
    {
      scenario: 'never the whole pool: the only node of a pool is never acted on',
      size: 1,
      states: { n00: 'Failed' },
      maxUnhealthy: '100%',
      wantVerdict: 'PartitionSuspected',
      wantAct: [],
    },
    {
      scenario: 'never the whole pool, even with an integer above the pool size',
      size: 2,
      states: { n00: 'Failed', n01: 'Failed' },
      maxUnhealthy: 5,
      wantVerdict: 'PartitionSuspected',
      wantAct: [],
    },
    {
      scenario: '0% acts on nothing',
      size: 10,
      states: { n00: 'Failed' },
      maxUnhealthy: '0%',
      wantVerdict: 'PartitionSuspected',
      wantAct: [],
    },
    {
      scenario: 'states of nodes outside the pool are ignored',
      size: 2,
      states: { x1: 'Failed', x2: 'Failed', n01: 'Failed' },
      maxUnhealthy: 1,
      wantVerdict: 'Proceed',
      wantAct: ['n01'],
    },
  ])('$scenario', ({ size, states, maxUnhealthy, wantVerdict, wantAct }) => {
    const verdict = partitionGuard({ ...pool(size, states), maxUnhealthy });
    expect(verdict.verdict).toBe(wantVerdict);
    expect(verdict.act).toEqual(wantAct);
  });

  test('the partition message says how many, which, and the limit', () => {
    const verdict = partitionGuard({
      ...pool(10, { n00: 'Failed', n01: 'Failed', n02: 'Suspect', n03: 'Suspect' }),
      maxUnhealthy: '30%',
    });
    expect(verdict.message).toBe(
      '4 of 10 nodes unhealthy at once (2 failed, 2 suspect: n00, n01, n02, n03); maxUnhealthy 30% allows 3 ' +
        'of 10: suspecting a network partition, acting on no node',
    );
  });

  test('property: over the limit no node is acted on; within it exactly the Failed members are', () => {
    const healthArb = fc.constantFrom<NodeHealth>('Healthy', 'Suspect', 'Failed', 'Recovering');
    fc.assert(
      fc.property(
        fc.array(healthArb, { minLength: 0, maxLength: 40 }),
        fc.oneof(
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`),
        ),
        (healths, maxUnhealthy) => {
          const members = healths.map((_, i) => `n${i}`);
          const health = new Map(healths.map((h, i) => [`n${i}`, stateOf(`n${i}`, h)]));
          const verdict = partitionGuard({ members, health, maxUnhealthy });
          const unhealthy = healths.filter((h) => h !== 'Healthy').length;
          const percent = typeof maxUnhealthy === 'string' ? Number(maxUnhealthy.slice(0, -1)) : undefined;
          const resolved =
            percent === undefined
              ? (maxUnhealthy as number)
              : Math.max(percent > 0 ? 1 : 0, Math.floor((percent * members.length) / 100));
          const allowed = Math.max(0, Math.min(resolved, members.length - 1));
          if (unhealthy > allowed) {
            expect(verdict.verdict).toBe('PartitionSuspected');
            expect(verdict.act).toHaveLength(0);
          } else {
            expect(verdict.verdict).toBe('Proceed');
            const failed = members.filter((_, i) => healths[i] === 'Failed').sort();
            expect(verdict.act).toEqual(failed);
          }
        },
      ),
    );
  });
});

describe('partitionGuard with the global guard and small pools', () => {
  const fresh = { apiLastSuccessAt: 0, now: 0, apiMaxAgeMs: 5_000 };
  /** A Failed node whose only failing channel now is its probe (the Lease and Ready say nothing). */
  function probeOnly(node: string): NodeHealthState {
    return {
      ...stateOf(node, 'Failed'),
      evidence: { probe: 'failing', lease: 'unknown', condition: 'ready' },
    };
  }

  test.each([
    {
      scenario: 'a 2-node pool acts on a node that two channels show failing',
      size: 2,
      state: (n: string) => stateOf(n, 'Failed'),
      wantAct: ['n00'],
    },
    {
      scenario: 'a 2-node pool never fences on one channel',
      size: 2,
      state: probeOnly,
      wantAct: [],
    },
    {
      scenario: 'a 3-node pool follows the detector alone',
      size: 3,
      state: probeOnly,
      wantAct: ['n00'],
    },
  ])('$scenario', ({ size, state, wantAct }) => {
    const { members } = pool(size, {});
    const verdict = partitionGuard({ members, health: new Map([['n00', state('n00')]]), maxUnhealthy: 1 });
    expect(verdict.verdict).toBe('Proceed');
    expect(verdict.act).toEqual(wantAct);
    if (wantAct.length === 0)
      expect(verdict.message).toContain('acts only on two failing channels, holding n00');
  });

  test('an API server the operator cannot reach holds every pool, with its reason', () => {
    const verdict = partitionGuard({
      ...pool(10, { n00: 'Failed' }),
      maxUnhealthy: '30%',
      global: globalGuard({ ...fresh, now: 10_000, nodes: [] }),
    });
    expect(verdict).toMatchObject({ verdict: 'PartitionSuspected', reason: 'APIServerUnreachable', act: [] });
  });

  test('a zone-wide failure holds the pools with an unhealthy member in that zone only', () => {
    const zone = (n: string) => (n < 'n05' ? 'a' : 'b');
    const probed = Array.from({ length: 10 }, (_, i) => `n0${i}`).map((name) => ({
      name,
      zone: zone(name),
      unhealthy: name < 'n04',
    }));
    const global = globalGuard({ ...fresh, nodes: probed });
    const inZoneA = partitionGuard({
      ...pool(10, { n00: 'Failed' }),
      maxUnhealthy: 10,
      global,
      zoneOf: zone,
    });
    expect(inZoneA).toMatchObject({ verdict: 'PartitionSuspected', reason: 'ZoneWideFailure', act: [] });
    const inZoneB = partitionGuard({
      ...pool(10, { n07: 'Failed' }),
      maxUnhealthy: 10,
      global,
      zoneOf: zone,
    });
    expect(inZoneB).toMatchObject({ verdict: 'Proceed', act: ['n07'] });
  });

  test('the pool’s own limit reports TooManyUnhealthyNodes', () => {
    const verdict = partitionGuard({ ...pool(10, { n00: 'Failed', n01: 'Failed' }), maxUnhealthy: 1 });
    expect(verdict).toMatchObject({ verdict: 'PartitionSuspected', reason: 'TooManyUnhealthyNodes' });
  });
});
