// GitHub side effects: branch heads, workflow dispatches and runs, merges, Deployments.
// Each activity is idempotent, or made so by correlation: a retried activity first looks for
// what an earlier attempt may already have created before creating it again. The dispatch
// lives in github-dispatch.ts, waiting for and cancelling runs in github-runs.ts, deployment
// statuses in github-deployment-status.ts.
import type { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/activity';
import { describe, isUncertain, repoName, requestOptions, type GitHubClientFor } from './github-common.js';
import { createDeploymentStatusActivity } from './github-deployment-status.js';
import { createDispatchActivity } from './github-dispatch.js';
import { GITHUB_ERROR_TYPES, callGitHub, isRequestError, toGitHubFailure } from './github-errors.js';
import { createRunActivities } from './github-runs.js';
import { keptAlive } from './heartbeat.js';
import type { CreateGitHubDeploymentInput, ReadBranchHeadInput, SyncBranchInput, SyncBranchResult } from './types.js';

export type { GitHubActivityClient, GitHubClientFor } from './github-common.js';
/** The one correlation-id format (contract/correlation-id.ts): how a dispatch finds its run. */
export { titleCarriesCorrelationId } from '../contract/correlation-id.js';

export interface GitHubActivityOptions {
  /**
   * How long a dispatch whose answer was lost (5xx, reset, timeout), or that a dead attempt may
   * have sent, keeps looking for its run before dispatching again, counted from the moment the
   * answer was lost. GitHub lists a new run seconds after the dispatch, a minute or more under
   * load: a window shorter than that lag sends a second dispatch (its duplicate run is then
   * cancelled). The cost is paid only when a dispatch really was lost: the deployment waits the
   * window before sending it again. A plan's `deploy.dispatchWindowMs` (bluegreen.yaml
   * `deploy.dispatchWindow`) takes precedence, within {@link maxDispatchWindowMs}.
   * @default 90_000
   * @example 180_000 // a GitHub Enterprise Server whose lists lag minutes
   */
  dispatchWindowMs?: number;
  /**
   * The longest window a plan may ask for; longer ones are cut to it (the dispatch activity
   * holds a worker slot meanwhile). @default 1_800_000
   */
  maxDispatchWindowMs?: number;
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
   * How far before the activity was first scheduled runs are searched: a margin for the clocks
   * of the worker and GitHub (runs are matched by `created`, GitHub's clock). @default 120_000
   */
  runLookbackMs?: number;
}

export function createGitHubActivities(github: GitHubClientFor, options: GitHubActivityOptions = {}) {
  const { dispatchWorkflow, findDispatchedRun, runsOfDispatch } = createDispatchActivity(github, {
    dispatchWindowMs: options.dispatchWindowMs ?? 90_000,
    maxDispatchWindowMs: options.maxDispatchWindowMs ?? 1_800_000,
    runDiscoveryTimeoutMs: options.runDiscoveryTimeoutMs ?? 60_000,
    runDiscoveryPollMs: options.runDiscoveryPollMs ?? 2_000,
    runLookbackMs: options.runLookbackMs ?? 120_000,
  });
  const { waitForWorkflowRun, cancelWorkflowRun } = createRunActivities(github, {
    runPollIntervalMs: options.runPollIntervalMs ?? 10_000,
    runsOfDispatch,
  });
  const setGitHubDeploymentStatus = createDeploymentStatusActivity(github);

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
    let pages = 0;
    const deployments = octokit.paginate.iterator(octokit.rest.repos.listDeployments, {
      owner: input.github.owner,
      repo: input.github.repo,
      environment: input.environment,
      ref: input.ref,
      per_page: 100,
      ...requestOptions(),
    });
    for await (const { data } of deployments) {
      const match = data.find((d) => payloadCorrelationId(d.payload) === input.correlationId);
      if (match) return match.id;
      if (++pages >= 3) break;
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

  // Every GitHub activity heartbeats while a request, a retry backoff or a rate-limit wait is
  // in flight, so a short heartbeat timeout only catches a dead worker.
  return keptAlive({
    readBranchHead,
    dispatchWorkflow,
    findDispatchedRun,
    waitForWorkflowRun,
    cancelWorkflowRun,
    syncBranch,
    createGitHubDeployment,
    setGitHubDeploymentStatus,
  });
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
