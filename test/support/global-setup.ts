// One real Temporal dev server for the whole test run (the Temporal CLI that scripts/setup.sh
// built into .tools/bin), with the four search attributes registered. Set
// BLUEGREEN_TEST_TEMPORAL_ADDRESS to use a server that is already running instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes.js';

export const TEMPORAL_CLI = process.env['TEMPORAL_CLI'] ?? fileURLToPath(new URL('../../.tools/bin/temporal', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCli: string;
  }
}

export default async function setup(project: TestProject) {
  const existing = process.env['BLUEGREEN_TEST_TEMPORAL_ADDRESS'];
  if (existing) {
    project.provide('temporalAddress', existing);
    project.provide('temporalCli', TEMPORAL_CLI);
    return;
  }
  if (!existsSync(TEMPORAL_CLI)) {
    throw new Error(`no Temporal CLI at ${TEMPORAL_CLI}: run \`npm run setup\` (or npm test, which runs it) first`);
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      searchAttributes: ALL_SEARCH_ATTRIBUTE_KEYS,
      extraArgs: ['--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true'],
    },
  });
  project.provide('temporalAddress', env.address);
  project.provide('temporalCli', TEMPORAL_CLI);
  return async () => {
    await env.teardown();
  };
}
