import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * Dependency rules, checked by `npm run lint` so they stay true: no import cycles, and pipelines/
 * is a leaf (task code imports only pipelines/ and npm packages, so pipelines outside Vera's tree
 * can use it). test/lint/dependency-rules.test.ts shows each rule failing on a violation.
 */
export const dependencyRules = {
  'import-x/no-cycle': ['error', { ignoreExternal: true }],
  'import-x/no-restricted-paths': [
    'error',
    {
      zones: [
        { target: './pipelines', from: ['./server', './runner', './cli'], message: 'pipelines/ is a leaf: task code imports only pipelines/ and npm packages.' },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '**/dist/**', '.vera/**', 'migrations/**', 'test/artifacts/**', '.scratch/**', '.test-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['server/**', 'runner/**', 'pipelines/**', 'cli/**', 'dashboard/src/**', 'gh-actions/**'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
      // Dependencies are parsed to follow cycles through them: TypeScript files need its parser.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: dependencyRules,
  },
);
