import fc from 'fast-check';
import { globalGuard, globalHoldOf, type GlobalHoldReason, type ProbedNode } from './global-guard.js';

const NOW = 1_000_000;
const FRESH = { apiLastSuccessAt: NOW - 500, now: NOW, apiMaxAgeMs: 5_000 };

/** `count` nodes named `${prefix}0..`, the first `unhealthy` of them unhealthy. */
function nodes(prefix: string, count: number, unhealthy: number, zone?: string): ProbedNode[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i}`,
    unhealthy: i < unhealthy,
    ...(zone !== undefined ? { zone } : {}),
  }));
}

interface GlobalCase {
  scenario: string;
  nodes: ProbedNode[];
  api?: Partial<typeof FRESH>;
  wantAll?: GlobalHoldReason;
  wantZones: string[];
}

describe('globalGuard', () => {
  test.each<GlobalCase>([
    {
      scenario: 'rule 1: no request to the API server ever succeeded: hold everything',
      nodes: nodes('n', 10, 1),
      api: { apiLastSuccessAt: undefined },
      wantAll: 'APIServerUnreachable',
      wantZones: [],
    },
    {
      scenario: 'rule 1: the last success is older than the bound: hold everything',
      nodes: nodes('n', 10, 0),
      api: { apiLastSuccessAt: NOW - 5_001 },
      wantAll: 'APIServerUnreachable',
      wantZones: [],
    },
    {
      scenario: 'rule 1: a success exactly at the bound is fresh',
      nodes: nodes('n', 10, 1),
      api: { apiLastSuccessAt: NOW - 5_000 },
      wantZones: [],
    },
    {
      scenario: 'rule 2: 6 of 10 probed nodes unhealthy (60%): hold everything',
      nodes: [...nodes('a', 5, 3), ...nodes('b', 5, 3)],
      wantAll: 'ClusterWideFailure',
      wantZones: [],
    },
    {
      scenario: 'rule 2: 5 of 10 (50%, below 55%): proceed',
      nodes: [...nodes('a', 5, 3), ...nodes('b', 5, 2)],
      wantZones: [],
    },
    {
      scenario: 'rule 2: 2 of 3 is a large share but not more than 2 nodes: proceed',
      nodes: nodes('n', 3, 2),
      wantZones: [],
    },
    {
      scenario: 'rule 2: 3 of 3: hold everything',
      nodes: nodes('n', 3, 3),
      wantAll: 'ClusterWideFailure',
      wantZones: [],
    },
    {
      scenario: 'rule 3: zone a has 4 of 6 unhealthy, the cluster 4 of 20: hold zone a only',
      nodes: [...nodes('a', 6, 4, 'a'), ...nodes('b', 7, 0, 'b'), ...nodes('c', 7, 0, 'c')],
      wantZones: ['a'],
    },
    {
      scenario: 'rule 3: 2 unhealthy of a 2-node zone is not more than 2: proceed',
      nodes: [...nodes('a', 2, 2, 'a'), ...nodes('b', 8, 0, 'b')],
      wantZones: [],
    },
    {
      scenario: 'rule 3: nodes without a zone label form no zone',
      nodes: [...nodes('x', 4, 3), ...nodes('b', 10, 0, 'b')],
      wantZones: [],
    },
    {
      scenario: 'rule 3: zones are judged apart',
      nodes: [...nodes('a', 4, 3, 'a'), ...nodes('b', 4, 3, 'b'), ...nodes('c', 10, 0, 'c')],
      wantZones: ['a', 'b'],
    },
  ])('$scenario', ({ nodes: probed, api, wantAll, wantZones }) => {
    const verdict = globalGuard({ ...FRESH, ...api, nodes: probed });
    expect(verdict.all?.reason).toBe(wantAll);
    expect([...verdict.zones.keys()]).toEqual(wantZones);
    for (const hold of verdict.zones.values()) expect(hold.reason).toBe('ZoneWideFailure');
  });

  test('messages say what was seen and the limit', () => {
    expect(globalGuard({ ...FRESH, apiLastSuccessAt: NOW - 12_300, nodes: [] }).all?.message).toBe(
      'the last successful request to the API server was 12.3s ago (limit 5s): the operator may be cut off, ' +
        'acting on no node',
    );
    expect(globalGuard({ ...FRESH, nodes: nodes('n', 5, 4) }).all?.message).toBe(
      '4 of 5 probed nodes of all pools unhealthy at once (at least 55% and more than 2): suspecting a ' +
        'network partition, acting on no node',
    );
  });

  test('globalHoldOf: a cluster-wide hold covers every zone; a zone hold only its own', () => {
    const zoneHeld = globalGuard({ ...FRESH, nodes: [...nodes('a', 4, 4, 'a'), ...nodes('b', 10, 0, 'b')] });
    expect(globalHoldOf(zoneHeld, 'a')?.reason).toBe('ZoneWideFailure');
    expect(globalHoldOf(zoneHeld, 'b')).toBeUndefined();
    expect(globalHoldOf(zoneHeld, undefined)).toBeUndefined();
    const allHeld = globalGuard({ ...FRESH, apiLastSuccessAt: undefined, nodes: [] });
    expect(globalHoldOf(allHeld, 'b')?.reason).toBe('APIServerUnreachable');
    expect(globalHoldOf(allHeld, undefined)?.reason).toBe('APIServerUnreachable');
  });

  test('property: with a fresh API server, the cluster is held exactly when > 2 and >= 55% are unhealthy', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (flags) => {
        const probed = flags.map((unhealthy, i) => ({ name: `n${i}`, unhealthy }));
        const unhealthy = flags.filter(Boolean).length;
        const verdict = globalGuard({ ...FRESH, nodes: probed });
        const want = unhealthy > 2 && unhealthy * 100 >= 55 * flags.length;
        expect(verdict.all !== undefined).toBe(want);
      }),
    );
  });
});
