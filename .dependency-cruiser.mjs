// The import check of `make lint` (dependency-cruiser): no import cycle anywhere, and each folder of src/
// imports only the folders its row of FOLDER_IMPORTS names. docs/architecture.md shows the same table, and
// src/architecture.test.ts checks that the table covers every folder, has no cycle itself (so obeying it
// means no cycle between folders either), and that the check fails on a cycle and on a forbidden import.
//
// Why dependency-cruiser and not eslint-plugin-import's no-cycle: one tool gives both the cycle check and
// the folder rules from one table, resolves TypeScript's `.js` specifiers and type-only imports through
// tsconfig.json, and checks the whole graph at once (no-cycle re-walks it from every file, which is slow).

/**
 * What each folder of src/ may import, besides itself and the files at the top of src/ (version.ts). An
 * entry is a folder, or a path prefix under src/ for one module of a folder the row may not use as a whole.
 * Tests (`*.test.ts`) may import anything but are checked for cycles; nothing but tests may import `testing`.
 */
export const FOLDER_IMPORTS = {
  // Leaves: they import nothing from src/, so every folder may use them.
  api: [],
  clock: [],
  lifecycle: [],
  logging: [],
  terminal: [],
  chart: [],
  validate: ['api'],
  // Pure cores: decisions over plain data; no I/O folder, no clock (time comes in as a number).
  model: ['api', 'kube/lean-pod', 'kube/lean-node'],
  eviction: ['api', 'model'],
  failover: ['api', 'model', 'kube/lean-pod'],
  metrics: ['model'],
  optimize: ['api', 'metrics', 'model'],
  placement: ['api', 'eviction', 'model'],
  rebalancing: ['api', 'eviction', 'model', 'optimize', 'placement', 'kube/lean-pod'],
  consolidation: ['api', 'rebalancing', 'model', 'placement'],
  simulate: ['api', 'rebalancing', 'consolidation', 'failover', 'model', 'optimize', 'placement'],
  explain: ['api', 'model', 'placement', 'simulate', 'terminal'],
  status: ['api', 'rebalancing', 'failover', 'model', 'simulate', 'terminal'],
  // Kubernetes I/O and the process around it.
  kube: ['clock', 'logging'],
  actuation: ['clock', 'kube', 'logging', 'model'],
  probes: ['api', 'clock', 'failover', 'lifecycle'],
  observability: ['kube', 'lifecycle', 'logging'],
  // Shells: wire the cores to Kubernetes.
  controllers: [
    'actuation',
    'api',
    'rebalancing',
    'clock',
    'consolidation',
    'eviction',
    'failover',
    'kube',
    'lifecycle',
    'logging',
    'metrics',
    'model',
    'observability',
    'optimize',
    'placement',
    'probes',
  ],
  runtime: [
    'actuation',
    'controllers',
    'kube',
    'lifecycle',
    'logging',
    'metrics',
    'model',
    'observability',
    'placement',
    'probes',
  ],
  cli: [
    'api',
    'explain',
    'kube',
    'logging',
    'metrics',
    'observability',
    'probes',
    'runtime',
    'simulate',
    'status',
    'terminal',
    'validate',
  ],
  // Fixture builders for tests.
  testing: [
    'api',
    'rebalancing',
    'controllers',
    'failover',
    'kube',
    'logging',
    'model',
    'placement',
    'probes',
  ],
};

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One rule per folder: a non-test file of `folder` imports nothing under src/ outside its row. */
function folderRule(folder, allowed) {
  const ok = [folder, ...allowed].map((entry) => escape(entry) + (entry.includes('/') ? '\\.' : '/'));
  return {
    name: `folder-${folder}`,
    comment: `src/${folder}/ may import only: ${allowed.join(', ') || 'nothing from src/'} (docs/architecture.md)`,
    severity: 'error',
    from: { path: `^src/${escape(folder)}/`, pathNot: '\\.test\\.ts$' },
    to: { path: '^src/.+/', pathNot: `^src/(${ok.join('|')})` },
  };
}

/** The dependency-cruiser configuration for a folder table; `tsConfig` is omitted for fixture trees. */
export function configFor(folderImports, { tsConfig } = {}) {
  const known = Object.keys(folderImports).map(escape).join('|');
  return {
    forbidden: [
      {
        name: 'no-circular',
        comment: 'An import cycle: modules that cannot be read, tested or loaded one without the other.',
        severity: 'error',
        from: {},
        to: { circular: true },
      },
      {
        name: 'folder-unknown',
        comment: 'A folder of src/ without a row in FOLDER_IMPORTS (.dependency-cruiser.mjs): add one.',
        severity: 'error',
        from: { path: '^src/[^/]+/', pathNot: `^src/(${known})/` },
        to: {},
      },
      {
        name: 'testing-only-in-tests',
        comment: 'src/testing holds fixtures for tests; shipped code does not import it.',
        severity: 'error',
        from: { path: '^src/', pathNot: ['\\.test\\.ts$', '^src/testing/'] },
        to: { path: '^src/testing/' },
      },
      ...Object.entries(folderImports).map(([folder, allowed]) => folderRule(folder, allowed)),
    ],
    options: {
      doNotFollow: { path: 'node_modules' },
      tsPreCompilationDeps: true,
      ...(tsConfig ? { tsConfig: { fileName: tsConfig } } : {}),
    },
  };
}

export default configFor(FOLDER_IMPORTS, { tsConfig: 'tsconfig.json' });
