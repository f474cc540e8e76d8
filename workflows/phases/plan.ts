// plan: read which color is live and the head of the other color's branch; start the GitHub
// Deployment record. Fails when the requested color is already live.
import { patched } from '@temporalio/workflow';
import type { PlanPolicyVerdict } from '../../activities/policy.js';
import { gitHubCalls, quick } from '../activity-proxies.js';
import { DeploymentStop } from '../failures.js';
import { shortSha } from '../format.js';
import { otherColor } from '../types.js';
import { checkGitHubApprovalSetup } from './approval-github.js';
import { checkMetricQueries } from './analysis.js';
import type { PhaseContext } from './context.js';
import { checkNotifyChannels, notifyEvent } from '../notify-points.js';

export async function planPhase(ctx: PhaseContext): Promise<void> {
  const { plan, tracker } = ctx;
  tracker.start('plan', `reading the active color from ${plan.publicUrl}${plan.colorPath}`);
  // The worker's policy decides what its credentials may touch, before any request is made.
  if (patched('worker-policy-check')) {
    const verdict = await quick.checkPlanPolicy.executeWithOptions({ summary: "check the plan against the worker's policy" }, [
      plan,
    ]);
    if (verdict.problems.length > 0) {
      const why = `the worker's policy refuses this plan: ${verdict.problems.join('; ')}`;
      tracker.finish('plan', 'failed', why);
      throw new DeploymentStop('FAILED', why);
    }
    applyApproval(ctx, verdict.approval);
  }
  await checkNotifyChannels(ctx);
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
    gitHubCalls(plan).readBranchHead.executeWithOptions({ summary: `read head of ${branch}` }, [{ github: plan.github, branch }]);
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
  notifyEvent(ctx, { type: 'started', phase: 'plan', by: ctx.plan.requestedBy });
  await checkMetricQueries(ctx);
  // The record is for humans: created while the deploy run is dispatched, not before it.
  await ctx.records.create(ctx.active, ctx.target, ctx.sha);
  // Approval via GitHub: an environment without reviewers, or an unknown deployer, stops here.
  await checkGitHubApprovalSetup(ctx);
  tracker.finish('plan', 'succeeded', `${ctx.active} → ${ctx.target} @ ${shortSha(ctx.sha)} (${env.branch})`);
}

/** The approval rules the deployment runs with: the worker's policy, tightened by the plan. */
function applyApproval({ plan, tracker }: PhaseContext, approval: PlanPolicyVerdict['approval']): void {
  Object.assign(plan.approval, {
    required: approval.required,
    approvers: [...approval.approvers],
    minApprovals: approval.minApprovals,
    allowSelfApproval: approval.allowSelfApproval,
    promoters: [...approval.promoters],
    via: [...approval.via],
  });
  tracker.status.approvers = [...approval.approvers];
  tracker.status.promoters = [...approval.promoters];
  const entry = tracker.phaseEntry('approval');
  if (approval.required && entry.state === 'skipped') entry.state = 'pending';
}
