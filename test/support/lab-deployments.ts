// Helpers of the fault, bad-input and secrets tests: one in-process worker per test file that
// serves deployments against any number of labs (the activities take every URL from the plan,
// and one GitHub client per lab URL), with timing knobs shortened so faults stay cheap.
import type { Client } from '@temporalio/client';
import type { ExpectStatic } from 'vitest';
import type { GitHubActivityOptions } from '../../activities/github.js';
import type { ProbeOptions } from '../../activities/probes.js';
import { startDeployment } from '../../client/start-deployment.js';
import type { Lab } from '../../lab/index.js';
import type { DeploymentPlan } from '../../workflows/types.js';
import { mergeConfig as deepMerge } from '../../lab/merge-config.js';
import { labPlan, startTestWorker, type TestWorker } from './harness.js';

export { deepMerge };

export interface LabWorkerOptions {
  /** The token the worker sends to every lab. @default 'lab-token' (the lab's default) */
  token?: string;
  github?: GitHubActivityOptions;
  probes?: ProbeOptions;
}

/** Shorter than the production defaults, never shorter than the lab needs. */
export const FAST_GITHUB: GitHubActivityOptions = {
  dispatchGraceMs: 1_000,
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
