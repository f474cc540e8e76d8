// approval: the QA gate. Waits (durably, for days if need be) for an approve or reject from
// someone on the approvers list; no decision within the timeout aborts, traffic untouched.
// Via GitHub (approval-github.ts) GitHub says who decided; via a signal the sender names
// themselves, and the status calls that self-declared.
import { condition } from '@temporalio/workflow';
import { deprecatedPatch } from '../../contract/patches.js';
import { SELF_DECLARED } from '../../contract/approval-labels.js';
import { approvalRulesOf, approvesViaGitHub } from '../approval-rules.js';
import { DeploymentStop } from '../../contract/failures.js';
import { formatDuration, orList } from '../../contract/format.js';
import { notifyApprovalWaiting, notifyEvent } from '../notify-points.js';
import { approveOnGitHub } from './approval-github.js';
import type { PhaseContext } from './context.js';
import { trainGateCovers } from '../train-link.js';
import { decisionCommand } from '../../contract/commands.js';

export async function approvalPhase(ctx: PhaseContext): Promise<void> {
  const { plan, tracker, human } = ctx;
  // A release train's one gate approves this service at its hold (phases/hold.ts).
  if (ctx.train && trainGateCovers(ctx.train.membership, plan.approval)) return;
  if (!plan.approval.required) return;
  // Nothing of ours in flight while a human decides (a worker may come and go meanwhile).
  await ctx.records.settled();
  if (approvesViaGitHub(plan)) return approveOnGitHub(ctx);
  const approvers = plan.approval.approvers;
  const needed = approvalRulesOf(plan).minApprovals;
  const who = `${needed > 1 ? `${needed} different people among ` : ''}${approvers.length > 0 ? orList(approvers) : 'anyone'}`;
  tracker.start('approval', `waiting up to ${formatDuration(plan.approval.timeoutMs)} for ${who}`);
  const warning =
    plan.hooks.postSync.length > 0
      ? ` Note: after monitoring, the post-sync hooks (${plan.hooks.postSync.map((h) => h.name).join(', ')}) are a point of no return: rollback will no longer be possible.`
      : '';
  tracker.setWaitingFor(
    `approval by ${who}: ${decisionCommand('approve', plan.service, '[--comment "..."]')}` +
      ` (or: ${decisionCommand('reject', plan.service, '--reason "..."')})` +
      warning,
  );
  human.approvalOpen = true;
  const stopReminders = notifyApprovalWaiting(ctx);
  const decided = await condition(() => human.approval !== undefined, plan.approval.timeoutMs);
  stopReminders();
  human.approvalOpen = false;
  tracker.setWaitingFor(undefined);
  if (!decided || !human.approval) {
    tracker.finish('approval', 'failed', 'timed out');
    throw new DeploymentStop('ABORTED', `no approval within ${formatDuration(plan.approval.timeoutMs)}; traffic untouched`);
  }
  const { kind, text } = human.approval;
  // With minApprovals above 1, everyone whose approval counted.
  const counted = kind === 'approve' && human.approvedBy && human.approvedBy.length > 0 ? human.approvedBy : [human.approval];
  const by = counted.map((d) => d.by).join(', ');
  notifyEvent(ctx, {
    type: kind === 'reject' ? 'rejected' : 'approved',
    phase: 'approval',
    // Chat messages carry the honest label too: the name was typed by whoever sent the signal.
    by: `${by} (${SELF_DECLARED})`,
    ...(text ? { detail: text } : {}),
  });
  if (kind === 'reject') {
    tracker.finish('approval', 'failed', `rejected by ${by} (${SELF_DECLARED})`);
    throw new DeploymentStop('ABORTED', `rejected by ${by} (${SELF_DECLARED}): ${text ?? 'no reason given'}; traffic untouched`);
  }
  tracker.finish('approval', 'succeeded', `approved by ${by} (${SELF_DECLARED})${text ? `: ${text}` : ''}`);
  // The repository's Environments page says it too, as plainly as the status does.
  deprecatedPatch('signal-approval-deployment-status');
  await ctx.records.markInProgress(`approved by ${by} (${SELF_DECLARED}); switching traffic`);
}
