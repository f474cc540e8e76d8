// Running a GitHub Actions workflow as (part of) a phase: dispatch it exactly once, wait for
// its run (polling, woken early by the webhook receiver's `runCompleted` signal), and finish
// the phase the same way for every caller: a run that did not succeed, or could not be
// dispatched or waited for, finishes the phase `failed` and throws; success is the caller's
// to finish (a switch still waits for the public endpoint, a sync reports the merge).
// A run bluegreen stops waiting for (an abort, the run timeout, a failed wait) is cancelled on
// GitHub, so it cannot deploy or switch after the deployment said it stopped; the phase and
// the final message say whether the cancel took. An abort never reaches a switch run (it is
// refused or waits there), so no traffic change is cut off half-way by one.
import { CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import { hasPatch } from '../contract/patches.js';
import type { DispatchWorkflowInput, WorkflowRunResult } from '../activities/types.js';
import { dispatcher, gitHubCalls, runWaiter } from './activity-proxies.js';
import { correlationIdFor } from '../contract/correlation-id.js';
import { DeploymentStop, describeFailure, isTimeout } from '../contract/failures.js';
import { formatDuration } from '../contract/format.js';
import type { PhaseContext } from './phases/context.js';
import type { PhaseName } from '../contract/types.js';
import { dispatchStep } from '../contract/vocabulary.js';

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

export interface GitHubRunRequest {
  workflow: string;
  ref: string;
  /** The inputs for a correlation id (`<deploymentId>.<dispatch step of the phase>`). */
  inputs: (correlationId: string) => Record<string, string>;
  /** How the run is named in the failure message, e.g. "deploy", "switch". */
  what: string;
  /** The attempt of a retried step (onFailure: ask); its correlation id carries it from 2 on. @default 1 */
  attempt?: number;
  /** The correlation-id step when a phase dispatches several runs (verify.tests: `test-<name>`). @default the phase's */
  step?: string;
  /** How long the run may take. @default plan.deploy.runTimeoutMs */
  timeoutMs?: number;
  /**
   * The commit the run must be of, when the caller knows it (a deploy of the planned SHA): a
   * found run that carries the correlation id but ran another commit is not adopted (someone
   * with Actions write could pre-dispatch one). Absent: only the triggering actor is checked.
   */
  headSha?: string;
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
  };
  const what = `dispatch ${input.workflow} on ${input.ref}`;
  if (tracker.status.phase !== phase) tracker.start(phase, what);
  else tracker.update(phase, { detail: what });
  let result: WorkflowRunResult;
  let runId: number | undefined;
  try {
    const run = await dispatcher(plan).dispatchWorkflow.executeWithOptions({ summary: what }, [input]);
    runId = run.runId;
    tracker.update(phase, { url: run.url, detail: `${input.workflow} run ${run.runId} in progress` });
    result = await waitForRun(ctx, input, run.runId, request.timeoutMs);
    tracker.update(phase, { url: result.url, detail: `${input.workflow} run ${result.conclusion}` });
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
 * left to deploy after the deployment said it stopped. Deployments started before this look
 * for nothing (same commands on replay).
 */
async function runOfInterruptedDispatch(ctx: PhaseContext, input: DispatchWorkflowInput): Promise<number | undefined> {
  if (!patched('cancel-run-of-interrupted-dispatch')) return undefined;
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
 * deployment stops either way. Deployments started before runs were cancelled leave them
 * running (same commands on replay).
 */
async function cancelAbandonedRun(ctx: PhaseContext, input: DispatchWorkflowInput, runId: number): Promise<string | undefined> {
  if (!hasPatch('cancel-abandoned-runs')) return undefined;
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
 * when to look and the API says how it ended. Deployments started before the signal existed
 * keep polling only (same commands on replay).
 */
async function waitForRun(
  ctx: PhaseContext,
  input: DispatchWorkflowInput,
  runId: number,
  timeoutMs?: number,
): Promise<WorkflowRunResult> {
  const poll = () =>
    runWaiter(ctx.plan, timeoutMs).waitForWorkflowRun.executeWithOptions({ summary: `wait for ${input.workflow} run ${runId}` }, [
      { github: input.github, runId, pollIntervalMs: ctx.plan.deploy.pollIntervalMs },
    ]);
  if (!hasPatch('webhook-run-completion')) return poll();
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

function describeRunFailure(result: WorkflowRunResult): string {
  const where = [result.failedJob && `job "${result.failedJob}"`, result.failedStep && `step "${result.failedStep}"`]
    .filter(Boolean)
    .join(', ');
  return `ended ${result.conclusion}${where ? ` at ${where}` : ''}: ${result.url}`;
}
