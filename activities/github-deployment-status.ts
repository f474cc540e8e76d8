// A GitHub Deployment status, posted once. A status POST whose answer was lost (reset, 5xx,
// timeout), or that an attempt which then died may have sent, is looked for before it is posted
// again: every status stays on the environment's page, and a duplicate shows there twice.
//
// The statuses list is searched whole (up to STATUS_PAGES pages), never read as "the newest
// first": GitHub documents only `per_page` and `page` for "List deployment statuses", no sort
// or direction and no order, on docs.github.com for github.com and for GitHub Enterprise Server
// (3.13–3.21 alike), and @octokit/openapi's descriptions (api.github.com, GHES 3.17–3.19) agree.
import type { Octokit } from '@octokit/rest';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { describe, isUncertain, repoName, requestOptions, type GitHubClientFor } from './github-common.js';
import { GITHUB_ERROR_TYPES, callGitHub, toGitHubFailure } from './github-errors.js';
import type { SetGitHubDeploymentStatusInput } from './types.js';

/**
 * How much earlier than the activity's first schedule (worker clock) a status may be dated by
 * GitHub (its clock, whole seconds) and still count as ours: a margin for the two clocks.
 */
export const STATUS_CLOCK_SKEW_MS = 60_000;

/** Pages of 100 statuses searched for an earlier attempt's; a deployment gets a handful. */
const STATUS_PAGES = 3;

/** GitHub refuses descriptions longer than 140 characters (422). */
const MAX_DESCRIPTION = 140;

/** The fields a status is recognised by, as GitHub answers them ('' for an absent URL). */
interface StatusFields {
  state: string;
  description: string;
  environment_url: string;
  log_url: string;
}

export function createDeploymentStatusActivity(github: GitHubClientFor) {
  return async function setGitHubDeploymentStatus(input: SetGitHubDeploymentStatusInput): Promise<void> {
    const octokit = github(input.github);
    const subject = `deployment ${input.deploymentId} in ${repoName(input.github)}`;
    const wanted: StatusFields = {
      state: input.state,
      description: truncate(input.description, MAX_DESCRIPTION),
      environment_url: input.environmentUrl ?? '',
      log_url: input.logUrl ?? '',
    };
    const { attempt, scheduledTimestampMs } = Context.current().info;
    // An identical status dated since this activity was first scheduled is one of its attempts'.
    const sinceMs = (scheduledTimestampMs > 0 ? scheduledTimestampMs : Date.now()) - STATUS_CLOCK_SKEW_MS;
    const alreadyPosted = () => callGitHub({ subject }, () => hasStatus(octokit, input, wanted, sinceMs));

    // An earlier attempt may have posted it and died before it could say so.
    if (attempt > 1 && (await alreadyPosted())) return;
    try {
      await octokit.rest.repos.createDeploymentStatus({
        owner: input.github.owner,
        repo: input.github.repo,
        deployment_id: input.deploymentId,
        state: input.state,
        description: wanted.description,
        ...(input.environmentUrl ? { environment_url: input.environmentUrl } : {}),
        ...(input.logUrl ? { log_url: input.logUrl } : {}),
        // Not resent blindly: after a lost answer the list tells whether GitHub applied it.
        ...requestOptions({ retries: 0 }),
      });
    } catch (err) {
      if (!isUncertain(err)) throw toGitHubFailure(err, { subject });
      if (await alreadyPosted()) return;
      throw ApplicationFailure.retryable(
        `Setting the status of the ${subject} failed: ${describe(err)}`,
        GITHUB_ERROR_TYPES.transient,
      );
    }
  };
}

async function hasStatus(
  octokit: Octokit,
  input: SetGitHubDeploymentStatusInput,
  wanted: StatusFields,
  sinceMs: number,
): Promise<boolean> {
  let pages = 0;
  const statuses = octokit.paginate.iterator(octokit.rest.repos.listDeploymentStatuses, {
    owner: input.github.owner,
    repo: input.github.repo,
    deployment_id: input.deploymentId,
    per_page: 100,
    ...requestOptions(),
  });
  for await (const { data } of statuses) {
    if (data.some((s) => sameStatus(s, wanted) && Date.parse(s.created_at) >= sinceMs)) return true;
    if (++pages >= STATUS_PAGES) break;
  }
  return false;
}

const sameStatus = (
  s: { state: string; description?: string | null; environment_url?: string | null; log_url?: string | null },
  wanted: StatusFields,
): boolean =>
  s.state === wanted.state &&
  (s.description ?? '') === wanted.description &&
  (s.environment_url ?? '') === wanted.environment_url &&
  (s.log_url ?? '') === wanted.log_url;

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
