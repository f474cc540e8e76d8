// Environments and deployment reviews: the environment's settings (required reviewers,
// prevent self-review), a run's pending deployments and review log, reviewing a pending
// deployment with one's own token, and team membership (how a team reviewer is resolved).
import { objectBody } from './body.js';
import type { ReviewerRef } from './environments.js';
import { GitHubError, notFound, unprocessable } from './errors.js';
import type { ReviewGate } from './review-gate.js';
import type { RouteContext, RouteTable } from './route-table.js';
import type { Run } from './runs.js';
import { deploymentJson } from './shapes.js';
import { approvalJson, environmentJson, pendingDeploymentJson, teamMembershipJson } from './shapes-reviews.js';
import type { GitHubState } from './state.js';

const REVIEW_DOCS = 'https://docs.github.com/rest/actions/workflow-runs#review-pending-deployments-for-a-workflow-run';
const ENV_DOCS = 'https://docs.github.com/rest/deployments/environments#create-or-update-an-environment';

export function addEnvironmentRoutes(table: RouteTable, state: GitHubState, gate: ReviewGate): void {
  const people = state.people;
  /** Users without access do not see a private repository: 404, as GitHub answers. */
  const visibleRepo = ({ params, login }: RouteContext): void => {
    state.requireRepo(params);
    const user = login === undefined ? undefined : people.get(login);
    if (user?.role === 'none') throw notFound();
  };
  const runOf = (ctx: RouteContext): Run => {
    visibleRepo(ctx);
    const run = state.runs.get(Number(ctx.params['run_id']));
    if (!run) throw notFound();
    return run;
  };
  const environmentOf = (ctx: RouteContext) => {
    visibleRepo(ctx);
    const env = state.environments.get(ctx.params['environment_name'] ?? '');
    if (!env) throw notFound();
    return env;
  };

  table.add('GET', '/repos/:owner/:repo/environments', (ctx) => {
    visibleRepo(ctx);
    const all = state.environments.list();
    return {
      status: 200,
      body: { total_count: all.length, environments: all.map((env) => environmentJson(state.shapes, people, env)) },
    };
  });

  table.add('GET', '/repos/:owner/:repo/environments/:environment_name', (ctx) => ({
    status: 200,
    body: environmentJson(state.shapes, people, environmentOf(ctx)),
  }));

  table.add('PUT', '/repos/:owner/:repo/environments/:environment_name', (ctx) => {
    visibleRepo(ctx);
    const user = ctx.login === undefined ? undefined : people.get(ctx.login);
    if (user && user.role !== 'admin') throw new GitHubError(403, 'Must have admin rights to Repository.', ENV_DOCS);
    const body = objectBody(ctx.body, ENV_DOCS);
    const reviewers = parseReviewers(body['reviewers'], state);
    const prevent = body['prevent_self_review'];
    if (prevent !== undefined && typeof prevent !== 'boolean')
      throw unprocessable("Invalid request.\n\nFor 'prevent_self_review', value is not a boolean.", ENV_DOCS);
    const bypass = body['can_admins_bypass'];
    const env = state.environments.set(ctx.params['environment_name']!, {
      ...(reviewers ? { reviewers } : {}),
      ...(typeof prevent === 'boolean' ? { preventSelfReview: prevent } : {}),
      ...(typeof bypass === 'boolean' ? { canAdminsBypass: bypass } : {}),
    });
    return { status: 200, body: environmentJson(state.shapes, people, env) };
  });

  table.add('GET', '/repos/:owner/:repo/actions/runs/:run_id/pending_deployments', (ctx) => {
    const run = runOf(ctx);
    const body = gate
      .pending(run)
      .map((env) => pendingDeploymentJson(state.shapes, people, env, gate.refusal(run, env, ctx.login) === undefined));
    return { status: 200, body };
  });

  table.add('POST', '/repos/:owner/:repo/actions/runs/:run_id/pending_deployments', (ctx) => {
    const run = runOf(ctx);
    const body = objectBody(ctx.body, REVIEW_DOCS);
    const ids = body['environment_ids'];
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => Number.isSafeInteger(id)))
      throw unprocessable("Invalid request.\n\nFor 'environment_ids', expected a non-empty array of integers.", REVIEW_DOCS);
    const decision = body['state'];
    if (decision !== 'approved' && decision !== 'rejected')
      throw unprocessable(
        `Invalid request.\n\nFor 'state', ${JSON.stringify(decision)} is not one of approved, rejected.`,
        REVIEW_DOCS,
      );
    const comment = body['comment'];
    if (typeof comment !== 'string') throw unprocessable('Invalid request.\n\n"comment" wasn\'t supplied.', REVIEW_DOCS);
    const deployments = gate.review(run, ctx.login, ids as number[], decision, comment);
    return { status: 200, body: deployments.map((d) => deploymentJson(state.shapes, d)) };
  });

  table.add('GET', '/repos/:owner/:repo/actions/runs/:run_id/approvals', (ctx) => {
    const run = runOf(ctx);
    const body = state.environments
      .reviewsOf(run.id)
      .map((review) => approvalJson(state.shapes, review, state.environments.byId(review.environmentId)));
    return { status: 200, body };
  });

  table.add('GET', '/orgs/:org/teams/:team_slug/memberships/:username', ({ params }) => {
    const team = people.team(params['org'] ?? '', params['team_slug'] ?? '');
    if (!team || !people.isMember(team, params['username'] ?? '')) throw notFound();
    return { status: 200, body: teamMembershipJson(state.shapes, team, params['username']!) };
  });
}

/** `reviewers: [{type: 'User'|'Team', id}]` → references by login / slug. */
function parseReviewers(raw: unknown, state: GitHubState): ReviewerRef[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw unprocessable("Invalid request.\n\nFor 'reviewers', value is not an array.", ENV_DOCS);
  if (raw.length > 6) throw unprocessable('Validation Failed: an environment has at most 6 reviewers', ENV_DOCS);
  return raw.map((entry: unknown) => {
    const { type, id } = (entry ?? {}) as { type?: unknown; id?: unknown };
    if (type === 'User') {
      const user = state.people.list().find((u) => u.id === id);
      if (user) return { type: 'User', login: user.login };
    } else if (type === 'Team') {
      const team = typeof id === 'number' ? state.people.teamById(id) : undefined;
      if (team) return { type: 'Team', org: team.org, slug: team.slug };
    }
    throw unprocessable(
      `Validation Failed: reviewer ${JSON.stringify(entry)} is not a user or team of this repository`,
      ENV_DOCS,
    );
  });
}
