import { drops, holds } from './status-writer.js';

describe('holds: does the stored status already say what this writer would apply?', () => {
  const stored = {
    observedGeneration: 2,
    nodes: { total: 3, ready: 3, unhealthy: 1 },
    conditions: [
      { type: 'Ready', status: 'True', reason: 'NodesSelected' },
      { type: 'FailoverActive', status: 'True', reason: 'NodeFailed' },
    ],
    failover: { failedNodes: [{ name: 'n1' }] },
  };
  const mine = {
    observedGeneration: 2,
    nodes: { total: 3, ready: 3 },
    conditions: [{ type: 'Ready', status: 'True', reason: 'NodesSelected' }],
  };

  it('ignores fields, nested fields and conditions that other managers own', () => {
    expect(holds(stored, mine)).toBe(true);
  });

  it('sees a change in one of its own fields or conditions', () => {
    expect(holds(stored, { ...mine, nodes: { total: 4, ready: 3 } })).toBe(false);
    expect(holds(stored, { conditions: [{ type: 'Ready', status: 'False', reason: 'NoNodes' }] })).toBe(
      false,
    );
    expect(holds(stored, { conditions: [{ type: 'CapacityPressure', status: 'False' }] })).toBe(false);
  });

  it('compares lists that are not condition lists whole', () => {
    expect(holds({ hot: ['a', 'b'] }, { hot: ['a'] })).toBe(false);
    expect(holds({ hot: ['a'] }, { hot: ['a'] })).toBe(true);
  });

  it('is false when nothing is stored yet', () => {
    expect(holds(undefined, { observedGeneration: 1 })).toBe(false);
  });
});

describe('drops: does the writer no longer set something it set last time?', () => {
  it('sees a nested key or a condition type that went away', () => {
    expect(drops({ nodes: { total: 3, contested: ['n9'] } }, { nodes: { total: 3 } })).toBe(true);
    expect(
      drops({ conditions: [{ type: 'Ready' }, { type: 'X' }] }, { conditions: [{ type: 'Ready' }] }),
    ).toBe(true);
  });

  it('is false when everything set last time is still set, whatever the values', () => {
    expect(
      drops(
        { nodes: { total: 3 }, conditions: [{ type: 'Ready' }] },
        { nodes: { total: 4 }, conditions: [{ type: 'Ready' }] },
      ),
    ).toBe(false);
  });
});
