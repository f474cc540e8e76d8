// plan: check the plan against the worker's policy, read which color is live and the head of the
// other color's branch; start the GitHub Deployment record. Fails when the requested color is
// already live. Deployments from PLAN_READS_PATCH on make those reads in one activity (readPlan);
// older ones replay their separate activities (readOneByOne).
import { patched } from '@temporalio/workflow';
import type { PlanPolicyVerdict } from '../../worker/policy-activities.js';
import { gitHubCalls, quick } from '../activity-proxies.js';
import { DeploymentStop } from '../../contract/failures.js';
import { shortSha } from '../../contract/format.js';
import { PLAN_READS_PATCH } from '../../contract/patches.js';
import { targetColorOf } from '../../contract/types.js';
import { checkGitHubApprovalSetup } from './approval-github.js';
import { checkMetricQueries } from './analysis.js';
import type { PhaseContext } from './context.js';
import { checkNotifyChannels, notifyEvent } from '../notify-points.js';

/** The commits the plan read; `recordPrevious` is false for deployments started before it existed. */
interface Commits {
  sha: string;
  previousSha: string | undefined;
  recordPrevious: boolean;
}

export async function planPhase(ctx: PhaseContext): Promise<void> {
  const { plan, tracker } = ctx;
  tracker.start('plan', `reading the active color from ${plan.publicUrl}${plan.colorPath}`);
  const { sha, previousSha, recordPrevious } = patched(PLAN_READS_PATCH) ? await readAtOnce(ctx) : await readOneByOne(ctx);
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
  tracker.finish(
    'plan',
    'succeeded',
    `${ctx.active} → ${ctx.target} @ ${shortSha(ctx.sha)} (${plan.environments[ctx.target].branch})`,
  );
}

/** Policy, active color and both branch heads in one round trip. */
async function readAtOnce(ctx: PhaseContext): Promise<Commits> {
  const { plan } = ctx;
  const reads = await gitHubCalls(plan).readPlan.executeWithOptions(
    {
      summary:
        `check the plan against the worker's policy; read active color from ${plan.publicUrl}; ` +
        `read head of ${plan.environments.green.branch} and ${plan.environments.blue.branch}`,
    },
    [{ plan }],
  );
  applyPolicy(ctx, reads.policy);
  if (!reads.allowed) throw new Error('readPlan refused a plan without naming a broken rule'); // applyPolicy stopped it
  await checkNotifyChannels(ctx);
  ctx.active = reads.active;
  chooseTarget(ctx);
  if (reads.sha === undefined) throw new Error(`readPlan read no commit for ${ctx.target}`);
  return { sha: reads.sha, previousSha: reads.previousSha, recordPrevious: true };
}

/** The reads of deployments started before PLAN_READS_PATCH, one activity each (same commands on replay). */
async function readOneByOne(ctx: PhaseContext): Promise<Commits> {
  const { plan } = ctx;
  // The worker's policy decides what its credentials may touch, before any request is made.
  if (patched('worker-policy-check')) {
    applyPolicy(
      ctx,
      await quick.checkPlanPolicy.executeWithOptions({ summary: "check the plan against the worker's policy" }, [plan]),
    );
  }
  await checkNotifyChannels(ctx);
  ctx.active = await quick.readActiveColor.executeWithOptions({ summary: `read active color from ${plan.publicUrl}` }, [
    { url: plan.publicUrl + plan.colorPath },
  ]);
  chooseTarget(ctx);
  const head = (branch: string) =>
    gitHubCalls(plan).readBranchHead.executeWithOptions({ summary: `read head of ${branch}` }, [{ github: plan.github, branch }]);
  // What the live color runs, for `bluegreen revert` (its branch head), read alongside the
  // target's. Deployments started before this read only the target's (same commands on replay).
  const recordPrevious = patched('record-previous-sha');
  const [sha, previousSha] = await Promise.all([
    plan.revert?.sha ?? head(plan.environments[ctx.target].branch),
    recordPrevious ? head(plan.environments[ctx.active].branch).catch(() => undefined) : undefined,
  ]);
  return { sha, previousSha, recordPrevious };
}

/** Stops a plan the worker's policy refuses; otherwise takes its approval rules. */
function applyPolicy(ctx: PhaseContext, verdict: PlanPolicyVerdict): void {
  if (verdict.problems.length > 0) {
    const why = `the worker's policy refuses this plan: ${verdict.problems.join('; ')}`;
    ctx.tracker.finish('plan', 'failed', why);
    throw new DeploymentStop('FAILED', why);
  }
  applyApproval(ctx, verdict.approval);
}

/** The target color, once the active one is known; stops when it is already live. */
function chooseTarget(ctx: PhaseContext): void {
  const { plan, tracker } = ctx;
  ctx.target = targetColorOf(plan, ctx.active);
  if (ctx.target !== ctx.active) return;
  tracker.finish('plan', 'failed', `${ctx.target} is already live`);
  throw new DeploymentStop(
    'FAILED',
    plan.revert
      ? `traffic is already on ${ctx.target}: there is nothing to revert`
      : `${ctx.target} is already the active color: deploy to the other color`,
  );
}

/** The approval rules the deployment runs with: the worker's policy, tightened by the plan. */
function applyApproval({ plan, tracker }: PhaseContext, approval: PlanPolicyVerdict['approval']): void {
  Object.assign(plan.approval, {
    required: approval.required,
    approvers: [...approval.approvers],
    minApprovals: approval.minApprovals,
    allowSelfApproval: approval.allowSelfApproval,
    promoters: [...approval.promoters],
    // Policies read by workers from before operators existed answer without them.
    operators: [...(approval.operators ?? [])],
    via: [...approval.via],
  });
  tracker.setApprovalRules(approval);
}
