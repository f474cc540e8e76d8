// deploy: dispatch the target color's deploy workflow and wait for its run.
import { deployInputs } from '../dispatch-inputs.js';
import { DeploymentStop } from '../failures.js';
import { GitHubRunFailed, runGitHubWorkflow } from '../github-run.js';
import type { PhaseContext } from './context.js';

export async function deployPhase(ctx: PhaseContext): Promise<void> {
  const env = ctx.plan.environments[ctx.target];
  try {
    await runGitHubWorkflow(ctx, 'deploy', {
      workflow: env.deployWorkflow,
      ref: env.branch,
      inputs: (id) => deployInputs(id, ctx.target, ctx.sha),
      what: 'deploy',
    });
  } catch (err) {
    if (err instanceof GitHubRunFailed) throw new DeploymentStop('FAILED', `${err.message}; traffic untouched on ${ctx.active}`);
    throw err;
  }
  ctx.tracker.finish('deploy', 'succeeded');
  await ctx.records.markInProgress(`deployed to ${ctx.target}, verifying`);
}
