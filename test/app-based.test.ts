// The app-based blue/green of seeds/000 ("Blue/Green Books") through the workflow, on the real
// dev server with real activities against the app-router lab: one app process holding both
// colors, a router gated by one database's schema, migrations as GitHub workflow hooks.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { ConfigError, loadConfigFile, parseConfigText } from '../client/config.js';
import { renderPhaseList } from '../client/render.js';
import { startAppRouterLab, type AppRouterLab } from '../lab/app-router/index.js';
import { hookInputs } from '../contract/dispatch-inputs.js';
import * as messages from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { deploymentTest } from './support/fixture.js';
import { MINIMAL_CONFIG } from './support/configs.js';
import { waitForStatus, waitingForApproval } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const FAST = { runTiming: { queuedMs: 30, inProgressMs: 150 } } as const;
const QUICK_MONITOR = { monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 } };
const NO_APPROVAL = { approval: { required: false } };

let lab: AppRouterLab;

const post = (body: unknown, token?: string) =>
  fetch(lab.routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const getJson = async (path: string) => {
  const response = await fetch(`${lab.appUrl}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const phaseStates = (s: DeploymentStatus) => s.phases.map((p) => [p.name, p.state]);
const hookDispatches = (file: string) => lab.github.dispatches.filter((d) => d.workflow === file).map((d) => d.inputs['app']);

describe('app-router lab', () => {
  afterEach(async () => {
    await lab?.close();
  });

  it('starts at step 2 of the seed: green serves through the router, blue not there yet', async () => {
    lab = await startAppRouterLab(FAST);
    expect(await getJson('/deployment/color/')).toEqual({ status: 200, body: { color: 'green' } });
    expect((await getJson('/green/health')).status).toBe(200);
    expect(await getJson('/blue/health')).toMatchObject({ status: 503, body: { status: 'not installed' } });
    const schema = lab.app.snapshot();
    expect(schema).toMatchObject({
      serving: 'green',
      columns: ['id', 'title', 'author'],
      migrations: { green: ['0001_initial'], blue: [] },
    });
    expect(Object.keys(schema.apps)).toEqual(['green']);
  });

  it('guards the router: 401 without or with a bad token, 400 for a bad body, 409 while blue cannot run on the schema', async () => {
    lab = await startAppRouterLab(FAST);
    expect((await post({ color: 'blue' })).status).toBe(401);
    const bad = await post({ color: 'blue' }, 'not-the-token');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post({ colour: 'blue' }, lab.routerToken)).status).toBe(400);
    expect(((await (await post({ color: 'blue' }, lab.routerToken)).json()) as { error: string }).error).toContain(
      'not installed',
    );

    lab.app.deploy('blue', lab.github.branchHead(lab.branches.blue)!);
    const pending = await post({ color: 'blue' }, lab.routerToken);
    expect(pending.status).toBe(409);
    expect(((await pending.json()) as { error: string }).error).toMatch(/unapplied migrations \(0002_\w+\)/);
    expect((await getJson('/blue/books/')).status).toBe(500);

    lab.app.migrate('blue');
    const ok = await post({ color: 'blue' }, lab.routerToken);
    expect(await ok.json()).toEqual({ color: 'blue', previous: 'green', changed: true });
    expect(await getJson('/deployment/color/')).toEqual({ status: 200, body: { color: 'blue' } });
    expect(lab.app.switches).toMatchObject([{ from: 'green', color: 'blue', changed: true }]);
  });
});

describe('hook input placeholders', () => {
  const config = (inputs: Record<string, string>) =>
    stringify({
      ...MINIMAL_CONFIG,
      hooks: { preSwitch: [{ name: 'migrate', workflow: 'migrate.yml', inputs }] },
    });

  it('accepts {{newColor}}, {{oldColor}} and {{sha}}, and names any other placeholder as a problem', () => {
    expect(() =>
      parseConfigText(config({ app: '{{newColor}}', old: '{{ oldColor }}', sha: '{{sha}}' }), 'ok.yaml'),
    ).not.toThrow();
    const problem = (() => {
      try {
        parseConfigText(config({ app: '{{color}}' }), 'bad.yaml');
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(problem).toBeInstanceOf(ConfigError);
    expect(problem?.problems).toEqual([
      {
        path: 'hooks.preSwitch.0.inputs.app',
        message: 'unknown placeholder {{color}}: use {{newColor}}, {{oldColor}}, {{sha}}',
        // Where in the file (test/validate.test.ts checks the positions themselves).
        line: expect.any(Number),
        column: expect.any(Number),
      },
    ]);
  });

  it('fills them in when the hook runs, and always sets deployment_id', () => {
    expect(
      hookInputs(
        { app: 'migrate {{oldColor}} zero', at: '{{sha}}', deployment_id: 'ignored' },
        { newColor: 'blue', oldColor: 'green', sha: 'abc' },
        'd.1',
      ),
    ).toEqual({ app: 'migrate green zero', at: 'abc', deployment_id: 'd.1' });
  });
});

describe('switch.tokenEnv in bluegreen.yaml', () => {
  it("is refused, naming the field and where the token variable is named now (the worker's policy)", () => {
    const yaml = stringify({
      ...MINIMAL_CONFIG,
      switch: { type: 'http', url: 'https://router.example.com/switch', tokenEnv: 'GITHUB_TOKEN' },
    });
    let error: unknown;
    try {
      parseConfigText(yaml, 'bluegreen.yaml', {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      {
        path: 'switch.tokenEnv',
        message: expect.stringMatching(
          /^is no longer set in bluegreen\.yaml: the worker's policy names each router's token variable \(routers\[\]\.tokenEnv in bluegreen-worker\.yaml\)/,
        ),
        line: expect.any(Number),
        column: expect.any(Number),
      },
    ]);
  });
});

describe('app-based examples', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const templates = ['migrate-expand.yml', 'migrate-contract.yml'];

  it('examples/bluegreen-app-router.yaml is valid: http switch, expand before it, contract after', async () => {
    const config = await loadConfigFile(join(root, 'examples', 'bluegreen-app-router.yaml'), {});
    expect(config.switch).toMatchObject({ type: 'http', url: expect.stringContaining('books.example.com/deployment/router') });
    expect(config.switch).not.toHaveProperty('tokenEnv');
    expect(config.hooks.preSwitch.map((h) => [h.name, h.workflow, h.inputs])).toEqual([
      ['migrate-expand', 'migrate-expand.yml', { app: '{{newColor}}', sha: '{{sha}}' }],
    ]);
    expect(config.hooks.postSync.map((h) => [h.name, h.workflow, h.inputs])).toEqual([
      ['migrate-contract', 'migrate-contract.yml', { app: '{{oldColor}}', sha: '{{sha}}' }],
    ]);
    for (const name of templates) expect(existsSync(join(root, 'examples', 'github-workflows', name)), name).toBe(true);
  });

  it.each(templates)('%s declares what the example config sends, as the lab does, and keeps the id in run-name', async (name) => {
    const workflow = parse(readFileSync(join(root, 'examples', 'github-workflows', name), 'utf8'));
    const inputs = workflow.on.workflow_dispatch.inputs as Record<
      string,
      { required?: boolean; type?: string; options?: string[] }
    >;
    expect(Object.keys(inputs).sort()).toEqual(['app', 'deployment_id', 'sha']);
    expect(inputs['app']).toMatchObject({ required: true, type: 'choice', options: ['blue', 'green'] });
    expect(workflow['run-name']).toContain('inputs.deployment_id');
    expect(workflow.concurrency).toEqual({ group: 'bluegreen-migrate', 'cancel-in-progress': false });
    // The lab's simulated workflow of the same name accepts these inputs (it answers 422 on
    // an undeclared or missing one, like GitHub).
    lab = await startAppRouterLab(FAST);
    try {
      const dispatch = await fetch(`${lab.githubUrl}/repos/${lab.owner}/${lab.repo}/actions/workflows/${name}/dispatches`, {
        method: 'POST',
        headers: { authorization: `token ${lab.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ref: lab.branches.blue, inputs: { deployment_id: 'x.1', app: 'green', sha: 'abc' } }),
      });
      expect(dispatch.status).toBeLessThan(300);
    } finally {
      await lab.close();
    }
  });

  it.skipIf(!existsSync(join(root, '.tools', 'bin', 'actionlint')))('the hook templates pass actionlint', () => {
    const result = spawnSync(
      join(root, '.tools', 'bin', 'actionlint'),
      ['-no-color', ...templates.map((t) => join(root, 'examples', 'github-workflows', t))],
      {
        encoding: 'utf8',
      },
    );
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('app-based blue/green through the workflow (seeds/000)', () => {
  // The app-router lab (also in the module's `lab`, which the helpers above read) and a worker holding its router token.
  const it = deploymentTest({
    start: async () => (lab = await startAppRouterLab(FAST)),
    defaults: undefined,
    workerOptions: (l) => ({ env: { [l.routerTokenEnv]: l.routerToken } }),
  });

  it("walks the seed's steps 1–5, then the next deployment goes back to green the same way", async ({ deploy }) => {
    // Steps 1–2: green serves through the router.
    expect(lab.app.serving).toBe('green');

    const { handle } = await deploy('books-walk', QUICK_MONITOR);
    const atApproval = await waitForStatus(handle, waitingForApproval);
    expect(atApproval.targetColor).toBe('blue');
    // The gate says in advance that the clean-up cannot be undone.
    expect(atApproval.waitingFor).toContain('post-sync hooks (migrate-contract) are a point of no return');
    expect(renderPhaseList(atApproval)).toContain('rollback is possible until the post-sync hooks (migrate-contract) start');
    // Step 3: blue added as a copy of green (`migrate blue --fake`), changed, not migrated yet.
    let schema = lab.app.snapshot();
    expect(schema.serving).toBe('green');
    expect(schema.migrations.blue).toEqual(['0001_initial']);
    expect(schema.apps.blue?.pending).toHaveLength(1);
    expect(schema.apps.blue?.canServe).toBe(false);

    await handle.signal(messages.approveSignal, { by: 'alice', comment: 'QA passed on /blue/' });
    // Step 4: `migrate blue` (expand hook), then the router serves blue.
    const monitoring = await waitForStatus(handle, (s) => s.phase === 'monitor');
    expect(monitoring.pointOfNoReturn).toBeFalsy();
    schema = lab.app.snapshot();
    expect(schema.serving).toBe('blue');
    expect(schema.apps.blue?.pending).toEqual([]);
    expect(schema.columns).toContain(`field_${atApproval.sha!.slice(0, 7)}`);
    expect(schema.apps.green?.canServe).toBe(true); // expand: the old color still runs on it

    const result = await finalStatus(handle);
    // Step 5: `migrate green zero --fake`: one app left, blue serving.
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.pointOfNoReturn).toBe(true);
    expect(phaseStates(result)).toEqual([
      ['plan', 'succeeded'],
      ['deploy', 'succeeded'],
      ['verify', 'succeeded'],
      ['approval', 'succeeded'],
      ['preSwitch:migrate-expand', 'succeeded'],
      ['switch', 'succeeded'],
      ['monitor', 'succeeded'],
      ['sync', 'succeeded'],
      ['postSync:migrate-contract', 'succeeded'],
    ]);
    expect(result.phases.find((p) => p.name === 'postSync:migrate-contract')?.url).toMatch(/\/actions\/runs\/\d+/);
    schema = lab.app.snapshot();
    expect(Object.keys(schema.apps)).toEqual(['blue']);
    expect(schema.migrations.green).toEqual([]);
    expect(await getJson('/deployment/color/')).toEqual({ status: 200, body: { color: 'blue' } });
    expect((await getJson('/books/')).status).toBe(200);
    expect((await post({ color: 'green' }, lab.routerToken)).status).toBe(409);
    expect(hookDispatches('migrate-expand.yml')).toEqual(['blue']);
    expect(hookDispatches('migrate-contract.yml')).toEqual(['green']);
    // Placeholders filled in: the deployed commit, the deployment's correlation id per hook.
    expect(lab.github.dispatches.find((d) => d.workflow === 'migrate-expand.yml')?.inputs).toEqual({
      app: 'blue',
      sha: result.sha,
      deployment_id: `${result.deploymentId}.preSwitch-migrate-expand`,
    });
    expect(lab.app.switches.map((s) => [s.color, s.source])).toEqual([['blue', 'POST /deployment/router/']]);
    expect(lab.app.events.map((e) => e.what).join('\n')).toMatch(
      /migrate blue --fake[\s\S]*0002_\w+ pending[\s\S]*migrate blue: 0002_\w+[\s\S]*router → blue[\s\S]*migrate green zero --fake/,
    );

    // The next change goes to green, which comes back as a copy of blue: same steps, colors swapped.
    lab.github.pushCommit(lab.branches.green, 'Change green app: another field');
    const { handle: next } = await deploy('books-walk', { ...QUICK_MONITOR, ...NO_APPROVAL });
    const second = await finalStatus(next);
    expect(second.outcome).toBe('SUCCEEDED');
    expect([second.activeColor, second.targetColor]).toEqual(['blue', 'green']);
    expect(hookDispatches('migrate-expand.yml')).toEqual(['blue', 'green']);
    expect(hookDispatches('migrate-contract.yml')).toEqual(['green', 'blue']);
    schema = lab.app.snapshot();
    expect(Object.keys(schema.apps)).toEqual(['green']);
    expect(schema.serving).toBe('green');
    expect(schema.columns).toHaveLength(5);
  });

  it('a failed preSwitch migration ends ABORTED before traffic moves', async ({ deploy }) => {
    lab.github.failNextRun('migrate-expand.yml', { job: 'migrate', step: 'Run migrations' });
    const result = await finalStatus((await deploy('books-expand-fails', NO_APPROVAL)).handle);
    expect(result.outcome).toBe('ABORTED');
    expect(result.error).toContain('preSwitch:migrate-expand');
    expect(result.error).toContain('Run migrations');
    expect(result.error).toContain('traffic untouched on green');
    expect(phaseStates(result).slice(4)).toEqual([
      ['preSwitch:migrate-expand', 'failed'],
      ['switch', 'skipped'],
      ['monitor', 'skipped'],
      ['sync', 'skipped'],
      ['postSync:migrate-contract', 'skipped'],
    ]);
    expect(lab.app.switches).toHaveLength(0);
    expect(lab.app.snapshot()).toMatchObject({ serving: 'green', columns: ['id', 'title', 'author'] });
    expect(hookDispatches('migrate-contract.yml')).toEqual([]);
  });

  it('a rollback during monitoring, before the clean-up, puts green back on a schema it still runs on', async ({ deploy }) => {
    const { handle } = await deploy('books-rollback', {
      ...NO_APPROVAL,
      monitor: { duration: '60s', interval: '200ms' },
    });
    await waitForStatus(handle, (s) => s.phase === 'monitor');
    expect(lab.app.serving).toBe('blue');
    const answer = await handle.executeUpdate(messages.rollbackUpdate, {
      args: [{ by: 'carol', reason: 'blue slow on /books/' }],
    });
    expect(answer.accepted).toBe(true);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ROLLED_BACK');
    expect(result.pointOfNoReturn).toBeFalsy();
    const schema = lab.app.snapshot();
    expect(schema.serving).toBe('green');
    // The expand stays (blue's column exists), and both colors can still run on it.
    expect(schema.columns).toHaveLength(4);
    expect(schema.apps.green?.canServe).toBe(true);
    expect(schema.apps.blue?.canServe).toBe(true);
    expect(await getJson('/books/')).toMatchObject({ status: 200, body: { color: 'green' } });
    expect(hookDispatches('migrate-contract.yml')).toEqual([]);
    expect(lab.app.switches.map((s) => s.color)).toEqual(['blue', 'green']);
  });

  it('once the clean-up has started, rollback is refused: Update rejected, signal ignored, status says why', async ({
    deploy,
  }) => {
    lab.github.setWorkflowBehavior('migrate-contract.yml', { queuedMs: 30, inProgressMs: 2500 });
    const { handle } = await deploy('books-no-return', { ...NO_APPROVAL, ...QUICK_MONITOR });
    const during = await waitForStatus(handle, (s) => s.phase === 'postSync:migrate-contract');
    expect(during.pointOfNoReturn).toBe(true);
    expect(renderPhaseList(during)).toMatch(/point of no return passed/i);

    const refused = await handle.executeUpdate(messages.rollbackUpdate, { args: [{ by: 'carol', reason: 'too late?' }] }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(refused).toBeInstanceOf(Error);
    expect(`${refused?.message} ${(refused?.cause as Error | undefined)?.message}`).toContain('point of no return');
    await handle.signal(messages.rollbackSignal, { by: 'carol', reason: 'too late' });

    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.ignoredSignals).toMatchObject([
      { signal: 'rollback', by: 'carol', reason: expect.stringContaining('point of no return') },
    ]);
    expect(result.phases.some((p) => p.name === 'rollback')).toBe(false);
    expect(lab.app.serving).toBe('blue');
    expect(Object.keys(lab.app.snapshot().apps)).toEqual(['blue']);
  });

  it('an abort during a preSwitch hook lets the migration finish, then stops: ABORTED, traffic untouched', async ({ deploy }) => {
    lab.github.setWorkflowBehavior('migrate-expand.yml', { queuedMs: 30, inProgressMs: 2000 });
    const { handle } = await deploy('books-abort-hook', NO_APPROVAL);
    await waitForStatus(handle, (s) => s.phase === 'preSwitch:migrate-expand');
    const rollback = await handle
      .executeUpdate(messages.rollbackUpdate, { args: [{ by: 'dave', reason: 'x' }] })
      .catch((e: Error) => e);
    expect(String((rollback as Error).cause ?? rollback)).toContain('traffic has not moved yet');
    const abort = await handle.executeUpdate(messages.abortUpdate, { args: [{ by: 'dave', reason: 'wrong release' }] });
    expect(abort).toMatchObject({ accepted: true });
    expect(abort.message).toContain('stopping once this hook run ends');
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    expect(result.error).toContain('wrong release');
    expect(result.error).toContain('hooks already run: migrate-expand');
    expect(result.phases.find((p) => p.name === 'preSwitch:migrate-expand')?.state).toBe('succeeded');
    expect(lab.app.switches).toHaveLength(0);
    expect(lab.app.serving).toBe('green');
  });

  it('a switch the router refuses (bad token) fails with traffic still on green', async ({ lab, startWorker, deployTo }) => {
    await startWorker(lab, { env: { [lab.routerTokenEnv]: 'not-the-router-token' } });
    const result = await finalStatus((await deployTo(lab, 'books-bad-token', NO_APPROVAL)).handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.phases.find((p) => p.name === 'switch')?.state).toBe('failed');
    expect(result.error).toContain('401');
    expect(result.error).toContain('traffic still on green');
    expect(lab.app.serving).toBe('green');
    expect(hookDispatches('migrate-contract.yml')).toEqual([]);
  });

  it('switch.type workflow (a DNS Update run) gives the same phases and outcome', async ({
    lab,
    worker: _servesTheDeployment,
    deployTo,
  }) => {
    // The whole switch block is replaced (a merge would keep the http fields).
    const dnsSwitch = { type: 'workflow', workflow: 'dns-update.yml', verifyTimeout: '10s' };
    const withDnsSwitch = { exampleConfig: (service: string) => ({ ...lab.exampleConfig(service), switch: dnsSwitch }) };
    const { handle } = await deployTo(withDnsSwitch, 'books-dns', { ...NO_APPROVAL, ...QUICK_MONITOR });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(phaseStates(result).map(([name]) => name)).toContain('postSync:migrate-contract');
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
    expect(lab.app.switches.map((s) => s.color)).toEqual(['blue']);
    expect(Object.keys(lab.app.snapshot().apps)).toEqual(['blue']);
  });
});
