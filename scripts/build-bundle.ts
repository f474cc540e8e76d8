// `npm run build`, after tsc: bundles the built workflow code into the file the built worker
// loads instead of running webpack at start (both paths as the built worker module says).
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';

async function run(): Promise<void> {
  const builtWorker = new URL('../dist/worker/worker.js', import.meta.url).href;
  const { WORKFLOWS_PATH, BUILT_BUNDLE_PATH } = (await import(builtWorker)) as typeof import('../worker/worker.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  await writeFile(BUILT_BUNDLE_PATH, code);
  console.log(`workflow bundle written to ${BUILT_BUNDLE_PATH} (${code.length} bytes)`);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
