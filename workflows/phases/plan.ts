// plan: read which color is live and the head of the other color's branch; start the GitHub
// Deployment record. Fails when the requested color is already live.
import { patched } from '@temporalio/workflow';
import { quick } from '../activity-proxies.js';
import { DeploymentStop } from '../failures.js';
import { shortSha } from '../format.js';
import { otherColor } from '../types.js';
import type { PhaseContext } from './context.js';

export async function planPhase(ctx: PhaseContext): Promise<void> {
  const { plan, tracker } = ctx;
  tracker.start('plan', `reading the active color from ${plan.publicUrl}${plan.colorPath}`);
  ctx.active = await quick.readActiveColor.executeWithOptions({ summary: `read active color from ${plan.publicUrl}` }, [
    { url: plan.publicUrl + plan.colorPath },
  ]);
  ctx.target = plan.revert?.color ?? plan.requestedColor ?? otherColor(ctx.active);
  if (plan.revert && ctx.target === ctx.active) {
    tracker.finish('plan', 'failed', `${ctx.target} is already live`);
    throw new DeploymentStop('FAILED', `traffic is already on ${ctx.target}: there is nothing to revert`);
  }
  if (ctx.target === ctx.active) {
    tracker.finish('plan', 'failed', `${ctx.target} is already live`);
    throw new DeploymentStop('FAILED', `${ctx.target} is already the active color: deploy to the other color`);
  }
  const env = plan.environments[ctx.target];
  const head = (branch: string) =>
    quick.readBranchHead.executeWithOptions({ summary: `read head of ${branch}` }, [{ github: plan.github, branch }]);
  // What the live color runs, for `bluegreen revert` (its branch head), read alongside the
  // target's. Deployments started before this read only the target's (same commands on replay).
  const recordPrevious = patched('record-previous-sha');
  const [sha, previousSha] = await Promise.all([
    plan.revert?.sha ?? head(env.branch),
    recordPrevious ? head(plan.environments[ctx.active].branch).catch(() => undefined) : undefined,
  ]);
  ctx.sha = sha;
  if (recordPrevious) {
    tracker.status.previous = { color: ctx.active, ...(previousSha ? { sha: previousSha } : {}), warm: true };
  }
  if (plan.revert) tracker.status.revertOf = plan.revert.of;
  tracker.setColors(ctx.active, ctx.target, ctx.sha);
  // The record is for humans: created while the deploy run is dispatched, not before it.
  await ctx.records.create(ctx.active, ctx.target, ctx.sha);
  tracker.finish('plan', 'succeeded', `${ctx.active} → ${ctx.target} @ ${shortSha(ctx.sha)} (${env.branch})`);
}
