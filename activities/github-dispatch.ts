// The dispatch of a GitHub Actions workflow, made idempotent by correlation: every dispatch
// carries a correlation id that the workflow's `run-name` shows, and a retried attempt looks
// for the run of an earlier one before dispatching again. A found run is adopted only if it ran
// the dispatched commit and this worker's login started it (github-run-match.ts).
//
// github.com answers `return_run_details: true` with the run's id (200; GitHub changelog
// 2026-02-19). GitHub Enterprise Server ≤ 3.20 refuses the key instead — 400 `"return_run_details"
// is not a permitted key.` on GHES 3.19 (benc-uk/workflow-dispatch#86, cli/cli#12672), 422 on
// some — and older servers ignore it (204). A refusal means nothing was dispatched: the request
// is resent once without the key, and the API root is remembered so later dispatches there go
// without it; the 204 path then finds the run by its correlation id.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import {
  apiRoot,
  describe,
  isUncertain,
  repoName,
  requestOptions,
  type GitHubActivityClient,
  type GitHubClientFor,
} from './github-common.js';
import { GITHUB_ERROR_TYPES } from '../contract/github-error-types.js';
import { callGitHub, githubMessage, isRequestError, toGitHubFailure } from './github-errors.js';
import { findCorrelationId } from '../contract/correlation-id.js';
import { mismatch, titleCarriesCorrelationId, triggeringLogin, type ListedRun, type RunExpectation } from './github-run-match.js';
import { heartbeat, sleepWithHeartbeats } from './heartbeat.js';
import { dispatchAnswerLostSignal } from '../contract/messages.js';
import type { DispatchWorkflowInput, FindDispatchedRunInput, WorkflowRunRef } from './types.js';

export interface DispatchTiming {
  /** The window of a plan that names none (GitHubActivityOptions.dispatchWindowMs). */
  dispatchWindowMs: number;
  /** The longest window a plan may ask for: the worker's bound. */
  maxDispatchWindowMs: number;
  runDiscoveryTimeoutMs: number;
  runDiscoveryPollMs: number;
  runLookbackMs: number;
}

/** The shortest window the worker accepts from a plan: below it a lagging list always loses. */
export const MIN_DISPATCH_WINDOW_MS = 1_000;

/**
 * A dispatch whose answer was lost (5xx, reset, timeout), or an attempt that died while it may
 * have been sending one: its run may exist without being listed yet (GitHub's lists lag).
 */
export interface LostDispatch {
  /** When the first such dispatch was sent (ms, worker clock): a run of it was created after this. */
  firstSentAt: number;
  /** When the latest one's answer was lost (or the attempt sending it died). */
  lostAt: number;
  /** Until when its run is looked for before dispatching again: `lostAt` + the window. */
  until: number;
}

/** Progress an attempt leaves in its heartbeat, read back by the next attempt. */
export interface DispatchProgress {
  stage: 'looking' | 'dispatch-sent' | 'discovering' | 'answer-lost';
  correlationId: string;
  /** When the dispatch in flight was sent (stage `dispatch-sent`). */
  sentAt?: number;
  /** Set once a dispatch of this activity may have happened unanswered; kept across attempts. */
  lost?: LostDispatch;
  /** Older workers: when a dispatch whose answer was lost came back. */
  sentBy?: number;
}

/** The window for a dispatch: the plan's, else the worker's default, within the worker's bounds. */
export function dispatchWindowOf(
  requestedMs: number | undefined,
  timing: Pick<DispatchTiming, 'dispatchWindowMs' | 'maxDispatchWindowMs'>,
) {
  const ms = requestedMs !== undefined && Number.isFinite(requestedMs) ? requestedMs : timing.dispatchWindowMs;
  return Math.min(Math.max(ms, MIN_DISPATCH_WINDOW_MS), timing.maxDispatchWindowMs);
}

/**
 * The latest moment an earlier attempt may have sent its dispatch, when it died without saying
 * (its heartbeat carries no lost dispatch): Temporal schedules this attempt one heartbeat
 * timeout after the last heartbeat it received, and the SDK delivers a heartbeat at least every
 * min(0.8 × timeout, 60 s) while the worker lives (heartbeats are throttled), so anything the
 * dead attempt sent left before `scheduled − timeout + throttle`.
 */
export function latestPossibleSend(
  info: { currentAttemptScheduledTimestampMs: number; heartbeatTimeoutMs?: number | undefined },
  previous: DispatchProgress | undefined,
  now: number,
): number {
  if (previous?.sentBy !== undefined) return previous.sentBy;
  const timeout = info.heartbeatTimeoutMs;
  if (!timeout || !(info.currentAttemptScheduledTimestampMs > 0)) return now;
  return Math.min(now, info.currentAttemptScheduledTimestampMs - timeout + Math.min(0.8 * timeout, 60_000));
}

/**
 * What this attempt knows of earlier dispatches that may have happened unanswered: the lost
 * dispatch an earlier attempt recorded, or — when it died without recording one, after it may
 * have sent — one assumed sent at the latest moment it can have been.
 */
export function earlierLostDispatch(
  info: {
    attempt: number;
    scheduledTimestampMs: number;
    currentAttemptScheduledTimestampMs: number;
    heartbeatTimeoutMs?: number | undefined;
  },
  previous: DispatchProgress | undefined,
  windowMs: number,
  now: number,
): LostDispatch | undefined {
  if (previous?.lost) return previous.lost;
  if (info.attempt <= 1 && previous?.stage !== 'dispatch-sent') return undefined;
  const lostAt = latestPossibleSend(info, previous, now);
  const firstSentAt = previous?.sentAt ?? (info.scheduledTimestampMs > 0 ? Math.min(info.scheduledTimestampMs, lostAt) : lostAt);
  return { firstSentAt, lostAt, until: lostAt + windowMs };
}

/** What a look-up found: the oldest run that is ours, and why others carrying the id are not. */
interface FoundRuns {
  run?: ListedRun;
  /** Every run that is ours, newest first. */
  ours: ListedRun[];
  refused: string[];
}

/** Pages of one workflow's runs on one branch within the look-back window: plenty. */
const MAX_PAGES = 3;

/** GitHub's `created` filter wants seconds precision. */
const githubTimestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** True when GitHub refused the dispatch because of `return_run_details` (400 or 422, any wording). */
export function refusesRunDetails(err: unknown): boolean {
  if (!isRequestError(err) || (err.status !== 400 && err.status !== 422)) return false;
  return /return_run_details/.test(`${JSON.stringify(err.response?.data ?? '')} ${err.message}`);
}

export function createDispatchActivity(github: GitHubClientFor, timing: DispatchTiming) {
  /** API roots that refused `return_run_details`: dispatches there go without it. */
  const withoutRunDetails = new Set<string>();
  /** Workflow files whose run name was seen to carry the correlation id: checked once per worker. */
  const runNamesChecked = new Set<string>();

  /** The oldest run of `input.workflow` on `input.ref` that carries the correlation id and is ours. */
  async function findDispatchedRun(
    octokit: GitHubActivityClient,
    input: DispatchWorkflowInput,
    sinceMs: number,
  ): Promise<FoundRuns> {
    const carrying: ListedRun[] = [];
    let pages = 0;
    const runs = octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
      owner: input.github.owner,
      repo: input.github.repo,
      workflow_id: input.workflow,
      event: 'workflow_dispatch',
      branch: input.ref,
      created: `>=${githubTimestamp(sinceMs)}`,
      per_page: 100,
      ...requestOptions(),
    });
    for await (const { data } of runs) {
      carrying.push(...data.filter((run) => titleCarriesCorrelationId(run.display_title, input.correlationId)));
      if (++pages >= MAX_PAGES) break;
    }
    if (carrying.length === 0) return { ours: [], refused: [] };
    const expected: RunExpectation = { correlationId: input.correlationId, ...given('headSha', input.expectedHeadSha) };
    const login = await octokit.dispatcherLogin();
    if (login) expected.actor = login;
    const refused: string[] = [];
    const ours: ListedRun[] = [];
    for (const candidate of carrying) {
      const why = mismatch(candidate, expected);
      if (why) refused.push(why);
      else ours.push(candidate);
    }
    if (refused.length > 0) log.warn(`Not adopting runs that carry ${input.correlationId}: ${refused.join('; ')}`);
    // Newest first: the last one that is ours is the oldest.
    return { ...given('run', ours.at(-1)), ours, refused };
  }

  /** Looks for the run every `runDiscoveryPollMs` for up to `withinMs`, heartbeating. */
  async function pollForRun(find: () => Promise<FoundRuns>, withinMs: number, progress: DispatchProgress): Promise<FoundRuns> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      heartbeat(progress);
      const found = await find();
      const left = deadline - Date.now();
      if (found.run || left <= 0) return found;
      await sleepWithHeartbeats(Math.min(timing.runDiscoveryPollMs, left), () => progress);
    }
  }

  async function sendDispatch(octokit: GitHubActivityClient, input: DispatchWorkflowInput) {
    const send = (returnRunDetails: boolean) =>
      octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        owner: input.github.owner,
        repo: input.github.repo,
        workflow_id: input.workflow,
        ref: input.ref,
        inputs: input.inputs,
        ...(returnRunDetails ? { return_run_details: true } : {}),
        // Never resend a dispatch blindly: a 5xx may hide a dispatch that happened. The
        // caller looks for the run instead (rate-limit waits stay: those were not processed).
        ...requestOptions({ retries: 0 }),
      });
    const root = apiRoot(input.github);
    if (withoutRunDetails.has(root)) return await send(false);
    try {
      return await send(true);
    } catch (err) {
      if (!refusesRunDetails(err)) throw err;
      // A refused request dispatched nothing: asking again without the key is safe.
      withoutRunDetails.add(root);
      log.warn(
        `${root} refused return_run_details (${(err as { status: number }).status}: ${githubMessage(err as never)}); ` +
          'dispatching without it from now on and finding runs by their correlation id (GitHub Enterprise Server ≤ 3.20)',
      );
      return await send(false);
    }
  }

  async function dispatchWorkflow(input: DispatchWorkflowInput): Promise<WorkflowRunRef> {
    const ctx = Context.current();
    const startedAt = Date.now();
    const octokit = github(input.github);
    const subject = `workflow ${input.workflow} on ${input.ref} in ${repoName(input.github)}`;
    const { correlationId } = input;
    const windowMs = dispatchWindowOf(input.dispatchWindowMs, timing);
    const previous = ctx.info.heartbeatDetails as DispatchProgress | undefined;
    let lost = earlierLostDispatch(ctx.info, previous, windowMs, startedAt);
    // Runs created since this activity was first scheduled (before any of its dispatches), less
    // a margin for the clocks of the worker and GitHub.
    const scheduled = ctx.info.scheduledTimestampMs > 0 ? ctx.info.scheduledTimestampMs : startedAt;
    const sinceMs = Math.max(0, Math.min(scheduled, lost?.firstSentAt ?? startedAt, startedAt) - timing.runLookbackMs);
    const find = () => callGitHub({ subject }, () => findDispatchedRun(octokit, input, sinceMs));
    // Stop looking in time to hand the rest of the window to the next attempt (its heartbeat).
    const budget = ctx.info.startToCloseTimeoutMs;
    const deadline = budget && budget > 60_000 ? startedAt + budget - 20_000 : Infinity;
    let sentHere = false;
    const found = (run: ListedRun): WorkflowRunRef => ({ runId: run.id, url: run.html_url, reused: !sentHere });

    heartbeat({ stage: 'looking', correlationId, ...given('lost', lost) } satisfies DispatchProgress);
    const existing = await find();
    if (existing.run) {
      log.info('Found the run of an earlier dispatch; not dispatching again', { correlationId, runId: existing.run.id });
      return found(existing.run);
    }

    for (;;) {
      // A dispatch may have happened unanswered: its run can take a while to be listed, so look
      // for it until the window after its answer was lost has passed before sending another.
      if (lost && Date.now() < lost.until) {
        announceLostDispatch(correlationId, lost);
        const until = Math.min(lost.until, deadline);
        const late = await pollForRun(find, Math.max(0, until - Date.now()), { stage: 'answer-lost', correlationId, lost });
        if (late.run) {
          log.info('Found the run of the dispatch whose answer was lost; not dispatching again', {
            correlationId,
            runId: late.run.id,
          });
          return found(late.run);
        }
        if (until < lost.until) {
          throw ApplicationFailure.retryable(
            `${lostSentence(lost)}; this attempt ran out of time, the next one goes on looking`,
            GITHUB_ERROR_TYPES.dispatchUncertain,
          );
        }
        log.warn(`No run carrying ${correlationId} appeared by ${clock(lost.until)}; dispatching ${input.workflow} again`);
      }

      const sentAt = Date.now();
      heartbeat({ stage: 'dispatch-sent', correlationId, sentAt, ...given('lost', lost) } satisfies DispatchProgress);
      let response: Awaited<ReturnType<typeof sendDispatch>>;
      try {
        response = await sendDispatch(octokit, input);
      } catch (err) {
        if (!isUncertain(err)) throw toGitHubFailure(err, { subject });
        const lostAt = Date.now();
        lost = { firstSentAt: lost?.firstSentAt ?? sentAt, lostAt, until: lostAt + windowMs };
        sentHere = true;
        log.warn(`Dispatching ${subject}: ${lostSentence(lost)}`, { correlationId, error: describe(err) });
        heartbeat({ stage: 'answer-lost', correlationId, lost } satisfies DispatchProgress);
        continue;
      }
      sentHere = true;
      // A dispatch before this one may have created a run too (its answer was lost and its run
      // was not listed within the window): the wait for this run watches for it.
      const earlier = lost ? { earlierDispatchSinceMs: sinceMs } : {};

      const details = response.data as { workflow_run_id?: number | bigint; html_url?: string } | undefined;
      if (response.status === 200 && details?.workflow_run_id !== undefined) {
        const runId = Number(details.workflow_run_id);
        const workflowKey = `${apiRoot(input.github)} ${repoName(input.github)} ${input.workflow}`;
        if (!runNamesChecked.has(workflowKey) && (await runNameCarriesCorrelationId(octokit, input, runId)))
          runNamesChecked.add(workflowKey);
        return { runId, url: details.html_url ?? '', reused: false, ...earlier };
      }

      // 204: the server does not return run details; the run shows up in the list shortly.
      const dispatchedAt = Date.now();
      const listed = await pollForRun(find, timing.runDiscoveryTimeoutMs, { stage: 'discovering', correlationId });
      // With an earlier lost dispatch, the oldest run found may be the earlier one's: either is this dispatch's.
      if (listed.run) return { ...found(listed.run), ...earlier };
      // The run exists but cannot be told apart by its name: cancel it when it is the only
      // candidate, so it does not deploy after the deployment failed.
      const unidentified = await cancelUnidentifiedRun(octokit, input, dispatchedAt);
      const refused =
        listed.refused.length > 0 ? ` (runs carrying it that are not this dispatch: ${listed.refused.join('; ')})` : '';
      throw ApplicationFailure.nonRetryable(
        `Dispatched ${subject}, but no run of it whose name carries ${correlationId} appeared within ${timing.runDiscoveryTimeoutMs / 1000}s${refused}; ${unidentified}: ` +
          `the workflow file must set \`run-name: ... \${{ inputs.deployment_id }}\` (see examples/github-workflows)`,
        GITHUB_ERROR_TYPES.runNotFound,
      );
    }
  }

  /**
   * The run of a dispatch whose activity was cancelled (an abort while it ran): looked for by
   * its correlation id, as a retried attempt would, for up to `withinMs`; none if the dispatch
   * was never sent.
   */
  async function findDispatchedRunOf(input: FindDispatchedRunInput): Promise<{ runId?: number }> {
    const octokit = github(input.github);
    const subject = `workflow ${input.workflow} on ${input.ref} in ${repoName(input.github)}`;
    const sinceMs = Math.max(0, Date.now() - timing.runLookbackMs);
    const find = () => callGitHub({ subject }, () => findDispatchedRun(octokit, input, sinceMs));
    const { run } = await pollForRun(find, input.withinMs, { stage: 'looking', correlationId: input.correlationId });
    return run ? { runId: run.id } : {};
  }

  /**
   * After a 204 dispatch whose run never showed its correlation id: the runs of the workflow on
   * the ref that this worker's login started since the dispatch and that carry no correlation
   * id at all. One such run is this dispatch's and is cancelled; with several, none is (they
   * cannot be told apart). Returns the sentence for the failure.
   */
  async function cancelUnidentifiedRun(
    octokit: GitHubActivityClient,
    input: DispatchWorkflowInput,
    sinceMs: number,
  ): Promise<string> {
    try {
      const [login, { data }] = await Promise.all([
        octokit.dispatcherLogin(),
        octokit.rest.actions.listWorkflowRuns({
          owner: input.github.owner,
          repo: input.github.repo,
          workflow_id: input.workflow,
          event: 'workflow_dispatch',
          branch: input.ref,
          // A minute of slack for the clocks of the worker and GitHub.
          created: `>=${githubTimestamp(sinceMs - 60_000)}`,
          per_page: 100,
          ...requestOptions(),
        }),
      ]);
      const candidates = data.workflow_runs.filter(
        (run) =>
          run.status !== 'completed' &&
          !findCorrelationId(run.display_title ?? '') &&
          (!login || triggeringLogin(run)?.toLowerCase() === login.toLowerCase()) &&
          (!input.expectedHeadSha || run.head_sha === input.expectedHeadSha),
      );
      if (candidates.length === 0) return 'no run of it is left running';
      if (candidates.length > 1) return `${candidates.length} runs without a correlation id are running: none cancelled`;
      const run = candidates[0]!;
      await octokit.rest.actions.cancelWorkflowRun({
        owner: input.github.owner,
        repo: input.github.repo,
        run_id: run.id,
        ...requestOptions(),
      });
      return `its run ${run.id} ("${run.display_title}") was cancelled on GitHub`;
    } catch (err) {
      if (isRequestError(err) && err.status === 409) return 'its run had already completed';
      return `its run could not be cancelled (${describe(err)})`;
    }
  }

  /**
   * Retries find an earlier dispatch by its run name; a workflow file without the id in its
   * `run-name` would make a retry dispatch twice. Say so early, in the worker log. Once a
   * workflow file's runs are seen to carry it, it is not checked again (one request less per
   * dispatch); one that lacks it is warned about at every dispatch.
   */
  async function runNameCarriesCorrelationId(octokit: GitHubActivityClient, input: DispatchWorkflowInput, runId: number) {
    try {
      const { data } = await octokit.rest.actions.getWorkflowRun({
        owner: input.github.owner,
        repo: input.github.repo,
        run_id: runId,
        ...requestOptions(),
      });
      if (titleCarriesCorrelationId(data.display_title, input.correlationId)) return true;
      log.warn(
        `Run ${runId} of ${input.workflow} is named "${data.display_title}", without the deployment id: add \`run-name: ... \${{ inputs.deployment_id }}\` so a retried dispatch finds it`,
      );
      return false;
    } catch {
      // Best effort: the dispatch itself succeeded.
      return false;
    }
  }

  /** Every run of the dispatch `input` describes that is ours, created since `sinceMs` (newest first). */
  async function runsOfDispatch(input: DispatchWorkflowInput, sinceMs: number): Promise<ListedRun[]> {
    const subject = `workflow ${input.workflow} on ${input.ref} in ${repoName(input.github)}`;
    const { ours } = await callGitHub({ subject }, () => findDispatchedRun(github(input.github), input, sinceMs));
    return ours;
  }

  return { dispatchWorkflow, findDispatchedRun: findDispatchedRunOf, runsOfDispatch };
}

/** HH:MM:SS UTC, as the status and the logs show a moment. */
const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** "dispatch answer lost at 12:00:03; looking for its run until 12:01:03 before sending it again" */
export const lostSentence = (lost: LostDispatch): string =>
  `dispatch answer lost at ${clock(lost.lostAt)}; looking for its run until ${clock(lost.until)} before sending it again`;

/**
 * Tells the deployment what the dispatch waits for (its status shows it): a signal to the
 * activity's own workflow. Best effort: the search goes on whether it arrives or not.
 */
function announceLostDispatch(correlationId: string, lost: LostDispatch): void {
  try {
    const { workflowExecution } = Context.current().info;
    if (!workflowExecution) return;
    const handle = Context.current().client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId);
    handle
      .signal(dispatchAnswerLostSignal, { correlationId, lostAt: lost.lostAt, until: lost.until })
      .catch((err: unknown) =>
        log.warn('Could not tell the deployment about the lost dispatch answer', { error: describe(err) }),
      );
  } catch (err) {
    log.debug('No client to tell the deployment about the lost dispatch answer', { error: describe(err) });
  }
}

const given = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);
