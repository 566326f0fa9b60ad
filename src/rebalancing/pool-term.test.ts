import { moveToPoolAction, REBALANCED_AT_ANNOTATION } from './move-history.js';
import { nodeInfoFromNode } from '../model/node-info.js';
import { node } from '../testing/builders.js';
import { startTerm } from './pool-term.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const settings = { cooldownMs: 300_000, intervalMs: 15_000 };

describe('startTerm: a new leader starts from what the API server holds', () => {
  it('keeps performed moves within the cooldown as history, and the counters', () => {
    const term = startTerm(
      {
        lastActions: [
          moveToPoolAction(
            { at: NOW - 60_000, pod: 'a/recent', from: 'n1', to: 'n2', workload: 'ReplicaSet/a/w' },
            'hot',
          ),
          moveToPoolAction({ at: NOW - 600_000, pod: 'a/old', from: 'n1', to: 'n2' }, 'hot'),
          moveToPoolAction({ at: NOW - 1_000, pod: 'a/dry', from: 'n1', to: 'n2' }, 'hot', true),
        ],
        counters: { evictions: 7, evictionsBlocked: 2 },
      },
      [],
      settings,
      NOW,
    );
    expect(term.history.map((m) => m.pod)).toEqual(['a/recent']);
    expect(term.history[0]?.workload).toBe('ReplicaSet/a/w');
    expect(term.counters).toEqual({
      evictions: 7,
      urgentEvictions: 0,
      dryRunEvictions: 0,
      evictionsBlocked: 2,
    });
    expect(term.heat.size).toBe(0);
  });

  it.each([
    { name: 'no move ever', lastMoveAgo: undefined, wantWait: 0 },
    { name: 'a move one second ago (status)', lastMoveAgo: 1_000, wantWait: 14_000 },
    { name: 'a move long ago', lastMoveAgo: 60_000, wantWait: 0 },
  ])('waits one interval after the last move: $name', ({ lastMoveAgo, wantWait }) => {
    const lastActions =
      lastMoveAgo === undefined
        ? []
        : [moveToPoolAction({ at: NOW - lastMoveAgo, pod: 'a/p', from: 'n1', to: 'n2' }, 'hot')];
    expect(startTerm({ lastActions }, [], settings, NOW).nextAt - NOW).toBe(wantWait);
  });

  it('also reads the last move from the nodes’ rebalanced-at stamps (the status may not have been written)', () => {
    const stamped = nodeInfoFromNode(
      node('n1')
        .annotate(REBALANCED_AT_ANNOTATION, new Date(NOW - 5_000).toISOString())
        .obj(),
    );
    expect(startTerm(undefined, [stamped], settings, NOW).nextAt - NOW).toBe(10_000);
  });

  it('never waits more than one interval, whatever the stamps say', () => {
    const future = nodeInfoFromNode(
      node('n1')
        .annotate(REBALANCED_AT_ANNOTATION, new Date(NOW + 3_600_000).toISOString())
        .obj(),
    );
    expect(startTerm(undefined, [future], settings, NOW).nextAt - NOW).toBe(15_000);
  });
});
