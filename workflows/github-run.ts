// Running a GitHub Actions workflow as (part of) a phase: dispatch it exactly once, wait for
// its run (polling, woken early by the webhook receiver's `runCompleted` signal), and finish
// the phase the same way for every caller: a run that did not succeed, or could not be
// dispatched or waited for, finishes the phase `failed` and throws; success is the caller's
// to finish (a switch still waits for the public endpoint, a sync reports the merge).
// A run bluegreen stops waiting for (an abort, the run timeout, a failed wait) is cancelled on
// GitHub, so it cannot deploy or switch after the deployment said it stopped; the phase and
// the final message say whether the cancel took. An abort never reaches a switch run (it is
// refused or waits there), so no traffic change is cut off half-way by one.
import { CancellationScope, condition, isCancellation, setHandler } from '@temporalio/workflow';
import { deprecatedPatch } from '../contract/patches.js';
import type { DispatchWorkflowInput, WaitForRunInput, WorkflowRunRef, WorkflowRunResult } from '../activities/types.js';
import { dispatcher, gitHubCalls, runWaiter } from './activity-proxies.js';
import { correlationIdFor } from '../contract/correlation-id.js';
import { DeploymentStop, describeFailure, isTimeout } from '../contract/failures.js';
import { formatDuration } from '../contract/format.js';
import { dispatchAnswerLostSignal } from '../contract/messages.js';
import type { PhaseContext } from './phases/context.js';
import type { PhaseName } from '../contract/types.js';
import { dispatchStep } from '../contract/vocabulary.js';
import type { GitHubRunRequest } from '../contract/github-run-request.js';

export type { GitHubRunRequest };

/** A run that ended with another conclusion than success; the phase is already finished `failed`. */
export class GitHubRunFailed extends DeploymentStop {
  constructor(
    readonly result: WorkflowRunResult,
    /** e.g. `ended failure at job "deploy", step "migrate": <url>` */
    readonly description: string,
    what: string,
  ) {
    super('FAILED', `${what} run ${description}`);
    this.name = 'GitHubRunFailed';
  }
}

/**
 * Dispatches `request.workflow` once for `phase` and waits for its run; returns the successful
 * run, throws GitHubRunFailed (a failed run) or DeploymentStop (no run) after finishing the phase.
 */
export async function runGitHubWorkflow(
  ctx: PhaseContext,
  phase: PhaseName,
  request: GitHubRunRequest,
): Promise<WorkflowRunResult> {
  const { plan, tracker } = ctx;
  const correlationId = correlationIdFor(plan.deploymentId, request.step ?? dispatchStep(phase), request.attempt);
  const input: DispatchWorkflowInput = {
    github: plan.github,
    workflow: request.workflow,
    ref: request.ref,
    correlationId,
    inputs: request.inputs(correlationId),
    // Activity input only (no new command): replays of older deployments are unchanged.
    ...(request.headSha ? { expectedHeadSha: request.headSha } : {}),
    ...dispatchWindowOf(plan),
  };
  const what = `dispatch ${input.workflow} on ${input.ref}`;
  if (tracker.status.phase !== phase) tracker.start(phase, what);
  else tracker.update(phase, { detail: what });
  let result: WorkflowRunResult;
  let runId: number | undefined;
  const unwatch = watchLostDispatch(ctx, phase, input);
  try {
    const run = await dispatcher(plan).dispatchWorkflow.executeWithOptions({ summary: what }, [input]).finally(unwatch);
    runId = run.runId;
    tracker.update(phase, { url: run.url, detail: `${input.workflow} run ${run.runId} in progress` });
    result = await waitForRun(ctx, input, run, request.timeoutMs);
    const twice = reportDuplicates(ctx, input, result);
    tracker.update(phase, { url: result.url, detail: `${input.workflow} run ${result.conclusion}${twice ? `; ${twice}` : ''}` });
  } catch (err) {
    if (err instanceof DeploymentStop) throw err;
    if (runId === undefined && isCancellation(err)) runId = await runOfInterruptedDispatch(ctx, input);
    const cancelled = runId === undefined ? undefined : await cancelAbandonedRun(ctx, input, runId);
    if (cancelled) tracker.update(phase, { detail: cancelled });
    if (isCancellation(err)) {
      if (cancelled) ctx.stopNotes.push(cancelled);
      throw err;
    }
    const why =
      (isTimeout(err)
        ? `${input.workflow} run did not complete within ${formatDuration(request.timeoutMs ?? plan.deploy.runTimeoutMs)}`
        : describeFailure(err)) + (cancelled ? `; ${cancelled}` : '');
    tracker.finish(phase, 'failed', why);
    throw new DeploymentStop('FAILED', `${phase}: ${why}`);
  }
  if (result.conclusion !== 'success') {
    tracker.finish(phase, 'failed');
    throw new GitHubRunFailed(result, describeRunFailure(result), request.what);
  }
  return result;
}

/** How long an abort during a dispatch looks for the run that dispatch may have started. */
const INTERRUPTED_DISPATCH_LOOKUP_MS = 10_000;

/**
 * An abort that lands while the dispatch activity runs may come just after GitHub accepted the
 * dispatch: its run is found by correlation id (as a retry would) so it can be cancelled, not
 * left to deploy after the deployment said it stopped.
 */
async function runOfInterruptedDispatch(ctx: PhaseContext, input: DispatchWorkflowInput): Promise<number | undefined> {
  deprecatedPatch('cancel-run-of-interrupted-dispatch');
  return CancellationScope.nonCancellable(async () => {
    try {
      const found = await dispatcher(ctx.plan).findDispatchedRun.executeWithOptions(
        { summary: `look for the run of the interrupted dispatch of ${input.workflow}` },
        [{ ...input, withinMs: INTERRUPTED_DISPATCH_LOOKUP_MS }],
      );
      return found.runId;
    } catch {
      // Best effort, like the cancel itself: the deployment stops either way.
      return undefined;
    }
  });
}

/**
 * Cancels a run bluegreen no longer waits for, even while the deployment is being cancelled;
 * returns the sentence for the status. A failed cancel is reported, never thrown: the
 * deployment stops either way.
 */
async function cancelAbandonedRun(ctx: PhaseContext, input: DispatchWorkflowInput, runId: number): Promise<string | undefined> {
  const run = `${input.workflow} run ${runId}`;
  return CancellationScope.nonCancellable(async () => {
    try {
      const cancel = await gitHubCalls(ctx.plan).cancelWorkflowRun.executeWithOptions({ summary: `cancel ${run} on GitHub` }, [
        { github: input.github, runId },
      ]);
      if (cancel.outcome === 'cancelled') return `${run} cancelled on GitHub${cancel.forced ? ' (force-cancel)' : ''}`;
      if (cancel.outcome === 'completed') return `${run} had already ended ${cancel.conclusion ?? ''} on GitHub`.trimEnd();
      return `${run}: GitHub accepted the cancel, but the run had not stopped yet`;
    } catch (err) {
      return `could not cancel ${run} on GitHub: ${describeFailure(err)}`;
    }
  });
}

/**
 * Polls the run until it completes. A `runCompleted` signal (the webhook receiver) ends the
 * wait early: the poll is cancelled and the run read once more, since the signal only says
 * when to look and the API says how it ended.
 */
async function waitForRun(
  ctx: PhaseContext,
  input: DispatchWorkflowInput,
  run: WorkflowRunRef,
  timeoutMs?: number,
): Promise<WorkflowRunResult> {
  const { runId } = run;
  const poll = () =>
    runWaiter(ctx.plan, timeoutMs).waitForWorkflowRun.executeWithOptions({ summary: `wait for ${input.workflow} run ${runId}` }, [
      waitInput(ctx, input, run),
    ]);
  const polling = new CancellationScope();
  const polled = polling.run(poll);
  const notified = condition(() => ctx.completedRuns.has(runId)).then(() => undefined);
  const first = await Promise.race([polled, notified]);
  if (first !== undefined) return first;
  polling.cancel();
  const late = await polled.catch((err: unknown) => {
    if (isCancellation(err) && !CancellationScope.current().consideredCancelled) return undefined;
    throw err;
  });
  return late ?? (await poll());
}

/** The window the plan gives a lost dispatch (activity input; plans of older clients have none). */
export const dispatchWindowOf = (plan: PhaseContext['plan']): { dispatchWindowMs?: number } =>
  plan.deploy.dispatchWindowMs !== undefined ? { dispatchWindowMs: plan.deploy.dispatchWindowMs } : {};

/**
 * What waiting for `run` reads: with an earlier dispatch that may have created a run of its own
 * (its answer was lost and the window ran out), the wait watches for that run and cancels it.
 */
export function waitInput(ctx: PhaseContext, input: DispatchWorkflowInput, run: WorkflowRunRef): WaitForRunInput {
  return {
    github: input.github,
    runId: run.runId,
    pollIntervalMs: ctx.plan.deploy.pollIntervalMs,
    ...(run.earlierDispatchSinceMs !== undefined ? { duplicatesOf: { ...input, sinceMs: run.earlierDispatchSinceMs } } : {}),
  };
}

/** Dispatches in flight per deployment, by correlation id: where a lost answer's words go. */
const lostDispatchWatch = new WeakMap<PhaseContext, Map<string, { phase: PhaseName; workflow: string }>>();

/**
 * While `input` is being dispatched, a `dispatchAnswerLost` signal from its activity puts what
 * the dispatch waits for in the phase's status ("dispatch answer lost at 12:00:03; looking for
 * its run until 12:01:03 before sending it again"). State only, no command. Returns the undo.
 */
export function watchLostDispatch(ctx: PhaseContext, phase: PhaseName, input: DispatchWorkflowInput): () => void {
  let watched = lostDispatchWatch.get(ctx);
  if (!watched) {
    const byId = new Map<string, { phase: PhaseName; workflow: string }>();
    lostDispatchWatch.set(ctx, byId);
    watched = byId;
    setHandler(dispatchAnswerLostSignal, (signal) => {
      const entry = typeof signal?.correlationId === 'string' ? byId.get(signal.correlationId) : undefined;
      if (!entry || !Number.isFinite(signal.lostAt) || !Number.isFinite(signal.until)) return;
      const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
      ctx.tracker.update(entry.phase, {
        detail:
          `${entry.workflow}: dispatch answer lost at ${clock(signal.lostAt)}; ` +
          `looking for its run until ${clock(signal.until)} before sending it again`,
      });
    });
  }
  const entries = watched;
  entries.set(input.correlationId, { phase, workflow: input.workflow });
  return () => entries.delete(input.correlationId);
}

/**
 * The sentence for duplicate runs of one dispatch (its answer was lost, the window ran out and
 * it was sent again), kept for the final message and the GitHub Deployment record: a deployment
 * never reports one run where there were two. Undefined when there were none.
 */
export function reportDuplicates(ctx: PhaseContext, input: DispatchWorkflowInput, result: WorkflowRunResult): string | undefined {
  if (!result.duplicates?.length) return undefined;
  const others = result.duplicates.map((d) => `run ${d.runId} ${d.outcome}`).join(', ');
  const note = `${input.workflow} was dispatched twice (an answer was lost): followed run ${result.runId}, ${others}`;
  ctx.tracker.addNote(note);
  return note;
}

function describeRunFailure(result: WorkflowRunResult): string {
  const where = [result.failedJob && `job "${result.failedJob}"`, result.failedStep && `step "${result.failedStep}"`]
    .filter(Boolean)
    .join(', ');
  return `ended ${result.conclusion}${where ? ` at ${where}` : ''}: ${result.url}`;
}
