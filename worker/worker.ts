// Builds the bluegreen worker: workflows from the bundle, activities with injected clients.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { BlueGreenActivities } from '../workflows/activity-types.js';
import { DEFAULT_TASK_QUEUE } from '../contract/messages.js';

/** This module runs built (dist/worker/worker.js, the installed package) or from the TypeScript sources. */
const BUILT = import.meta.url.endsWith('.js');
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index.${BUILT ? 'js' : 'ts'}`, import.meta.url));
/** Written by `npm run build` (scripts/build-bundle.ts) from the JavaScript beside it: dist/workflow-bundle.js. */
export const BUILT_BUNDLE_PATH = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

/**
 * The bundle to run instead of bundling the workflow code at start (seconds of webpack): the
 * file BLUEGREEN_WORKFLOW_BUNDLE names, else the built package's own. A checkout bundles its
 * sources, so no stale bundle left in a working tree runs old workflow code.
 */
const prebuiltBundle = (): string | undefined => {
  const path = process.env['BLUEGREEN_WORKFLOW_BUNDLE'];
  if (path) return existsSync(path) ? path : undefined;
  return BUILT && existsSync(BUILT_BUNDLE_PATH) ? BUILT_BUNDLE_PATH : undefined;
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
