// hold: a release train's service, deployed and verified, waits "ready to switch" until its
// train releases it (every service ready, the train approved, those it comes after switched).
// After its switch and its monitor window it reports to the train again: a service that wants to
// go back waits for the train to roll back in reverse order, a healthy one for the whole train
// before it syncs. Deployments without a train never get here (no commands, no status entry).
import { condition } from '@temporalio/workflow';
import { SELF_DECLARED } from '../../contract/approval-labels.js';
import { bluegreenCommand } from '../../contract/commands.js';
import type { SequenceStep } from '../../contract/vocabulary.js';
import { trainGateCovers, type TrainLink } from '../train-link.js';
import type { PhaseContext } from './context.js';

export async function holdPhase(ctx: PhaseContext): Promise<void> {
  const link = ctx.train;
  if (!link) return;
  const { tracker, plan } = ctx;
  const name = link.membership.name;
  const covered = trainGateCovers(link.membership, plan.approval);
  tracker.start(
    'hold',
    `ready to switch: held by release train ${name} until every service is ready${covered ? ' and the train is approved' : ''}`,
  );
  tracker.setWaitingFor(`release train ${name}: ${bluegreenCommand('train', 'status', name)}`);
  await link.report('ready', { approval: plan.approval, covered });
  // A stop from the train is an abort: it cancels this wait like any abort before traffic moves.
  await condition(() => link.order('switch') !== undefined);
  tracker.setWaitingFor(undefined);
  const approvedBy = link.order('switch')?.approvedBy ?? [];
  if (covered && approvedBy.length > 0) {
    const at = new Date().toISOString();
    for (const by of approvedBy) {
      tracker.recordApproval({ by, decision: 'approved', at, counted: true, note: `on the gate of release train ${name}` });
    }
    tracker.finish(
      'approval',
      'succeeded',
      `approved on release train ${name}'s gate by ${approvedBy.join(', ')} (${SELF_DECLARED})`,
    );
  }
  tracker.finish('hold', 'succeeded', `released by train ${name}: switching in its order`);
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
