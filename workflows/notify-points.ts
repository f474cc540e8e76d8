// The decision points as notification events, from what the deployment knows at that moment
// (the same words the status shows). Phase modules call these; the notifier sends in the background.
import { channelReferences } from '../contract/notify-events.js';
import { DeploymentStop } from '../contract/failures.js';
import { channelChecker, type EventInput } from './notifier.js';
import type { DeploymentSetup, PhaseContext } from './phases/context.js';
import { VERIFIED_BY_GITHUB } from '../contract/approval-labels.js';
import type { GateStatus, Outcome, PhaseName } from '../contract/types.js';
import type { DONE } from '../contract/vocabulary.js';
import { bluegreenCommand, decisionCommand } from '../contract/commands.js';
import { deprecatedPatch } from '../contract/patches.js';

/** The event with the route (blue → green @ sha) once the plan phase has read it. */
/** An event with the colors and commit once the plan phase has read them. */
export function notifyEvent(ctx: DeploymentSetup, input: Omit<EventInput, 'from' | 'to' | 'sha'>): void {
  const { activeColor: from, targetColor: to, sha } = ctx.tracker.status;
  ctx.notifier.notify({ ...(sha && from && to ? { from, to, sha } : {}), ...input });
}

export function phaseUrl(ctx: DeploymentSetup, name: PhaseName | typeof DONE): string | undefined {
  return ctx.tracker.status.phases.find((p) => p.name === name)?.url;
}

/**
 * In the plan phase, before any request: every channel the plan names must be one this worker
 * declares, with its secrets set; otherwise FAILED in plan, each problem with its field path in
 * bluegreen.yaml (`notify.1.channel: no channel "qa-slak" in the worker policy (known: …)`).
 */
export async function checkNotifyChannels(ctx: DeploymentSetup): Promise<void> {
  const { plan, tracker } = ctx;
  if (!plan.notify) return;
  deprecatedPatch('notify-channel-check');
  const problems = await channelChecker.checkNotificationChannels.executeWithOptions(
    { summary: "check the plan's notification channels against the worker's" },
    [{ references: channelReferences(plan.notify) }],
  );
  if (problems.length === 0) return;
  const why = `the worker cannot notify as bluegreen.yaml asks: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
  tracker.finish('plan', 'failed', why);
  throw new DeploymentStop('FAILED', why);
}

/** approval-waiting, with who may approve and the exact command; reminders until the returned stop() is called. */
export function notifyApprovalWaiting(ctx: PhaseContext): () => void {
  const { plan, tracker } = ctx;
  const run = phaseUrl(ctx, 'deploy');
  const waiting: EventInput = {
    type: 'approval-waiting',
    phase: 'approval',
    ...(ctx.sha ? { from: ctx.active, to: ctx.target, sha: ctx.sha } : {}),
    approvers: plan.approval.approvers,
    command: decisionCommand('approve', plan.service, '[--comment "..."]'),
    ...(tracker.status.waitingFor ? { detail: tracker.status.waitingFor } : {}),
    ...(run ? { runUrl: run } : {}),
  };
  ctx.notifier.notify(waiting);
  return ctx.notifier.remindWhileWaiting(waiting, plan.approval.timeoutMs);
}

/**
 * Approval via GitHub (one per deployment, see gateNoticesOf): approval-waiting when the first gate run waits for reviewers, with the
 * gate run's page on GitHub (where they approve) and who may; reminders link the gate run
 * waiting at that moment. Approved / rejected with the login GitHub verified and the comment.
 */
export function gateNoticesOf(ctx: PhaseContext): GateNotices {
  let notices = gateNotices.get(ctx);
  if (!notices) gateNotices.set(ctx, (notices = new GateNotices(ctx)));
  return notices;
}

const gateNotices = new WeakMap<PhaseContext, GateNotices>();

class GateNotices {
  private enabledNow: boolean | undefined;
  private current: EventInput | undefined;
  private stopReminders: (() => void) | undefined;

  constructor(private readonly ctx: PhaseContext) {}

  /** A gate run waits on GitHub for a review: the first sends approval-waiting, later ones change the link. */
  waiting(gate: GateStatus): void {
    const { ctx } = this;
    const { plan } = ctx;
    if (!this.enabled()) return;
    const run = phaseUrl(ctx, 'deploy');
    const approvers = plan.approval.approvers.length > 0 ? plan.approval.approvers : gate.reviewers;
    this.current = {
      type: 'approval-waiting',
      phase: 'approval',
      ...(ctx.sha ? { from: ctx.active, to: ctx.target, sha: ctx.sha } : {}),
      ...(approvers.length > 0 ? { approvers: [...approvers] } : {}),
      command: `${bluegreenCommand('approve', plan.service, '[--comment "..."]')} (with your own GITHUB_TOKEN)`,
      ...(ctx.tracker.status.waitingFor ? { detail: ctx.tracker.status.waitingFor } : {}),
      ...(gate.url ? { reviewUrl: gate.url } : {}),
      ...(run ? { runUrl: run } : {}),
    };
    if (this.stopReminders) return;
    ctx.notifier.notify(this.current);
    this.stopReminders = ctx.notifier.remindWhileWaiting(() => this.current!, plan.approval.timeoutMs);
  }

  /** Enough approvals counted: by whom (verified), with their comments. */
  approved(logins: string[]): void {
    if (!this.enabled()) return;
    const comments = this.ctx.tracker.status.approvals
      .filter((a) => a.counted && a.decision === 'approved' && a.comment)
      .map((a) => a.comment!);
    const detail = comments.join(' / ');
    notifyEvent(this.ctx, {
      type: 'approved',
      phase: 'approval',
      by: logins.map(verified).join(', '),
      ...(detail ? { detail } : {}),
    });
  }

  rejected(login: string, comment: string): void {
    if (!this.enabled()) return;
    notifyEvent(this.ctx, { type: 'rejected', phase: 'approval', by: verified(login), ...(comment ? { detail: comment } : {}) });
  }

  /** The gate closed (decided, timed out, aborted): no more reminders. */
  stop(): void {
    this.stopReminders?.();
    this.stopReminders = undefined;
  }

  /** Asked once, at the first gate run (the same moment on replay). */
  private enabled(): boolean {
    if (this.enabledNow === undefined && this.ctx.plan.notify !== undefined) deprecatedPatch('notify-github-approval');
    return (this.enabledNow ??= this.ctx.plan.notify !== undefined);
  }
}

const verified = (login: string) => `@${login} (${VERIFIED_BY_GITHUB})`;

/** succeeded (how long it took), failed (where, the run), rolled-back (why, time on the new color) or aborted. */
export function notifyOutcome(ctx: DeploymentSetup, outcome: Outcome, why: string | undefined): void {
  const phase = ctx.tracker.status.phase;
  const detail = why ? { detail: why } : {};
  if (outcome === 'SUCCEEDED') {
    notifyEvent(ctx, { type: 'succeeded', phase: 'done', durationMs: Date.now() - Date.parse(ctx.tracker.status.startedAt) });
  } else if (outcome === 'FAILED') {
    const runUrl = phaseUrl(ctx, phase);
    notifyEvent(ctx, { type: 'failed', phase, ...detail, ...(runUrl ? { runUrl } : {}) });
  } else if (outcome === 'ROLLED_BACK') {
    const sw = ctx.tracker.status.phases.find((p) => p.name === 'switch');
    const since = sw?.endedAt ?? sw?.startedAt;
    notifyEvent(ctx, {
      type: 'rolled-back',
      phase: 'rollback',
      ...detail,
      ...(since ? { durationMs: Date.now() - Date.parse(since) } : {}),
    });
  } else if (ctx.human.approval?.kind !== 'reject' && !ctx.notifier.hasNotified('rejected')) {
    notifyEvent(ctx, { type: 'aborted', phase, ...detail });
  }
}
