// sync: bring the old color's branch level with the new one (and redeploy the old color from
// it, so a later deployment starts from the same code). Traffic is already on the new color
// and healthy: a failed sync is reported, never fatal.
import { gitHubCalls } from '../activity-proxies.js';
import { deployInputs } from '../../contract/dispatch-inputs.js';
import { describeFailure } from '../../contract/failures.js';
import { GitHubRunFailed, runGitHubWorkflow } from '../github-run.js';
import type { PhaseContext } from './context.js';
import { notifyEvent } from '../notify-points.js';
import { rollbackRequested } from './rollback.js';

/** Syncs (when enabled); a rollback asked for meanwhile still switches back (returns its reason). */
export async function syncPhase(ctx: PhaseContext): Promise<string | undefined> {
  await syncBranches(ctx);
  return ctx.human.rollback ? rollbackRequested(ctx.human.rollback) : undefined;
}

async function syncBranches(ctx: PhaseContext): Promise<void> {
  const { plan, tracker, active } = ctx;
  if (!plan.sync.enabled) return;
  const oldEnv = plan.environments[active];
  const newEnv = plan.environments[ctx.target];
  tracker.start('sync', `bringing ${oldEnv.branch} level with ${newEnv.branch}`);
  try {
    const merge = await gitHubCalls(plan).syncBranch.executeWithOptions(
      { summary: `merge ${newEnv.branch} into ${oldEnv.branch}` },
      [
        {
          github: plan.github,
          base: oldEnv.branch,
          head: newEnv.branch,
          commitMessage: `bluegreen: sync ${oldEnv.branch} with ${newEnv.branch} (${plan.deploymentId})`,
        },
      ],
    );
    if (plan.sync.redeploy) {
      const sha = merge.sha ?? ctx.sha;
      // From here the old color no longer runs what it ran before: a revert must redeploy it.
      tracker.previousRedeployed();
      await runGitHubWorkflow(ctx, 'sync', {
        workflow: oldEnv.deployWorkflow,
        ref: oldEnv.branch,
        inputs: (id) => deployInputs(id, active, sha),
        what: 'sync',
      });
    }
    tracker.finish('sync', 'succeeded', `${oldEnv.branch} ${merge.result === 'merged' ? 'merged' : 'already level'}`);
  } catch (err) {
    const why = err instanceof GitHubRunFailed ? `redeploy of ${active} ${err.description}` : describeFailure(err);
    tracker.finish('sync', 'failed', why);
    notifyEvent(ctx, { type: 'sync-failed', phase: 'sync', detail: why });
  }
}
