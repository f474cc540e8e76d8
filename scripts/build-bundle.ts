// Prebuilds the workflow bundle (the Docker image does this at build time) so a worker
// starts without webpack.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_BUNDLE_PATH, WORKFLOWS_PATH } from '../worker/worker.js';

async function run(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  await mkdir(dirname(PREBUILT_BUNDLE_PATH), { recursive: true });
  await writeFile(PREBUILT_BUNDLE_PATH, code);
  console.log(`workflow bundle written to ${PREBUILT_BUNDLE_PATH} (${code.length} bytes)`);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
