// The operator's own GitHub identity at work (approval via GitHub, docs/approvals.md). Both
// calls use the token in the operator's shell (`GITHUB_TOKEN`), never the worker's:
//   - `bluegreen deploy` records the GitHub Deployment as the deployer, so its `creator` is who
//     GitHub says started it (the worker reads it back: separation of duties);
//   - `bluegreen approve|reject` reviews the gate run's pending deployment as the QA engineer
//     (`POST …/runs/{run_id}/pending_deployments`); GitHub decides whether they may.
import { Octokit } from '@octokit/rest';
import type { Color, DeploymentPlan, DeploymentStatus, GitHubRepoRef } from '../contract/types.js';
import { inertText } from '../contract/sanitize.js';
import { badInput, refused } from './errors.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The operator's token from their environment, or a sentence saying how to provide one. */
export function operatorToken(env: NodeJS.ProcessEnv = process.env, why = 'approve on GitHub'): string {
  const token = env['GITHUB_TOKEN']?.trim();
  if (!token) {
    throw badInput(
      `GITHUB_TOKEN is not set: to ${why}, bluegreen acts as you on GitHub. Set GITHUB_TOKEN to your own token ` +
        `(e.g. GITHUB_TOKEN=$(gh auth token)); it stays on this machine, the worker never sees it`,
    );
  }
  return token;
}

export function operatorOctokit(github: GitHubRepoRef, token: string): Octokit {
  return new Octokit({
    auth: token,
    log: quiet,
    request: { retries: 0 },
    ...(github.baseUrl ? { baseUrl: github.baseUrl } : {}),
  });
}

export interface DeployerRecordInput {
  github: GitHubRepoRef;
  deploymentId: string;
  target: string;
  sha: string;
  description: string;
}

/**
 * Creates the deployment's GitHub Deployment record as the operator. The worker adopts this same
 * record (it looks records up by the deployment id in their payload) and reads its creator.
 */
export async function recordDeployer(octokit: Octokit, input: DeployerRecordInput): Promise<{ id: number; login: string }> {
  try {
    const { data } = await octokit.rest.repos.createDeployment({
      owner: input.github.owner,
      repo: input.github.repo,
      ref: input.sha,
      environment: input.target,
      description: input.description,
      auto_merge: false,
      required_contexts: [],
      payload: { correlationId: input.deploymentId },
    });
    if (!('id' in data)) throw new Error(data.message ?? 'no deployment created');
    return { id: data.id, login: data.creator?.login ?? 'unknown' };
  } catch (err) {
    const status = (err as { status?: number }).status;
    throw refused(
      `could not record the deployment on GitHub as you (${status ?? ''} ${(err as Error).message.split('\n')[0]}): ` +
        `approval via GitHub needs the deployer's identity verified by GitHub; check that GITHUB_TOKEN is yours and may create deployments in ${input.github.owner}/${input.github.repo}`,
    );
  }
}

export interface ReviewGateInput {
  github: GitHubRepoRef;
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
}

/** Approves or rejects the gate run's pending deployment as the token's owner. */
export async function reviewGateRun(octokit: Octokit, input: ReviewGateInput): Promise<void> {
  const params = { owner: input.github.owner, repo: input.github.repo, run_id: input.runId };
  const where = `gate run ${input.runId} of ${input.github.owner}/${input.github.repo}`;
  let pending;
  try {
    ({ data: pending } = await octokit.rest.actions.getPendingDeploymentsForRun(params));
  } catch (err) {
    throw refused(
      `GitHub would not show ${where} to you (${describe(err)}): is GITHUB_TOKEN yours, with access to the repository?`,
    );
  }
  const mine = pending.find((p) => p.environment.name?.toLowerCase() === input.environment.toLowerCase());
  if (!mine) throw refused(`${where} is not waiting for a review of '${input.environment}' (already decided, or not held yet)`);
  if (!mine.current_user_can_approve) {
    const reviewers = mine.reviewers.map((r) => reviewerName(r.reviewer)).join(', ');
    throw refused(
      `GitHub says you may not review '${input.environment}' for ${where}: its required reviewers are ${reviewers || 'not listed'}` +
        ` (and with "prevent self-review" the person who triggered the run may not)`,
    );
  }
  try {
    await octokit.rest.actions.reviewPendingDeploymentsForRun({
      ...params,
      environment_ids: [mine.environment.id!],
      state: input.state,
      comment: input.comment,
    });
  } catch (err) {
    throw refused(`GitHub refused your review of ${where}: ${describe(err)}`);
  }
}

function reviewerName(reviewer: unknown): string {
  const r = reviewer as { login?: string; slug?: string } | undefined;
  return r?.login ?? (r?.slug ? `team ${r.slug}` : '?');
}

function describe(err: unknown): string {
  const e = err as { status?: number; response?: { data?: { message?: string } }; message?: string };
  return `${e.status ?? ''} ${e.response?.data?.message ?? e.message ?? String(err)}`.trim();
}

/**
 * `approve`/`reject` of a deployment that takes approvals via GitHub: reviews its waiting gate
 * run as the operator; the workflow reads the decision back from GitHub.
 */
export async function decideOnGitHub(
  status: DeploymentStatus,
  github: GitHubRepoRef,
  decision: 'approve' | 'reject',
  text: string,
  env: NodeJS.ProcessEnv = process.env,
  /** A name given with `--by`: it must be the token's owner, who GitHub records as the reviewer. */
  declaredBy?: string,
): Promise<string> {
  const gate = status.gate!;
  if (gate.runId === undefined)
    throw refused(`${status.service} has no QA gate run waiting on GitHub right now (phase ${status.phase})`);
  const octokit = operatorOctokit(github, operatorToken(env, `${decision} on GitHub`));
  if (declaredBy !== undefined) await assertTokenOwner(octokit, declaredBy, decision);
  await reviewGateRun(octokit, {
    github,
    runId: gate.runId,
    environment: gate.environment,
    state: decision === 'approve' ? 'approved' : 'rejected',
    comment: text,
  });
  return `${decision === 'approve' ? 'approved' : 'rejected'} gate run ${gate.runId} on GitHub as yourself (GitHub checked you may review ${gate.environment}); ${status.deploymentId} reads it from GitHub next`;
}

/**
 * A `--by` that is not the token's owner is refused, naming both: GitHub records the review as
 * the owner whatever the command line says, so going ahead would approve under another name.
 */
async function assertTokenOwner(octokit: Octokit, declaredBy: string, decision: 'approve' | 'reject'): Promise<void> {
  let login: string;
  try {
    ({
      data: { login },
    } = await octokit.rest.users.getAuthenticated());
  } catch (err) {
    throw refused(`GitHub would not say whose GITHUB_TOKEN this is (${describe(err)}): is it a personal token of yours?`);
  }
  if (login.toLowerCase() === declaredBy.toLowerCase()) return;
  throw refused(
    `--by ${inertText(declaredBy, 100)} does not match GITHUB_TOKEN, which is @${login}'s: this deployment takes approvals on GitHub, ` +
      `where the review is recorded as the token's owner. ${decision === 'approve' ? 'Approve' : 'Reject'} with ${inertText(declaredBy, 100)}'s own token, or drop --by to ${decision} as @${login}`,
  );
}

/** `deploy` with approval via GitHub: the deployment record, created as the operator. */
export async function recordDeployerForPlan(
  plan: DeploymentPlan,
  target: Color | undefined,
  sha: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeploymentPlan> {
  if (!(plan.approval.via ?? []).includes('github') || !plan.approval.gate) return plan;
  // The deployer's own token first: without it nothing else here can work, and that is what to say.
  const token = operatorToken(env, 'start a deployment approved via GitHub');
  if (!target || !sha) {
    throw refused(
      'approval via GitHub records the deployment as you before it starts, which needs the active color and the branch head: both must be readable from here',
    );
  }
  const octokit = operatorOctokit(plan.github, token);
  const record = await recordDeployer(octokit, {
    github: plan.github,
    deploymentId: plan.deploymentId,
    target,
    sha,
    description: `bluegreen ${plan.deploymentId}: ${target}`,
  });
  return { ...plan, deployer: { githubDeploymentId: record.id } };
}
