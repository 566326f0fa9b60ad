import { RESOURCE_POOL_KIND } from './group.js';
import { parseResourcePool } from './resource-pool.js';
import { invalidManifestObject, invalidManifests } from './testdata/invalid-manifests.js';
import { parseWorkloadPolicy } from './workload-policy.js';

// The API server half of this table runs in test/integration/api/crds.test.ts.
describe('parse*() refuses what the CRDs refuse, naming the field', () => {
  it.each(invalidManifests)('$scenario → $wantField', (testCase) => {
    const object = invalidManifestObject(testCase, 'invalid', 'default');
    const result =
      testCase.kind === RESOURCE_POOL_KIND ? parseResourcePool(object) : parseWorkloadPolicy(object);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.field)).toContain(testCase.wantField);
  });
});
