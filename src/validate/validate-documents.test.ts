import { ManifestValidator } from './manifest-validator.js';
import { fieldSegments, summarize, validateText } from './validate-documents.js';
import { formatValidationReport } from './validation-report-format.js';

const validator = new ManifestValidator();

const STREAM = `apiVersion: fulcrum.io/v1alpha1
kind: ResourcePool
metadata:
  name: general
spec:
  nodeSelector:
    matchLabels: {fulcrum.io/pool: general}
  ceilings:
    cpu: 120
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: fulcrum.io/v1alpha1
kind: WorkloadPolicy
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
`;

describe('validateText', () => {
  const results = validateText(STREAM, 'pools.yaml', validator);

  it('reports each document with its position, the line of each field, and skips other kinds', () => {
    expect(results.map((r) => [r.document, r.kind, r.result])).toEqual([
      [1, 'ResourcePool', 'invalid'],
      [2, 'Namespace', 'skipped'],
      [3, 'WorkloadPolicy', 'invalid'],
    ]);
    expect(results[0]?.errors).toEqual([
      {
        field: 'spec.ceilings.cpu',
        message: 'Invalid value: 120: should be less than or equal to 100',
        line: 9,
      },
    ]);
    // A missing field is reported where its parent's value starts.
    expect(results[2]?.errors[0]).toMatchObject({ field: 'spec.pool', line: 19 });
  });

  it('prints file:line: Kind/name (document N): field: message, and a summary', () => {
    const text = formatValidationReport(summarize(results, 1), 'text');
    expect(text).toContain(
      'pools.yaml:9: ResourcePool/general (document 1): spec.ceilings.cpu: Invalid value: 120: should be less than or equal to 100',
    );
    expect(text).toContain('pools.yaml:19: WorkloadPolicy/shop/web (document 3): spec.pool: Required value');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '1 file(s), 3 object(s): 0 valid, 2 invalid, 1 skipped (not Fulcrum kinds)',
    );
  });

  it('expands List documents into their items', () => {
    const list = `kind: List\nitems:\n- {apiVersion: fulcrum.io/v1alpha1, kind: ResourcePool, metadata: {name: a}, spec: {nodeSelector: {matchLabels: {a: b}}}}\n- {apiVersion: fulcrum.io/v1alpha1, kind: ResourcePool, metadata: {name: b}, spec: {}}\n`;
    expect(validateText(list, 'l.yaml', validator).map((r) => [r.item, r.result, r.errors[0]?.line])).toEqual(
      [
        [0, 'valid', undefined],
        [1, 'invalid', 4],
      ],
    );
  });

  it('reports YAML that does not parse as an invalid document with its line', () => {
    const [result] = validateText('a: [1,\nb: c: d\n', 'broken.yaml', validator);
    expect(result?.result).toBe('invalid');
    expect(result?.errors[0]?.message).toMatch(/^invalid YAML/);
  });
});

describe('fieldSegments', () => {
  it.each([
    ['spec.a[0].b', ['spec', 'a', 0, 'b']],
    ['metadata.labels[fulcrum.io/pool]', ['metadata', 'labels', 'fulcrum.io/pool']],
    ['', []],
  ])('%s', (field, want) => expect(fieldSegments(field)).toEqual(want));
});
