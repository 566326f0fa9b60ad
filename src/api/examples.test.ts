import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { RESOURCE_POOL_KIND, WORKLOAD_POLICY_KIND } from './group.js';
import { parseResourcePool } from './resource-pool.js';
import { parseWorkloadPolicy } from './workload-policy.js';

const examplesDir = new URL('../../deploy/examples/', import.meta.url);
const documents = readdirSync(examplesDir)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(new URL(file, examplesDir), 'utf8')).map((document) => ({
      file,
      object: document.toJS() as { kind: string },
    })),
  );

// The API server half (the same files accepted by a real cluster) is in test/integration/api/crds.test.ts.
describe('deploy/examples', () => {
  it('holds at least one ResourcePool and one WorkloadPolicy', () => {
    const kinds = new Set(documents.map(({ object }) => object.kind));
    expect([...kinds]).toEqual(expect.arrayContaining([RESOURCE_POOL_KIND, WORKLOAD_POLICY_KIND]));
  });

  const fulcrumObjects = documents.filter(({ object }) =>
    [RESOURCE_POOL_KIND, WORKLOAD_POLICY_KIND].includes(object.kind),
  );
  it.each(fulcrumObjects)('$file is valid', ({ object }) => {
    const result =
      object.kind === RESOURCE_POOL_KIND ? parseResourcePool(object) : parseWorkloadPolicy(object);
    expect(result.ok ? '' : result.message).toBe('');
  });
});
