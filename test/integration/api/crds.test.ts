/**
 * The generated CRDs on a real API server: they install idempotently, are structural, serve the short names and
 * the category, and `kubectl explain` shows the descriptions written in the zod schemas.
 */
import * as k8s from '@kubernetes/client-node';
import { eventually, kubectl, testKubeConfig } from '../support/cluster.js';
import { FulcrumObjects, installCrds, poolObject, uniqueName } from './fulcrum-api.js';

const kc = testKubeConfig();
const objects = new FulcrumObjects(kc);
const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
const CRD_NAMES = ['resourcepools.fulcrum.io', 'workloadpolicies.fulcrum.io'];

beforeAll(() => installCrds(kc));
afterAll(() => objects.deleteCreated());

describe('CRD installation', () => {
  it('is idempotent: applying the same CRDs again changes nothing', async () => {
    const before = await Promise.all(
      CRD_NAMES.map((name) => extensions.readCustomResourceDefinition({ name })),
    );
    await installCrds(kc);
    const after = await Promise.all(
      CRD_NAMES.map((name) => extensions.readCustomResourceDefinition({ name })),
    );
    expect(after.map((crd) => crd.metadata?.generation)).toEqual(
      before.map((crd) => crd.metadata?.generation),
    );
  });

  it('is structural: the API server reports no NonStructuralSchema condition', async () => {
    for (const name of CRD_NAMES) {
      const crd = await extensions.readCustomResourceDefinition({ name });
      const nonStructural = crd.status?.conditions?.find((c) => c.type === 'NonStructuralSchema');
      expect([name, nonStructural?.status ?? 'absent']).toEqual([name, 'absent']);
    }
  });

  it('serves the short names and the fulcrum category', async () => {
    const name = uniqueName('short');
    await objects.create(poolObject(name, { nodeSelector: { matchLabels: { 'fulcrum.io/pool': name } } }));
    const byShortName = await kubectl(['get', 'rpool', name, '-o', 'name']);
    expect(byShortName.stdout.trim()).toBe(`resourcepool.fulcrum.io/${name}`);
    const byCategory = await kubectl(['get', 'fulcrum', '-A', '-o', 'name']);
    expect(byCategory.stdout).toContain(`resourcepool.fulcrum.io/${name}`);
    await expect(kubectl(['get', 'wpol', '-A'])).resolves.toBeDefined();
  });
});

describe('kubectl explain', () => {
  // The API server publishes a new CRD's OpenAPI a moment after it is Established. kubectl wraps descriptions
  // at 80 columns, so whitespace is folded before comparing.
  const explain = (field: string) =>
    eventually(`kubectl explain ${field}`, async () =>
      (await kubectl(['explain', field])).stdout.replace(/\s+/g, ' '),
    );

  it('describes the ceilings with their unit, default and effect', async () => {
    const text = await explain('resourcepool.spec.ceilings');
    expect(text).toContain('Safety ceilings per resource, in percent of node allocatable');
    expect(text).toMatch(/cpu <number>/);
    expect(text).toContain(
      'CPU ceiling in percent of allocatable (1-100, default 80). No placement or move takes a node above it.',
    );
    expect(text).toContain('bits/s in the node annotation fulcrum.io/network-capacity');
  });

  it('describes nested failover fields and policy fields', async () => {
    expect(await explain('resourcepool.spec.failover.probe.timeout')).toContain(
      'Must be shorter than period',
    );
    expect(await explain('resourcepool.spec.failover.maxUnhealthy')).toContain('(default 30%)');
    expect(await explain('workloadpolicy.spec.network.request')).toContain('in bits/s (for example 200M)');
  });
});
