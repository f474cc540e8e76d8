// Builds the bluegreen worker: workflows from the bundle, activities with injected clients.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { BlueGreenActivities } from '../activities/types.js';
import { DEFAULT_TASK_QUEUE } from '../contract/messages.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** Built by scripts/build-bundle.ts (the Docker image does it at build time). */
export const PREBUILT_BUNDLE_PATH = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

/**
 * The prebuilt bundle is used only where it was built for this exact checkout (the image sets
 * BLUEGREEN_WORKFLOW_BUNDLE): a stale one left in a working tree would run old workflow code.
 */
const prebuiltBundle = (): string | undefined => {
  const path = process.env['BLUEGREEN_WORKFLOW_BUNDLE'];
  return path && existsSync(path) ? path : undefined;
};

export interface BlueGreenWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: BlueGreenActivities;
  /** @default 'bluegreen' */
  taskQueue?: string;
  /** A bundle from bundleWorkflowCode (tests bundle once per file) or a file holding one; by default the prebuilt one, else the sources. */
  workflowBundle?: { code: string } | { codePath: string };
  /** Extra Worker options, e.g. a payload codec's data converter. */
  extra?: Partial<WorkerOptions>;
}

export async function createBlueGreenWorker(options: BlueGreenWorkerOptions): Promise<Worker> {
  const workflowSource =
    options.workflowBundle !== undefined
      ? { workflowBundle: options.workflowBundle }
      : prebuiltBundle()
        ? { workflowBundle: { codePath: prebuiltBundle()! } }
        : { workflowsPath: WORKFLOWS_PATH };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: options.activities as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>,
    ...workflowSource,
    ...options.extra,
  });
}
