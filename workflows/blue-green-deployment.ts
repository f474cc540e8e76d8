// blueGreenDeployment: one durable workflow per deployment of a service. It runs the steps of the
// phases table (contract/vocabulary.ts, SEQUENCE) in order: before the switch any stop is
// ABORTED/FAILED with traffic untouched; after it, a step that asks for it (a failed switch or
// monitor, a rollback request) switches back (ROLLED_BACK).
// This file holds only the sequence and the outcome rules; each phase lives in phases/<phase>.ts,
// its step in phases/index.ts.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  setHandler,
  upsertMemo,
} from '@temporalio/workflow';
import { isPatched } from '../contract/patches.js';
import { isOutcomeFailureType, OUTCOME_FAILURE_TYPE, outcomeFailureMessage } from '../contract/outcome-failure.js';
import { finalMemo } from '../views/final-memo.js';
import { liveColorAtEnd } from '../views/outcome.js';
import { DeploymentStop, describeFailure, isExpectedFailure } from '../contract/failures.js';
import { GitHubRecords } from './github-records.js';
import { registerHandlers, type HumanInput } from './human-input.js';
import * as messages from '../contract/messages.js';
import { phaseContext, type DeploymentSetup, type PhaseContext } from './phases/context.js';
import { planPhase } from './phases/plan.js';
import { PHASE_STEPS } from './phases/index.js';
import { rollbackPhase } from './phases/rollback.js';
import { countDeployment, countRollback } from './metrics.js';
import { StatusTracker } from './status-tracker.js';
import { Notifier } from './notifier.js';
import { notifyOutcome } from './notify-points.js';
import { TrainLink } from './train-link.js';
import { afterStepInTrain } from './phases/hold.js';
import type { DeploymentPlan, DeploymentStatus, Outcome } from '../contract/types.js';
import { beforeTraffic, isHookKind, SEQUENCE, type SequenceStep } from '../contract/vocabulary.js';

type StepAfterPlan = Exclude<SequenceStep, 'plan'>;
const AFTER_PLAN = SEQUENCE.filter((step): step is StepAfterPlan => step !== 'plan');
/** The steps after plan that an abort cancels: the fixed phases before traffic moves (a preSwitch hook run is let finish). */
const CANCELLED_BY_ABORT = AFTER_PLAN.filter((step) => beforeTraffic(step) && !isHookKind(step));
/** The rest: from the preSwitch hooks on. */
const FROM_SWITCH = AFTER_PLAN.filter((step) => !CANCELLED_BY_ABORT.includes(step));

/** Run completions remembered from the webhook receiver (the awaited run is among the newest). */
const MAX_REMEMBERED_RUNS = 64;

export async function blueGreenDeployment(plan: DeploymentPlan): Promise<DeploymentStatus> {
  const tracker = new StatusTracker(plan);
  const human: HumanInput = { approvalOpen: false };
  // The approval rules a decision is judged by are the plan phase's (the worker's policy applied).
  let ctx: PhaseContext | undefined;
  registerHandlers(() => ctx?.plan ?? plan, tracker, human);
  // Runs the webhook receiver said are finished; bounded, a flood of signals cannot grow it.
  const completedRuns = new Set<number>();
  setHandler(messages.runCompletedSignal, ({ runId }) => {
    if (!Number.isSafeInteger(runId)) return;
    // The newest 64 only: a flood of bogus run ids pushes out old ones, never the next real one
    // Polling stays the fallback.
    completedRuns.add(runId);
    if (completedRuns.size > MAX_REMEMBERED_RUNS) completedRuns.delete(completedRuns.values().next().value as number);
  });
  const setup: DeploymentSetup = {
    plan,
    tracker,
    human,
    completedRuns,
    records: new GitHubRecords(plan),
    stopNotes: [],
    notifier: new Notifier(plan, tracker),
    // A release train's service (its handler registered before any await); nothing for the others.
    ...(plan.train && isPatched('release-train-hold') ? { train: new TrainLink(plan.train, tracker, human) } : {}),
  };
  try {
    const planned = await beforeSwitch(setup, (found) => (ctx = found));
    return await finish(setup, await afterSwitch(planned));
  } catch (err) {
    // The end of a deployment that did not succeed, thrown by finish(): it leaves as it is.
    if (err instanceof ApplicationFailure && isOutcomeFailureType(err.type)) throw err;
    if (err instanceof DeploymentStop) return finish(setup, err.outcome, err.message);
    // Anything else is a bug or an activity failure we did not expect: end FAILED, say why,
    // on the phase it happened in too (not "cancelled", which reads as someone's decision).
    const why = describeFailure(err);
    if (isExpectedFailure(err)) log.warn('deployment failed', { error: why });
    else log.error('deployment failed unexpectedly', { error: why });
    const current = tracker.status.phases.find((p) => p.name === tracker.status.phase);
    if (current?.state === 'running') tracker.finish(current.name, 'failed', why);
    return finish(setup, 'FAILED', why);
  }
}

/**
 * The fixed phases before traffic moves (plan … window): an abort cancels whatever is running.
 * The plan phase returns what it found; every later phase runs with the context built from it.
 */
async function beforeSwitch(setup: DeploymentSetup, planned: (ctx: PhaseContext) => void): Promise<PhaseContext> {
  const scope = new CancellationScope();
  void condition(() => setup.human.abort !== undefined).then(() => scope.cancel());
  try {
    return await scope.run(async () => {
      const refusal = setup.train?.refusal;
      if (refusal) {
        setup.tracker.finish('plan', 'failed', refusal);
        throw new DeploymentStop('FAILED', refusal);
      }
      const ctx = phaseContext(setup, await planPhase(setup));
      planned(ctx);
      for (const step of CANCELLED_BY_ABORT) await PHASE_STEPS[step](ctx);
      return ctx;
    });
  } catch (err) {
    const ctx = setup;
    if (isCancellation(err) && ctx.human.abort) {
      const { by, text } = ctx.human.abort;
      const left = ctx.stopNotes.map((note) => `; ${note}`).join('');
      const current = ctx.tracker.currentPhase();
      if (current) ctx.tracker.finish(current, 'cancelled', `aborted by ${by}${left}`);
      throw new DeploymentStop('ABORTED', `aborted by ${by}: ${text ?? 'no reason given'} (traffic never moved${left})`);
    }
    throw err;
  }
}

/** The rest of the sequence ([preSwitch hooks] → switch … [postSync hooks]); a rollback ends ROLLED_BACK. */
async function afterSwitch(ctx: PhaseContext): Promise<Outcome | RolledBack> {
  for (const step of FROM_SWITCH) {
    let rollbackReason = (await PHASE_STEPS[step](ctx)) ?? undefined;
    // A train's service: the train says when to roll back (reverse order) and when to sync.
    if (ctx.train) rollbackReason = await afterStepInTrain(ctx, ctx.train, step, rollbackReason);
    if (rollbackReason) return rollBack(ctx, rollbackReason);
  }
  return 'SUCCEEDED';
}

type RolledBack = { outcome: 'ROLLED_BACK'; reason: string };

async function rollBack(ctx: PhaseContext, reason: string): Promise<RolledBack> {
  countRollback(ctx.plan.service);
  await rollbackPhase(ctx, reason);
  return { outcome: 'ROLLED_BACK', reason };
}

async function finish(ctx: DeploymentSetup, end: Outcome | RolledBack, error?: string): Promise<DeploymentStatus> {
  const outcome = typeof end === 'string' ? end : end.outcome;
  const why = typeof end === 'string' ? error : end.reason;
  notifyOutcome(ctx, outcome, why);
  // The record says what the outcome alone would hide (a dispatch that ran twice).
  const notes = (ctx.tracker.status.notes ?? []).map((note) => `${note}; `).join('');
  await ctx.records.finish(outcome, `${notes}${why ?? `deployment ${outcome.toLowerCase()}`}`);
  // At most FINAL_NOTIFICATION_WAIT_MS for sends still in flight (none: no wait, no timer).
  await ctx.notifier.settle();
  countDeployment(ctx.plan.service, outcome);
  const status = ctx.tracker.complete(outcome, why);
  // Deployments started before the patch complete with their status whatever the outcome.
  if (!isPatched('outcome-as-failure')) return status;
  // Kept with the execution: the Web UI shows it when no worker answers the details query.
  const memo = finalMemo(status);
  upsertMemo({ ...memo });
  if (outcome === 'SUCCEEDED') return status;
  // The Web UI's list shows a failed workflow as "Failed": a rollback never looks like a success.
  throw ApplicationFailure.create({
    type: OUTCOME_FAILURE_TYPE[outcome],
    message: outcomeFailureMessage(outcome, why, liveColorAtEnd(status)),
    nonRetryable: true,
    details: [status],
  });
}
