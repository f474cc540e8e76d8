// A dispatched run after the dispatch: waiting for it to complete (conditional polls, so a long
// wait costs almost no rate limit), and cancelling one bluegreen no longer wants.
//
// Cancelling (`POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel`, github.com and GHES
// alike, @octokit/openapi api.github.com and ghes-3.17…3.19) is asynchronous: GitHub answers 202
// and the run ends `cancelled` once its runners stop; 409 "Cannot cancel a workflow run that is
// completed." when it already ended (Homebrew/actions#70, cli/cli#3833). A job with
// `if: always()` keeps a cancelled run going; `…/force-cancel` (same answers) is GitHub's way to
// stop a run that "is not responding to" the plain cancel, so it is sent only after that.
import type { Octokit } from '@octokit/rest';
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { cancellationOfCurrentActivity } from './cancellation.js';
import { describe, repoName, requestOptions, type GitHubClientFor } from './github-common.js';
import { GITHUB_ERROR_TYPES } from '../contract/github-error-types.js';
import { inertText } from '../contract/sanitize.js';
import { callGitHub, githubMessage, isRequestError, toGitHubFailure } from './github-errors.js';
import { heartbeat, sleepWithHeartbeats } from './heartbeat.js';
import type {
  CancelWorkflowRunInput,
  CancelWorkflowRunResult,
  DuplicateRun,
  DuplicateRunWatch,
  WaitForRunInput,
  WorkflowRunResult,
} from './types.js';

type RunData = Awaited<ReturnType<Octokit['rest']['actions']['getWorkflowRun']>>['data'];

const CANCEL_CONFIRM_MS = 20_000;
const CANCEL_POLL_MS = 1_000;

/** How often a wait lists the runs of its dispatch for a duplicate, at most: each list costs rate limit. */
const DUPLICATE_WATCH_MS = 5_000;
/** How long the cancel of a duplicate is watched before the wait goes on. */
const DUPLICATE_CANCEL_CONFIRM_MS = 10_000;

/** Lists the runs of a dispatch that are ours (github-dispatch.ts). */
export type RunsOfDispatch = (input: DuplicateRunWatch, sinceMs: number) => Promise<Array<{ id: number; html_url: string }>>;

interface WaitProgress {
  runId: number;
  status?: string | null | undefined;
  polls: number;
  notModified: number;
  url?: string | undefined;
  /** Duplicates already dealt with: a retried attempt does not cancel them again. */
  duplicates?: DuplicateRun[];
}

export function createRunActivities(
  github: GitHubClientFor,
  defaults: { runPollIntervalMs: number; runsOfDispatch?: RunsOfDispatch },
) {
  /**
   * Other runs of the dispatch `watch` describes (a lost dispatch's run, listed after the window
   * ran out and the dispatch was sent again): each is cancelled, so only the run the deployment
   * follows deploys, and reported.
   */
  async function cancelDuplicates(watch: DuplicateRunWatch, followed: number, known: DuplicateRun[]): Promise<DuplicateRun[]> {
    if (!defaults.runsOfDispatch) return [];
    let runs;
    try {
      runs = await defaults.runsOfDispatch(watch, watch.sinceMs);
    } catch (err) {
      const cancelled = cancellationOfCurrentActivity();
      if (cancelled) throw cancelled;
      log.warn(`Could not list the runs of ${watch.correlationId} to look for a duplicate`, { error: describe(err) });
      return [];
    }
    const found: DuplicateRun[] = [];
    for (const run of runs) {
      if (run.id === followed || known.some((d) => d.runId === run.id)) continue;
      log.warn(`A second run of ${watch.correlationId} appeared (${run.id}, besides ${followed}); cancelling it`);
      let outcome: string;
      try {
        const cancel = await cancelWorkflowRun({
          github: watch.github,
          runId: run.id,
          confirmWithinMs: DUPLICATE_CANCEL_CONFIRM_MS,
        });
        outcome =
          cancel.outcome === 'completed' ? `completed (${cancel.conclusion ?? 'unknown'}) before the cancel` : cancel.outcome;
      } catch (err) {
        const cancelled = cancellationOfCurrentActivity();
        if (cancelled) throw cancelled;
        outcome = `not cancelled: ${describe(err)}`;
      }
      found.push({ runId: run.id, url: run.html_url, outcome });
    }
    return found;
  }

  async function waitForWorkflowRun(input: WaitForRunInput): Promise<WorkflowRunResult> {
    const octokit = github(input.github);
    const subject = `workflow run ${input.runId} in ${repoName(input.github)}`;
    const interval = input.pollIntervalMs ?? defaults.runPollIntervalMs;
    const resumed = Context.current().info.heartbeatDetails as WaitProgress | undefined;
    const duplicates: DuplicateRun[] = resumed?.runId === input.runId ? [...(resumed.duplicates ?? [])] : [];
    let etag: string | undefined;
    let cached: RunData | undefined;
    let polls = 0;
    let notModified = 0;
    let watchedAt = 0;
    const progress = (): WaitProgress => ({
      runId: input.runId,
      status: cached?.status,
      polls,
      notModified,
      url: cached?.html_url,
      ...(duplicates.length > 0 ? { duplicates } : {}),
    });
    const watch = async (force: boolean) => {
      if (!input.duplicatesOf || (!force && Date.now() - watchedAt < Math.max(interval, DUPLICATE_WATCH_MS))) return;
      watchedAt = Date.now();
      duplicates.push(...(await cancelDuplicates(input.duplicatesOf, input.runId, duplicates)));
      heartbeat(progress());
    };

    for (;;) {
      polls++;
      try {
        // A conditional request answered 304 does not count against the rate limit.
        const response = await octokit.rest.actions.getWorkflowRun({
          owner: input.github.owner,
          repo: input.github.repo,
          run_id: input.runId,
          ...(etag && cached ? { headers: { 'if-none-match': etag } } : {}),
          ...requestOptions(),
        });
        cached = response.data;
        etag = response.headers.etag;
      } catch (err) {
        if (!(isRequestError(err) && err.status === 304 && cached)) throw toGitHubFailure(err, { subject });
        notModified++;
      }
      heartbeat(progress());
      if (cached.status === 'completed') break;
      await watch(false);
      await sleepWithHeartbeats(interval, progress);
    }
    // Once more at the end: the duplicate may have been listed since the last look.
    await watch(true);

    const result: WorkflowRunResult = {
      runId: input.runId,
      url: cached.html_url,
      conclusion: cached.conclusion ?? 'unknown',
      ...(duplicates.length > 0 ? { duplicates } : {}),
    };
    log.info('Workflow run completed', { runId: input.runId, conclusion: result.conclusion, polls, notModified });
    if (result.conclusion === 'success' || result.conclusion === 'skipped' || result.conclusion === 'neutral') return result;
    return { ...result, ...(await firstFailure(octokit, input, subject)) };
  }

  /**
   * The first failed job and its first failed step (names made inert: one line, no escape
   * sequences); best effort, the conclusion is what matters.
   */
  async function firstFailure(
    octokit: Octokit,
    input: WaitForRunInput,
    subject: string,
  ): Promise<Pick<WorkflowRunResult, 'failedJob' | 'failedStep'>> {
    try {
      const { data } = await octokit.rest.actions.listJobsForWorkflowRun({
        owner: input.github.owner,
        repo: input.github.repo,
        run_id: input.runId,
        filter: 'latest',
        per_page: 100,
        ...requestOptions(),
      });
      const bad = (conclusion: string | null | undefined) =>
        conclusion === 'failure' || conclusion === 'timed_out' || conclusion === 'cancelled';
      const job = data.jobs.find((j) => j.conclusion === 'failure') ?? data.jobs.find((j) => bad(j.conclusion));
      if (!job) return {};
      const step = job.steps?.find((s) => s.conclusion === 'failure') ?? job.steps?.find((s) => bad(s.conclusion));
      // Job and step names are whoever wrote the workflow file's: inert before they reach a status.
      return { failedJob: inertText(job.name, 200), ...(step ? { failedStep: inertText(step.name, 200) } : {}) };
    } catch (err) {
      const cancelled = cancellationOfCurrentActivity();
      if (cancelled) throw cancelled;
      log.warn(`Could not list the jobs of ${subject}`, { error: describe(err) });
      return {};
    }
  }

  /**
   * Cancels a run and watches it end, idempotently: a run that already completed (409, or
   * listed completed) is a result, not an error. A plain cancel first; a force-cancel when the
   * plain one was refused on a running run, or has not taken after half of `confirmWithinMs`.
   */
  async function cancelWorkflowRun(input: CancelWorkflowRunInput): Promise<CancelWorkflowRunResult> {
    const octokit = github(input.github);
    const subject = `workflow run ${input.runId} in ${repoName(input.github)}`;
    const confirmWithinMs = input.confirmWithinMs ?? CANCEL_CONFIRM_MS;
    const pollMs = input.pollIntervalMs ?? CANCEL_POLL_MS;
    const params = { owner: input.github.owner, repo: input.github.repo, run_id: input.runId };
    let forced = false;
    let refusal = '';
    const progress = () => ({ runId: input.runId, forced });

    const readRun = () => callGitHub({ subject }, () => octokit.rest.actions.getWorkflowRun({ ...params, ...requestOptions() }));
    /** true: GitHub accepted (202); false: 409, it will not cancel this run. */
    const ask = async (force: boolean): Promise<boolean> => {
      forced ||= force;
      heartbeat(progress());
      try {
        if (force) await octokit.rest.actions.forceCancelWorkflowRun({ ...params, ...requestOptions() });
        else await octokit.rest.actions.cancelWorkflowRun({ ...params, ...requestOptions() });
        return true;
      } catch (err) {
        if (!(isRequestError(err) && err.status === 409)) throw toGitHubFailure(err, { subject: `the cancel of ${subject}` });
        refusal = githubMessage(err);
        return false;
      }
    };
    const ended = (run: RunData): CancelWorkflowRunResult => ({
      runId: input.runId,
      url: run.html_url,
      outcome: run.conclusion === 'cancelled' ? 'cancelled' : 'completed',
      conclusion: run.conclusion ?? 'unknown',
      forced,
    });

    if (!(await ask(false))) {
      const { data: run } = await readRun();
      if (run.status === 'completed') return ended(run);
      // 409 on a run that is still going: the plain cancel cannot stop it; force it.
      if (!(await ask(true))) {
        const { data: again } = await readRun();
        if (again.status === 'completed') return ended(again);
        throw ApplicationFailure.nonRetryable(
          `GitHub refused to cancel ${subject} (409 at POST …/runs/${input.runId}/force-cancel): ${refusal}`,
          GITHUB_ERROR_TYPES.refused,
        );
      }
    }
    const started = Date.now();
    for (;;) {
      const { data: run } = await readRun();
      if (run.status === 'completed') return ended(run);
      const elapsed = Date.now() - started;
      if (elapsed >= confirmWithinMs) {
        log.warn(`GitHub accepted the cancel of ${subject}, but it was still ${run.status} after ${confirmWithinMs / 1000}s`);
        return { runId: input.runId, url: run.html_url, outcome: 'requested', forced };
      }
      if (!forced && elapsed >= confirmWithinMs / 2) {
        log.warn(`${subject} did not stop after a cancel; sending a force-cancel`);
        if (!(await ask(true))) continue;
      }
      await sleepWithHeartbeats(Math.min(pollMs, confirmWithinMs - elapsed), progress);
    }
  }

  return { waitForWorkflowRun, cancelWorkflowRun };
}
