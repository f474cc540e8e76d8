// One real Temporal dev server for the whole test run (lab/temporal-dev-server.ts: the CLI that
// scripts/setup.sh built into .tools/bin, set up as the demo's and the benches'), with its Web UI
// on (for test/web-ui.test.ts). Set BLUEGREEN_TEST_TEMPORAL_ADDRESS to use a server that is already
// running instead (and BLUEGREEN_TEST_TEMPORAL_UI_URL for its UI; default: port + 1000).
import type { TestProject } from 'vitest/node';
import { startDevServer, TEMPORAL_CLI } from '../../lab/temporal-dev-server.js';

export { TEMPORAL_CLI };

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
  const server = await startDevServer({ cli: TEMPORAL_CLI, ui: true });
  project.provide('temporalAddress', server.address);
  project.provide('temporalCli', TEMPORAL_CLI);
  project.provide('temporalUiUrl', server.uiUrl!);
  return async () => {
    await server.stop();
  };
}
