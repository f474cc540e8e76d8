// GitHub side effects: branch heads, workflow dispatches and runs, merges, Deployments.
// Each activity is idempotent, or made so by correlation: a retried activity first looks for
// what an earlier attempt may already have created before creating it again.
import type { Octokit } from '@octokit/rest';
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { GitHubRepoRef } from '../workflows/types.js';
import { titleCarriesCorrelationId } from '../workflows/correlation-id.js';
import { cancellationOfCurrentActivity } from './cancellation.js';
import { GITHUB_ERROR_TYPES, callGitHub, isRequestError, toGitHubFailure } from './github-errors.js';
import { heartbeat, keepAlive, sleepWithHeartbeats } from './heartbeat.js';
import type {
  CreateGitHubDeploymentInput,
  DispatchWorkflowInput,
  ReadBranchHeadInput,
  SetGitHubDeploymentStatusInput,
  SyncBranchInput,
  SyncBranchResult,
  WaitForRunInput,
  WorkflowRunRef,
  WorkflowRunResult,
} from './types.js';

/** Returns the client for a repository; the worker caches one per API root. */
export type GitHubClientFor = (ref: GitHubRepoRef) => Octokit;

export interface GitHubActivityOptions {
  /**
   * How long a dispatch that may already have happened (a retried attempt, or a request whose
   * answer was lost) keeps looking for its run before dispatching again. GitHub lists a new
   * run a few seconds after the dispatch; too short a grace risks a second dispatch.
   * @default 15_000
   */
  dispatchGraceMs?: number;
  /**
   * How long to wait for the run to be listed after a dispatch answered 204 (servers without
   * `return_run_details`). Not finding it means the workflow's `run-name` does not carry
   * `inputs.deployment_id`: a configuration error, reported as such.
   * @default 60_000
   */
  runDiscoveryTimeoutMs?: number;
  /** Poll interval while looking for a dispatched run. @default 2_000 */
  runDiscoveryPollMs?: number;
  /** Default poll interval of waitForWorkflowRun. @default 10_000 */
  runPollIntervalMs?: number;
  /**
   * How far before the activity was first scheduled runs are searched (clock skew between
   * the worker and GitHub). @default 600_000
   */
  runLookbackMs?: number;
}

/** Progress an attempt leaves in its heartbeat, read back by the next attempt. */
interface DispatchProgress {
  stage: 'looking' | 'dispatch-sent' | 'discovering';
  correlationId: string;
}

type WorkflowRunSummary = { id: number; html_url: string; display_title?: string | null; status?: string | null };

const repoName = (ref: GitHubRepoRef): string => `${ref.owner}/${ref.repo}`;

/** The activity's cancellation signal, passed to each request so cancelling aborts it. */
const requestOptions = (extra: Record<string, unknown> = {}) => ({
  request: { signal: Context.current().cancellationSignal, ...extra },
});

/** The one correlation-id format (workflows/correlation-id.ts): how a dispatch finds its run. */
export { titleCarriesCorrelationId };

/** GitHub's `created` filter wants seconds precision. */
const githubTimestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An error after which we cannot know whether GitHub acted on the request. */
function isUncertain(err: unknown): boolean {
  if (cancellationOfCurrentActivity()) return false;
  if (isRequestError(err)) return err.status >= 500;
  return !(err instanceof ApplicationFailure);
}

function describe(err: unknown): string {
  if (isRequestError(err)) return `${err.status} ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export function createGitHubActivities(github: GitHubClientFor, options: GitHubActivityOptions = {}) {
  const dispatchGraceMs = options.dispatchGraceMs ?? 15_000;
  const runDiscoveryTimeoutMs = options.runDiscoveryTimeoutMs ?? 60_000;
  const runDiscoveryPollMs = options.runDiscoveryPollMs ?? 2_000;
  const runPollIntervalMs = options.runPollIntervalMs ?? 10_000;
  const runLookbackMs = options.runLookbackMs ?? 600_000;
  /** Workflow files whose run name was seen to carry the correlation id: checked once per worker. */
  const runNamesChecked = new Set<string>();

  async function readBranchHead(input: ReadBranchHeadInput): Promise<string> {
    const octokit = github(input.github);
    const subject = `branch ${input.branch} in ${repoName(input.github)}`;
    const { data } = await callGitHub({ subject }, () =>
      octokit.rest.repos.getBranch({
        owner: input.github.owner,
        repo: input.github.repo,
        branch: input.branch,
        ...requestOptions(),
      }),
    );
    return data.commit.sha;
  }

  /** The oldest run of `input.workflow` on `input.ref` whose name carries the correlation id. */
  async function findDispatchedRun(
    octokit: Octokit,
    input: DispatchWorkflowInput,
    sinceMs: number,
  ): Promise<WorkflowRunSummary | undefined> {
    const perPage = 100;
    let match: WorkflowRunSummary | undefined;
    // Newest first; three pages of one workflow on one branch within the window is plenty.
    for (let page = 1; page <= 3; page++) {
      const { data } = await octokit.rest.actions.listWorkflowRuns({
        owner: input.github.owner,
        repo: input.github.repo,
        workflow_id: input.workflow,
        event: 'workflow_dispatch',
        branch: input.ref,
        created: `>=${githubTimestamp(sinceMs)}`,
        per_page: perPage,
        page,
        ...requestOptions(),
      });
      for (const run of data.workflow_runs) {
        if (titleCarriesCorrelationId(run.display_title, input.correlationId)) match = run;
      }
      if (data.workflow_runs.length < perPage) break;
    }
    return match;
  }

  /** Looks for the run every `runDiscoveryPollMs` for up to `withinMs`, heartbeating. */
  async function pollForRun(
    find: () => Promise<WorkflowRunSummary | undefined>,
    withinMs: number,
    progress: DispatchProgress,
  ): Promise<WorkflowRunSummary | undefined> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      heartbeat(progress);
      const run = await find();
      if (run) return run;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await sleepWithHeartbeats(Math.min(runDiscoveryPollMs, left), () => progress);
    }
  }

  async function sendDispatch(octokit: Octokit, input: DispatchWorkflowInput) {
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
    try {
      return await send(true);
    } catch (err) {
      // An older GitHub Enterprise Server may refuse the unknown parameter outright; a 422
      // means nothing was dispatched, so asking again without it is safe.
      if (isRequestError(err) && err.status === 422 && /return_run_details/.test(JSON.stringify(err.response?.data ?? ''))) {
        return await send(false);
      }
      throw err;
    }
  }

  async function dispatchWorkflow(input: DispatchWorkflowInput): Promise<WorkflowRunRef> {
    const ctx = Context.current();
    const octokit = github(input.github);
    const subject = `workflow ${input.workflow} on ${input.ref} in ${repoName(input.github)}`;
    const { correlationId } = input;
    const scheduled = ctx.info.scheduledTimestampMs > 0 ? ctx.info.scheduledTimestampMs : Date.now();
    const sinceMs = Math.max(0, Math.min(scheduled, Date.now()) - runLookbackMs);
    const find = () => callGitHub({ subject }, () => findDispatchedRun(octokit, input, sinceMs));
    const found = (run: WorkflowRunSummary, reused: boolean): WorkflowRunRef => ({ runId: run.id, url: run.html_url, reused });

    heartbeat({ stage: 'looking', correlationId } satisfies DispatchProgress);
    const existing = await find();
    if (existing) {
      log.info('Found the run of an earlier dispatch; not dispatching again', { correlationId, runId: existing.id });
      return found(existing, true);
    }
    // An earlier attempt may have dispatched moments before it died: its run can take a few
    // seconds to be listed, so look a little longer before dispatching a second one.
    const previous = ctx.info.heartbeatDetails as DispatchProgress | undefined;
    if (ctx.info.attempt > 1 || previous?.stage === 'dispatch-sent') {
      const late = await pollForRun(find, dispatchGraceMs, { stage: 'looking', correlationId });
      if (late) return found(late, true);
    }

    heartbeat({ stage: 'dispatch-sent', correlationId } satisfies DispatchProgress);
    let response: Awaited<ReturnType<typeof sendDispatch>>;
    try {
      response = await sendDispatch(octokit, input);
    } catch (err) {
      if (!isUncertain(err)) throw toGitHubFailure(err, { subject });
      log.warn('Dispatch answer lost; looking for its run before anything else', { correlationId, error: describe(err) });
      const run = await pollForRun(find, dispatchGraceMs, { stage: 'dispatch-sent', correlationId });
      if (run) return found(run, false);
      throw ApplicationFailure.retryable(
        `Dispatching ${subject} failed (${describe(err)}) and no run carrying ${correlationId} appeared within ${dispatchGraceMs / 1000}s; the next attempt looks again before dispatching`,
        'GitHubDispatchUncertain',
      );
    }

    const details = response.data as { workflow_run_id?: number | bigint; html_url?: string } | undefined;
    if (response.status === 200 && details?.workflow_run_id !== undefined) {
      const runId = Number(details.workflow_run_id);
      const workflowKey = `${input.github.baseUrl ?? ''} ${repoName(input.github)} ${input.workflow}`;
      if (!runNamesChecked.has(workflowKey) && (await runNameCarriesCorrelationId(octokit, input, runId)))
        runNamesChecked.add(workflowKey);
      return { runId, url: details.html_url ?? '', reused: false };
    }

    // 204: the server does not return run details; the run shows up in the list shortly.
    const run = await pollForRun(find, runDiscoveryTimeoutMs, { stage: 'discovering', correlationId });
    if (run) return found(run, false);
    throw ApplicationFailure.nonRetryable(
      `Dispatched ${subject}, but no run whose name carries ${correlationId} appeared within ${runDiscoveryTimeoutMs / 1000}s: ` +
        `the workflow file must set \`run-name: ... \${{ inputs.deployment_id }}\` (see examples/github-workflows)`,
      'GitHubRunNotFound',
    );
  }

  /**
   * Retries find an earlier dispatch by its run name; a workflow file without the id in its
   * `run-name` would make a retry dispatch twice. Say so early, in the worker log. Once a
   * workflow file's runs are seen to carry it, it is not checked again (one request less per
   * dispatch); one that lacks it is warned about at every dispatch.
   */
  async function runNameCarriesCorrelationId(octokit: Octokit, input: DispatchWorkflowInput, runId: number): Promise<boolean> {
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

  async function waitForWorkflowRun(input: WaitForRunInput): Promise<WorkflowRunResult> {
    const octokit = github(input.github);
    const subject = `workflow run ${input.runId} in ${repoName(input.github)}`;
    const interval = input.pollIntervalMs ?? runPollIntervalMs;
    let etag: string | undefined;
    let cached: Awaited<ReturnType<Octokit['rest']['actions']['getWorkflowRun']>>['data'] | undefined;
    let polls = 0;
    let notModified = 0;
    const progress = () => ({ runId: input.runId, status: cached?.status, polls, notModified, url: cached?.html_url });

    for (;;) {
      polls++;
      try {
        // A conditional request answered 304 does not count against the rate limit, so a
        // long wait costs (almost) nothing.
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
      await sleepWithHeartbeats(interval, progress);
    }

    const result: WorkflowRunResult = { runId: input.runId, url: cached.html_url, conclusion: cached.conclusion ?? 'unknown' };
    log.info('Workflow run completed', { runId: input.runId, conclusion: result.conclusion, polls, notModified });
    if (result.conclusion === 'success' || result.conclusion === 'skipped' || result.conclusion === 'neutral') return result;
    return { ...result, ...(await firstFailure(octokit, input, subject)) };
  }

  /** The first failed job and its first failed step; best effort, the conclusion is what matters. */
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
      return { failedJob: job.name, ...(step ? { failedStep: step.name } : {}) };
    } catch (err) {
      const cancelled = cancellationOfCurrentActivity();
      if (cancelled) throw cancelled;
      log.warn(`Could not list the jobs of ${subject}`, { error: describe(err) });
      return {};
    }
  }

  async function syncBranch(input: SyncBranchInput): Promise<SyncBranchResult> {
    const octokit = github(input.github);
    const subject = `merge of branch ${input.head} into branch ${input.base} in ${repoName(input.github)}`;
    try {
      // Idempotent by nature: once merged, the same merge answers 204 (nothing to merge).
      const response = await octokit.rest.repos.merge({
        owner: input.github.owner,
        repo: input.github.repo,
        base: input.base,
        head: input.head,
        commit_message: input.commitMessage,
        ...requestOptions(),
      });
      if (response.status === 201) return { result: 'merged', sha: response.data.sha };
      return { result: 'up-to-date' };
    } catch (err) {
      if (isRequestError(err) && err.status === 409) {
        throw ApplicationFailure.nonRetryable(
          `Cannot bring ${input.base} level with ${input.head} in ${repoName(input.github)}: merge conflict; merge it by hand, then redeploy ${input.base}`,
          GITHUB_ERROR_TYPES.mergeConflict,
        );
      }
      throw toGitHubFailure(err, { subject });
    }
  }

  async function findDeployment(octokit: Octokit, input: CreateGitHubDeploymentInput): Promise<number | undefined> {
    for (let page = 1; page <= 3; page++) {
      const { data } = await octokit.rest.repos.listDeployments({
        owner: input.github.owner,
        repo: input.github.repo,
        environment: input.environment,
        ref: input.ref,
        per_page: 100,
        page,
        ...requestOptions(),
      });
      const match = data.find((d) => payloadCorrelationId(d.payload) === input.correlationId);
      if (match) return match.id;
      if (data.length < 100) return undefined;
    }
    return undefined;
  }

  async function createGitHubDeployment(input: CreateGitHubDeploymentInput): Promise<number> {
    const octokit = github(input.github);
    const subject = `deployment of ${input.ref} to environment ${input.environment} in ${repoName(input.github)}`;
    const find = () => callGitHub({ subject }, () => findDeployment(octokit, input));
    const existing = await find();
    if (existing !== undefined) return existing;

    let response;
    try {
      response = await octokit.rest.repos.createDeployment({
        owner: input.github.owner,
        repo: input.github.repo,
        ref: input.ref,
        environment: input.environment,
        description: input.description,
        // The orchestrator decides what ships: no merging of the default branch, no status checks.
        auto_merge: false,
        required_contexts: [],
        payload: { correlationId: input.correlationId },
        // Like a dispatch, a create is not resent blindly; the list tells whether it happened.
        ...requestOptions({ retries: 0 }),
      });
    } catch (err) {
      if (!isUncertain(err)) throw toGitHubFailure(err, { subject });
      const created = await find();
      if (created !== undefined) return created;
      throw ApplicationFailure.retryable(`Creating the ${subject} failed: ${describe(err)}`, GITHUB_ERROR_TYPES.transient);
    }
    if ('id' in response.data) return response.data.id;
    throw ApplicationFailure.nonRetryable(
      `GitHub did not create the ${subject}: ${response.data.message ?? `status ${response.status}`}`,
      GITHUB_ERROR_TYPES.validation,
    );
  }

  async function setGitHubDeploymentStatus(input: SetGitHubDeploymentStatusInput): Promise<void> {
    const octokit = github(input.github);
    const subject = `deployment ${input.deploymentId} in ${repoName(input.github)}`;
    // Posting the same status twice only adds a duplicate entry: a retry is harmless.
    await callGitHub({ subject }, () =>
      octokit.rest.repos.createDeploymentStatus({
        owner: input.github.owner,
        repo: input.github.repo,
        deployment_id: input.deploymentId,
        state: input.state,
        // GitHub refuses descriptions longer than 140 characters (422).
        description: truncate(input.description, 140),
        ...(input.environmentUrl ? { environment_url: input.environmentUrl } : {}),
        ...(input.logUrl ? { log_url: input.logUrl } : {}),
        ...requestOptions(),
      }),
    );
  }

  // Every GitHub activity heartbeats while a request, a retry backoff or a rate-limit wait is
  // in flight, so a short heartbeat timeout only catches a dead worker.
  const kept =
    <I, R>(fn: (input: I) => Promise<R>) =>
    (input: I): Promise<R> =>
      keepAlive(() => fn(input));
  return {
    readBranchHead: kept(readBranchHead),
    dispatchWorkflow: kept(dispatchWorkflow),
    waitForWorkflowRun: kept(waitForWorkflowRun),
    syncBranch: kept(syncBranch),
    createGitHubDeployment: kept(createGitHubDeployment),
    setGitHubDeploymentStatus: kept(setGitHubDeploymentStatus),
  };
}

/** GitHub returns a deployment's payload as an object, or as the JSON string it was given. */
function payloadCorrelationId(payload: unknown): string | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const id = (value as { correlationId?: unknown } | null)?.correlationId;
  return typeof id === 'string' ? id : undefined;
}

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
