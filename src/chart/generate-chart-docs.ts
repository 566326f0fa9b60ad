/**
 * Writes the values table of charts/fulcrum/README.md from values.yaml and values.schema.json
 * (`make chart-docs`), or with `--check` exits 1 when the committed README differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { chartFile, chartReadme } from './chart-readme.js';

function main(args: string[]): number {
  const path = chartFile('README.md');
  const current = readFileSync(path, 'utf8');
  const wanted = chartReadme(current);
  if (current === wanted) return 0;
  if (args.includes('--check')) {
    console.error('charts/fulcrum/README.md is out of date: run `make chart-docs`');
    return 1;
  }
  writeFileSync(path, wanted);
  process.stdout.write('wrote charts/fulcrum/README.md\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
