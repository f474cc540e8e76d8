// GitHub faults injected by the lab, through whole deployments on the real dev server: what is
// transient is retried (with backoff, or as long as GitHub asks) and the deployment succeeds
// with exactly one dispatch per step; what no retry can fix ends FAILED at once, with a
// sentence that says what to fix and a bounded number of requests.
import { describe, expect, it } from 'vitest';
import type { Lab, RequestRecord } from '../lab/index.js';
import * as messages from '../contract/messages.js';
import { waitForStatus } from './support/harness.js';
import { lostDispatchAnswer, sharedLabWorker, uniqueService } from './support/lab-deployments.js';
import { finalStatus } from './support/final-status.js';

const shared = sharedLabWorker('faults-github');
const { newLab } = shared;

const REPO = '/repos/datatruck/backend';
const at = (r: RequestRecord): number => Date.parse(r.at);

/** The faulted request matching `path`, and the next request of the same method and path. */
function faultAndRetry(lab: Lab, method: string, path: RegExp): { fault: RequestRecord; retry: RequestRecord; gapMs: number } {
  const requests = lab.github.requests;
  const i = requests.findIndex((r) => r.fault && r.method === method && path.test(r.path));
  expect(i, `a faulted ${method} ${path}`).toBeGreaterThanOrEqual(0);
  const fault = requests[i]!;
  const retry = requests.slice(i + 1).find((r) => r.method === method && r.path === fault.path);
  expect(retry, `a retry of ${method} ${fault.path}`).toBeDefined();
  return { fault, retry: retry!, gapMs: at(retry!) - at(fault) };
}

describe('GitHub faults through whole deployments', () => {
  it.concurrent('500, 502, 503 and a connection reset on reads are retried with backoff: SUCCEEDED', async () => {
    const lab = await newLab();
    const faults = [
      { method: 'GET', path: `^${REPO}/branches/green$`, status: 500, times: 1 },
      { method: 'POST', path: `^${REPO}/deployments$`, status: 503, times: 1 },
      { method: 'GET', path: `^${REPO}/actions/workflows/dns-update\\.yml/runs$`, resetConnection: true, times: 1 },
      { method: 'GET', path: `^${REPO}/actions/runs/\\d+$`, status: 502, times: 1 },
    ];
    for (const fault of faults) lab.github.injectFault(fault);
    const { handle } = await shared.deploy(lab, uniqueService('gh-5xx'));
    const result = await finalStatus(handle);

    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(lab.github.pendingFaults()).toEqual([]);
    expect(
      lab.github.requests
        .filter((r) => r.fault)
        .map((r) => r.status)
        .sort(),
    ).toEqual([0, 500, 502, 503]);
    expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
    expect(lab.github.deployments).toHaveLength(1);
    expect(lab.router.activeColor).toBe('green');
    // plugin-retry's first backoff is 1 s: each retry came after it, none at once.
    for (const [method, path] of [
      ['GET', /\/branches\/green$/],
      ['POST', /\/deployments$/],
      ['GET', /dns-update\.yml\/runs$/],
      ['GET', /\/actions\/runs\/\d+$/],
    ] as const) {
      expect(faultAndRetry(lab, method, path).gapMs, `${method} ${path}`).toBeGreaterThanOrEqual(900);
    }
  });

  it.concurrent('a dispatch refused with 502, and one whose answer is lost, each dispatch exactly once: SUCCEEDED', async () => {
    const lab = await newLab();
    // Refused before GitHub acted: no run; the activity looks for one, then Temporal retries it.
    lab.github.injectFault({ method: 'POST', path: 'deploy-green\\.yml/dispatches$', status: 502, times: 1 });
    // Acted on, answer lost: the run exists; the activity must find it, not dispatch again.
    lab.github.injectFault(lostDispatchAnswer('dns-update.yml'));
    const { handle } = await shared.deploy(lab, uniqueService('gh-dispatch'));
    const result = await finalStatus(handle);

    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(lab.github.pendingFaults()).toEqual([]);
    expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
    const deployPosts = lab.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('deploy-green.yml/dispatches'));
    expect(deployPosts.map((r) => r.status)).toEqual([502, 200]);
    const dnsPosts = lab.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('dns-update.yml/dispatches'));
    expect(dnsPosts.map((r) => r.status)).toEqual([0]);
  });

  it.concurrent(
    'lost answers at the deploy, switch and sync dispatches, runs listed 2.5 s late, a 5 s window: each adopted, one run each',
    async () => {
      const lab = await newLab({ listLagMs: 2_500 });
      for (const workflow of ['deploy-green.yml', 'dns-update.yml', 'deploy-blue.yml'])
        lab.github.injectFault({ ...lostDispatchAnswer(workflow), resetConnection: false, status: 502 });
      const { handle } = await shared.deploy(lab, uniqueService('gh-lag-short'), {
        deploy: { dispatchWindow: '5s' },
        sync: { enabled: true },
      });
      // While it looks, the status says for what and until when.
      const looking = await waitForStatus(handle, (s) =>
        /answer lost/.test(s.phases.find((p) => p.name === 'deploy')?.detail ?? ''),
      );
      const detail = looking.phases.find((p) => p.name === 'deploy')!.detail!;
      expect(detail).toMatch(
        /^deploy-green\.yml: dispatch answer lost at (\d\d):(\d\d):(\d\d); looking for its run until \d\d:\d\d:\d\d before sending it again$/,
      );
      const [lostAt, until] = [...detail.matchAll(/(\d\d):(\d\d):(\d\d)/g)].map(([, h, m, sec]) => (+h! * 60 + +m!) * 60 + +sec!);
      expect((until! - lostAt! + 86_400) % 86_400).toBe(5);
      const result = await finalStatus(handle);

      expect(result.outcome, result.error).toBe('SUCCEEDED');
      expect(lab.github.pendingFaults()).toEqual([]);
      for (const workflow of ['deploy-green.yml', 'dns-update.yml', 'deploy-blue.yml']) {
        expect(lab.github.dispatchCount(workflow), workflow).toBe(1);
        const posts = lab.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`${workflow}/dispatches`));
        expect(posts.map((r) => r.status)).toEqual([502]);
      }
      expect(result.notes).toBeUndefined();
    },
  );

  it.concurrent(
    'a lost deploy answer whose run is listed 6 s late, past a 2 s window: sent again, the late run cancelled and reported',
    async () => {
      const lab = await newLab({ listLagMs: 6_000 });
      lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 100, inProgressMs: 12_000 });
      lab.github.injectFault({ ...lostDispatchAnswer('deploy-green.yml'), resetConnection: false, status: 502 });
      const { handle } = await shared.deploy(lab, uniqueService('gh-lag-long'), { deploy: { dispatchWindow: '2s' } });
      const result = await finalStatus(handle);

      expect(result.outcome, result.error).toBe('SUCCEEDED');
      expect(lab.github.dispatchCount('deploy-green.yml')).toBe(2);
      const [late, followed] = lab.github.dispatches.filter((d) => d.workflow === 'deploy-green.yml').map((d) => d.runId);
      expect(lab.github.run(late!)).toMatchObject({ conclusion: 'cancelled' });
      expect(lab.github.run(followed!)).toMatchObject({ conclusion: 'success' });
      const note = `deploy-green.yml was dispatched twice (an answer was lost): followed run ${followed}, run ${late} cancelled`;
      expect(result.notes).toEqual([note]);
      expect(result.phases.find((p) => p.name === 'deploy')?.detail).toContain(note);
      const record = lab.github.deployments.at(-1)!;
      expect(record.statuses[0]).toMatchObject({ state: 'success', description: expect.stringContaining(note) });
      expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
    },
  );

  it.concurrent('429 and a secondary-rate-limit 403 with retry-after are waited out as told: SUCCEEDED', async () => {
    const lab = await newLab();
    lab.github.injectFault({
      method: 'GET',
      path: `^${REPO}/branches/green$`,
      status: 429,
      headers: { 'retry-after': '2' },
      times: 1,
    });
    lab.github.injectFault({
      method: 'GET',
      path: `^${REPO}/actions/workflows/deploy-green\\.yml/runs$`,
      status: 403,
      headers: { 'retry-after': '2' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      },
      times: 1,
    });
    const { handle } = await shared.deploy(lab, uniqueService('gh-429'));
    const result = await finalStatus(handle);

    expect(result.outcome, result.error).toBe('SUCCEEDED');
    const tooMany = faultAndRetry(lab, 'GET', /\/branches\/green$/);
    expect(tooMany.fault.status).toBe(429);
    expect(tooMany.gapMs).toBeGreaterThanOrEqual(1_950);
    expect(tooMany.gapMs).toBeLessThan(8_000);
    const secondary = faultAndRetry(lab, 'GET', /deploy-green\.yml\/runs$/);
    expect(secondary.fault.status).toBe(403);
    expect(secondary.gapMs).toBeGreaterThanOrEqual(1_950);
    expect(secondary.gapMs).toBeLessThan(8_000);
    expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
  });

  it.concurrent(
    'an empty primary rate limit (403, x-ratelimit-remaining 0) waits until x-ratelimit-reset: SUCCEEDED',
    async () => {
      const lab = await newLab();
      // The bucket empties from the first refusal on, so the wait is the same however long
      // the deployment took to send its first request on a loaded machine.
      lab.github.setRateLimit({ remaining: 0, resetAfterFirstRefusalMs: 1_500 });
      const { handle } = await shared.deploy(lab, uniqueService('gh-ratelimit'));
      const result = await finalStatus(handle);

      expect(result.outcome, result.error).toBe('SUCCEEDED');
      const limited = lab.github.requests.filter((r) => r.status === 403);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      const firstRefusal = at(limited[0]!);
      // x-ratelimit-reset is in whole seconds, rounded up.
      const resetAt = Math.ceil((firstRefusal + 1_500) / 1000) * 1000;
      // No hammering of an empty bucket: once the first refusal is known, every request of the
      // worker waits for the reset. Only requests already in flight with it (sent in the same
      // instant by parallel activities) can be refused too.
      for (const refused of limited) expect(at(refused) - firstRefusal, refused.path).toBeLessThan(250);
      const duringHold = lab.github.requests.filter((r) => at(r) >= firstRefusal + 250 && at(r) < resetAt);
      expect(duringHold.map((r) => `${r.method} ${r.path}`)).toEqual([]);
      for (const refused of limited) {
        const retry = lab.github.requests.find((r) => r.path === refused.path && at(r) > at(refused));
        expect(retry?.status, refused.path).toBe(200);
        expect(at(retry!)).toBeGreaterThanOrEqual(resetAt - 50);
      }
    },
  );

  it.concurrent('a bad token (401) fails fast with a clear message and no retry storm', async () => {
    const lab = await newLab({ tokens: ['ghp_someone-else'] });
    const started = Date.now();
    const { handle } = await shared.deploy(lab, uniqueService('gh-401'));
    const result = await finalStatus(handle);

    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(/GitHub rejected the credentials \(401\).*GITHUB_TOKEN/);
    expect(result.phases.find((p) => p.name === 'plan')).toMatchObject({
      state: 'failed',
      detail: expect.stringContaining('(401)'),
    });
    expect(lab.github.requests.length).toBeLessThanOrEqual(2);
    expect(lab.github.requests.every((r) => r.status === 401)).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lab.router.activeColor).toBe('blue');
  });

  it.concurrent('an unknown workflow file (404) fails fast naming it, no retry storm, traffic untouched', async () => {
    const lab = await newLab();
    const { handle } = await shared.deploy(lab, uniqueService('gh-404'), {
      environments: { green: { deployWorkflow: 'deploy-gren.yml' } },
    });
    const result = await finalStatus(handle);

    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(/404 for workflow deploy-gren\.yml on green/);
    expect(result.phases.find((p) => p.name === 'deploy')).toMatchObject({ state: 'failed' });
    const aboutIt = lab.github.requests.filter((r) => r.path.includes('deploy-gren.yml'));
    expect(aboutIt.length).toBeGreaterThanOrEqual(1);
    expect(aboutIt.length).toBeLessThanOrEqual(2);
    expect(lab.github.counters.dispatches).toBe(0);
    expect(lab.router.activeColor).toBe('blue');
  });

  it.concurrent(
    'a GitHub Enterprise Server 3.19 stand-in (400 for return_run_details): SUCCEEDED, one dispatch per workflow',
    async () => {
      const lab = await newLab({ returnRunDetails: 'ghes-400' });
      const { handle } = await shared.deploy(lab, uniqueService('gh-ghes'));
      const result = await finalStatus(handle);

      expect(result.outcome, result.error).toBe('SUCCEEDED');
      expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
      expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
      // Refused once, then never sent again to this API root.
      const posts = lab.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dispatches'));
      expect(posts.map((r) => r.status)).toEqual([400, 204, 204]);
      expect(lab.router.activeColor).toBe('green');
    },
  );

  it.concurrent("a 4xx that is an answer (413 on the dispatch) fails fast with GitHub's message, no retry storm", async () => {
    const lab = await newLab();
    lab.github.injectFault({
      method: 'POST',
      path: 'deploy-green\\.yml/dispatches$',
      status: 413,
      times: 20,
      body: { message: 'Payload too large for the lab' },
    });
    const started = Date.now();
    const { handle } = await shared.deploy(lab, uniqueService('gh-413'));
    const result = await finalStatus(handle);

    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(/deploy-green\.yml.*\(413 at POST \S+\/dispatches\): Payload too large for the lab/);
    expect(lab.github.requests.filter((r) => r.path.endsWith('deploy-green.yml/dispatches'))).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lab.router.activeColor).toBe('blue');
  });

  it.concurrent('a run that never completes hits deploy.runTimeout: FAILED, traffic untouched', async () => {
    const lab = await newLab();
    lab.github.setWorkflowBehavior('deploy-green.yml', { neverComplete: true });
    const started = Date.now();
    const { handle } = await shared.deploy(lab, uniqueService('gh-stuck'), {
      deploy: { runTimeout: '3s' },
    });
    const result = await finalStatus(handle);

    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(/deploy-green\.yml run did not complete within 3s/);
    expect(result.phases.find((p) => p.name === 'deploy')?.state).toBe('failed');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(lab.router.activeColor).toBe('blue');
    expect(lab.router.switches).toHaveLength(0);
    expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(0);
    // bluegreen no longer waits for it, so GitHub no longer runs it.
    const run = lab.github.runs.find((r) => r.workflow === 'deploy-green.yml')!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'cancelled', cancelRequests: [{ force: false }] });
    expect(result.error).toContain(`deploy-green.yml run ${run.id} cancelled on GitHub`);
  });

  it.concurrent('an abort while the deploy dispatch awaits its answer: ABORTED, and the run it started cancelled', async () => {
    const lab = await newLab();
    lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 20_000, cancelTakesMs: 300 });
    // GitHub has accepted the dispatch (the run exists), its answer is still on the way.
    lab.github.injectFault({
      method: 'POST',
      path: `^${REPO}/actions/workflows/deploy-green\\.yml/dispatches$`,
      delayMs: 3_000,
      afterProcessing: true,
      times: 1,
    });
    const { handle } = await shared.deploy(lab, uniqueService('gh-abort-dispatch'));
    const deadline = Date.now() + 20_000;
    while (!lab.github.runs.some((r) => r.workflow === 'deploy-green.yml') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await handle.signal(messages.abortSignal, { by: 'dave', reason: 'wrong release' });
    const result = await finalStatus(handle);

    expect(result.outcome, result.error).toBe('ABORTED');
    expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
    const run = lab.github.runs.find((r) => r.workflow === 'deploy-green.yml')!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(result.error).toContain(`deploy-green.yml run ${run.id} cancelled on GitHub`);
    expect(lab.router.switches).toHaveLength(0);
  });

  it.concurrent('an abort during a 20 s deploy run: ABORTED, and the run cancelled on GitHub', async () => {
    const lab = await newLab();
    lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 20_000, cancelTakesMs: 300 });
    const { handle } = await shared.deploy(lab, uniqueService('gh-abort'));
    await waitForStatus(
      handle,
      (s) => s.phase === 'deploy' && /run \d+ in progress/.test(s.phases.find((p) => p.name === 'deploy')?.detail ?? ''),
    );
    const abortedAt = Date.now();
    await handle.signal(messages.abortSignal, { by: 'dave', reason: 'wrong release' });
    const result = await finalStatus(handle);

    expect(result.outcome, result.error).toBe('ABORTED');
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    const run = lab.github.runs.find((r) => r.workflow === 'deploy-green.yml')!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'cancelled', cancelRequests: [{ force: false }] });
    expect(result.error).toMatch(
      new RegExp(
        `aborted by dave: wrong release \\(traffic never moved; deploy-green\\.yml run ${run.id} cancelled on GitHub\\)`,
      ),
    );
    expect(result.phases.find((p) => p.name === 'deploy')).toMatchObject({
      state: 'cancelled',
      detail: expect.stringContaining('cancelled on GitHub'),
    });
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(0);
    expect(lab.router.switches).toHaveLength(0);
  });
});
