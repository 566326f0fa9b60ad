import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/cluster/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    // Style guide: functions ≤ 60 lines. Tests are excluded: a describe block is long by nature.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    // charts/fulcrum/files/helm-test.mjs: the chart's `helm test` check, which reports on stdout.
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'test/**/*.js', 'charts/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
);
