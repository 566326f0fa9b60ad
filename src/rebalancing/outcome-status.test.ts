import type { BalanceStatusFragment } from './rebalance-plan.js';
import { outcomeStatus } from './outcome-status.js';

const rebalancing: BalanceStatusFragment = {
  conditions: [
    {
      type: 'Balanced',
      status: 'False',
      reason: 'Rebalancing',
      message: '1 of 10 nodes hot; evicting 1 pods this interval',
    },
    { type: 'MetricsAvailable', status: 'True', reason: 'Fresh', message: 'fresh' },
  ],
  nodes: { hot: 1 },
};
const stale: BalanceStatusFragment = {
  conditions: [
    { type: 'Balanced', status: 'Unknown', reason: 'MetricsStale', message: 'holds' },
    {
      type: 'MetricsAvailable',
      status: 'False',
      reason: 'MetricsStale',
      message: '10 of 10 nodes have no fresh usage metrics',
    },
  ],
  nodes: { hot: 0 },
};
const none = { evicted: 0, dryRun: 0, blocked: [], denied: 0 };
const blocked = { ...none, blocked: [{ pod: 'ns/p', node: 'n1', message: 'refused' }] };
const balanced = (f: BalanceStatusFragment) => f.conditions.find((c) => c.type === 'Balanced');
const metrics = (f: BalanceStatusFragment) => f.conditions.find((c) => c.type === 'MetricsAvailable');

describe('outcomeStatus', () => {
  it('leaves the fragment alone when every planned eviction happened', () => {
    expect(outcomeStatus(rebalancing, { ...none, evicted: 1 }, undefined)).toEqual(rebalancing);
  });

  it('says which evictions a PodDisruptionBudget refused, with reason EvictionBlocked when none went through', () => {
    const got = balanced(outcomeStatus(rebalancing, blocked, undefined));
    expect(got?.reason).toBe('EvictionBlocked');
    expect(got?.message).toContain('1 refused by a PodDisruptionBudget (ns/p)');
  });

  it('keeps reason Rebalancing when some evictions went through', () => {
    expect(balanced(outcomeStatus(rebalancing, { ...blocked, evicted: 1 }, undefined))?.reason).toBe(
      'Rebalancing',
    );
  });

  it('says when the operator’s own budget held evictions back', () => {
    expect(balanced(outcomeStatus(rebalancing, { ...none, denied: 2 }, undefined))?.message).toContain(
      "2 held back by the operator's eviction budget",
    );
  });

  it('names the source’s error when metrics are stale, and only then', () => {
    expect(metrics(outcomeStatus(stale, undefined, 'metrics.k8s.io: 503'))?.message).toContain(
      'the last collection failed: metrics.k8s.io: 503',
    );
    expect(metrics(outcomeStatus(rebalancing, undefined, 'metrics.k8s.io: 503'))?.message).toBe('fresh');
  });
});
