import { NOW, podsOf, scenario, type NodeSpec } from '../rebalancing/planner-fixtures.js';
import { consolidationInput } from './fixtures.js';
import { PoolSnapshot } from '../placement/snapshot.js';
import { planConsolidation } from './planner.js';
import type { ConsolidationInput } from './consolidation-plan.js';

const busy = (name: string, pods = 4): NodeSpec => ({ name, pods: podsOf(`${name}-web`, pods, 1000) });

/** Half full, in eight pods: more pods than the nodes drained in the budget tests, so never picked first. */
const half = (name: string): NodeSpec => ({ name, pods: podsOf(`${name}-web`, 8, 500) });

interface Case {
  scenario: string;
  nodes: NodeSpec[];
  input?: Omit<Partial<ConsolidationInput>, 'settings'> & {
    settings?: Partial<ConsolidationInput['settings']>;
  };
  wantStart?: string[];
  wantStop?: string[];
  wantEvictedFrom?: string[];
  wantFree?: string[];
  wantSkip?: string;
  wantNotStarted?: string;
}

const cases: Case[] = [
  {
    scenario: 'drains the node cheapest to empty when its pods fit elsewhere below the ceilings',
    nodes: [busy('n0'), busy('n1'), { name: 'n2', pods: podsOf('small', 1, 500) }],
    wantStart: ['n2'],
    wantEvictedFrom: ['n2'],
  },
  {
    scenario: 'nothing is drained when the pods would take another node over its ceiling',
    nodes: [busy('n0', 5), busy('n1', 5)],
    wantStart: [],
    wantSkip: 'NoRoom',
  },
  {
    scenario: 'a node holding a pod that may not move is kept',
    nodes: [busy('n0'), { name: 'n1', pods: [{ name: 'bare', cpu: 100, movable: false }] }],
    wantNotStarted: 'n1',
    wantSkip: 'KeepsPods',
  },
  {
    scenario: 'DaemonSet pods neither move nor keep their node in use',
    nodes: [
      { name: 'n0', pods: [...podsOf('web', 2, 1000), { name: 'ds-a', cpu: 100, movable: false }] },
      {
        name: 'n1',
        pods: [
          { name: 'web-x', cpu: 500 },
          { name: 'ds-b', cpu: 100, movable: false },
        ],
      },
    ],
    wantStart: ['n1'],
    wantEvictedFrom: ['n1'],
  },
  {
    scenario: 'a node holding a pod younger than minPodAge is kept',
    nodes: [busy('n0'), { name: 'n1', pods: [{ name: 'new', cpu: 100, ageMs: 30_000 }] }],
    wantNotStarted: 'n1',
    wantSkip: 'YoungPods',
  },
  {
    scenario: 'minNodes in use hold',
    nodes: [busy('n0', 1), busy('n1', 1)],
    input: { settings: { minNodes: 2 } },
    wantStart: [],
  },
  {
    scenario: 'mode Off lifts every drain',
    nodes: [busy('n0'), busy('n1')],
    input: { settings: { mode: 'Off' }, draining: new Map([['n1', NOW]]) },
    wantStop: ['n1'],
    wantEvictedFrom: [],
  },
  {
    scenario: 'a node over a ceiling gives every drained node back and starts none',
    nodes: [busy('n0', 7), { name: 'n1' }, { name: 'n2', pods: podsOf('s', 1, 100) }],
    input: { draining: new Map([['n1', NOW]]) },
    wantStart: [],
    wantStop: ['n1'],
  },
  {
    scenario: 'a hold starts no new drain but the drain under way goes on',
    nodes: [busy('n0', 2), busy('n1', 2), busy('n2', 1)],
    input: { hold: 'rebalancing moved pods', draining: new Map([['n2', NOW - 60_000]]) },
    wantStart: [],
    wantEvictedFrom: ['n2'],
  },
  {
    scenario: 'a drain past drainTimeout is given up',
    nodes: [busy('n0', 2), busy('n1', 1)],
    input: { draining: new Map([['n1', NOW - 700_000]]) },
    wantStop: ['n1'],
  },
  {
    scenario: 'a drained node without movable pods is free and stays tainted',
    nodes: [busy('n0', 2), busy('n1', 2), { name: 'n2', pods: [{ name: 'ds-x', cpu: 100, movable: false }] }],
    input: { draining: new Map([['n2', NOW - 60_000]]) },
    wantStop: [],
    wantFree: ['n2'],
  },
  {
    scenario: 'a draining node that picked up a pod which may not move is given up',
    nodes: [busy('n0', 2), { name: 'n1', pods: [{ name: 'bare', cpu: 100, movable: false }] }],
    input: { draining: new Map([['n1', NOW - 60_000]]) },
    wantStop: ['n1'],
  },
];

describe('planConsolidation', () => {
  it.each(cases)('$scenario', (c) => {
    const s = scenario(c.nodes);
    const plan = planConsolidation(consolidationInput(s, c.input));
    const started = plan.marks.filter((m) => m.kind === 'StartDrain').map((m) => m.node);
    const stopped = plan.marks.filter((m) => m.kind === 'StopDrain').map((m) => m.node);
    if (c.wantStart) expect(started).toEqual(c.wantStart);
    if (c.wantStop) expect(stopped).toEqual(c.wantStop);
    if (c.wantEvictedFrom) expect([...new Set(plan.evictions.map((e) => e.from))]).toEqual(c.wantEvictedFrom);
    if (c.wantFree) expect(plan.free).toEqual(c.wantFree);
    if (c.wantNotStarted) expect(started).not.toContain(c.wantNotStarted);
    if (c.wantSkip) expect(plan.skipped.map((k) => k.reason)).toContain(c.wantSkip);
  });

  it('evicts lowest priority first and no more than maxEvictionsPerCycle', () => {
    const pods = podsOf('low', 3, 300).concat(podsOf('high', 3, 300, { priority: 100 }));
    const s = scenario([half('n0'), half('n1'), { name: 'n2', pods }]);
    const plan = planConsolidation(consolidationInput(s, { settings: { maxEvictionsPerCycle: 4 } }));
    expect(plan.evictions.map((e) => e.name)).toEqual(['low-0', 'low-1', 'low-2', 'high-0']);
  });

  it('holds a PodDisruptionBudget: no more evictions than it allows', () => {
    const pods = podsOf('web', 4, 300, { pdbs: ['web'] });
    const s = scenario([half('n0'), half('n1'), { name: 'n2', pods }], { pdbs: { web: 1 } });
    const plan = planConsolidation(consolidationInput(s));
    expect(plan.evictions).toHaveLength(1);
    expect(plan.draining).toEqual(['n2']);
  });

  it('reports the packing of the nodes in use against the lower bound', () => {
    // 4 nodes of 8 cores at an 80 % ceiling hold 6.4 cores each; 8 cores requested need 2 of them.
    const s = scenario([busy('n0', 4), busy('n1', 4), { name: 'n2' }, { name: 'n3' }]);
    const { packing } = planConsolidation(consolidationInput(s, { settings: { mode: 'Off' } }));
    expect(packing).toEqual({
      nodesInUse: 2,
      lowerBoundNodes: 2,
      efficiency: 62.5,
      resource: 'cpu',
      boundEfficiency: 100,
    });
  });
});

describe('a kept snapshot', () => {
  it('plans as a fresh one would and is given back unchanged, draining nodes included', () => {
    const nodes = [busy('n0'), half('n1'), { name: 'n2', pods: podsOf('small', 2, 500) }, busy('n3', 2)];
    const s = scenario(nodes);
    const draining = new Map([['n3', NOW - 60_000]]);
    const kept = PoolSnapshot.take({ model: s.model, pool: s.pool, now: NOW });
    const before = rowsOf(kept);
    const own = planConsolidation(consolidationInput(s, { draining }));
    const withKept = planConsolidation(consolidationInput(s, { draining, snapshot: kept }));
    expect(withKept).toEqual(own);
    expect(own.evictions.length).toBeGreaterThan(0);
    expect(rowsOf(kept)).toEqual(before);
  });
});

/** Every node's blocked flag and used vector on `snapshot`, by name. */
function rowsOf(snapshot: PoolSnapshot): Record<string, { blocked: number; used: number[] }> {
  const out: Record<string, { blocked: number; used: number[] }> = {};
  const width = snapshot.used.length / snapshot.size;
  for (let i = 0; i < snapshot.size; i++)
    out[snapshot.names[i] as string] = {
      blocked: snapshot.blocked[i] as number,
      used: [...snapshot.used.subarray(i * width, (i + 1) * width)],
    };
  return out;
}
