import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

describe('the Helm chart ships the committed CRDs', () => {
  test('charts/fulcrum/files/crds holds exactly the files of crds/, byte for byte', () => {
    const committed = readdirSync(root('crds')).sort();
    const charted = readdirSync(root('charts/fulcrum/files/crds')).sort();
    expect(charted).toEqual(committed);
    for (const file of committed) {
      const same =
        readFileSync(root(`charts/fulcrum/files/crds/${file}`), 'utf8') ===
        readFileSync(root(`crds/${file}`), 'utf8');
      // After `make crds`: cp crds/*.yaml charts/fulcrum/files/crds/
      expect({ file, same }).toEqual({ file, same: true });
    }
  });
});
