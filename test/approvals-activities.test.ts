// The approval-via-GitHub activities against the lab: real Octokit over HTTP, real activity
// contexts. Each QA engineer, the deployer and an outsider act with their own lab tokens.
import { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalActivities } from '../activities/github-approvals.js';
import { createGitHubClient } from '../activities/octokit.js';
import { operatorOctokit, operatorToken, recordDeployer, reviewGateRun } from '../client/github-identity.js';
import { startLab, type Lab } from '../lab/index.js';
import { gateInputs } from '../contract/gate-inputs.js';
import type { GitHubRepoRef } from '../contract/types.js';
import { activityEnv, rejectionOf } from './activities-helpers.js';

let lab: Lab;
let repo: GitHubRepoRef;
let activities: ReturnType<typeof createApprovalActivities>;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const as = (login: string) => new Octokit({ baseUrl: lab.githubUrl, auth: lab.github.reviews.tokenOf(login), log: quiet });
const run = <I, R>(fn: (input: I) => Promise<R>, input: I): Promise<R> => activityEnv().run(fn, input);

beforeAll(async () => {
  lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 60 } });
  repo = { owner: lab.owner, repo: lab.repo, baseUrl: lab.githubUrl };
  const client = createGitHubClient({ baseUrl: lab.githubUrl, auth: { kind: 'token', token: lab.token }, log: quiet });
  activities = createApprovalActivities(() => client);
  lab.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa'], preventSelfReview: true });
});
afterAll(async () => {
  await lab?.close();
});

let seq = 0;
/** Dispatches the gate as the worker would (the bot's token), for the green head or `sha`. */
async function dispatchGate(sha = lab.github.branchHead('green')!) {
  const correlationId = `approvals-${++seq}.approval-1`;
  const bot = new Octokit({ baseUrl: lab.githubUrl, auth: lab.token, log: quiet });
  const { data } = await bot.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
    owner: lab.owner,
    repo: lab.repo,
    workflow_id: 'qa-gate.yml',
    ref: 'production',
    inputs: gateInputs(correlationId, 'green', sha, lab.appUrls.green),
    return_run_details: true,
  });
  return { runId: (data as { workflow_run_id: number }).workflow_run_id, correlationId, sha };
}

describe('the approval environment', () => {
  it('with required reviewers: lists them (teams as org/team) and prevent self-review', async () => {
    const env = await run(activities.readApprovalEnvironment, { github: repo, environment: 'qa' });
    expect(env).toMatchObject({ environment: 'qa', reviewers: ['datatruck/qa'], preventSelfReview: true, canAdminsBypass: true });
  });

  it('missing, or without required reviewers: refused with a sentence saying how to set it up', async () => {
    const missing = await rejectionOf(run(activities.readApprovalEnvironment, { github: repo, environment: 'nowhere' }));
    expect(missing).toBeInstanceOf(ApplicationFailure);
    expect(missing).toMatchObject({ type: 'ApprovalSetupError', nonRetryable: true });
    expect(missing.message).toMatch(/no environment 'nowhere'.*Settings → Environments → New environment.*required reviewers/);
    lab.github.reviews.setEnvironment('open-door');
    const open = await rejectionOf(run(activities.readApprovalEnvironment, { github: repo, environment: 'open-door' }));
    expect(open.message).toMatch(/'open-door'.*has no required reviewers, so the QA gate would pass by itself: add them under/);
  });
});

describe('the deployer, as GitHub knows them', () => {
  const record = async (octokit: Octokit, correlationId: string, sha: string) =>
    (
      await octokit.rest.repos.createDeployment({
        owner: lab.owner,
        repo: lab.repo,
        ref: sha,
        environment: 'green',
        auto_merge: false,
        required_contexts: [],
        payload: { correlationId },
      })
    ).data as { id: number };

  it("is the creator of the deployment record the CLI made with the deployer's own token", async () => {
    const sha = lab.github.branchHead('green')!;
    const { id } = await record(as('dave'), 'svc-1', sha);
    const input = { github: repo, githubDeploymentId: id, correlationId: 'svc-1', sha, environment: 'green' };
    expect(await run(activities.readDeployer, input)).toMatchObject({ verified: true, login: 'dave' });
    expect(await run(activities.readDeployer, { ...input, correlationId: 'svc-2' })).toMatchObject({
      verified: false,
      reason: expect.stringMatching(/for another deployment/),
    });
    expect(await run(activities.readDeployer, { ...input, sha: lab.github.initialSha })).toMatchObject({ verified: false });
    expect(await run(activities.readDeployer, { ...input, githubDeploymentId: 1 })).toMatchObject({ verified: false });
  });
});

describe('the deployer record is bound to this deployment', () => {
  const record = async (octokit: Octokit, correlationId: string, sha: string) =>
    (
      await octokit.rest.repos.createDeployment({
        owner: lab.owner,
        repo: lab.repo,
        ref: sha,
        environment: 'green',
        auto_merge: false,
        required_contexts: [],
        payload: { correlationId },
      })
    ).data as { id: number };

  it('an older record someone else made, named by the plan with its id, does not make them the deployer', async () => {
    const sha = lab.github.branchHead('green')!;
    // Alice deployed this SHA earlier: her CLI made the record, her deployment's worker wrote on it.
    const old = await record(as('alice'), 'svc-alice-earlier', sha);
    const bot = new Octokit({ baseUrl: lab.githubUrl, auth: lab.token, log: quiet });
    await bot.rest.repos.createDeploymentStatus({ owner: lab.owner, repo: lab.repo, deployment_id: old.id, state: 'success' });
    // Bob starts a plan by hand naming her record and her deployment id, to approve his own change.
    const startedAt = new Date().toISOString();
    const input = {
      github: repo,
      githubDeploymentId: old.id,
      correlationId: 'svc-alice-earlier',
      sha,
      environment: 'green',
      startedAt,
    };
    expect(await run(activities.readDeployer, input)).toMatchObject({
      verified: false,
      reason: expect.stringMatching(/already has deployment statuses \(the newest: success\): another deployment used it/),
    });
    // A record nobody used, but made long before this deployment started: not this one's either.
    const unused = await record(as('alice'), 'svc-alice-unused', sha);
    lab.github.deployments.find((d) => d.id === unused.id)!.createdAt = new Date(Date.now() - 3_600_000)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    expect(
      await run(activities.readDeployer, { ...input, githubDeploymentId: unused.id, correlationId: 'svc-alice-unused' }),
    ).toMatchObject({ verified: false, reason: expect.stringMatching(/more than 10 minutes before this deployment started/) });
    // The record the CLI made for this run, right before it started: its creator is the deployer.
    const fresh = await record(as('bob'), 'svc-bob-now', sha);
    expect(
      await run(activities.readDeployer, { ...input, githubDeploymentId: fresh.id, correlationId: 'svc-bob-now' }),
    ).toMatchObject({ verified: true, login: 'bob' });
  });
});

describe('the gate run', () => {
  it('is held waiting for the reviewers; the review log says who approved, bound to the id and SHA', async () => {
    const gate = await dispatchGate();
    const opened = await run(activities.openGate, { github: repo, runId: gate.runId, environment: 'qa', pollMs: 20 });
    expect(opened).toMatchObject({ state: 'waiting', runStatus: 'waiting', reviewers: ['datatruck/qa'] });
    lab.github.reviews.review(gate.runId, 'alice', 'approved', 'QA passed on green');
    await lab.github.waitForRun(gate.runId);
    const decision = await run(activities.readGateDecision, { github: repo, environment: 'qa', ...gate });
    expect(decision).toMatchObject({
      conclusion: 'success',
      boundToBuild: true,
      triggeredBy: 'bluegreen-bot',
      reviews: [{ login: 'alice', state: 'approved', comment: 'QA passed on green' }],
    });
    // The same run read for another build is not bound to it.
    const other = await run(activities.readGateDecision, {
      github: repo,
      environment: 'qa',
      ...gate,
      sha: lab.github.initialSha,
    });
    expect(other.boundToBuild).toBe(false);
  });

  it('a rejection fails the run and keeps the comment', async () => {
    const gate = await dispatchGate();
    await run(activities.openGate, { github: repo, runId: gate.runId, environment: 'qa', pollMs: 20 });
    await as('bob').rest.actions.reviewPendingDeploymentsForRun({
      owner: lab.owner,
      repo: lab.repo,
      run_id: gate.runId,
      environment_ids: [lab.github.reviews.environment('qa')!.id],
      state: 'rejected',
      comment: 'checkout is broken',
    });
    await lab.github.waitForRun(gate.runId);
    const decision = await run(activities.readGateDecision, { github: repo, environment: 'qa', ...gate });
    expect(decision).toMatchObject({
      conclusion: 'failure',
      reviews: [{ login: 'bob', state: 'rejected', comment: 'checkout is broken' }],
    });
  });

  it('a GitHub without the approvals endpoint: a clear error at once, not a hang', async () => {
    const gate = await dispatchGate();
    lab.github.injectFault({ method: 'GET', path: '/actions/runs/\\d+/approvals$', status: 404, times: 1 });
    const started = Date.now();
    const failure = await rejectionOf(run(activities.openGate, { github: repo, runId: gate.runId, environment: 'qa' }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toMatchObject({ type: 'GitHubApprovalsUnsupported', nonRetryable: true });
    expect(failure.message).toMatch(/cannot say who approved.*approval\.via: signal/);
  });
});

describe('team membership', () => {
  it('members of datatruck/qa are members, others are not', async () => {
    const member = (login: string) => run(activities.isTeamMember, { github: repo, org: 'datatruck', team: 'qa', login });
    expect(await member('alice')).toBe(true);
    expect(await member('erin')).toBe(false);
  });
});

describe("the operator's side: their own token", () => {
  it('without GITHUB_TOKEN: a sentence saying how to give one', () => {
    expect(() => operatorToken({})).toThrow(
      /GITHUB_TOKEN is not set: to approve on GitHub, bluegreen acts as you.*gh auth token/,
    );
  });

  it('deploy records the GitHub deployment as the deployer; the worker reads them back', async () => {
    const sha = lab.github.branchHead('green')!;
    const dave = operatorOctokit(repo, lab.github.reviews.tokenOf('dave'));
    const recorded = await recordDeployer(dave, { github: repo, deploymentId: 'svc-9', target: 'green', sha, description: 'x' });
    expect(recorded.login).toBe('dave');
    const input = { github: repo, githubDeploymentId: recorded.id, correlationId: 'svc-9', sha, environment: 'green' };
    expect(await run(activities.readDeployer, input)).toMatchObject({ verified: true, login: 'dave' });
  });

  it('approve reviews the pending deployment as the QA engineer; GitHub refuses whoever may not', async () => {
    const gate = await dispatchGate();
    await run(activities.openGate, { github: repo, runId: gate.runId, environment: 'qa', pollMs: 20 });
    const review = (login: string) =>
      reviewGateRun(operatorOctokit(repo, lab.github.reviews.tokenOf(login)), {
        github: repo,
        runId: gate.runId,
        environment: 'qa',
        state: 'approved',
        comment: `ok from ${login}`,
      });
    await expect(review('erin')).rejects.toThrow(/GitHub says you may not review 'qa'.*required reviewers are team qa/);
    await expect(review('mallory')).rejects.toThrow(/GitHub would not show gate run \d+ .* to you \(404/);
    await review('alice');
    await lab.github.waitForRun(gate.runId);
    expect(lab.github.reviews.reviewsOf(gate.runId)).toMatchObject([
      { login: 'alice', state: 'approved', comment: 'ok from alice' },
    ]);
    await expect(review('bob')).rejects.toThrow(/is not waiting for a review of 'qa'/);
  });
});
