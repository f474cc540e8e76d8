// GitHub's JSON shapes for environments, their reviewers, pending deployments, the review log
// of a run, team memberships, and the deployment_review / workflow_job webhook payloads.
// test/lab-openapi.test.ts holds each one to @octokit/openapi's schemas.
import type { EnvironmentRecord, ReviewerRef, RunReview } from './environments.js';
import type { LabTeam, People } from './people.js';
import type { JobState } from './run-jobs.js';
import type { Run } from './runs.js';
import { fullRepository, jobJson, loginUser, workflowRunJson, type ShapeContext } from './shapes.js';

type Json = Record<string, unknown>;

const nodeId = (kind: string, id: number | string): string => Buffer.from(`${kind}:${id}`).toString('base64url');
const repoApi = (ctx: ShapeContext): string => `${ctx.apiUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}`;

export function environmentSummary(ctx: ShapeContext, env: EnvironmentRecord): Json {
  return {
    id: env.id,
    node_id: nodeId('Environment', env.id),
    name: env.name,
    url: `${repoApi(ctx)}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${ctx.webUrl}/${ctx.repo.owner}/${ctx.repo.name}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
  };
}

export function teamJson(ctx: ShapeContext, team: LabTeam): Json {
  const api = `${ctx.apiUrl}/organizations/${4_200_001}/team/${team.id}`;
  return {
    id: team.id,
    node_id: nodeId('Team', team.id),
    url: api,
    html_url: `${ctx.webUrl}/orgs/${team.org}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: `${team.name} (bluegreen lab)`,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    type: 'organization',
    organization_id: 4_200_001,
    parent: null,
  };
}

export function reviewerJson(ctx: ShapeContext, people: People, ref: ReviewerRef): Json | undefined {
  if (ref.type === 'User') return { type: 'User', reviewer: loginUser(ctx, ref.login) };
  const team = people.team(ref.org, ref.slug);
  return team ? { type: 'Team', reviewer: teamJson(ctx, team) } : undefined;
}

const reviewersOf = (ctx: ShapeContext, people: People, env: EnvironmentRecord): Json[] =>
  env.reviewers.map((r) => reviewerJson(ctx, people, r)).filter((r): r is Json => r !== undefined);

export function environmentJson(ctx: ShapeContext, people: People, env: EnvironmentRecord): Json {
  const rules =
    env.reviewers.length > 0
      ? [
          {
            id: env.reviewersRuleId,
            node_id: nodeId('Gate', env.reviewersRuleId),
            prevent_self_review: env.preventSelfReview,
            type: 'required_reviewers',
            reviewers: reviewersOf(ctx, people, env),
          },
        ]
      : [];
  return {
    ...environmentSummary(ctx, env),
    created_at: env.createdAt,
    updated_at: env.updatedAt,
    // Not in GitHub's OpenAPI description, but in its answers (google/go-github#2722).
    can_admins_bypass: env.canAdminsBypass,
    protection_rules: rules,
    deployment_branch_policy: null,
  };
}

export function pendingDeploymentJson(ctx: ShapeContext, people: People, env: EnvironmentRecord, canApprove: boolean): Json {
  return {
    environment: environmentSummary(ctx, env),
    wait_timer: 0,
    wait_timer_started_at: null,
    current_user_can_approve: canApprove,
    reviewers: reviewersOf(ctx, people, env),
  };
}

export function approvalJson(ctx: ShapeContext, review: RunReview, env: EnvironmentRecord | undefined): Json {
  return {
    environments: env ? [{ ...environmentSummary(ctx, env), created_at: env.createdAt, updated_at: env.updatedAt }] : [],
    state: review.state,
    user: loginUser(ctx, review.login),
    comment: review.comment,
  };
}

export const teamMembershipJson = (ctx: ShapeContext, team: LabTeam, login: string): Json => ({
  url: `${ctx.apiUrl}/organizations/4200001/team/${team.id}/memberships/${login}`,
  role: 'member',
  state: 'active',
});

// ── webhook payloads ─────────────────────────────────────────────────────────

function organizationJson(ctx: ShapeContext): Json {
  const api = `${ctx.apiUrl}/orgs/${ctx.repo.owner}`;
  return {
    login: ctx.repo.owner,
    id: 4_200_001,
    node_id: nodeId('Organization', 4_200_001),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${ctx.webUrl}/avatars/4200001`,
    description: null,
  };
}

const webhookRepository = (ctx: ShapeContext): Json => ({ ...fullRepository(ctx), has_downloads: true });

function jobRunJson(ctx: ShapeContext, run: Run, job: JobState, env: EnvironmentRecord): Json {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    conclusion: job.conclusion,
    environment: env.name,
    html_url: `${ctx.webUrl}/${ctx.repo.owner}/${ctx.repo.name}/actions/runs/${run.id}/job/${job.id}`,
    created_at: job.createdAt,
    updated_at: run.updatedAt,
  };
}

/**
 * The reviewers a deployment_review payload lists. GitHub's published webhook schemas describe
 * user reviewers only (no team shape), so team reviewers are left out here.
 */
const webhookReviewers = (ctx: ShapeContext, people: People, env: EnvironmentRecord): Json[] =>
  env.reviewers.filter((r) => r.type === 'User').map((r) => reviewerJson(ctx, people, r)!);

/** `deployment_review` (requested / approved / rejected): who asked, who may review, who did. */
export function deploymentReviewPayload(
  ctx: ShapeContext,
  people: People,
  run: Run,
  job: JobState,
  env: EnvironmentRecord,
  review?: RunReview,
): Json {
  const common = {
    organization: organizationJson(ctx),
    repository: webhookRepository(ctx),
    since: run.updatedAt,
    workflow_run: workflowRunJson(ctx, run),
  };
  if (!review) {
    return {
      action: 'requested',
      environment: env.name,
      requestor: loginUser(ctx, run.actor.login),
      reviewers: webhookReviewers(ctx, people, env),
      sender: loginUser(ctx, run.actor.login),
      workflow_job_run: jobRunJson(ctx, run, job, env),
      ...common,
    };
  }
  return {
    action: review.state,
    approver: loginUser(ctx, review.login),
    comment: review.comment,
    reviewers: webhookReviewers(ctx, people, env),
    sender: loginUser(ctx, review.login),
    workflow_job_run: jobRunJson(ctx, run, job, env),
    workflow_job_runs: [jobRunJson(ctx, run, job, env)],
    ...common,
  };
}

/** `workflow_job` with action `waiting`: the job is held for a review of its environment. */
export function workflowJobPayload(ctx: ShapeContext, run: Run, job: JobState): Json {
  return {
    action: 'waiting',
    workflow_job: jobJson(ctx, run, job),
    repository: webhookRepository(ctx),
    organization: organizationJson(ctx),
    sender: loginUser(ctx, run.actor.login),
  };
}
