/**
 * The kubelet summary source against the real API server. The test cluster cannot serve a summary: kwok
 * v0.8 has no /stats/summary endpoint, and kube-apiserver refuses to proxy to a node whose addresses are
 * loopback ("address not allowed"). What can be checked here is that the request goes through the node
 * proxy and that a node that cannot be read becomes a problem in the result, not an exception. The parser
 * is tested on a summary document in src/metrics/testdata.
 */
import * as k8s from '@kubernetes/client-node';
import { KubeletSummarySource } from '../../../src/metrics/kubelet-summary-source.js';
import { testKubeConfig } from '../support/cluster.js';

describe('KubeletSummarySource against the API server', () => {
  const kc = testKubeConfig();

  it('reports every node it cannot read, with the API server reason, and never throws', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const nodes = (await core.listNode()).items.map((n) => n.metadata!.name!).slice(0, 3);
    const source = new KubeletSummarySource(kc, { nodes: () => [...nodes, 'no-such-node'], concurrency: 2 });
    const collection = await source.collect();
    expect(collection.nodes).toEqual([]);
    expect(collection.pods).toEqual([]);
    expect(new Map(collection.problems.map((p) => [p.key, p.message]))).toEqual(
      new Map([
        ...nodes.map((n) => [n, expect.stringMatching(/^HTTP 400: .*address not allowed/)] as const),
        ['no-such-node', expect.stringMatching(/^HTTP 404: nodes "no-such-node" not found/)],
      ]),
    );
  });
});
