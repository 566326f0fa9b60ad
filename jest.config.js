// Jest runs TypeScript as native ES modules: swc strips types (tsc does the type checking in `make lint`),
// and the mapper lets sources keep the `.js` suffix that Node's ESM resolution requires.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } },
  ],
};
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

export default {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    // Pure logic: no cluster, no network, no clock. Tests live beside the code they test.
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'],
    },
    // Everything that talks to Kubernetes, against the real API server started by test/cluster.
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/support/global-setup.js',
      setupFilesAfterEnv: ['<rootDir>/test/integration/support/setup-timeout.js'],
    },
  ],
};
