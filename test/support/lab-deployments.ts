// Helpers of the fault, bad-input and secrets tests: one in-process worker per test file that
// serves deployments against any number of labs (the activities take every URL from the plan,
// and one GitHub client per lab URL), with timing knobs shortened so faults stay cheap.
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, type ExpectStatic } from 'vitest';
import type { GitHubActivityOptions } from '../../activities/github.js';
import type { ProbeOptions } from '../../analysis/probes.js';
import { startDeployment } from '../../client/start-deployment.js';
import { startLab, type Lab, type LabOptions } from '../../lab/index.js';
import type { DeploymentPlan } from '../../contract/types.js';
import { mergeConfig as deepMerge } from '../../lab/merge-config.js';
import { FAST_LAB } from './fixture.js';
import { connectClient, labPlan, startTestWorker, taskQueueFor, type TestWorker } from './harness.js';

export { deepMerge };

export interface LabWorkerOptions {
  /** The token the worker sends to every lab. @default 'lab-token' (the lab's default) */
  token?: string;
  github?: GitHubActivityOptions;
  probes?: ProbeOptions;
}

/** Shorter than the production defaults, never shorter than the lab needs. */
export const FAST_GITHUB: GitHubActivityOptions = {
  dispatchWindowMs: 1_000,
  runDiscoveryPollMs: 100,
  runDiscoveryTimeoutMs: 3_000,
};

export type { TestWorker as LabWorker };

export const startLabWorker = (taskQueue: string, options: LabWorkerOptions = {}): Promise<TestWorker> =>
  startTestWorker(taskQueue, { ...options, github: options.github ?? FAST_GITHUB });

/** Quick settings for deployments that only need to reach an outcome. */
export const QUICK: Record<string, unknown> = {
  verify: { successes: 1, interval: '100ms', timeout: '10s' },
  approval: { required: false },
  monitor: { duration: '300ms', interval: '100ms', failureThreshold: 3 },
  sync: { enabled: false },
};

export async function deployOnLab(
  client: Client,
  lab: Lab,
  taskQueue: string,
  service: string,
  overrides: Record<string, unknown> = {},
): Promise<{ plan: DeploymentPlan; handle: Awaited<ReturnType<typeof startDeployment>> }> {
  const plan = labPlan(lab, service, deepMerge(QUICK, overrides));
  const handle = await startDeployment(client, plan, { taskQueue });
  return { plan, handle };
}

/** What a test file gets from `sharedLabWorker`; `client` and `worker` are there once its tests run. */
export interface SharedLabWorker {
  readonly client: Client;
  readonly worker: TestWorker;
  /** A lab on 127.0.0.1 (FAST_LAB with `options`), closed after the file. */
  newLab(options?: LabOptions): Promise<Lab>;
  /** `deployOnLab` with the file's client and worker. */
  deploy(lab: Lab, service: string, overrides?: Record<string, unknown>): ReturnType<typeof deployOnLab>;
}

/**
 * The set-up of a test file (or describe block) whose tests share one in-process worker, each
 * test starting labs of its own: a client, the worker (`startLabWorker` on a queue named after
 * `name`) and the labs, stopped after the last test (beforeAll/afterAll). Per-test workers
 * would cost each test a worker start; the fixture (fixture.ts) is for tests that need their own.
 */
export function sharedLabWorker(name: string, options: LabWorkerOptions = {}): SharedLabWorker {
  let connection: Connection | undefined;
  const labs: Lab[] = [];
  const shared = {
    newLab: async (labOptions: LabOptions = {}) => {
      const lab = await startLab({ ...FAST_LAB, ...labOptions });
      labs.push(lab);
      return lab;
    },
    deploy: (lab: Lab, service: string, overrides?: Record<string, unknown>) =>
      deployOnLab(shared.client, lab, shared.worker.taskQueue, service, overrides),
  } as { -readonly [K in keyof SharedLabWorker]: SharedLabWorker[K] };
  beforeAll(async () => {
    ({ client: shared.client, connection } = await connectClient());
    shared.worker = await startLabWorker(taskQueueFor(name), options);
  });
  afterAll(async () => {
    await shared.worker?.stop();
    await Promise.all(labs.map((lab) => lab.close()));
    await connection?.close();
  });
  return shared;
}

/** A fault for `injectFault`: GitHub acts on the dispatch of `workflow` (a file name), then the answer is lost once (reset). */
export const lostDispatchAnswer = (workflow: string) => ({
  method: 'POST',
  path: `${workflow.replaceAll('.', '\\.')}/dispatches$`,
  resetConnection: true,
  afterProcessing: true,
  times: 1,
});

/** A service name unique to this run, so reruns never meet an old workflow id. */
export const uniqueService = (name: string): string => `${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

/**
 * What a deployment that switched to green and synced leaves in its lab: traffic on green, one
 * dispatch of each workflow, one switch.
 */
export function expectSwitchedToGreenOnce(expect: ExpectStatic, lab: Lab): void {
  expect(lab.router.activeColor).toBe('green');
  expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
  expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
  expect(lab.github.dispatchCount('deploy-blue.yml')).toBe(1);
  expect(lab.router.switches.map((s) => s.color)).toEqual(['green']);
}
