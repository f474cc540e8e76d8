// deploy: dispatch the target color's deploy workflow and wait for its run. With
// `onFailure.deploy: ask` a failed run waits for retry/abort (step-retry.ts); a warm revert
// (the old color still runs the previous SHA) skips the deploy: it only switches back.
import { deployInputs } from '../../contract/dispatch-inputs.js';
import { DeploymentStop } from '../../contract/failures.js';
import { shortSha } from '../../contract/format.js';
import { GitHubRunFailed, runGitHubWorkflow } from '../github-run.js';
import { runWithRetry } from '../step-retry.js';
import type { PhaseContext } from './context.js';

export async function deployPhase(ctx: PhaseContext): Promise<void> {
  const env = ctx.plan.environments[ctx.target];
  if (ctx.plan.revert?.warm) {
    ctx.tracker.finish(
      'deploy',
      'skipped',
      `${ctx.target} still runs ${shortSha(ctx.sha)}: the revert switches back, no redeploy`,
    );
    await ctx.records.markInProgress(`reverting to ${ctx.target}, verifying`);
    return;
  }
  await runWithRetry({
    ...retryOf(ctx),
    phase: 'deploy',
    policy: ctx.plan.onFailure?.deploy,
    run: async (attempt) => {
      if (attempt > 1) ctx.tracker.start('deploy', `attempt ${attempt}: dispatch ${env.deployWorkflow} on ${env.branch} again`);
      try {
        await runGitHubWorkflow(ctx, 'deploy', {
          workflow: env.deployWorkflow,
          ref: env.branch,
          inputs: (id) => deployInputs(id, ctx.target, ctx.sha),
          what: 'deploy',
          attempt,
          // The planned SHA is the branch head the plan read: a found run of another commit is
          // not adopted. A revert deploys an older SHA from the branch's head, so it names none.
          ...(ctx.plan.revert ? {} : { headSha: ctx.sha }),
        });
      } catch (err) {
        if (err instanceof GitHubRunFailed)
          throw new DeploymentStop('FAILED', `${err.message}; traffic untouched on ${ctx.active}`);
        throw err;
      }
    },
  });
  ctx.tracker.finish('deploy', 'succeeded');
  await ctx.records.markInProgress(`deployed to ${ctx.target}, verifying`);
}

/** What every retried step shares: the service, the status and the human decisions it waits on. */
export const retryOf = (ctx: PhaseContext) => ({
  service: ctx.plan.service,
  tracker: ctx.tracker,
  decisions: ctx.human,
});
