import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The import check of `make lint` (.dependency-cruiser.mjs): its folder table, and that it fails when it must.

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const CONFIG = root('.dependency-cruiser.mjs');
const CRUISER = root('node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

type FolderImports = Record<string, string[]>;

async function folderImports(): Promise<FolderImports> {
  const config = (await import(pathToFileURL(CONFIG).href)) as { FOLDER_IMPORTS: FolderImports };
  return config.FOLDER_IMPORTS;
}

/** A folder on a cycle of the table's "may import" graph, or undefined when the graph is acyclic. */
function folderOnCycle(table: FolderImports): string | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (folder: string): string | undefined => {
    if (state.get(folder) === 'done') return undefined;
    if (state.get(folder) === 'visiting') return folder;
    state.set(folder, 'visiting');
    for (const entry of table[folder] ?? []) {
      const found = visit(entry.split('/')[0]!);
      if (found !== undefined) return found;
    }
    state.set(folder, 'done');
    return undefined;
  };
  for (const folder of Object.keys(table)) {
    const found = visit(folder);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Writes `files` (path → source) and a config for `table` into a fresh directory and runs the check there. */
function runCheckOn(
  table: FolderImports,
  files: Record<string, string>,
): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-import-check-'));
  try {
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    writeFileSync(
      join(dir, 'check.mjs'),
      `import { configFor } from ${JSON.stringify(pathToFileURL(CONFIG).href)};\n` +
        `export default configFor(${JSON.stringify(table)});\n`,
    );
    const run = spawnSync(process.execPath, [CRUISER, '--config', 'check.mjs', 'src'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: run.status, out: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every folder of src/ has a row in the import table, and every row is a folder', async () => {
  const table = await folderImports();
  const folders = readdirSync(root('src'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  expect(Object.keys(table).sort()).toEqual(folders);
  for (const entries of Object.values(table)) {
    for (const entry of entries) expect(folders).toContain(entry.split('/')[0]);
  }
});

test('the import table has no cycle, so a tree that obeys it has no cycle between folders', async () => {
  expect(folderOnCycle(await folderImports())).toBeUndefined();
  expect(folderOnCycle({ a: ['b'], b: ['c/x'], c: ['a'] })).toBe('a');
});

test('docs/architecture.md lists every folder with the imports the check allows', async () => {
  const documented: FolderImports = {};
  for (const line of readFileSync(root('docs/architecture.md'), 'utf8').split('\n')) {
    const row = /^\| `src\/([a-z-]+)\/` +\|[^|]+\|[^|]+\|([^|]+)\|$/.exec(line);
    if (row) documented[row[1]!] = [...row[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  }
  expect(documented).toEqual(await folderImports());
});

describe('the import check on a small tree', () => {
  const table = { core: [], shell: ['core'] };

  test('passes when every import follows the table', () => {
    const run = runCheckOn(table, {
      'src/core/a.ts': 'export const a = 1;\n',
      'src/shell/b.ts': "import { a } from '../core/a';\nexport const b = a;\n",
    });
    expect(run).toEqual({ status: 0, out: expect.stringContaining('no dependency violations') });
  });

  test('fails on an import cycle inside a folder', () => {
    const run = runCheckOn(table, {
      'src/core/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/core/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });
    expect(run.status).not.toBe(0);
    expect(run.out).toContain('no-circular: src/core/a.ts');
  });

  test('fails on an import the table forbids, which is how a cycle between folders starts', () => {
    const run = runCheckOn(table, {
      'src/core/a.ts': "import { b } from '../shell/b';\nexport const a = b;\n",
      'src/shell/b.ts': 'export const b = 1;\n',
    });
    expect(run.status).not.toBe(0);
    expect(run.out).toContain('folder-core: src/core/a.ts → src/shell/b.ts');
  });

  test('fails on a folder the table does not name', () => {
    const run = runCheckOn(table, {
      'src/core/a.ts': 'export const a = 1;\n',
      'src/extra/b.ts': "import { a } from '../core/a';\nexport const b = a;\n",
    });
    expect(run.status).not.toBe(0);
    expect(run.out).toContain('folder-unknown: src/extra/b.ts');
  });
});
