// Approval via GitHub: what GitHub knows about the QA gate, read with the worker's token.
//   - the approval environment must have required reviewers, or the gate would pass by itself;
//   - the deployer is whoever created the deployment's GitHub Deployment record (the CLI does,
//     with the operator's own token): GitHub vouches for `creator.login`;
//   - a gate run is held `waiting` by GitHub until a reviewer decides; its review log
//     (`GET …/runs/{run_id}/approvals`: user, state, comment) says who did;
//   - team membership (`GET /orgs/{org}/teams/{team}/memberships/{user}`) resolves `org/team`
//     approvers of the worker policy.
// The endpoints exist on api.github.com and GHES 3.17-3.19 alike (@octokit/openapi); an older
// server that answers 404 for the review log gets a clear, non-retryable error, not a hang.
import type { Octokit } from '@octokit/rest';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { GitHubRepoRef } from '../contract/types.js';
import {
  APPROVAL_ERROR_TYPES,
  type ApprovalActivities,
  type ApprovalEnvironment,
  type ApprovalEnvironmentInput,
  type DeployerIdentity,
  type GateDecision,
  type GateOpened,
  type GateReview,
  type OpenGateInput,
  type ReadDeployerInput,
  type ReadGateDecisionInput,
  type TeamMemberInput,
} from './approval-types.js';
import { callGitHub, isRequestError, toGitHubFailure } from './github-errors.js';
import { titleCarriesCorrelationId } from './github.js';
import { heartbeat, keptAlive, sleepWithHeartbeats } from './heartbeat.js';

export type GitHubClientFor = (ref: GitHubRepoRef) => Octokit;

const SETUP_DOCS = 'docs/approvals.md';
/**
 * How long before its workflow started the deployment's GitHub Deployment record may have been
 * created: the CLI creates it right before it starts the workflow.
 */
const DEPLOYER_RECORD_MAX_AGE_MS = 10 * 60_000;
const repoName = (ref: GitHubRepoRef): string => `${ref.owner}/${ref.repo}`;
const requestOptions = () => ({ request: { signal: Context.current().cancellationSignal } });
/** A request about `ref`'s repository with `params`, cancelled with the activity. */
const repoRequest = <P extends object>(ref: GitHubRepoRef, params: P) => ({
  owner: ref.owner,
  repo: ref.repo,
  ...params,
  ...requestOptions(),
});
const apiRoot = (ref: GitHubRepoRef): string => ref.baseUrl ?? 'https://api.github.com';

type Reviewer = { type?: string; reviewer?: { login?: string; slug?: string } | null };

/** `alice` for a user, `org/team` for a team. */
function reviewerName(entry: Reviewer, org: string): string | undefined {
  if (entry.type === 'Team' && entry.reviewer?.slug) return `${org}/${entry.reviewer.slug}`;
  return entry.reviewer?.login ?? undefined;
}

/** A full 40-hex SHA as a whole word of the title. */
const titleCarriesSha = (title: string, sha: string): boolean =>
  /^[0-9a-f]{40}$/.test(sha) && new RegExp(`(?<![0-9a-f])${sha}(?![0-9a-f])`).test(title);

/** A GitHub read whose 404 the caller answers (undefined here); any other error is a GitHub failure about `subject`. */
async function unlessMissing<T>(subject: string, request: () => Promise<{ data: T }>): Promise<T | undefined> {
  try {
    return (await request()).data;
  } catch (err) {
    if (isRequestError(err) && err.status === 404) return undefined;
    throw toGitHubFailure(err, { subject });
  }
}

function setupError(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, APPROVAL_ERROR_TYPES.setup);
}

export function createApprovalActivities(github: GitHubClientFor): ApprovalActivities {
  async function readApprovalEnvironment(input: ApprovalEnvironmentInput): Promise<ApprovalEnvironment> {
    const octokit = github(input.github);
    const where = `${repoName(input.github)} (${apiRoot(input.github)})`;
    const data = await unlessMissing(`environment ${input.environment} in ${repoName(input.github)}`, () =>
      octokit.rest.repos.getEnvironment(repoRequest(input.github, { environment_name: input.environment })),
    );
    if (!data) {
      throw setupError(
        `GitHub has no environment '${input.environment}' in ${where}: create it under Settings → Environments → New environment, ` +
          `add the QA engineers (or their team) as required reviewers, and name it in qa-gate.yml's \`environment:\` (see ${SETUP_DOCS})`,
      );
    }
    const rule = (data.protection_rules ?? []).find((r) => r.type === 'required_reviewers') as
      { reviewers?: Reviewer[]; prevent_self_review?: boolean } | undefined;
    const reviewers = (rule?.reviewers ?? [])
      .map((r) => reviewerName(r, input.github.owner))
      .filter((r): r is string => r !== undefined);
    if (reviewers.length === 0) {
      throw setupError(
        `The environment '${input.environment}' in ${where} has no required reviewers, so the QA gate would pass by itself: ` +
          `add them under Settings → Environments → ${input.environment} → Required reviewers (up to six users or teams), ` +
          `or use approval.via: signal (see ${SETUP_DOCS})`,
      );
    }
    const bypass = (data as { can_admins_bypass?: unknown }).can_admins_bypass;
    return {
      environment: data.name,
      id: data.id,
      reviewers,
      preventSelfReview: rule?.prevent_self_review ?? false,
      ...(typeof bypass === 'boolean' ? { canAdminsBypass: bypass } : {}),
    };
  }

  async function readDeployer(input: ReadDeployerInput): Promise<DeployerIdentity> {
    const octokit = github(input.github);
    const data = await unlessMissing(`deployment ${input.githubDeploymentId} in ${repoName(input.github)}`, () =>
      octokit.rest.repos.getDeployment(repoRequest(input.github, { deployment_id: input.githubDeploymentId })),
    );
    if (!data) {
      return {
        verified: false,
        reason: `GitHub has no deployment record ${input.githubDeploymentId} in ${repoName(input.github)}`,
      };
    }
    const payload = typeof data.payload === 'string' ? safeJson(data.payload) : data.payload;
    const correlationId = (payload as { correlationId?: unknown } | undefined)?.correlationId;
    const record = `GitHub deployment record ${data.id}`;
    if (correlationId !== input.correlationId)
      return { verified: false, reason: `${record} is for another deployment (${String(correlationId)})` };
    if (data.sha !== input.sha) return { verified: false, reason: `${record} is for commit ${data.sha}, not ${input.sha}` };
    if (data.environment !== input.environment)
      return { verified: false, reason: `${record} is for environment ${data.environment}, not ${input.environment}` };
    // The plan names the record and the id in its payload, so both could be an older record of
    // someone else's: take only one made for this run, unused by any other deployment.
    const notOurs = input.startedAt !== undefined ? await recordNotOurs(octokit, input.github, input.startedAt, data) : undefined;
    if (notOurs) return { verified: false, reason: `${record} ${notOurs}` };
    const creator = data.creator;
    if (!creator) return { verified: false, reason: `${record} has no creator` };
    if (creator.type === 'Bot')
      return { verified: false, reason: `${record} was created by the bot ${creator.login}, not by a person` };
    return { verified: true, login: creator.login, id: creator.id };
  }

  /**
   * Why the record was not made for this deployment's run, or undefined: it was created more
   * than DEPLOYER_RECORD_MAX_AGE_MS before the run started, or another deployment already wrote
   * statuses on it (bluegreen writes none before the plan phase ends).
   */
  async function recordNotOurs(
    octokit: Octokit,
    ref: GitHubRepoRef,
    startedAt: string,
    data: { id: number; created_at: string },
  ): Promise<string | undefined> {
    const created = Date.parse(data.created_at);
    const started = Date.parse(startedAt);
    if (!Number.isFinite(created)) return `has no creation time GitHub could vouch for (${String(data.created_at)})`;
    if (created < started - DEPLOYER_RECORD_MAX_AGE_MS) {
      return `was created at ${data.created_at}, more than ${DEPLOYER_RECORD_MAX_AGE_MS / 60_000} minutes before this deployment started (${startedAt}): it belongs to an earlier one`;
    }
    const { data: statuses } = await callGitHub({ subject: `statuses of deployment ${data.id} in ${repoName(ref)}` }, () =>
      octokit.rest.repos.listDeploymentStatuses(repoRequest(ref, { deployment_id: data.id, per_page: 1 })),
    );
    if (statuses.length > 0) {
      return `already has deployment statuses (the newest: ${statuses[0]!.state}): another deployment used it`;
    }
    return undefined;
  }

  async function openGate(input: OpenGateInput): Promise<GateOpened> {
    const octokit = github(input.github);
    const params = { owner: input.github.owner, repo: input.github.repo, run_id: input.runId };
    const subject = `gate run ${input.runId} in ${repoName(input.github)}`;
    const deadline = Date.now() + (input.holdTimeoutMs ?? 30_000);
    // The review log must exist before anyone is asked to review: otherwise, once QA decided,
    // nobody could read who did.
    if (!(await unlessMissing(subject, () => octokit.rest.actions.getReviewsForRun({ ...params, ...requestOptions() })))) {
      throw ApplicationFailure.nonRetryable(
        `GitHub at ${apiRoot(input.github)} answered 404 to GET /repos/${repoName(input.github)}/actions/runs/${input.runId}/approvals: ` +
          `this GitHub (an older GitHub Enterprise Server?) cannot say who approved a deployment, so bluegreen cannot verify approvals there. ` +
          `Upgrade it, or use approval.via: signal (self-declared approvals)`,
        APPROVAL_ERROR_TYPES.unsupported,
      );
    }
    for (;;) {
      const { data: run } = await callGitHub({ subject }, () =>
        octokit.rest.actions.getWorkflowRun({ ...params, ...requestOptions() }),
      );
      heartbeat({ runId: input.runId, status: run.status });
      if (run.status === 'waiting') {
        const { data: pending } = await callGitHub({ subject }, () =>
          octokit.rest.actions.getPendingDeploymentsForRun({ ...params, ...requestOptions() }),
        );
        const mine = pending.find((p) => p.environment.name?.toLowerCase() === input.environment.toLowerCase());
        const reviewers = (mine?.reviewers ?? [])
          .map((r) => reviewerName(r as Reviewer, input.github.owner))
          .filter((r): r is string => r !== undefined);
        return { state: mine ? 'waiting' : 'not-held', runStatus: run.status, reviewers, url: run.html_url };
      }
      // Still queued (GitHub takes a moment to evaluate protection rules) or already past them.
      const past = run.status === 'in_progress' || run.status === 'completed';
      if (past || Date.now() > deadline) {
        return { state: past ? 'not-held' : 'waiting', runStatus: run.status ?? 'unknown', reviewers: [], url: run.html_url };
      }
      await sleepWithHeartbeats(input.pollMs ?? 1_000, () => ({ runId: input.runId, status: run.status }));
    }
  }

  async function readGateDecision(input: ReadGateDecisionInput): Promise<GateDecision> {
    const octokit = github(input.github);
    const params = { owner: input.github.owner, repo: input.github.repo, run_id: input.runId };
    const subject = `gate run ${input.runId} in ${repoName(input.github)}`;
    const { data: run } = await callGitHub({ subject }, () =>
      octokit.rest.actions.getWorkflowRun({ ...params, ...requestOptions() }),
    );
    const log = await unlessMissing(subject, () => octokit.rest.actions.getReviewsForRun({ ...params, ...requestOptions() }));
    if (!log) {
      throw ApplicationFailure.nonRetryable(
        `GitHub at ${apiRoot(input.github)} has no review log for run ${input.runId} (404): cannot tell who approved; use approval.via: signal there`,
        APPROVAL_ERROR_TYPES.unsupported,
      );
    }
    const env = input.environment.toLowerCase();
    const reviews: GateReview[] = log
      .filter((entry) => entry.environments.some((e) => e.name?.toLowerCase() === env))
      .map((entry) => ({ login: entry.user.login, id: entry.user.id, state: entry.state, comment: entry.comment }));
    const title = run.display_title ?? '';
    return {
      runId: run.id,
      url: run.html_url,
      status: run.status ?? 'unknown',
      conclusion: run.conclusion ?? null,
      title,
      boundToBuild: titleCarriesCorrelationId(title, input.correlationId) && titleCarriesSha(title, input.sha),
      ...(run.triggering_actor?.login ? { triggeredBy: run.triggering_actor.login } : {}),
      reviews,
      readAt: new Date().toISOString(),
    };
  }

  async function isTeamMember(input: TeamMemberInput): Promise<boolean> {
    const octokit = github(input.github);
    try {
      const { data } = await octokit.rest.teams.getMembershipForUserInOrg({
        org: input.org,
        team_slug: input.team,
        username: input.login,
        ...requestOptions(),
      });
      return data.state === 'active';
    } catch (err) {
      if (isRequestError(err) && err.status === 404) return false;
      if (isRequestError(err) && err.status === 403) {
        throw ApplicationFailure.nonRetryable(
          `The worker's GitHub credentials may not read the members of ${input.org}/${input.team} (403): ` +
            `give the token read:org (a GitHub App: Organization → Members: read), or list the approvers by login`,
          'GitHubForbidden',
        );
      }
      throw toGitHubFailure(err, { subject: `membership of ${input.login} in ${input.org}/${input.team}` });
    }
  }

  return keptAlive({ readApprovalEnvironment, readDeployer, openGate, readGateDecision, isTeamMember });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
