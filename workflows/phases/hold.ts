// hold: a release train's service, deployed and verified, waits "ready to switch" until its
// train releases it (every service ready, the train approved, those it comes after switched).
// After its switch and its monitor window it reports to the train again: a service that wants to
// go back waits for the train to roll back in reverse order, a healthy one for the whole train
// before it syncs. Deployments without a train never get here (no commands, no status entry).
import { condition, isCancellation } from '@temporalio/workflow';
import { SELF_DECLARED, VERIFIED_BY_GITHUB } from '../../contract/approval-labels.js';
import { bluegreenCommand } from '../../contract/commands.js';
import { DeploymentStop } from '../../contract/failures.js';
import type { SequenceStep } from '../../contract/vocabulary.js';
import { approvesViaGitHub } from '../approval-rules.js';
import { authorityOf, verifiedOnly } from '../decision-authority.js';
import { trainGateCovers, type TrainLink } from '../train-link.js';
import { approveOnGitHub } from './approval-github.js';
import type { PhaseContext } from './context.js';

export async function holdPhase(ctx: PhaseContext): Promise<void> {
  const link = ctx.train;
  if (!link) return;
  const { tracker, plan } = ctx;
  const name = link.membership.name;
  const covered = trainGateCovers(link.membership, plan.approval);
  const held = `ready to switch: held by release train ${name} until every service is ready${covered ? ' and the train is approved' : ''}`;
  tracker.start('hold', held);
  tracker.setWaitingFor(`release train ${name}: ${bluegreenCommand('train', 'status', name)}`);
  await link.report('ready', { approval: plan.approval, covered });
  // A stop from the train is an abort: it cancels this wait like any abort before traffic moves.
  await condition(() => link.order('switch') !== undefined || link.order('gate') !== undefined);
  const heldGate = !link.order('switch') && link.order('gate') !== undefined;
  if (heldGate) {
    await holdTrainGate(ctx, link);
    tracker.start('hold', `approved on GitHub for release train ${name}: held until the train switches it`);
    await condition(() => link.order('switch') !== undefined);
  }
  tracker.setWaitingFor(undefined);
  const order = link.order('switch')!;
  const approvedBy = order.approvedBy ?? [];
  // A name typed into a signal never stands for a GitHub-verified approval, whoever relays it.
  if (covered && (approvesViaGitHub(plan) || verifiedOnly(authorityOf(plan))) && !order.verifiedOn) {
    const why = `release train ${name} was approved by ${approvedBy.length > 0 ? approvedBy.join(', ') : 'nobody'} (${SELF_DECLARED}), but the worker's policy takes approvals of ${plan.service} only verified by GitHub; traffic untouched`;
    tracker.finish('hold', 'failed', why);
    throw new DeploymentStop('FAILED', why);
  }
  if (covered && approvedBy.length > 0 && !heldGate) {
    const at = new Date().toISOString();
    const label = order.verifiedOn ? `${VERIFIED_BY_GITHUB} on ${order.verifiedOn}` : SELF_DECLARED;
    for (const by of approvedBy) {
      tracker.recordApproval({
        by,
        decision: 'approved',
        at,
        counted: true,
        note: `on the gate of release train ${name}`,
        ...(order.verifiedOn ? { verified: true } : {}),
      });
    }
    const who = order.verifiedOn ? approvedBy.map((by) => `@${by}`).join(', ') : approvedBy.join(', ');
    tracker.finish('approval', 'succeeded', `approved on release train ${name}'s gate by ${who} (${label})`);
  }
  tracker.finish('hold', 'succeeded', `released by train ${name}: switching in its order`);
}

/**
 * This service holds the train's QA gate on GitHub: its own approval phase via GitHub (the same
 * gate runs, rules and records as alone, with the train's count of approvals if higher), each
 * gate run waiting for review reported to the train (QA approves there), then the verified
 * approvals that counted.
 */
async function holdTrainGate(ctx: PhaseContext, link: TrainLink): Promise<void> {
  const { tracker, plan } = ctx;
  const minApprovals = Math.max(plan.approval.minApprovals ?? 1, link.order('gate')?.minApprovals ?? 1);
  const gateCtx: PhaseContext = { ...ctx, plan: { ...plan, approval: { ...plan.approval, minApprovals } } };
  // Nothing of ours in flight while a human decides (a worker may come and go meanwhile).
  await ctx.records.settled();
  let closed = false;
  let reported: number | undefined;
  const reporting = (async () => {
    for (;;) {
      await condition(
        () =>
          closed ||
          (tracker.status.waitingFor !== undefined &&
            tracker.status.gate?.runId !== undefined &&
            tracker.status.gate.runId !== reported),
      );
      if (closed) return;
      reported = tracker.status.gate!.runId;
      await link.report('gate');
    }
  })().catch((err: unknown) => {
    if (!isCancellation(err)) throw err;
  });
  try {
    await approveOnGitHub(gateCtx);
  } finally {
    closed = true;
  }
  await reporting;
  await link.report('approved');
}

/**
 * After a step once traffic may move: tells the train, and lets it decide when to roll back. A
 * healthy monitor waits for the whole train (sync only when every service is healthy); a service
 * that wants to go back waits for the train's rollback order (reverse order). Returns the reason
 * to roll back now, or undefined to go on.
 */
export async function afterStepInTrain(
  ctx: PhaseContext,
  link: TrainLink,
  step: Exclude<SequenceStep, 'plan'>,
  reason: string | undefined,
): Promise<string | undefined> {
  const { tracker } = ctx;
  const name = link.membership.name;
  // Once the train let it go on (to bake and sync), the service is on its own again.
  if (link.order('goOn')) return reason;
  if (reason) {
    if (link.order('rollback')) return reason;
    tracker.setWaitingFor(`release train ${name} to roll back its switched services in reverse order (this one: ${reason})`);
    await link.report('failing', { reason });
    await condition(() => link.order('rollback') !== undefined);
    tracker.setWaitingFor(undefined);
    return reason;
  }
  if (step === 'switch') await link.report('switched');
  if (step !== 'monitor') return undefined;
  tracker.setWaitingFor(`the rest of release train ${name}: sync waits until every service of the train is healthy`);
  await link.report('monitored');
  await condition(() => link.order('goOn') !== undefined || link.order('rollback') !== undefined);
  tracker.setWaitingFor(undefined);
  const rollback = link.order('rollback');
  return rollback ? `release train ${name} rolls back: ${rollback.reason ?? 'no reason given'}` : undefined;
}
