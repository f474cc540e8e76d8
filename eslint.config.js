// Lint: a lean rule set that catches what tsc and the tests do not, kept small so `npm run lint`
// stays fast and every error is worth reading.
// - Promises: a floating or misused promise in a worker, the lab or a test loses its error (or,
//   in a workflow, its command order). These two need type information, hence the project service.
// - Workflow code (workflows/**, the traffic switches' workflow steps) runs in Temporal's
//   deterministic sandbox: no Node built-ins, no activity/worker/client packages; type-only
//   imports are fine (they vanish at compile time).
// Formatting is prettier's job (`npm run format:check`), not eslint's.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))];

/** Files whose code Temporal's workflow sandbox bundles. */
export const WORKFLOW_FILES = ['workflows/**/*.ts', 'switches/*/workflow-step*.ts', 'switches/*/step*.ts'];

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
