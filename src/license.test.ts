import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

// The first lines of each license text this project may declare, by SPDX identifier.
const LICENSE_HEADINGS: Record<string, RegExp> = {
  'Apache-2.0': /^\s*Apache License\s+Version 2\.0, January 2004\s/,
};

test('LICENSE holds the text of the license package.json declares', () => {
  const { license } = JSON.parse(readFileSync(root('package.json'), 'utf8')) as { license: string };
  const heading = LICENSE_HEADINGS[license];
  expect({ license, known: heading !== undefined }).toEqual({ license, known: true });
  const text = readFileSync(root('LICENSE'), 'utf8');
  expect(text).toMatch(heading!);
  expect(text).toContain('END OF TERMS AND CONDITIONS');
});
