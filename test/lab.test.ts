// The lab's behaviour as the orchestrator and the demo rely on it: runs that progress and have
// effects, failures and faults on demand, conditional requests, auth, apps, router, merges,
// the control API and the CLI. Everything runs on 127.0.0.1 through real HTTP.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { LabControlClient, startLab, type Lab, type LabOptions } from '../lab/index.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let lab: Lab | undefined;

async function open(options: LabOptions = {}) {
  lab = await startLab({ runTiming: { queuedMs: 20, inProgressMs: 60 }, ...options });
  const octokit = new Octokit({ baseUrl: lab.githubUrl, auth: lab.token, log: quiet });
  const repo = { owner: lab.owner, repo: lab.repo };
  /** workflow_dispatch of `workflow_id` on `ref`, as the worker sends it. */
  const dispatch = (workflow_id: string, ref: string, inputs: Record<string, string>) =>
    octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id, ref, inputs });
  return { lab, octokit, repo, dispatch };
}

afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { status: number; message: string; response?: { headers: Record<string, string> } };
    return { status: e.status, message: e.message, headers: e.response?.headers ?? {} };
  }
  throw new Error('expected the request to fail');
}

async function until<T>(probe: () => T | Promise<T>, timeoutMs = 5_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const deployInputs = (lab: Lab, id: string, color: 'blue' | 'green') => ({
  deployment_id: id,
  color,
  sha: lab.github.branchHead(lab.branches[color])!,
});

describe('workflow runs', () => {
  it('a dispatched run goes queued → in_progress → completed and is found by its deployment id', async () => {
    const { lab, octokit, repo } = await open({ runTiming: { queuedMs: 250, inProgressMs: 400 } });
    const { data, status } = await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      ...repo,
      workflow_id: 'deploy-green.yml',
      ref: 'green',
      inputs: deployInputs(lab, 'dep-1.deploy', 'green'),
      return_run_details: true,
    });
    expect(status).toBe(200);
    const runId = (data as { workflow_run_id: number }).workflow_run_id;
    const seen: string[] = [];
    await until(async () => {
      const { data: run } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runId });
      if (seen.at(-1) !== run.status) seen.push(run.status!);
      return run.status === 'completed';
    });
    expect(seen).toEqual(['queued', 'in_progress', 'completed']);

    const { data: listed } = await octokit.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: 'deploy-green.yml',
      event: 'workflow_dispatch',
      branch: 'green',
      created: `>=${new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z')}`,
    });
    expect(listed.workflow_runs.map((r) => [r.id, r.display_title, r.conclusion])).toEqual([
      [runId, 'Deployment to Green · dep-1.deploy', 'success'],
    ]);
    expect(lab.github.dispatchCount('deploy-green.yml', 'dep-1.deploy')).toBe(1);
    expect(lab.github.dispatchCount('deploy-green.yml', 'other')).toBe(0);
  });

  it('list filters: branch, status (also a conclusion), created window, pagination with Link', async () => {
    const { lab, octokit, repo, dispatch } = await open();
    lab.github.failNextRun('dns-update.yml');
    for (const id of ['a', 'b', 'c']) {
      await dispatch('dns-update.yml', 'production', { deployment_id: id, color: 'blue' });
    }
    for (const run of lab.github.runs) await lab.github.waitForRun(run.id);
    const list = (query: Record<string, string | number>) => octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, ...query });
    expect((await list({ branch: 'production' })).data.total_count).toBe(3);
    expect((await list({ branch: 'green' })).data.total_count).toBe(0);
    expect((await list({ status: 'failure' })).data.workflow_runs.map((r) => r.display_title)).toEqual(['DNS Update · a']);
    expect((await list({ status: 'completed' })).data.total_count).toBe(3);
    expect((await list({ created: '<2000-01-01' })).data.total_count).toBe(0);
    expect((await list({ created: '2000-01-01..*' })).data.total_count).toBe(3);
    const page = await list({ per_page: 2 });
    expect(page.data.workflow_runs.map((r) => r.display_title)).toEqual(['DNS Update · c', 'DNS Update · b']);
    expect(page.headers.link).toMatch(/page=2>; rel="next"/);
    const all = await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, { ...repo, per_page: 1 });
    expect(all).toHaveLength(3);
  });

  it('a deploy run makes its app serve the commit it ran on; a dns-update run switches the router', async () => {
    const { lab, dispatch } = await open();
    const greenHead = lab.github.branchHead('green')!;
    expect(lab.apps.version('green')).not.toBe(greenHead);
    await dispatch('deploy-green.yml', 'green', deployInputs(lab, 'd.deploy', 'green'));
    await lab.github.waitForRun(lab.github.runs[0]!.id);
    expect(lab.apps.version('green')).toBe(greenHead);
    expect((await getJson(`${lab.appUrls.green}/health`)).body).toEqual({ status: 'ok', color: 'green', version: greenHead });

    expect((await getJson(`${lab.publicUrl}/deployment/color/`)).body).toEqual({ color: 'blue' });
    await dispatch('dns-update.yml', 'production', { deployment_id: 'd.switch', color: 'green' });
    await lab.github.waitForRun(lab.github.runs[0]!.id);
    expect(lab.router.activeColor).toBe('green');
    expect((await getJson(`${lab.publicUrl}/deployment/color/`)).body).toEqual({ color: 'green' });
    expect(lab.router.switches.map((s) => [s.from, s.color, s.changed])).toEqual([['blue', 'green', true]]);
  });

  it('dnsLagMs: the public color changes only after the lag', async () => {
    const { lab, dispatch } = await open({ dnsLagMs: 400 });
    await dispatch('dns-update.yml', 'production', { deployment_id: 'lag', color: 'green' });
    await lab.github.waitForRun(lab.github.runs[0]!.id);
    expect(lab.router.activeColor).toBe('blue');
    await until(() => lab.router.activeColor === 'green', 3_000);
  });

  it('failNextRun / setWorkflowBehavior: failing job and step shown, no effect on the app', async () => {
    const { lab, octokit, repo, dispatch } = await open();
    const before = lab.apps.version('green');
    lab.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Run migrations' });
    await dispatch('deploy-green.yml', 'green', deployInputs(lab, 'f.deploy', 'green'));
    const run = await lab.github.waitForRun(lab.github.runs[0]!.id);
    expect(run).toMatchObject({ conclusion: 'failure', failedJob: 'deploy', failedStep: 'Run migrations' });
    expect(lab.apps.version('green')).toBe(before);
    const { data } = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: run.id });
    const deployJob = data.jobs.find((j) => j.name === 'deploy')!;
    expect(data.jobs.find((j) => j.name === 'build')!.conclusion).toBe('success');
    expect(deployJob.conclusion).toBe('failure');
    expect(deployJob.steps!.map((s) => `${s.name}:${s.conclusion}`)).toEqual([
      'Set up job:success',
      'Checkout:success',
      'Run migrations:failure',
      'Deploy to green:skipped',
      'Smoke test:skipped',
      'Complete job:success',
    ]);

    // One-shot: the next run succeeds again. A behaviour lasts until replaced.
    await dispatch('deploy-green.yml', 'green', deployInputs(lab, 'g.deploy', 'green'));
    expect((await lab.github.waitForRun(lab.github.runs[0]!.id)).conclusion).toBe('success');
    lab.github.setWorkflowBehavior('dns-update.yml', { conclusion: 'timed_out' });
    for (const id of ['t1', 't2']) {
      await dispatch('dns-update.yml', 'production', { deployment_id: id, color: 'green' });
      expect(await lab.github.waitForRun(lab.github.runs[0]!.id)).toMatchObject({
        conclusion: 'timed_out',
        failedJob: 'update-dns',
        failedStep: 'Update DNS record',
      });
    }
    expect(lab.router.activeColor).toBe('blue');
    expect(() => lab.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'No such step' })).toThrow(
      /no step 'No such step'/,
    );
  });

  it('neverComplete keeps a run in progress until it is cancelled', async () => {
    const { lab, octokit, repo, dispatch } = await open();
    lab.github.setWorkflowBehavior('deploy-blue.yml', { neverComplete: true });
    await dispatch('deploy-blue.yml', 'production', deployInputs(lab, 'n', 'blue'));
    const id = lab.github.runs[0]!.id;
    await until(() => lab.github.run(id)!.status === 'in_progress');
    await new Promise((r) => setTimeout(r, 200));
    expect(lab.github.run(id)!.status).toBe('in_progress');
    await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: id });
    expect(lab.github.run(id)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
  });

  it('added workflows (hooks) accept any inputs and can have an effect', async () => {
    const { lab, dispatch } = await open();
    const completed: string[] = [];
    lab.github.addWorkflow({ file: 'migrate.yml', name: 'Migrate', onComplete: (run) => completed.push(run.displayTitle) });
    await dispatch('migrate.yml', 'green', { deployment_id: 'h.pre', anything: 'goes' });
    await lab.github.waitForRun(lab.github.runs[0]!.id);
    expect(completed).toEqual(['Migrate · h.pre']);
  });

  it('dispatch answers 204 when return_run_details is not asked, on old servers, and 200 on the newer API version', async () => {
    const { octokit, repo } = await open({ returnRunDetails: false });
    const asked = await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      ...repo,
      workflow_id: 'dns-update.yml',
      ref: 'production',
      inputs: { deployment_id: 'o', color: 'blue' },
      return_run_details: true,
    });
    expect(asked.status).toBe(204);
    await lab!.close();
    const fresh = await open();
    const newer = await fresh.octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      ...fresh.repo,
      workflow_id: 'dns-update.yml',
      ref: 'production',
      inputs: { deployment_id: 'v', color: 'blue' },
      headers: { 'x-github-api-version': '2026-03-10' },
    });
    expect(newer.status).toBe(200);
  });

  it('dispatch validation: required input, choice values, unknown ref and workflow', async () => {
    const { octokit, repo } = await open();
    const dispatch = (workflow_id: string, ref: string, inputs: Record<string, string>) =>
      failure(octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id, ref, inputs }));
    expect(await dispatch('dns-update.yml', 'production', { color: 'blue' })).toMatchObject({
      status: 422,
      message: expect.stringContaining("Required input 'deployment_id' not provided"),
    });
    expect(await dispatch('dns-update.yml', 'production', { deployment_id: 'x', color: 'purple' })).toMatchObject({
      status: 422,
    });
    expect(await dispatch('dns-update.yml', 'nope', { deployment_id: 'x', color: 'blue' })).toMatchObject({
      status: 422,
      message: expect.stringContaining('No ref found for: nope'),
    });
    expect(await dispatch('missing.yml', 'production', {})).toMatchObject({
      status: 404,
      message: expect.stringContaining('Not Found'),
    });
  });
});

describe('API behaviour: auth, rate limit, conditional requests, faults', () => {
  it('401 Bad credentials for an unknown or missing token; token/Bearer both accepted and recorded', async () => {
    const { lab, repo } = await open();
    const bad = new Octokit({ baseUrl: lab.githubUrl, auth: 'nope', log: quiet });
    expect(await failure(bad.rest.repos.get(repo))).toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });
    const anonymous = new Octokit({ baseUrl: lab.githubUrl, log: quiet });
    expect((await failure(anonymous.rest.repos.get(repo))).status).toBe(401);
    const bearer = await fetch(`${lab.githubUrl}/repos/${lab.owner}/${lab.repo}`, {
      headers: { authorization: `Bearer ${lab.token}` },
    });
    expect(bearer.status).toBe(200);
    const body = await (await fetch(`${lab.githubUrl}/repos/${lab.owner}/${lab.repo}`)).json();
    expect(body).toEqual({
      message: 'Requires authentication',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
    expect(lab.github.requests.map((r) => [r.authKind, r.status])).toEqual([
      ['invalid', 401],
      ['none', 401],
      ['bearer', 200],
      ['none', 401],
    ]);
    expect(lab.github.counters.unauthorized).toBe(3);
  });

  it('GitHub App mode: the worker exchanges a JWT for an installation token, which is then used', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { lab, repo } = await open({
      tokens: [],
      appAuth: { appId: 11, installationId: 22, publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    const appOctokit = (privateKey: string, appId = 11) =>
      new Octokit({
        baseUrl: lab.githubUrl,
        log: quiet,
        authStrategy: createAppAuth,
        auth: { appId, privateKey, installationId: 22 },
      });
    const pem = (k: typeof keys) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    await appOctokit(pem(keys)).rest.repos.getBranch({ ...repo, branch: 'green' });
    expect(lab.github.requests.map((r) => [r.method, r.path, r.authKind, r.status])).toEqual([
      ['POST', '/app/installations/22/access_tokens', 'jwt', 201],
      ['GET', `/repos/${lab.owner}/${lab.repo}/branches/green`, 'installation', 200],
    ]);
    expect((await failure(appOctokit(pem(other)).rest.repos.get(repo))).status).toBe(401);
    expect((await failure(appOctokit(pem(keys), 99).rest.repos.get(repo))).status).toBe(401);
    // A PAT-less lab refuses static tokens.
    expect(
      (await failure(new Octokit({ baseUrl: lab.githubUrl, auth: 'lab-token', log: quiet }).rest.repos.get(repo))).status,
    ).toBe(401);
    lab.github.expireInstallationTokens();
    const stale = lab.github.requests.length;
    await appOctokit(pem(keys)).rest.repos.get(repo); // a new client mints a new token
    expect(lab.github.requests.slice(stale).map((r) => r.authKind)).toEqual(['jwt', 'installation']);
  });

  it('ETag + If-None-Match: 304 with no body, not counted against the rate limit', async () => {
    const { lab, octokit, repo } = await open();
    const first = await octokit.rest.repos.getBranch({ ...repo, branch: 'green' });
    const etag = first.headers.etag!;
    const remaining = Number(first.headers['x-ratelimit-remaining']);
    const notModified = await fetch(`${lab.githubUrl}/repos/${lab.owner}/${lab.repo}/branches/green`, {
      headers: { authorization: `token ${lab.token}`, 'if-none-match': etag },
    });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(Number(notModified.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    expect(
      (await failure(octokit.rest.repos.getBranch({ ...repo, branch: 'green', headers: { 'if-none-match': etag } }))).status,
    ).toBe(304);
    lab.github.pushCommit('green', 'change');
    const changed = await octokit.rest.repos.getBranch({ ...repo, branch: 'green', headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(lab.github.counters).toMatchObject({ requests: 4, rateLimited: 2, notModified: 2 });
    expect(lab.github.requests.filter((r) => r.conditional).map((r) => r.notModified)).toEqual([true, true, false]);
  });

  it('rate limit: headers on every answer; an empty bucket answers 403 with remaining 0', async () => {
    const { lab, octokit, repo } = await open();
    const { headers } = await octokit.rest.repos.get(repo);
    expect(headers).toMatchObject({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
    });
    lab.github.setRateLimit({ remaining: 0, resetInMs: 60_000 });
    const limited = await failure(octokit.rest.repos.get(repo));
    expect(limited).toMatchObject({ status: 403, message: expect.stringContaining('API rate limit exceeded') });
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    lab.github.setRateLimit({ remaining: 10 });
    expect((await octokit.rest.repos.get(repo)).status).toBe(200);
  });

  it('faults: status with headers for N requests, connection reset, delay, and the lost-response dispatch', async () => {
    const { lab, octokit, repo } = await open();
    lab.github.injectFault({ path: '/branches/', status: 502, times: 2 });
    expect((await failure(octokit.rest.repos.getBranch({ ...repo, branch: 'green' }))).status).toBe(502);
    expect((await failure(octokit.rest.repos.getBranch({ ...repo, branch: 'green' }))).status).toBe(502);
    expect((await octokit.rest.repos.getBranch({ ...repo, branch: 'green' })).status).toBe(200);

    lab.github.injectFault({
      method: 'GET',
      path: '^/repos/[^/]+/[^/]+$',
      status: 403,
      times: 1,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    expect(await failure(octokit.rest.repos.get(repo))).toMatchObject({
      status: 403,
      message: expect.stringContaining('secondary rate limit'),
      headers: { 'retry-after': '1' },
    });

    lab.github.injectFault({ path: '^/repos/.*$', resetConnection: true, times: 1 });
    await expect(
      fetch(`${lab.githubUrl}/repos/${lab.owner}/${lab.repo}`, { headers: { authorization: `token ${lab.token}` } }),
    ).rejects.toThrow();

    lab.github.injectFault({ path: '^/repos/[^/]+/[^/]+$', delayMs: 300, times: 1 });
    const started = Date.now();
    expect((await octokit.rest.repos.get(repo)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    // The dispatch happens, but the client never learns it: what duplicate-dispatch guards are for.
    lab.github.injectFault({ method: 'POST', path: '/dispatches$', status: 502, afterProcessing: true, times: 1 });
    const lost = await failure(
      octokit.rest.actions.createWorkflowDispatch({
        ...repo,
        workflow_id: 'deploy-green.yml',
        ref: 'green',
        inputs: deployInputs(lab, 'lost.deploy', 'green'),
      }),
    );
    expect(lost.status).toBe(502);
    expect(lab.github.dispatchCount('deploy-green.yml', 'lost.deploy')).toBe(1);
    expect(lab.github.runs[0]!.displayTitle).toBe('Deployment to Green · lost.deploy');
    expect(lab.github.counters.faults).toBe(6);
    expect(lab.github.pendingFaults()).toEqual([]);
  });
});

describe('sample apps and router', () => {
  it('health toggles 200/503; color endpoint faults; delays; refusing connections', async () => {
    const { lab } = await open();
    expect(await getJson(`${lab.appUrls.blue}/health`)).toMatchObject({ status: 200, body: { status: 'ok', color: 'blue' } });
    lab.apps.setHealthy('blue', false);
    expect(await getJson(`${lab.appUrls.blue}/health`)).toMatchObject({ status: 503, body: { status: 'unhealthy' } });
    expect((await getJson(`${lab.publicUrl}/health`)).status).toBe(503);
    lab.apps.setHealthy('blue', true);

    expect((await getJson(`${lab.appUrls.green}/deployment/color/`)).body).toEqual({ color: 'green' });
    lab.apps.setFault('green', { colorBody: 'wrong-color' });
    expect((await getJson(`${lab.appUrls.green}/deployment/color/`)).body).toEqual({ color: 'blue' });
    lab.apps.setFault('green', { colorBody: 'not-json' });
    await expect(getJson(`${lab.appUrls.green}/deployment/color/`)).rejects.toThrow(SyntaxError);
    lab.apps.setFault('green', { delayMs: 300 });
    const started = Date.now();
    await fetch(`${lab.appUrls.green}/health`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    lab.apps.setFault('green', { refuse: true });
    await expect(fetch(`${lab.appUrls.green}/health`)).rejects.toThrow();
    lab.apps.setFault('green', {});
    expect((await getJson(`${lab.appUrls.green}/health`)).status).toBe(200);

    const text = await (await fetch(`${lab.appUrls.blue}/`)).text();
    expect(text).toContain(`blue ${lab.apps.version('blue')}`);
  });

  it('the router proxies method, path, query and status to the active app; 502 when it refuses', async () => {
    const { lab } = await open();
    const viaRouter = await fetch(`${lab.publicUrl}/nowhere?x=1`, { method: 'POST', body: 'hello' });
    expect(viaRouter.status).toBe(404);
    expect(await viaRouter.json()).toEqual({ error: 'not found', path: '/nowhere' });
    expect(viaRouter.headers.get('x-lab-upstream')).toBe('blue');
    lab.router.setActive('green');
    expect((await getJson(`${lab.publicUrl}/deployment/color/`)).body).toEqual({ color: 'green' });
    lab.apps.setFault('green', { refuse: true });
    expect((await fetch(`${lab.publicUrl}/health`)).status).toBe(502);
    lab.router.setActive('green');
    expect(lab.router.switches.map((s) => s.changed)).toEqual([true, false]);
  });
});

describe('merges', () => {
  it('201 moves the base to a merge commit with the head content; 204 when contained; 404; 409', async () => {
    const { lab, octokit, repo } = await open();
    const head = lab.github.branchHead('green')!;
    const base = lab.github.branchHead('production')!;
    const merged = await octokit.rest.repos.merge({
      ...repo,
      base: 'production',
      head: 'green',
      commit_message: 'Sync green into production',
    });
    expect(merged.status).toBe(201);
    const sha = (merged.data as { sha: string }).sha;
    expect(lab.github.branchHead('production')).toBe(sha);
    expect((merged.data as { parents: Array<{ sha: string }> }).parents.map((p) => p.sha)).toEqual([base, head]);
    expect(lab.github.treeOf(sha)).toBe(lab.github.treeOf(head));
    expect((await octokit.rest.repos.merge({ ...repo, base: 'production', head: 'green' })).status).toBe(204);
    expect((await octokit.rest.repos.merge({ ...repo, base: 'green', head: 'production' })).status).toBe(201);
    expect(await failure(octokit.rest.repos.merge({ ...repo, base: 'production', head: 'nope' }))).toMatchObject({
      status: 404,
      message: expect.stringContaining('Head does not exist'),
    });
    lab.github.pushCommit('green', 'more');
    lab.github.setMergeConflict(true);
    expect(await failure(octokit.rest.repos.merge({ ...repo, base: 'production', head: 'green' }))).toMatchObject({
      status: 409,
      message: expect.stringContaining('Merge conflict'),
    });
  });
});

describe('deployments', () => {
  it('records deployments per environment; auto_inactive retires the previous success', async () => {
    const { octokit, repo } = await open();
    const create = async (id: string) =>
      (
        await octokit.rest.repos.createDeployment({
          ...repo,
          ref: 'green',
          environment: 'green',
          payload: { correlationId: id },
          auto_merge: false,
          required_contexts: [],
        })
      ).data as { id: number; production_environment?: boolean };
    const first = await create('one');
    expect(first.production_environment).toBe(false);
    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: first.id, state: 'success' });
    const second = await create('two');
    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: second.id, state: 'success' });
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: first.id });
    expect(statuses.map((s) => s.state)).toEqual(['inactive', 'success']);
    const { data: list } = await octokit.rest.repos.listDeployments({ ...repo, environment: 'green' });
    expect(list.map((d) => (d.payload as { correlationId: string }).correlationId)).toEqual(['two', 'one']);
  });
});

describe('control API, example config, CLI', () => {
  it('the control API drives the same controls over HTTP', async () => {
    const { lab, dispatch } = await open();
    const control = new LabControlClient(lab.githubUrl);
    await control.setHealthy('green', false);
    expect((await getJson(`${lab.appUrls.green}/health`)).status).toBe(503);
    await control.setAppFault('green', { colorBody: 'wrong-color' });
    expect(lab.apps.state('green').fault).toEqual({ colorBody: 'wrong-color' });
    await control.setActive('green');
    expect(lab.router.activeColor).toBe('green');
    await control.failNextRun('dns-update.yml', { job: 'update-dns', step: 'Update DNS record' });
    await control.setWorkflowBehavior('deploy-green.yml', { inProgressMs: 10 });
    await control.addWorkflow({ file: 'cleanup.yml', name: 'Cleanup', effect: { type: 'none' } });
    const sha = await control.pushCommit('green', 'via control');
    expect(lab.github.branchHead('green')).toBe(sha);
    expect(await control.injectFault({ path: 'x', status: 500, times: 1 })).toBeGreaterThan(0);
    await control.clearFaults();
    await control.setMergeConflict(true);
    await control.setRateLimit({ limit: 100 });
    await control.expireInstallationTokens();

    await dispatch('dns-update.yml', 'production', { deployment_id: 'c1', color: 'blue' });
    await until(async () => (await control.runs('dns-update.yml'))[0]?.status === 'completed');
    expect((await control.runs())[0]).toMatchObject({ conclusion: 'failure', failedStep: 'Update DNS record' });
    expect(await control.dispatchCount('dns-update.yml', 'c1')).toBe(1);
    expect((await control.dispatches())[0]).toMatchObject({ workflow: 'dns-update.yml', ref: 'production' });
    expect((await control.requests()).at(-1)).toMatchObject({ method: 'POST', status: 204, authKind: 'token' });
    expect(await control.counters()).toMatchObject({ dispatches: 1 });
    const state = await control.state();
    expect(state).toMatchObject({ activeColor: 'green', owner: 'datatruck', repo: 'backend' });
    await control.clearLog();
    expect(await control.counters()).toMatchObject({ requests: 0, dispatches: 0 });
    await expect(control.failNextRun('dns-update.yml', { job: 'nope' })).rejects.toThrow(/400 .*no job 'nope'/);
  });

  it('exampleConfig points at the lab', async () => {
    const { lab } = await open();
    expect(lab.exampleConfig()).toEqual({
      service: 'datatruck-api',
      github: { owner: 'datatruck', repo: 'backend', baseUrl: lab.githubUrl },
      publicUrl: lab.publicUrl,
      colorPath: '/deployment/color/',
      environments: {
        green: { branch: 'green', url: lab.appUrls.green, deployWorkflow: 'deploy-green.yml' },
        blue: { branch: 'production', url: lab.appUrls.blue, deployWorkflow: 'deploy-blue.yml' },
      },
      switch: { type: 'workflow', workflow: 'dns-update.yml', ref: 'production', verifyTimeout: '30s' },
      verify: { healthPath: '/health', successes: 2, interval: '200ms', timeout: '20s' },
      approval: { required: true, approvers: ['alice', 'bob'], timeout: '1h' },
      monitor: { duration: '3s', interval: '250ms', failureThreshold: 3 },
      sync: { enabled: true, redeploy: true },
      rollback: { automatic: true },
    });
    expect(lab.exampleConfig('other')['service']).toBe('other');
  });

  it('lab/cli.ts writes its URLs to --port-file and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-cli-'));
    const portFile = join(dir, 'lab.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'lab/cli.ts', '--port-file', portFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const info = await until(async () => {
        try {
          return JSON.parse(await readFile(portFile, 'utf8')) as { githubUrl: string; publicUrl: string; token: string };
        } catch {
          return undefined;
        }
      }, 20_000);
      expect(info.githubUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await getJson(`${info.githubUrl}/_lab/state`)).body).toMatchObject({ activeColor: 'blue' });
      expect((await getJson(`${info.publicUrl}/deployment/color/`)).body).toEqual({ color: 'blue' });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
