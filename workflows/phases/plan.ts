// plan: check the plan against the worker's policy, read which color is live and the head of the
// other color's branch; start the GitHub Deployment record. Fails when the requested color is
// already live. The reads are one activity (readPlan).
import type { PlanPolicyVerdict } from '../../contract/policy-verdict.js';
import { gitHubCalls } from '../activity-proxies.js';
import { DeploymentStop } from '../../contract/failures.js';
import { shortSha } from '../../contract/format.js';
import { deprecatedPatch } from '../../contract/patches.js';
import { targetColorOf, type ApprovalPlan, type Color } from '../../contract/types.js';
import { checkGitHubApprovalSetup } from './approval-github.js';
import { checkMetricQueries } from './analysis.js';
import { phaseContext, type DeploymentSetup, type PlanFound } from './context.js';
import { checkNotifyChannels, notifyEvent } from '../notify-points.js';

/** What the reads found. */
interface Reads {
  active: Color;
  target: Color;
  sha: string;
  previousSha: string | undefined;
  approval: ApprovalPlan;
}

/** Reads where traffic is and what to deploy; returns it (the sequence builds every later phase's context from it). */
export async function planPhase(setup: DeploymentSetup): Promise<PlanFound> {
  const { plan, tracker } = setup;
  tracker.start('plan', `reading the active color from ${plan.publicUrl}${plan.colorPath}`);
  deprecatedPatch('plan-reads-in-one-activity'); // once per deployment: the Notifier may have asked first
  const reads = await readAtOnce(setup);
  const found: PlanFound = { active: reads.active, target: reads.target, sha: reads.sha, approval: reads.approval };
  const ctx = phaseContext(setup, found);
  const { active, target, sha } = ctx;
  const previous = { color: active, ...(reads.previousSha ? { sha: reads.previousSha } : {}), warm: true };
  tracker.setPrevious(previous, plan.revert?.of);
  tracker.setColors(active, target, sha);
  notifyEvent(ctx, { type: 'started', phase: 'plan', by: plan.requestedBy });
  await setup.train?.planned();
  await checkMetricQueries(ctx);
  // The record is for humans: created while the deploy run is dispatched, not before it.
  await ctx.records.create(active, target, sha);
  // Approval via GitHub: an environment without reviewers, or an unknown deployer, stops here.
  await checkGitHubApprovalSetup(ctx);
  tracker.finish('plan', 'succeeded', `${active} → ${target} @ ${shortSha(sha)} (${plan.environments[target].branch})`);
  return found;
}

/** Policy, active color and both branch heads in one round trip. */
async function readAtOnce(setup: DeploymentSetup): Promise<Reads> {
  const { plan } = setup;
  const reads = await gitHubCalls(plan).readPlan.executeWithOptions(
    {
      summary:
        `check the plan against the worker's policy; read active color from ${plan.publicUrl}; ` +
        `read head of ${plan.environments.green.branch} and ${plan.environments.blue.branch}`,
    },
    [{ plan }],
  );
  const approval = applyPolicy(setup, reads.policy);
  if (!reads.allowed) throw new Error('readPlan refused a plan without naming a broken rule'); // applyPolicy stopped it
  await checkNotifyChannels(setup);
  const target = chooseTarget(setup, reads.active);
  if (reads.sha === undefined) throw new Error(`readPlan read no commit for ${target}`);
  return { active: reads.active, target, sha: reads.sha, previousSha: reads.previousSha, approval };
}

/** Stops a plan the worker's policy refuses; otherwise returns the approval rules the deployment runs with. */
function applyPolicy({ plan, tracker }: DeploymentSetup, verdict: PlanPolicyVerdict): ApprovalPlan {
  if (verdict.problems.length > 0) {
    const why = `the worker's policy refuses this plan: ${verdict.problems.join('; ')}`;
    tracker.finish('plan', 'failed', why);
    throw new DeploymentStop('FAILED', why);
  }
  // The worker's policy, tightened by the plan.
  const { approval } = verdict;
  tracker.setApprovalRules(approval);
  return {
    ...plan.approval,
    required: approval.required,
    approvers: [...approval.approvers],
    minApprovals: approval.minApprovals,
    allowSelfApproval: approval.allowSelfApproval,
    promoters: [...approval.promoters],
    // Policies read by workers from before operators existed answer without them.
    operators: [...(approval.operators ?? [])],
    via: [...approval.via],
  };
}

/** The target color, once the active one is known; stops when it is already live. */
function chooseTarget({ plan, tracker }: DeploymentSetup, active: Color): Color {
  const target = targetColorOf(plan, active);
  if (target !== active) return target;
  tracker.finish('plan', 'failed', `${target} is already live`);
  throw new DeploymentStop(
    'FAILED',
    plan.revert
      ? `traffic is already on ${target}: there is nothing to revert`
      : `${target} is already the active color: deploy to the other color`,
  );
}
