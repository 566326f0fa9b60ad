/**
 * Writes crds/*.yaml from the zod schemas (`make crds`), or with `--check` exits 1 when the committed files differ.
 * Runs as dist/src/api/generate-crds.js; the repository root is found from this file, not from the working dir.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fulcrumCrds, renderCrdYaml } from './fulcrum-crds.js';

/** The nearest directory above this file that holds package.json (the repository root, from src/ or dist/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above generate-crds');
    dir = parent;
  }
  return dir;
}

/** Where the CRDs are written: for `kubectl apply -f crds/`, and the copy the Helm chart renders. */
const CRD_DIRS = ['crds', 'charts/fulcrum/files/crds'];

function main(args: string[]): number {
  const check = args.includes('--check');
  let stale = 0;
  for (const dir of CRD_DIRS) {
    const crdDir = resolve(repositoryRoot(), dir);
    mkdirSync(crdDir, { recursive: true });
    for (const { fileName, crd } of fulcrumCrds()) {
      const path = join(crdDir, fileName);
      const wanted = renderCrdYaml(crd);
      const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      if (current === wanted) continue;
      if (check) {
        console.error(`${dir}/${fileName} is out of date: run \`make crds\``);
        stale += 1;
      } else {
        writeFileSync(path, wanted);
        process.stdout.write(`wrote ${dir}/${fileName}\n`);
      }
    }
  }
  return stale === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
