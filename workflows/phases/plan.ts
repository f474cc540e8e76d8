// plan: read which color is live and the head of the other color's branch; start the GitHub
// Deployment record. Fails when the requested color is already live.
import { quick } from '../activity-proxies.js';
import { DeploymentStop } from '../failures.js';
import { shortSha } from '../format.js';
import { otherColor } from '../types.js';
import { checkGitHubApprovalSetup } from './approval-github.js';
import type { PhaseContext } from './context.js';

export async function planPhase(ctx: PhaseContext): Promise<void> {
  const { plan, tracker } = ctx;
  tracker.start('plan', `reading the active color from ${plan.publicUrl}${plan.colorPath}`);
  ctx.active = await quick.readActiveColor.executeWithOptions({ summary: `read active color from ${plan.publicUrl}` }, [
    { url: plan.publicUrl + plan.colorPath },
  ]);
  ctx.target = plan.requestedColor ?? otherColor(ctx.active);
  if (ctx.target === ctx.active) {
    tracker.finish('plan', 'failed', `${ctx.target} is already live`);
    throw new DeploymentStop('FAILED', `${ctx.target} is already the active color: deploy to the other color`);
  }
  const env = plan.environments[ctx.target];
  ctx.sha = await quick.readBranchHead.executeWithOptions({ summary: `read head of ${env.branch}` }, [
    { github: plan.github, branch: env.branch },
  ]);
  tracker.setColors(ctx.active, ctx.target, ctx.sha);
  // The record is for humans: created while the deploy run is dispatched, not before it.
  await ctx.records.create(ctx.active, ctx.target, ctx.sha);
  // Approval via GitHub: an environment without reviewers, or an unknown deployer, stops here.
  await checkGitHubApprovalSetup(ctx);
  tracker.finish('plan', 'succeeded', `${ctx.active} → ${ctx.target} @ ${shortSha(ctx.sha)} (${env.branch})`);
}
