// Lint: a lean rule set that catches what tsc and the tests do not, kept small so `npm run lint`
// stays fast and every error is worth reading.
// - Promises: a floating or misused promise in a worker, the lab or a test loses its error (or,
//   in a workflow, its command order). These two need type information, hence the project service.
// - Workflow code (contract/**, views/**, workflows/** and what it imports: switch steps, analysis checks …) runs in
//   Temporal's deterministic sandbox: no Node built-ins, no activity/worker/client packages; type-only
//   imports are fine (they vanish at compile time).
// Formatting is prettier's job (`npm run format:check`), not eslint's.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))];

/**
 * Files whose code Temporal's workflow sandbox bundles: workflows/** and every file it imports
 * for its values (the traffic switches' steps and registry, analysis checks, config fields …),
 * followed from the bundles' entry points, so the rule keeps up as the code moves.
 */
const WORKFLOW_ENTRY_POINTS = ['workflows/index.ts', 'bench/floor/workflows.ts'];
const WORKFLOW_FILES = ['contract/**/*.ts', 'views/**/*.ts', 'workflows/**/*.ts', ...bundledFiles(WORKFLOW_ENTRY_POINTS)];

/** Relative .ts files reachable from `entries` through imports and re-exports that are not type-only. */
function bundledFiles(entries) {
  const root = import.meta.dirname;
  const seen = new Set();
  const pending = entries.map((entry) => resolve(root, entry));
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement))) continue;
      if (!statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      if (typeOnly(statement) || !statement.moduleSpecifier.text.startsWith('.')) continue;
      pending.push(resolve(dirname(file), statement.moduleSpecifier.text.replace(/\.js$/, '.ts')));
    }
  }
  return [...seen].map((file) => relative(root, file));
}

function typeOnly(statement) {
  if (ts.isExportDeclaration(statement)) return statement.isTypeOnly;
  const clause = statement.importClause;
  if (!clause) return false; // import './x.js': run for its effects
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly);
}

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'test-results/**', 'bin/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      // vitest.config.ts is outside tsconfig.json's include (it is no part of the product).
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // `checksVoidReturn.arguments: false`: an async callback handed to a Node API that ignores
      // its result (server.on('request', async …)) is this code base's idiom; its errors are caught inside.
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: WORKFLOW_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'workflow code runs in the Temporal sandbox: no Node built-ins (do it in an activity)',
            allowTypeImports: true,
          })),
          patterns: [
            {
              group: ['node:*'],
              message: 'workflow code runs in the Temporal sandbox: no Node built-ins (do it in an activity)',
              allowTypeImports: true,
            },
            {
              group: ['@temporalio/activity', '@temporalio/worker', '@temporalio/client', '@temporalio/testing'],
              message: 'workflow code may import @temporalio/workflow and @temporalio/common only',
              allowTypeImports: true,
            },
            {
              // A switch manifest loads its client part with import(/* webpackIgnore: true */ …), unbundled.
              group: ['zod', '**/client.js'],
              message: 'workflow code carries no config code (zod): every workflow context holds a copy of the bundle',
              allowTypeImports: true,
            },
            {
              group: ['**/activities/**', '**/activities.js', '**/*-activities.js'],
              message:
                'workflow code reaches activities through proxyActivities (workflows/activity-proxies.ts); import their types only',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
