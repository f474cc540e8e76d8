// `validate` with the worker policy at hand (BLUEGREEN_WORKER_POLICY names a readable file): the
// channels bluegreen.yaml names must exist there, and the variables holding their URL and
// signing key must be set in this environment, as they must be in the worker's. The worker
// checks the same again when a deployment plans (checkNotificationChannels), with its own store.
import { channelProblem, channelsFromPolicy, envSecrets } from '../notify/channels.js';
import { channelReferences } from '../contract/notify-events.js';
import { readFile } from 'node:fs/promises';
import { parseWorkerPolicy, POLICY_PATH_VARIABLE } from '../worker/policy.js';
import { ConfigError, type ConfigProblem } from './config.js';
import type { DeploymentPlan } from '../contract/types.js';

export async function notifyPolicyProblems(plan: DeploymentPlan, env: NodeJS.ProcessEnv = process.env): Promise<ConfigProblem[]> {
  const source = env[POLICY_PATH_VARIABLE]?.trim();
  if (!plan.notify || !source) return [];
  const text = await readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(source, [
      { path: '', message: `cannot read the worker policy (${POLICY_PATH_VARIABLE}): ${err.code ?? err.message}` },
    ]);
  });
  // Only the channels this file uses are checked against this environment, not every secret of the policy.
  const policy = parseWorkerPolicy(text, source);
  const channels = channelsFromPolicy(policy.notifications);
  return channelReferences(plan.notify).flatMap(({ channel, path }) => {
    const problem = channelProblem(channel, channels, envSecrets(env));
    return problem ? [{ path, message: problem }] : [];
  });
}
