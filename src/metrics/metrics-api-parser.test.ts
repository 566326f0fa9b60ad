import { parseNodeMetricsList, parsePodMetricsList } from './metrics-api-parser.js';

describe('metrics.k8s.io parsers', () => {
  it('reads node usage in millicores and bytes, timestamped by the scrape', () => {
    const parsed = parseNodeMetricsList({
      kind: 'NodeMetricsList',
      items: [
        {
          metadata: { name: 'n1' },
          timestamp: '2026-01-01T10:00:00Z',
          window: '20.064s',
          usage: { cpu: '329087452n', memory: '2748180Ki' },
        },
        { metadata: { name: 'n2' }, timestamp: 'yesterday', usage: { cpu: '1', memory: '1Gi' } },
      ],
    });
    expect(parsed.samples).toEqual([
      {
        key: 'n1',
        time: Date.parse('2026-01-01T10:00:00Z'),
        usage: { cpu: expect.closeTo(329.087452, 6), memory: 2748180 * 1024 },
      },
    ]);
    expect(parsed.problems).toEqual([{ key: 'n2', message: 'bad timestamp "yesterday"' }]);
  });

  it('sums pod usage over containers, keyed namespace/name', () => {
    const parsed = parsePodMetricsList({
      kind: 'PodMetricsList',
      items: [
        {
          metadata: { name: 'web', namespace: 'shop' },
          timestamp: '2026-01-01T10:00:00Z',
          containers: [
            { name: 'a', usage: { cpu: '250m', memory: '100Mi' } },
            { name: 'b', usage: { cpu: '50m', memory: '28Mi' } },
          ],
        },
      ],
    });
    expect(parsed.samples).toEqual([
      {
        key: 'shop/web',
        time: Date.parse('2026-01-01T10:00:00Z'),
        usage: { cpu: 300, memory: 128 * 2 ** 20 },
      },
    ]);
  });

  it('rejects a document that is not a list', () => {
    expect(() => parseNodeMetricsList({ kind: 'Status', message: 'service unavailable' })).toThrow(
      /NodeMetricsList/,
    );
  });
});
