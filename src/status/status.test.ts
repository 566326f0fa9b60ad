import { readFileSync } from 'node:fs';
import { PLAIN } from '../terminal/terminal-style.js';
import { clusterSnapshotFromObjects } from '../simulate/cluster-snapshot.js';
import { readManifests } from '../simulate/manifests.js';
import { renderStatus, resourceCell } from './status-render.js';
import { buildStatusView } from './status-view.js';

const snapshot = clusterSnapshotFromObjects(
  readManifests(readFileSync(new URL('./testdata/cluster.yaml', import.meta.url), 'utf8'), 'cluster.yaml'),
);
const now = Date.parse('2026-01-01T00:00:10Z');
const usage = new Map([['n1', { cpu: 3600, memory: 2 * 2 ** 30 }]]);
const view = buildStatusView({ snapshot, usage, usageSource: 'test', now });

describe('buildStatusView', () => {
  const nodes = view.pools[0]?.nodes ?? [];
  it.each([
    { node: 'n1', wantMarkers: ['hot'] },
    { node: 'n2', wantMarkers: ['failed', 'fenced', 'cordoned', 'not-ready'] },
    { node: 'n3', wantMarkers: ['cordoned'] },
    { node: 'n4', wantMarkers: [] },
  ])('$node is marked $wantMarkers', ({ node, wantMarkers }) => {
    expect(nodes.find((n) => n.name === node)?.markers).toEqual(wantMarkers);
  });

  it('gives requests and measured usage against the ceiling, and pods per node', () => {
    expect(nodes[0]).toMatchObject({
      name: 'n1',
      pods: 1,
      resources: { cpu: { requests: 60, usage: 90, ceiling: 80 }, memory: { requests: 6.3, usage: 12.5 } },
    });
    expect(view.pools[0]?.resources).toEqual(['cpu', 'memory']); // no node has storage or network capacity
  });

  it('keeps only the named pool', () => {
    expect(buildStatusView({ snapshot, usage, usageSource: 'test', now, pool: 'other' }).pools).toEqual([]);
  });
});

describe('renderStatus (plain)', () => {
  const text = renderStatus(view, PLAIN).join('\n');

  it('marks hot, failed and fenced nodes on their row', () => {
    expect(text).toMatch(/^ {2}n1 .* 1 +hot$/m);
    expect(text).toMatch(/^ {2}n2 .* 0 +failed,fenced,cordoned,not-ready$/m);
    expect(text).toMatch(/^ {2}n4 .* ok$/m);
  });

  it('has the pool header, non-nominal conditions and the last actions with reasons', () => {
    expect(text).toContain('POOL general  Ready  LeastLoaded/Requests');
    expect(text).toContain('4 node(s): 1 hot, 1 failed, 1 fenced, 2 cordoned, 1 not-ready');
    expect(text).toContain('FailoverActive=True  NodeFailed: n2 fenced, rescheduling 1 pod');
    expect(text).toMatch(
      /00:00:01Z +Evict +shop\/web-old +n1 -> n4 +hot node n1 \(cpu 90% over ceiling 80%\)/,
    );
    // status.failover.lastFailover, newest first among rebalancing's lastActions.
    expect(text).toMatch(
      /LAST ACTIONS\n +00:00:06Z +Failover +n2 +node failed: fenced; 1 pod\(s\) rescheduled so far\n +00:00:01Z +Evict/,
    );
  });

  it('has no escape codes and no non-ASCII bars', () => {
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001b|█/);
  });
});

describe('resourceCell', () => {
  it.each([
    {
      scenario: 'usage solid, requests lighter, ceiling tick',
      use: { requests: 60, usage: 30, ceiling: 80 },
      want: '[###===  | ]    30/60%',
    },
    { scenario: 'no usage sample', use: { requests: 20, ceiling: 80 }, want: '[==      | ]     -/20%' },
    {
      scenario: 'over the ceiling fills past the tick',
      use: { requests: 95, usage: 95, ceiling: 80 },
      want: '[##########]    95/95%',
    },
  ])('$scenario', ({ use, want }) => expect(resourceCell(use, PLAIN)).toBe(want));

  it('is colored on a color terminal, red over the ceiling', () => {
    expect(resourceCell({ requests: 95, ceiling: 80 }, { color: true, unicode: true })).toContain(
      '\u001b[31m',
    );
  });
});
