// The decision points as notification events, from what the deployment knows at that moment
// (the same words the status shows). Phase modules call these; the notifier sends in the background.
import type { EventInput } from './notifier.js';
import type { PhaseContext } from './phases/context.js';
import type { Outcome, PhaseName } from './types.js';

/** The event with the route (blue → green @ sha) once the plan phase has read it. */
export function notifyEvent(ctx: PhaseContext, input: Omit<EventInput, 'from' | 'to' | 'sha'>): void {
  ctx.notifier.notify({ ...(ctx.sha ? { from: ctx.active, to: ctx.target, sha: ctx.sha } : {}), ...input });
}

export function phaseUrl(ctx: PhaseContext, name: PhaseName): string | undefined {
  return ctx.tracker.status.phases.find((p) => p.name === name)?.url;
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
    command: `npx bluegreen approve ${plan.service} --by <name> [--comment "..."]`,
    ...(tracker.status.waitingFor ? { detail: tracker.status.waitingFor } : {}),
    ...(run ? { runUrl: run } : {}),
  };
  ctx.notifier.notify(waiting);
  return ctx.notifier.remindWhileWaiting(waiting, plan.approval.timeoutMs);
}

/** succeeded (how long it took), failed (where, the run), rolled-back (why, time on the new color) or aborted. */
export function notifyOutcome(ctx: PhaseContext, outcome: Outcome, why: string | undefined): void {
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
  } else if (ctx.human.approval?.kind !== 'reject') {
    notifyEvent(ctx, { type: 'aborted', phase, ...detail });
  }
}
