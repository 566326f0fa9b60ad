import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fulcrumCrds, renderCrdYaml } from './fulcrum-crds.js';

// The committed CRDs are generated; this fails when someone changes a zod schema without running `make crds`
// (or edits crds/*.yaml by hand).
describe('crds/ matches the zod schemas', () => {
  it.each(fulcrumCrds())('crds/$fileName is up to date (run `make crds` if not)', ({ fileName, crd }) => {
    const committed = readFileSync(new URL(`../../crds/${fileName}`, import.meta.url), 'utf8');
    expect(committed).toBe(renderCrdYaml(crd));
  });
});

describe('fulcrumCrds', () => {
  it('reads back identically as YAML 1.1, as kubectl and Helm read it (Off stays a string)', () => {
    for (const { crd } of fulcrumCrds()) {
      const asKubectlReadsIt = parse(renderCrdYaml(crd), { version: '1.1' }) as unknown;
      expect(asKubectlReadsIt).toEqual(JSON.parse(JSON.stringify(crd)));
    }
  });

  it('names each CRD <plural>.<group>, with the status subresource and one storage version', () => {
    for (const { crd } of fulcrumCrds()) {
      expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
      expect(crd.spec.versions.map((v) => [v.name, v.storage, v.subresources])).toEqual([
        ['v1alpha1', true, { status: {} }],
      ]);
    }
  });

  it('points every printer column at a field the schema defines', () => {
    for (const { crd } of fulcrumCrds()) {
      const [version] = crd.spec.versions;
      for (const column of version!.additionalPrinterColumns) {
        if (column.jsonPath === '.metadata.creationTimestamp') continue;
        const segments = column.jsonPath.replace(/\[.*$/, '').split('.').filter(Boolean);
        let node: Record<string, unknown> | undefined = version!.schema.openAPIV3Schema;
        for (const segment of segments) {
          node = (node?.properties as Record<string, Record<string, unknown>> | undefined)?.[segment];
        }
        expect([column.name, node === undefined ? 'missing' : 'found']).toEqual([column.name, 'found']);
      }
    }
  });
});
