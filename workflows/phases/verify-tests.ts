// verify.tests: the team's own GitHub Actions workflows against the target color's
// URL, dispatched once each like every dispatch, beside the metric analysis (phases/analysis.ts,
// phases/verify-window.ts). A failed run fails verify naming its job and step.
import { DeploymentStop } from '../../contract/failures.js';
import { GitHubRunFailed, runGitHubWorkflow } from '../github-run.js';
import { runWithRetry, type Turns } from '../step-retry.js';
import type { VerifyTestPlan } from '../../contract/types.js';
import type { PhaseContext } from './context.js';
import { retryOf } from './deploy.js';
import { deprecatedPatch } from '../../contract/patches.js';

/**
 * One test workflow; with `onFailure.tests: ask` a failed run waits for retry (a new run, its
 * correlation id `<id>.test-<name>.<attempt>`) or abort while the other tests go on; failures
 * of tests side by side ask in turn.
 */
export async function runTest(ctx: PhaseContext, test: VerifyTestPlan, asking: Turns): Promise<void> {
  const policy = ctx.plan.onFailure?.tests;
  if (policy) deprecatedPatch('verify-tests-retry');
  await runWithRetry({
    ...retryOf(ctx),
    phase: 'verify',
    step: `test-${test.name}`,
    policy,
    asking,
    run: (attempt) => runTestOnce(ctx, test, attempt),
  });
}

async function runTestOnce(ctx: PhaseContext, test: VerifyTestPlan, attempt: number): Promise<void> {
  const { tracker } = ctx;
  const url = ctx.plan.environments[ctx.target].url;
  const fill = (text: string) =>
    text.replace(/\{\{\s*(url|color|sha)\s*\}\}/g, (_, name: string) =>
      name === 'url' ? url : name === 'color' ? ctx.target : ctx.sha,
    );
  if (attempt > 1) tracker.start('verify', `attempt ${attempt}: dispatch test ${test.name} (${test.workflow}) again`);
  tracker.setTest({ name: test.name, workflow: test.workflow, state: 'running' });
  try {
    const run = await runGitHubWorkflow(ctx, 'verify', {
      workflow: test.workflow,
      ref: test.ref,
      step: `test-${test.name}`,
      attempt,
      inputs: (id) => ({ ...Object.fromEntries(Object.entries(test.inputs).map(([k, v]) => [k, fill(v)])), deployment_id: id }),
      what: `verify test ${test.name}`,
      timeoutMs: test.timeoutMs,
    });
    tracker.setTest({ name: test.name, workflow: test.workflow, state: 'succeeded', url: run.url });
  } catch (err) {
    if (err instanceof GitHubRunFailed) {
      tracker.setTest({
        name: test.name,
        workflow: test.workflow,
        state: 'failed',
        url: err.result.url,
        detail: err.description,
      });
      throw new DeploymentStop(
        'FAILED',
        `verify failed: test ${test.name} (${test.workflow}) ${err.description}; traffic untouched on ${ctx.active}`,
      );
    }
    if (err instanceof DeploymentStop) {
      tracker.setTest({ name: test.name, workflow: test.workflow, state: 'failed', detail: err.message });
      throw new DeploymentStop('FAILED', `verify failed: test ${test.name}: ${err.message}; traffic untouched on ${ctx.active}`);
    }
    throw err;
  }
}
