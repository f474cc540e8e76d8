// Per-test-file helpers: a client on the shared dev server, one workflow bundle per file,
// workers with the real activities pointed at a real lab. Nothing here mocks Temporal or Octokit.
import { mergeConfig as deepMerge } from '../../lab/merge-config.js';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities, type ActivityDeps } from '../../worker/activities.js';
import { createGitHubClientCache } from '../../activities/octokit.js';
import { parseConfigText } from '../../client/config.js';
import { resolvePlan } from '../../client/plan.js';
import type { Lab } from '../../lab/index.js';
import { LAB_WORKER_POLICY } from '../../lab/worker-policy.js';
import { createBlueGreenWorker, WORKFLOWS_PATH } from '../../worker/worker.js';
import type { blueGreenDeployment } from '../../workflows/blue-green-deployment.js';
import { statusQuery } from '../../contract/messages.js';
import type { Color, DeploymentPlan, DeploymentStatus } from '../../contract/types.js';
import { stringify } from 'yaml';

// Worker chatter at INFO drowns the test report; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed by another module of this test file.
}

let bundle: Promise<{ code: string }> | undefined;
export const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }));

const nothing = () => undefined;
/** A logger for bundleWorkflowCode that says nothing at all (for bundles a test builds itself). */
export const silentLogger = { log: nothing, trace: nothing, debug: nothing, info: nothing, warn: nothing, error: nothing };

const quietLogger = {
  ...silentLogger,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export const temporalAddress = () => inject('temporalAddress');

export async function connectClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: temporalAddress() });
  return { client: new Client({ connection, namespace: 'default' }), connection };
}

/** A task queue of its own per test, so workers of other tests never pick up its tasks. */
export const taskQueueFor = (name: string) => `test-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${Date.now() % 100000}`;

export interface TestWorkerOptions {
  /** The token the worker sends to GitHub (the lab). @default 'lab-token' (the lab's default) */
  token?: string;
  /** The worker's environment (secrets the plan names). @default {} */
  env?: NodeJS.ProcessEnv;
  /** Octokit's own retries of 5xx and resets. @default the client's default */
  retries?: number;
  /** @default the client's default (1 s, as GitHub asks) */
  writeSpacingMs?: number;
  github?: ActivityDeps['githubOptions'];
  probes?: ActivityDeps['probeOptions'];
  dns?: NonNullable<ActivityDeps['switchOptions']>['dns'];
  /** The worker policy. @default LAB_WORKER_POLICY (all of loopback, approval as the plan says) */
  policy?: ActivityDeps['policy'];
  /** The worker's notification channels and their secrets. @default none */
  notify?: ActivityDeps['notify'];
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A worker with the real activities on the shared dev server, running until `stop`. */
export async function startTestWorker(taskQueue: string, options: TestWorkerOptions = {}): Promise<TestWorker> {
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await createBlueGreenWorker({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      github: createGitHubClientCache({
        auth: { kind: 'token', token: options.token ?? 'lab-token' },
        ...(options.retries === undefined ? {} : { retries: options.retries }),
        ...(options.writeSpacingMs === undefined ? {} : { writeSpacingMs: options.writeSpacingMs }),
      }),
      env: options.env ?? {},
      policy: options.policy ?? LAB_WORKER_POLICY,
      ...(options.github ? { githubOptions: options.github } : {}),
      ...(options.probes ? { probeOptions: options.probes } : {}),
      ...(options.dns ? { switchOptions: { dns: options.dns } } : {}),
      ...(options.notify ? { notify: options.notify } : {}),
    }),
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** A worker for `lab` (its token, two Octokit retries) with `env` as its environment. */
export const startWorker = (lab: Pick<Lab, 'token'>, taskQueue: string, env: NodeJS.ProcessEnv = {}): Promise<TestWorker> =>
  startTestWorker(taskQueue, { token: lab.token, env, retries: 2 });

/** A plan for the lab's example config with overrides deep-merged in (as YAML would have them). */
export function labPlan(
  lab: Pick<Lab, 'exampleConfig'>,
  service: string,
  overrides: Record<string, unknown> = {},
  color?: Color,
): DeploymentPlan {
  // Tests poll the lab quickly; the shipped default (3s) is for real GitHub.
  const config = deepMerge(
    deepMerge(lab.exampleConfig(service), { deploy: { pollInterval: '100ms', runTimeout: '2m' } }),
    overrides,
  );
  const parsed = parseConfigText(stringify(config), `${service}.yaml`);
  return resolvePlan(parsed, { requestedBy: 'test', ...(color ? { color } : {}) });
}

/**
 * Reads a status with `read` every 100 ms until `predicate` holds (bounded); `read` may answer
 * undefined (no status yet). `what` names it in the error.
 */
export async function pollStatus(
  read: () => Promise<DeploymentStatus | undefined>,
  predicate: (s: DeploymentStatus) => boolean,
  timeoutMs = 30_000,
  what = 'status',
): Promise<DeploymentStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: DeploymentStatus | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** Polls the status query until `predicate` holds (bounded). */
export const waitForStatus = (
  handle: WorkflowHandle<typeof blueGreenDeployment>,
  predicate: (s: DeploymentStatus) => boolean,
  timeoutMs = 30_000,
): Promise<DeploymentStatus> => pollStatus(() => handle.query(statusQuery), predicate, timeoutMs);

export const waitingForApproval = (s: DeploymentStatus) => s.phase === 'approval' && s.waitingFor !== undefined;
