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
// Over 300 lines: one activity whose steps (look for an earlier run, send, find, adopt) share
// its heartbeat progress; apart, each would need the whole progress passed in and out.
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
import type { DispatchWorkflowInput, FindDispatchedRunInput, WorkflowRunRef } from './types.js';

export interface DispatchTiming {
  dispatchGraceMs: number;
  runDiscoveryTimeoutMs: number;
  runDiscoveryPollMs: number;
  runLookbackMs: number;
}

/** Progress an attempt leaves in its heartbeat, read back by the next attempt. */
interface DispatchProgress {
  stage: 'looking' | 'dispatch-sent' | 'discovering';
  correlationId: string;
  /** When a dispatch whose answer was lost came back (ms, worker clock): it was sent before. */
  sentBy?: number;
}

/**
 * The latest moment an earlier attempt may have sent its dispatch. Known when its answer was
 * lost (`sentBy`). Otherwise the attempt died: Temporal schedules this attempt one heartbeat
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

/** What a look-up found: the oldest run that is ours, and why others carrying the id are not. */
interface FoundRuns {
  run?: ListedRun;
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
    if (carrying.length === 0) return { refused: [] };
    const expected: RunExpectation = { correlationId: input.correlationId, ...given('headSha', input.expectedHeadSha) };
    const login = await octokit.dispatcherLogin();
    if (login) expected.actor = login;
    const refused: string[] = [];
    let run: ListedRun | undefined;
    // Newest first: the last one that is ours is the oldest.
    for (const candidate of carrying) {
      const why = mismatch(candidate, expected);
      if (why) refused.push(why);
      else run = candidate;
    }
    if (refused.length > 0) log.warn(`Not adopting runs that carry ${input.correlationId}: ${refused.join('; ')}`);
    return { run, refused };
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
    const octokit = github(input.github);
    const subject = `workflow ${input.workflow} on ${input.ref} in ${repoName(input.github)}`;
    const { correlationId } = input;
    const scheduled = ctx.info.scheduledTimestampMs > 0 ? ctx.info.scheduledTimestampMs : Date.now();
    const sinceMs = Math.max(0, Math.min(scheduled, Date.now()) - timing.runLookbackMs);
    const find = () => callGitHub({ subject }, () => findDispatchedRun(octokit, input, sinceMs));
    const found = (run: ListedRun, reused: boolean): WorkflowRunRef => ({ runId: run.id, url: run.html_url, reused });

    heartbeat({ stage: 'looking', correlationId } satisfies DispatchProgress);
    const existing = await find();
    if (existing.run) {
      log.info('Found the run of an earlier dispatch; not dispatching again', { correlationId, runId: existing.run.id });
      return found(existing.run, true);
    }
    // An earlier attempt may have dispatched moments before it died: its run can take a few
    // seconds to be listed, so look until `dispatchGraceMs` after it may have been sent before
    // dispatching a second one (an attempt that died a heartbeat timeout ago needs little more).
    const previous = ctx.info.heartbeatDetails as DispatchProgress | undefined;
    if (ctx.info.attempt > 1 || previous?.stage === 'dispatch-sent') {
      const now = Date.now();
      const graceMs = Math.max(0, timing.dispatchGraceMs - (now - latestPossibleSend(ctx.info, previous, now)));
      const late = await pollForRun(find, graceMs, { stage: 'looking', correlationId });
      if (late.run) return found(late.run, true);
    }

    heartbeat({ stage: 'dispatch-sent', correlationId } satisfies DispatchProgress);
    let response: Awaited<ReturnType<typeof sendDispatch>>;
    try {
      response = await sendDispatch(octokit, input);
    } catch (err) {
      if (!isUncertain(err)) throw toGitHubFailure(err, { subject });
      log.warn('Dispatch answer lost; looking for its run before anything else', { correlationId, error: describe(err) });
      const lost = await pollForRun(find, timing.dispatchGraceMs, { stage: 'dispatch-sent', correlationId, sentBy: Date.now() });
      if (lost.run) return found(lost.run, false);
      throw ApplicationFailure.retryable(
        `Dispatching ${subject} failed (${describe(err)}) and no run carrying ${correlationId} appeared within ${timing.dispatchGraceMs / 1000}s; the next attempt looks again before dispatching`,
        GITHUB_ERROR_TYPES.dispatchUncertain,
      );
    }

    const details = response.data as { workflow_run_id?: number | bigint; html_url?: string } | undefined;
    if (response.status === 200 && details?.workflow_run_id !== undefined) {
      const runId = Number(details.workflow_run_id);
      const workflowKey = `${apiRoot(input.github)} ${repoName(input.github)} ${input.workflow}`;
      if (!runNamesChecked.has(workflowKey) && (await runNameCarriesCorrelationId(octokit, input, runId)))
        runNamesChecked.add(workflowKey);
      return { runId, url: details.html_url ?? '', reused: false };
    }

    // 204: the server does not return run details; the run shows up in the list shortly.
    const dispatchedAt = Date.now();
    const listed = await pollForRun(find, timing.runDiscoveryTimeoutMs, { stage: 'discovering', correlationId });
    if (listed.run) return found(listed.run, false);
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

  return { dispatchWorkflow, findDispatchedRun: findDispatchedRunOf };
}

const given = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);
