import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * Dependency rules, checked by `npm run lint` so they stay true: no import cycles; pipelines/ is
 * a leaf (task code imports only pipelines/ and npm packages, so pipelines outside Vera's tree can
 * use it); runner/ never opens the database; server domains in layers; faces above domains; the web
 * app and the Action import no server code (generated types and contracts/ only). docs/architecture.md explains them, and
 * test/lint/dependency-rules.test.ts shows them failing on violations.
 */
function domainLayers(layers) {
  return layers.slice(0, -1).map((layer, i) => ({
    target: `./server/${layer}`,
    from: layers.slice(i + 1).map((above) => `./server/${above}`),
    message: `server/${layer} is below ${layers.slice(i + 1).join(', ')}: it may not import them (emit an event instead).`,
  }));
}

export const dependencyRules = {
  'import-x/no-cycle': ['error', { ignoreExternal: true }],
  'import-x/no-restricted-paths': [
    'error',
    {
      zones: [
        { target: './pipelines', from: ['./server', './runner', './cli'], message: 'pipelines/ is a leaf: task code imports only pipelines/ and npm packages.' },
        { target: './runner', from: './server/db', message: 'runner/ never opens the database: only the server writes it (planning lives in server/runs).' },
        // Domains in layers, each using only those below it: db < auth < repo < git < runs <
        // apdb < replay < metrics < ci < analysis. Upward news travels as events (server/events); only faces see app.ts.
        ...domainLayers(['db', 'auth', 'repo', 'git', 'runs', 'apdb', 'replay', 'metrics', 'ci', 'analysis']),
        // The web app and the Action are clients: they reach Vera over GraphQL, with types generated
        // from the schema into their own generated/ folder, and share only contracts/ with the server.
        {
          target: ['./dashboard', './gh-actions'],
          from: ['./server', './runner', './cli', './pipelines'],
          message: 'dashboard/ and gh-actions/ import no server code: use the types `npm run codegen` generates from the schema (their generated/ folder) or contracts/.',
        },
        {
          target: './contracts',
          from: ['./server', './runner', './cli', './pipelines', './dashboard', './gh-actions'],
          message: 'contracts/ is shared by the server and its clients: it imports nothing of theirs.',
        },
        {
          target: ['./server/db', './server/jobs', './server/auth', './server/repo', './server/ingest', './server/git', './server/runs', './server/apdb', './server/replay', './server/metrics', './server/ci', './server/dashboards', './server/events', './server/analysis'],
          from: ['./server/app.ts', './server/graphql', './server/http', './cli'],
          message: 'domain code is called by the faces, never the other way; domains talk through events, not app.ts.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '**/dist/**', '.vera/**', 'migrations/**', 'test/artifacts/**', '.scratch/**', '.test-tmp/**', '**/generated/**'] },
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
    // The launcher is CommonJS (bin/package.json): it starts faster than an ES module.
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['server/**', 'runner/**', 'pipelines/**', 'cli/**', 'contracts/**', 'dashboard/src/**', 'gh-actions/**'],
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
