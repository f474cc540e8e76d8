// Approval via GitHub, whole deployments on the dev server against the lab: the deployer (dave)
// records the deployment with their own token, QA engineers review the gate run with theirs,
// and the workflow reads from GitHub who decided. GitHub refuses who may not review; bluegreen
// refuses the deployer's own approval, and approvals of another build.
import { Octokit } from '@octokit/rest';
import { describe, expect } from 'vitest';
import { decideOnGitHub, recordDeployerForPlan } from '../client/github-identity.js';
import { describeApproval, nextStepLines } from '../client/render.js';
import type { Lab } from '../lab/index.js';
import { gateInputs } from '../contract/gate-inputs.js';
import * as messages from '../contract/messages.js';
import type { DeploymentPlan, DeploymentStatus } from '../contract/types.js';
import { it } from './support/fixture.js';
import { labPlan, waitForStatus } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const VIA_GITHUB = {
  approval: { via: 'github', environment: 'qa', approvers: ['datatruck/qa', 'dave'], timeout: '1h' },
  monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
  sync: { enabled: false },
};

/** The gate waits on GitHub for a reviewer: its run id is in the status. */
const gateWaiting = (runIdNot?: number) => (s: DeploymentStatus) =>
  s.phase === 'approval' && s.gate?.runId !== undefined && s.gate.runId !== runIdNot && s.waitingFor !== undefined;

function setUpGate(lab: Lab): void {
  // QA (team qa) and dave, the lead who also deploys, may review; GitHub's own self-review rule
  // cannot help here: the worker, not dave, triggers the gate run.
  lab.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa', 'dave'] });
}

/** What `bluegreen deploy` does with approval via GitHub: records the deployment as dave. */
async function planAsDave(lab: Lab, service: string, overrides: Record<string, unknown> = {}): Promise<DeploymentPlan> {
  const plan = labPlan(lab, service, { ...VIA_GITHUB, ...overrides });
  return recordDeployerForPlan(plan, 'green', lab.github.branchHead('green'), {
    GITHUB_TOKEN: lab.github.reviews.tokenOf('dave'),
  });
}

/** What `bluegreen approve|reject` does: reviews the gate run with the person's own token. */
const review = (lab: Lab, status: DeploymentStatus, login: string, decision: 'approve' | 'reject', text: string, by?: string) =>
  decideOnGitHub(status, status.gate!.github, decision, text, { GITHUB_TOKEN: lab.github.reviews.tokenOf(login) }, by);

describe('approval via GitHub', () => {
  it('QA approves with their own token: SUCCEEDED, the status names the verified login', async ({ lab, deployPlan }) => {
    setUpGate(lab);
    const plan = await planAsDave(lab, 'svc-gh-approve');
    const handle = await deployPlan(plan);
    const waiting = await waitForStatus(handle, gateWaiting());
    expect(waiting.deployer).toEqual({ login: 'dave', verified: true });
    expect(waiting.gate).toMatchObject({ environment: 'qa', reviewers: ['datatruck/qa', 'dave'], approvalsNeeded: 1 });
    expect(waiting.waitingFor).toContain('bluegreen approve svc-gh-approve');
    expect(lab.github.run(waiting.gate!.runId!)!.status).toBe('waiting');
    // A signal cannot approve a deployment that takes approvals on GitHub.
    const refused = await handle.executeUpdate(messages.approveUpdate, { args: [{ by: 'alice' }] }).catch((e: unknown) => e);
    const why = refused as { cause?: { message?: string } };
    expect(String(why.cause?.message ?? refused)).toMatch(/takes approvals on GitHub only/);

    expect(await review(lab, waiting, 'alice', 'approve', 'QA passed on green')).toMatch(/approved gate run \d+ on GitHub/);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.phases.find((p) => p.name === 'approval')?.detail).toBe('approved by @alice (verified by GitHub)');
    expect(result.approvals).toMatchObject([
      { by: 'alice', decision: 'approved', comment: 'QA passed on green', counted: true, verified: true },
    ]);
    expect(lab.router.activeColor).toBe('green');
    expect(lab.github.dispatchCount('qa-gate.yml')).toBe(1);
    const record = lab.github.deployments.find((d) => d.id === plan.deployer!.githubDeploymentId)!;
    expect(record.creator).toBe('dave');
    expect(record.statuses.map((s) => s.description)).toContain('approved by @alice (verified by GitHub); switching traffic');
  });

  it('the deployer approves their own: refused and recorded, the gate opens again; then QA approves', async ({
    lab,
    deployPlan,
  }) => {
    setUpGate(lab);
    const handle = await deployPlan(await planAsDave(lab, 'svc-gh-self'));
    const first = await waitForStatus(handle, gateWaiting());
    // Who may approve never includes the deployer, and the command is the GitHub path's (no --by).
    expect(nextStepLines(first).slice(0, 3).join('\n')).toMatchInlineSnapshot(`
      "Waiting for QA approval on GitHub: datatruck/qa may approve (as themselves on GitHub).
        approve:  GITHUB_TOKEN=$(gh auth token) bluegreen approve svc-gh-self --comment "…"
        reject:   GITHUB_TOKEN=$(gh auth token) bluegreen reject svc-gh-self --reason "…""
    `);
    await review(lab, first, 'dave', 'approve', 'looks fine to me');
    const second = await waitForStatus(handle, gateWaiting(first.gate!.runId));
    expect(second.phase).toBe('approval');
    expect(nextStepLines(second)[0]).toBe(nextStepLines(first)[0]);
    expect(second.approvals).toMatchObject([
      {
        by: 'dave',
        counted: false,
        verified: true,
        note: '@dave started this deployment and may not approve it (allowSelfApproval: false)',
      },
    ]);
    // A reader who is no reviewer is refused by GitHub itself, and told so.
    await expect(review(lab, second, 'erin', 'approve', 'ok')).rejects.toThrow(/GitHub says you may not review 'qa'/);
    await review(lab, second, 'bob', 'approve', 'QA passed');
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.approvals.map((a) => [a.by, a.counted])).toEqual([
      ['dave', false],
      ['bob', true],
    ]);
    expect(lab.github.dispatchCount('qa-gate.yml')).toBe(2);
  });

  it('approve --by someone else than the token owner is refused, naming both; an admin bypass is called a bypass', async ({
    lab,
    deployPlan,
  }) => {
    setUpGate(lab);
    const handle = await deployPlan(await planAsDave(lab, 'svc-gh-by'));
    const first = await waitForStatus(handle, gateWaiting());
    const mismatch = await review(lab, first, 'alice', 'approve', 'QA passed', 'qa-lead').catch((e: unknown) => e as Error);
    expect(mismatch).toBeInstanceOf(Error);
    expect((mismatch as Error).message).toMatchInlineSnapshot(
      `"--by qa-lead does not match GITHUB_TOKEN, which is @alice's: this deployment takes approvals on GitHub, where the review is recorded as the token's owner. Approve with qa-lead's own token, or drop --by to approve as @alice"`,
    );
    // Nothing was given on GitHub: the run still waits for a review.
    expect(lab.github.run(first.gate!.runId!)!.status).toBe('waiting');
    expect(lab.github.reviews.reviewsOf(first.gate!.runId!)).toEqual([]);

    // An administrator starts the held job without a review: not taken, and said to be a bypass.
    lab.github.reviews.bypass(first.gate!.runId!, 'olivia');
    const second = await waitForStatus(handle, gateWaiting(first.gate!.runId));
    expect(second.approvals).toMatchObject([{ bypass: true, counted: false }]);
    expect(
      describeApproval({ ...second.approvals[0]!, at: '2026-05-04T10:00:00.000Z' }).replace(/run \d+/, 'run N'),
    ).toMatchInlineSnapshot(
      `"· gate run N released at 10:00:00 by an administrator bypass (no review on GitHub): not taken as an approval"`,
    );

    // The name typed matches the token: it counts.
    await review(lab, second, 'alice', 'approve', 'QA passed', 'Alice');
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.approvals.map((a) => [a.by, a.counted])).toEqual([
      ['bypass', false],
      ['alice', true],
    ]);
  });

  it('deploy without a GitHub token of the deployer’s own names the missing token', async ({ lab }) => {
    const plan = labPlan(lab, 'svc-gh-no-token', VIA_GITHUB);
    // As \`deploy\` calls it without GITHUB_TOKEN: the branch head could not be read either.
    const refusal = await recordDeployerForPlan(plan, 'green', undefined, {}).catch((e: unknown) => e as Error);
    expect((refusal as Error).message).toMatchInlineSnapshot(
      `"GITHUB_TOKEN is not set: to start a deployment approved via GitHub, bluegreen acts as you on GitHub. Set GITHUB_TOKEN to your own token (e.g. GITHUB_TOKEN=$(gh auth token)); it stays on this machine, the worker never sees it"`,
    );
  });

  it('team approvers: a non-member reviewer is refused, a member counts', async ({ lab, deployPlan }) => {
    lab.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa', 'erin'] });
    const plan = await planAsDave(lab, 'svc-gh-team', { approval: { ...VIA_GITHUB.approval, approvers: ['datatruck/qa'] } });
    const handle = await deployPlan(plan);
    const first = await waitForStatus(handle, gateWaiting());
    // The next gate run stays queued a while: until GitHub holds it, nobody is asked to review.
    lab.github.setWorkflowBehavior('qa-gate.yml', { queuedMs: 1_000 });
    await review(lab, first, 'erin', 'approve', 'fine by me');
    const dispatched = await waitForStatus(handle, (s) => s.gate?.runId !== undefined && s.gate.runId !== first.gate!.runId);
    expect(lab.github.run(dispatched.gate!.runId!)!.status).toBe('queued');
    expect(dispatched.waitingFor).toBeUndefined();
    const second = await waitForStatus(handle, gateWaiting(first.gate!.runId));
    expect(lab.github.run(second.gate!.runId!)!.status).toBe('waiting');
    expect(second.approvals).toMatchObject([
      { by: 'erin', counted: false, verified: true, note: '@erin is a reviewer on GitHub but not an approver (datatruck/qa)' },
    ]);
    await review(lab, second, 'alice', 'approve', 'QA passed');
    const result = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(result.approvals.map((a) => [a.by, a.counted])).toEqual([
      ['erin', false],
      ['alice', true],
    ]);
    const asked = lab.github.requests.filter((r) => r.method === 'GET' && r.path.includes('/teams/qa/memberships/'));
    expect(asked.map((r) => [r.path.split('/').at(-1), r.status])).toEqual([
      ['erin', 404],
      ['alice', 200],
    ]);
  });

  it('a rejection: ABORTED with the reviewer’s comment, traffic untouched', async ({ lab, deployPlan }) => {
    setUpGate(lab);
    const handle = await deployPlan(await planAsDave(lab, 'svc-gh-reject'));
    const waiting = await waitForStatus(handle, gateWaiting());
    await review(lab, waiting, 'bob', 'reject', 'checkout page broken');
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    expect(result.error).toBe('rejected by @bob (verified by GitHub): checkout page broken; traffic untouched');
    expect(lab.router.activeColor).toBe('blue');
  });

  it('an approval given on a gate run for another SHA is not taken', async ({ lab, deployPlan }) => {
    setUpGate(lab);
    const plan = await planAsDave(lab, 'svc-gh-other-sha');
    // Someone with Actions write dispatches a gate named like this deployment's, for an old build.
    const correlationId = `${plan.deploymentId}.approval-1`;
    const dave = new Octokit({ baseUrl: lab.githubUrl, auth: lab.github.reviews.tokenOf('dave') });
    await dave.rest.actions.createWorkflowDispatch({
      owner: lab.owner,
      repo: lab.repo,
      workflow_id: 'qa-gate.yml',
      ref: 'production',
      inputs: gateInputs(correlationId, 'green', lab.github.initialSha, lab.appUrls.green),
    });
    const fake = lab.github.runs.find((r) => r.workflow === 'qa-gate.yml')!;
    const handle = await deployPlan(plan);
    const waiting = await waitForStatus(handle, gateWaiting());
    expect(waiting.gate!.runId).not.toBe(fake.id);
    await until(() => lab.github.run(fake.id)!.status === 'waiting');
    lab.github.reviews.review(fake.id, 'alice', 'approved', 'approved the old build');
    await lab.github.waitForRun(fake.id);
    await new Promise((r) => setTimeout(r, 500));
    const still = await handle.query(messages.statusQuery);
    expect(still.phase).toBe('approval');
    expect(still.approvals).toEqual([]);
    await review(lab, still, 'alice', 'approve', 'approved this build');
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.approvals).toMatchObject([{ by: 'alice', comment: 'approved this build', gateRunId: waiting.gate!.runId }]);
  });

  it('abort while the gate waits: ABORTED, and the gate run is cancelled on GitHub', async ({ lab, deployPlan }) => {
    setUpGate(lab);
    const handle = await deployPlan(await planAsDave(lab, 'svc-gh-abort'));
    const waiting = await waitForStatus(handle, gateWaiting());
    await handle.signal(messages.abortSignal, { by: 'carol', reason: 'wrong branch' });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    expect(result.error).toMatch(/aborted by carol: wrong branch/);
    await until(() => lab.github.run(waiting.gate!.runId!)!.conclusion === 'cancelled');
  });

  it('an environment without required reviewers is refused at plan, saying how to configure it', async ({ lab, deploy }) => {
    lab.github.reviews.addQaGate('qa', { reviewers: [] });
    const { handle } = await deploy('svc-gh-open', VIA_GITHUB);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.phases.find((p) => p.name === 'plan')?.state).toBe('failed');
    expect(result.error).toMatch(
      /has no required reviewers, so the QA gate would pass by itself: add them under Settings → Environments → qa/,
    );
    expect(lab.github.dispatchCount('deploy-green.yml')).toBe(0);
  });

  it('without a deployer GitHub can vouch for, self-approval cannot be ruled out: refused at plan', async ({ lab, deploy }) => {
    setUpGate(lab);
    const { handle } = await deploy('svc-gh-anonymous', VIA_GITHUB);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(/GitHub cannot say who started it.*bluegreen deploy.*GITHUB_TOKEN set to your own token/);
  });
});

async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
