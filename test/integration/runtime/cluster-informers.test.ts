/**
 * The informer factory on the real API server: every informer Fulcrum needs lists and syncs, including the
 * two custom resources (their CRDs installed as the API suite does).
 */
import * as k8s from '@kubernetes/client-node';
import { waitForCacheSync } from '../../../src/kube/informer.js';
import { createClusterInformers } from '../../../src/kube/informers.js';
import { installCrds } from '../api/fulcrum-api.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';

const kc = testKubeConfig();

test('nodes, pods, node leases, PDBs, resource pools and workload policies all sync and watch', async () => {
  await installCrds(kc);
  const ns = await createTestNamespace(kc, 'rt-factory');
  const informers = createClusterInformers(kc, { backoff: { initialMs: 200, maxMs: 2000 } });
  const stop = new AbortController();
  const running = informers.all().map((i) => i.start(stop.signal));
  try {
    const deadline = setTimeout(() => stop.abort(), 30_000);
    const synced = await waitForCacheSync(informers.all(), stop.signal);
    clearTimeout(deadline);
    expect(synced).toBe(true);
    const policy = kc.makeApiClient(k8s.PolicyV1Api);
    await policy.createNamespacedPodDisruptionBudget({
      namespace: ns.name,
      body: { metadata: { name: 'pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'x' } } } },
    });
    const pdb = await eventually('PDB watched', () => informers.podDisruptionBudgets.get(`${ns.name}/pdb`));
    expect(pdb.metadata?.managedFields).toBeUndefined();
    expect(pdb.metadata?.creationTimestamp).toBeInstanceOf(Date);
    for (const informer of informers.all()) expect(informer.stats().restarts).toBe(0);
  } finally {
    stop.abort();
    await Promise.all(running);
    await ns.remove();
  }
});
