import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { API_VERSION, fulcrumCrds, RESOURCE_POOL_KIND, WORKLOAD_POLICY_KIND } from '../api/index.js';
import { invalidManifestObject, invalidManifests } from '../api/testdata/invalid-manifests.js';
import { ManifestValidator } from './manifest-validator.js';

const validator = new ManifestValidator();

function pool(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }) {
  return { apiVersion: API_VERSION, kind: RESOURCE_POOL_KIND, metadata, spec };
}
const selector = { matchLabels: { 'fulcrum.io/pool': 'x' } };

function fields(object: unknown): string[] {
  const verdict = validator.validate(object);
  return verdict.result === 'invalid' ? verdict.errors.map((e) => e.field) : [];
}

// The API server half (the same objects sent to a real cluster, verdicts compared) is in
// test/integration/cli/operability.test.ts.
describe('ManifestValidator refuses the invalid-manifest corpus, naming the field', () => {
  it.each(invalidManifests)('$scenario → $wantField', (testCase) => {
    const object = invalidManifestObject(testCase, 'invalid', 'default');
    expect(validator.validate(object).result).toBe('invalid');
    expect(fields(object)).toContain(testCase.wantField);
  });
});

describe('ManifestValidator accepts deploy/examples', () => {
  const dir = new URL('../../deploy/examples/', import.meta.url);
  const documents = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(new URL(file, dir), 'utf8')).map((d, index) => ({
        file,
        index,
        object: d.toJS(),
      })),
    );
  it.each(documents)('$file document $index', ({ object }) => {
    expect(validator.validate(object).result).not.toBe('invalid');
  });
});

describe('ManifestValidator follows the API server', () => {
  const table = [
    {
      scenario: 'ceilings at their bounds are valid',
      object: pool({ nodeSelector: selector, ceilings: { cpu: 1, memory: 100 } }),
      want: [],
    },
    {
      scenario: 'unknown field stops before validation',
      object: pool({ nodeSelector: selector, ceilings: { cpu: 500 }, colour: 'red' }),
      want: ['spec.colour'],
    },
    {
      scenario: 'unknown metadata field',
      object: pool({ nodeSelector: selector }, { name: 'p', labelz: {} }),
      want: ['metadata.labelz'],
    },
    {
      scenario: 'a type error skips the CEL rules',
      object: pool({
        nodeSelector: selector,
        ceilings: { cpu: 'high' },
        weights: { cpu: 0, memory: 0, ephemeralStorage: 0, network: 0 },
      }),
      want: ['spec.ceilings.cpu', ''],
    },
    {
      scenario: 'a bound error does not skip them',
      object: pool({
        nodeSelector: selector,
        ceilings: { cpu: 500 },
        weights: { cpu: 0, memory: 0, ephemeralStorage: 0, network: 0 },
      }),
      want: ['spec.ceilings.cpu', 'spec.weights'],
    },
    { scenario: 'missing name', object: pool({ nodeSelector: selector }, {}), want: ['metadata.name', ''] },
    {
      scenario: 'name with capitals',
      object: pool({ nodeSelector: selector }, { name: 'Big' }),
      want: ['metadata.name'],
    },
    {
      scenario: 'null is pruned, then defaulted',
      object: pool({ nodeSelector: selector, ceilings: null }),
      want: [],
    },
    {
      scenario: 'missing spec',
      object: { apiVersion: API_VERSION, kind: RESOURCE_POOL_KIND, metadata: { name: 'p' } },
      want: ['spec', ''],
    },
    {
      scenario: 'unknown Fulcrum kind',
      object: { apiVersion: API_VERSION, kind: 'Pool', metadata: { name: 'p' } },
      want: ['kind'],
    },
  ];
  it.each(table)('$scenario', ({ object, want }) => {
    expect(fields(object)).toEqual(want);
  });

  it('skips kinds of other groups', () => {
    expect(validator.validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }).result).toBe(
      'skipped',
    );
  });

  it('a status is ignored, as the status subresource ignores it on create', () => {
    expect(
      fields({ ...pool({ nodeSelector: selector }), status: { nodes: { total: -1 }, junk: 1 } }),
    ).toEqual([]);
  });

  it('understands every keyword and rule of the generated CRDs', () => {
    const crds = fulcrumCrds().map((f) => f.crd);
    expect(() => new ManifestValidator(crds)).not.toThrow();
    const policy = {
      apiVersion: API_VERSION,
      kind: WORKLOAD_POLICY_KIND,
      metadata: { name: 'w', namespace: 'n' },
      spec: { selector, pool: 'p' },
    };
    expect(validator.validate(policy)).toEqual({ result: 'valid' });
  });
});
