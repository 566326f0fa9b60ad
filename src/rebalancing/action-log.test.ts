import type { PoolAction } from '../api/index.js';
import { appendActions, carriesCooldown, MAX_LAST_ACTIONS } from './action-log.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const COOLDOWN = 5 * 60_000;
const at = (msAgo: number): string => new Date(NOW - msAgo).toISOString();
const move = (pod: string, msAgo: number): PoolAction => ({
  time: at(msAgo),
  action: 'Evict',
  pod,
  node: 'n1',
});
const taint = (node: string, msAgo: number): PoolAction => ({ time: at(msAgo), action: 'Taint', node });

describe('appendActions', () => {
  it('puts new actions first, newest first', () => {
    const got = appendActions([move('a/old', 60_000)], [move('a/x', 1), move('a/y', 0)], NOW, COOLDOWN);
    expect(got.map((a) => a.pod)).toEqual(['a/y', 'a/x', 'a/old']);
  });

  it('never holds more than the schema allows', () => {
    const previous = Array.from({ length: MAX_LAST_ACTIONS }, (_, i) => taint(`n${i}`, 1_000 + i));
    expect(appendActions(previous, [taint('new', 0)], NOW, COOLDOWN)).toHaveLength(MAX_LAST_ACTIONS);
  });

  it('drops actions without a cooldown before performed moves still in theirs, so cooldowns survive a restart', () => {
    const moves = Array.from({ length: 10 }, (_, i) => move(`a/p${i}`, 200_000 + i));
    const taints = Array.from({ length: 10 }, (_, i) => taint(`n${i}`, 1_000 + i));
    const got = appendActions([...taints, ...moves], [taint('new1', 0), taint('new2', 0)], NOW, COOLDOWN);
    expect(got).toHaveLength(MAX_LAST_ACTIONS);
    expect(got.filter((a) => a.action === 'Evict')).toHaveLength(10);
  });

  it('drops the oldest moves when every entry carries a cooldown', () => {
    const moves = Array.from({ length: MAX_LAST_ACTIONS }, (_, i) => move(`a/p${i}`, 1_000 * (i + 1)));
    const got = appendActions(moves, [move('a/new', 0)], NOW, COOLDOWN);
    expect(got[0]?.pod).toBe('a/new');
    expect(got.map((a) => a.pod)).not.toContain(`a/p${MAX_LAST_ACTIONS - 1}`);
  });
});

describe('carriesCooldown', () => {
  it.each([
    { name: 'a recent move', action: move('a/p', 1_000), want: true },
    { name: 'a move past its cooldown', action: move('a/p', COOLDOWN), want: false },
    { name: 'a DryRun move', action: { ...move('a/p', 1_000), dryRun: true }, want: false },
    { name: 'a blocked eviction', action: { ...move('a/p', 1_000), action: 'EvictBlocked' }, want: false },
  ])('$name: $want', ({ action, want }) => {
    expect(carriesCooldown(action, NOW, COOLDOWN)).toBe(want);
  });
});
