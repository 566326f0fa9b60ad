import { readFileSync } from 'node:fs';
import { parseKubeletSummary } from './kubelet-summary-parser.js';

// A summary document in the stats/v1alpha1 shape a current kubelet serves (k8s.io/kubelet types.go): kwok
// serves no /stats/summary and the test API server refuses to proxy to loopback node addresses, so no live
// document could be recorded here (see docs/architecture.md, "Metrics").
const document: unknown = JSON.parse(
  readFileSync(new URL('./testdata/kubelet-summary.json', import.meta.url), 'utf8'),
);

describe('parseKubeletSummary', () => {
  it('reads node cpu, working set, filesystem and network counters summed over interfaces', () => {
    const { node } = parseKubeletSummary(document);
    expect(node).toEqual({
      key: 'worker-1',
      time: Date.parse('2026-01-01T10:00:10Z'),
      usage: { cpu: 1250, memory: 8589934592, ephemeralStorage: 32212254720 },
      network: { time: Date.parse('2026-01-01T10:00:08Z'), rxBytes: 1_500_000_000, txBytes: 500_000_000 },
    });
  });

  it('reads pods with their ephemeral storage and skips pods with no stats yet', () => {
    const { pods } = parseKubeletSummary(document);
    expect(pods).toEqual([
      {
        key: 'shop/web-5d8f-abcde',
        time: Date.parse('2026-01-01T10:00:07Z'),
        usage: { cpu: 250.5, memory: 270532608, ephemeralStorage: 61440 },
        network: { time: Date.parse('2026-01-01T10:00:07Z'), rxBytes: 2_000_000, txBytes: 3_000_000 },
      },
    ]);
  });

  it('falls back to the inlined default interface when the kubelet lists none', () => {
    const { node } = parseKubeletSummary({
      node: { nodeName: 'old', network: { time: '2026-01-01T10:00:00Z', rxBytes: 10, txBytes: 20 } },
    });
    expect(node.network).toEqual({ time: Date.parse('2026-01-01T10:00:00Z'), rxBytes: 10, txBytes: 20 });
    expect(node.usage).toEqual({});
  });

  it.each([
    ['no node section', { pods: [] }],
    ['no node name', { node: { cpu: { time: '2026-01-01T10:00:00Z', usageNanoCores: 1 } } }],
    ['no timestamped stats', { node: { nodeName: 'n', cpu: { usageNanoCores: 1 } } }],
    ['not an object', 'Forbidden'],
  ])('rejects a document with %s', (_, doc) => {
    expect(() => parseKubeletSummary(doc)).toThrow();
  });
});
