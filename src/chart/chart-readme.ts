/** The chart's files, and its README as generated from them (see values-table.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { valueRows, valuesTable, withValuesTable, type SchemaNode } from './values-table.js';

/** The nearest directory above this file that holds package.json (the repository root, from src/ or dist/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above src/chart');
    dir = parent;
  }
  return dir;
}

/** The path of `name` in charts/fulcrum. */
export function chartFile(name: string): string {
  return join(repositoryRoot(), 'charts/fulcrum', name);
}

/** `readme` with its values table regenerated from the chart's values.yaml and values.schema.json. */
export function chartReadme(readme: string): string {
  const rows = valueRows(
    readFileSync(chartFile('values.yaml'), 'utf8'),
    JSON.parse(readFileSync(chartFile('values.schema.json'), 'utf8')) as SchemaNode,
  );
  return withValuesTable(readme, valuesTable(rows));
}
