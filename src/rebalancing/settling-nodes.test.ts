import { NOW, scenario } from './planner-fixtures.js';
import { settlingNodes } from './settling-nodes.js';

describe('settlingNodes', () => {
  const s = scenario([
    { name: 'new', pods: [{ name: 'a', cpu: 100 }] },
    { name: 'old', pods: [{ name: 'b', cpu: 100 }] },
    { name: 'empty', pods: [] },
  ]);
  // Fixture pods are an hour old: make `new`'s pod ten seconds old.
  const pod = s.model.pod([...s.model.podsOn('new')][0] as string)!;
  s.model.upsertPod({ ...pod, creationTimestamp: NOW - 10_000 });

  it('takes out unmeasured nodes whose pods all just arrived, and nothing else', () => {
    const split = settlingNodes(
      {
        stale: [
          { key: 'new', reason: 'NoSamples' },
          { key: 'old', reason: 'NoSamples' },
          { key: 'empty', reason: 'NoSamples' },
        ],
      },
      s.model,
      NOW,
      45_000,
    );
    expect(split.settling).toEqual(['new']);
    expect(split.metrics.stale.map((x) => x.key)).toEqual(['old', 'empty']);
  });

  it('never hides readings that went old, nor pods older than the threshold', () => {
    const tooOld = settlingNodes(
      { stale: [{ key: 'new', reason: 'TooOld', ageMs: 60_000 }] },
      s.model,
      NOW,
      45_000,
    );
    expect(tooOld.settling).toEqual([]);
    const late = settlingNodes(
      { stale: [{ key: 'new', reason: 'NoSamples' }] },
      s.model,
      NOW + 40_000,
      45_000,
    );
    expect(late.settling).toEqual([]);
  });
});
