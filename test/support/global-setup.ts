// One real Temporal dev server for the whole test run (the Temporal CLI that scripts/setup.sh
// built into .tools/bin), with the four search attributes registered and its Web UI on (for
// test/web-ui.test.ts). Set BLUEGREEN_TEST_TEMPORAL_ADDRESS to use a server that is already
// running instead (and BLUEGREEN_TEST_TEMPORAL_UI_URL for its UI; default: port + 1000).
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes.js';

export const TEMPORAL_CLI = process.env['TEMPORAL_CLI'] ?? fileURLToPath(new URL('../../.tools/bin/temporal', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCli: string;
    /** The dev server's Web UI, e.g. http://127.0.0.1:PORT */
    temporalUiUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const existing = process.env['BLUEGREEN_TEST_TEMPORAL_ADDRESS'];
  if (existing) {
    project.provide('temporalAddress', existing);
    project.provide('temporalCli', TEMPORAL_CLI);
    const [host, port] = existing.split(':');
    project.provide('temporalUiUrl', process.env['BLUEGREEN_TEST_TEMPORAL_UI_URL'] ?? `http://${host}:${Number(port) + 1000}`);
    return;
  }
  if (!existsSync(TEMPORAL_CLI)) {
    throw new Error(`no Temporal CLI at ${TEMPORAL_CLI}: run \`npm run setup\` (or npm test, which runs it) first`);
  }
  const uiPort = await freePort();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      ui: true,
      uiPort,
      searchAttributes: ALL_SEARCH_ATTRIBUTE_KEYS,
      extraArgs: [
        '--dynamic-config-value',
        'frontend.enableUpdateWorkflowExecution=true',
        // As in docker-compose.yml: an activity scheduled by a workflow task goes straight back to that worker.
        '--dynamic-config-value',
        'system.enableActivityEagerExecution=true',
      ],
    },
  });
  project.provide('temporalAddress', env.address);
  project.provide('temporalCli', TEMPORAL_CLI);
  project.provide('temporalUiUrl', `http://127.0.0.1:${uiPort}`);
  return async () => {
    await env.teardown();
  };
}

/** A loopback port nobody listens on right now (the dev server binds it a moment later). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
