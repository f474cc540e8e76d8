// The lab's GitHub simulator against GitHub's published OpenAPI description
// (@octokit/openapi, api.github.com): every route is driven through real @octokit/rest, and
// every request body the simulator accepted and every answer it gave is validated against the
// schemas of the matching operation, so the simulator cannot drift from GitHub.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qaGateWorkflow } from '../lab/github/review-controls.js';
import { startLab, type Lab } from '../lab/index.js';

// ── the OpenAPI description as JSON Schema ──────────────────────────────────
type Schema = Record<string, unknown>;
interface Operation {
  operationId: string;
  requestBody?: Schema;
  responses: Record<string, Schema>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  'x-webhooks'?: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Schema>>;
}

const specPath = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
const COMPONENTS_ID = 'https://lab.test/github-openapi-components';

/**
 * OpenAPI 3.0 → JSON Schema: `nullable: true` becomes "or null", and `#/components/...` refs
 * point into one shared document so any sub-schema compiles on its own.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) out[key] = `${COMPONENTS_ID}${value}`;
    else if (key !== 'nullable' && key !== 'example' && key !== 'examples') out[key] = toJsonSchema(value);
  }
  return (node as Schema)['nullable'] === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ['int32', 'int64', 'binary', 'repo.nwo', 'ssh-key', 'ssh-key fingerprint', 'uri-template'])
  ajv.addFormat(format, true);
ajv.addSchema({ $id: COMPONENTS_ID, components: { schemas: toJsonSchema(spec.components['schemas']) } });

const resolveRef = (node: Schema): Schema => {
  let current = node;
  while (typeof current['$ref'] === 'string') {
    const path = (current['$ref'] as string).slice(2).split('/');
    current = path.reduce<Record<string, unknown>>(
      (obj, key) => obj[key] as Record<string, unknown>,
      spec as unknown as Record<string, unknown>,
    ) as Schema;
  }
  return current;
};
const jsonSchemaOf = (content: unknown): Schema | undefined =>
  (content as Record<string, { schema?: Schema }> | undefined)?.['application/json']?.schema;

const validators = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: Schema): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(schema) as Schema);
    validators.set(key, validate);
  }
  return validate;
}

function operationAt(method: string, urlTemplate: string): Operation {
  const op = spec.paths[urlTemplate]?.[method.toLowerCase()];
  if (!op) throw new Error(`no OpenAPI operation for ${method} ${urlTemplate}`);
  return op;
}

/** Problems of `body` against the operation's answer for `status` (no schema: must be empty). */
export function responseProblems(op: Operation, status: number, body: unknown): string[] {
  const response = op.responses[String(status)];
  if (!response)
    return [`${op.operationId}: status ${status} is not a documented answer (${Object.keys(op.responses).join(', ')})`];
  let schema = jsonSchemaOf(resolveRef(response)['content']);
  // Error answers documented without content still carry GitHub's error body on the real API
  // (e.g. merge's 404 "Base does not exist"): hold them to the basic-error shape.
  if (!schema && status >= 400 && body !== undefined && body !== '') schema = { $ref: '#/components/schemas/basic-error' };
  if (!schema) return body === undefined || body === '' || body === null ? [] : [`${op.operationId} ${status}: expected no body`];
  const validate = validatorFor(`${op.operationId} ${status}`, schema);
  return validate(body) ? [] : [`${op.operationId} ${status}: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`];
}

/** Problems of a webhook payload against its `x-webhooks` schema, e.g. `deployment-review-approved`. */
function webhookProblems(name: string, body: unknown): string[] {
  const hook = spec['x-webhooks']?.[name]?.['post'];
  if (!hook?.requestBody) return [`no webhook ${name} in the OpenAPI description`];
  const schema = jsonSchemaOf(resolveRef(hook.requestBody)['content']);
  if (!schema) return [`webhook ${name} has no JSON schema`];
  const validate = validatorFor(`webhook ${name}`, schema);
  return validate(body) ? [] : [`webhook ${name}: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`];
}

function requestProblems(op: Operation, body: unknown): string[] {
  if (!op.requestBody) return [];
  const schema = jsonSchemaOf(resolveRef(op.requestBody)['content']);
  if (!schema) return [];
  const validate = validatorFor(`${op.operationId} request`, schema);
  return validate(body) ? [] : [`${op.operationId} request: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`];
}

// ── Octokit that checks every exchange ──────────────────────────────────────
interface Exchange {
  operationId: string;
  status: number;
}

const exchanges: Exchange[] = [];
const problems: string[] = [];
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

type HookOptions = { method: string; url: string; [key: string]: unknown };
type HookResponse = { status: number; data: unknown };

/** Wraps Octokit's request hook: the url there is still the route template (the spec's key). */
function checked<T extends Octokit>(octokit: T): T {
  octokit.hook.wrap('request', async (request, options) => {
    const { method, url } = options as unknown as HookOptions;
    const op = operationAt(method, url);
    const parsed = octokit.request.endpoint.parse(options as never) as { body?: unknown };
    if (parsed.body !== undefined) problems.push(...requestProblems(op, parsed.body));
    try {
      const response = (await request(options)) as unknown as HookResponse;
      exchanges.push({ operationId: op.operationId, status: response.status });
      problems.push(...responseProblems(op, response.status, response.data));
      return response as never;
    } catch (err) {
      const error = err as { status?: number; response?: { data?: unknown } };
      if (typeof error.status === 'number' && error.status !== 304 && error.response) {
        exchanges.push({ operationId: op.operationId, status: error.status });
        // GitHub documents only some error answers per operation; check the ones it does.
        if (op.responses[String(error.status)]) problems.push(...responseProblems(op, error.status, error.response.data));
      }
      throw err;
    }
  });
  return octokit;
}

async function rejects(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
  } catch (err) {
    const error = err as { status: number; response?: { data?: unknown } };
    return { status: error.status, data: error.response?.data };
  }
  throw new Error('expected the request to fail');
}

// ── the tests ───────────────────────────────────────────────────────────────
const APP_ID = 424242;
const INSTALLATION_ID = 777;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
let lab: Lab;
let octokit: Octokit;
let repo: { owner: string; repo: string };

beforeAll(async () => {
  lab = await startLab({
    runTiming: { queuedMs: 20, inProgressMs: 60 },
    appAuth: {
      appId: APP_ID,
      installationId: INSTALLATION_ID,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  });
  octokit = checked(new Octokit({ baseUrl: lab.githubUrl, auth: lab.token, log: quiet }));
  repo = { owner: lab.owner, repo: lab.repo };
});
afterAll(async () => {
  await lab?.close();
});

describe('the OpenAPI checker itself', () => {
  it('rejects a workflow run missing a required field and a mistyped one', () => {
    const op = operationAt('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}');
    expect(responseProblems(op, 200, { id: 1 }).join('\n')).toMatch(/must have required property 'node_id'/);
    const dispatch = operationAt('POST', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches');
    expect(responseProblems(dispatch, 200, { workflow_run_id: 'x', run_url: 'u', html_url: 'h' })).not.toEqual([]);
    expect(responseProblems(dispatch, 204, undefined)).toEqual([]);
    expect(requestProblems(dispatch, { inputs: {} }).join('\n')).toMatch(/required property 'ref'/);
    const merge = operationAt('POST', '/repos/{owner}/{repo}/merges');
    expect(
      responseProblems(merge, 404, { message: 'Base does not exist', documentation_url: 'https://docs.github.com/rest' }),
    ).toEqual([]);
    expect(responseProblems(merge, 404, { message: 42 })).not.toEqual([]);
    expect(responseProblems(merge, 204, { unexpected: true })).not.toEqual([]);
  });
});

describe('GitHub simulator vs api.github.com OpenAPI', () => {
  it('repository, branches, refs, commits', async () => {
    const { data: full } = await octokit.rest.repos.get(repo);
    expect(full.default_branch).toBe('production');
    const { data: branch } = await octokit.rest.repos.getBranch({ ...repo, branch: 'green' });
    const { data: ref } = await octokit.rest.git.getRef({ ...repo, ref: 'heads/green' });
    expect(ref.object.sha).toBe(branch.commit.sha);
    await octokit.rest.repos.getCommit({ ...repo, ref: branch.commit.sha });
    expect((await rejects(octokit.rest.repos.getBranch({ ...repo, branch: 'nope' }))).status).toBe(404);
    expect((await rejects(octokit.rest.git.getRef({ ...repo, ref: 'heads/nope' }))).status).toBe(404);
    expect((await rejects(octokit.rest.repos.get({ owner: 'someone', repo: 'else' }))).status).toBe(404);
    const { data: dir } = await octokit.rest.repos.getContent({ ...repo, path: '.github/workflows', ref: 'green' });
    expect(Array.isArray(dir) && dir.some((e) => e.name === 'deploy-green.yml' && e.type === 'file')).toBe(true);
    const { data: file } = await octokit.rest.repos.getContent({
      ...repo,
      path: '.github/workflows/deploy-green.yml',
      ref: 'green',
    });
    expect(!Array.isArray(file) && file.type === 'file' && Buffer.from(file.content, 'base64').toString()).toContain(
      'workflow_dispatch',
    );
    const missing = (path: string, ref: string) => rejects(octokit.rest.repos.getContent({ ...repo, path, ref }));
    expect((await missing('.github/workflows/none.yml', 'green')).status).toBe(404);
    expect((await missing('.github/workflows/deploy-green.yml', 'nope')).status).toBe(404);
  });

  it('workflows, dispatch (200 with run details, 204 without), runs, jobs, cancel', async () => {
    const { data: workflows } = await octokit.rest.actions.listRepoWorkflows(repo);
    expect(workflows.workflows.map((w) => w.path)).toContain('.github/workflows/dns-update.yml');
    const { data: workflow } = await octokit.rest.actions.getWorkflow({ ...repo, workflow_id: 'deploy-green.yml' });
    await octokit.rest.actions.getWorkflow({ ...repo, workflow_id: workflow.id });

    const sha = lab.github.branchHead('green')!;
    const inputs = { deployment_id: 'openapi-1.deploy', color: 'green', sha };
    const withDetails = await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      ...repo,
      workflow_id: 'deploy-green.yml',
      ref: 'green',
      inputs,
      return_run_details: true,
    });
    expect(withDetails.status).toBe(200);
    const runId = (withDetails.data as { workflow_run_id: number }).workflow_run_id;
    const plain = await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'dns-update.yml',
      ref: 'production',
      inputs: { deployment_id: 'openapi-1.switch', color: 'blue' },
    });
    expect(plain.status).toBe(204);

    await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runId }); // queued
    await lab.github.waitForRun(runId);
    const { data: run } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runId });
    expect(run.display_title).toBe('Deployment to Green · openapi-1.deploy');
    const { data: runs } = await octokit.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: 'deploy-green.yml',
      event: 'workflow_dispatch',
      branch: 'green',
      status: 'completed',
      created: `>=${run.created_at}`,
      per_page: 10,
    });
    expect(runs.workflow_runs.map((r) => r.id)).toContain(runId);
    const { data: all } = await octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, per_page: 1, page: 2 });
    expect(all.total_count).toBe(2);
    const { data: jobs } = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: runId });
    await octokit.rest.actions.getJobForWorkflowRun({ ...repo, job_id: jobs.jobs[0]!.id });

    lab.github.setWorkflowBehavior('deploy-blue.yml', { neverComplete: true, queuedMs: 0 });
    await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'deploy-blue.yml',
      ref: 'production',
      inputs: { deployment_id: 'openapi-2.deploy', color: 'blue', sha: lab.github.branchHead('production')! },
    });
    const stuck = lab.github.runs.find((r) => r.workflow === 'deploy-blue.yml')!;
    const cancel = await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: stuck.id });
    expect(cancel.status).toBe(202);
    expect(lab.github.run(stuck.id)!.conclusion).toBe('cancelled');
    expect((await rejects(octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: stuck.id }))).status).toBe(409);

    // A run an always() job keeps going: the plain cancel is accepted, only force-cancel ends it.
    lab.github.setWorkflowBehavior('deploy-blue.yml', { neverComplete: true, queuedMs: 0, ignoresCancel: true });
    await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'deploy-blue.yml',
      ref: 'production',
      inputs: { deployment_id: 'openapi-3.deploy', color: 'blue', sha: lab.github.branchHead('production')! },
    });
    const stubborn = lab.github.runs.find((r) => r.inputs['deployment_id'] === 'openapi-3.deploy')!;
    expect((await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: stubborn.id })).status).toBe(202);
    expect(lab.github.run(stubborn.id)!.status).not.toBe('completed');
    expect((await octokit.rest.actions.forceCancelWorkflowRun({ ...repo, run_id: stubborn.id })).status).toBe(202);
    expect(lab.github.run(stubborn.id)).toMatchObject({
      conclusion: 'cancelled',
      cancelRequests: [{ force: false }, { force: true }],
    });
    expect((await rejects(octokit.rest.actions.forceCancelWorkflowRun({ ...repo, run_id: stubborn.id }))).status).toBe(409);
    lab.github.setWorkflowBehavior('deploy-blue.yml', {});
  });

  it('the authenticated user: the token user; an installation token has none (403)', async () => {
    const { data: me } = await octokit.rest.users.getAuthenticated();
    expect(me.login).toBe('bluegreen-bot');
    const { data: run } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: lab.github.runs.at(-1)!.id });
    expect(run.triggering_actor?.login).toBe('bluegreen-bot');
  });

  it('dispatch refusals: unknown workflow 404, unknown ref and bad inputs 422', async () => {
    const dispatch = (workflow_id: string, ref: string, inputs: Record<string, string>) =>
      rejects(octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id, ref, inputs }));
    expect((await dispatch('nope.yml', 'green', {})).status).toBe(404);
    const badRef = await dispatch('dns-update.yml', 'no-such-branch', { deployment_id: 'x', color: 'blue' });
    expect(badRef).toMatchObject({ status: 422, data: { message: 'No ref found for: no-such-branch' } });
    const extra = await dispatch('dns-update.yml', 'production', { deployment_id: 'x', color: 'blue', force: 'yes' });
    expect(extra).toMatchObject({ status: 422, data: { message: 'Unexpected inputs provided: ["force"]' } });
  });

  it('merges: 201 merge commit, 204 nothing to merge, 404 missing branch, 409 conflict', async () => {
    const merged = await octokit.rest.repos.merge({ ...repo, base: 'production', head: 'green', commit_message: 'Sync' });
    expect(merged.status).toBe(201);
    const again = await octokit.rest.repos.merge({ ...repo, base: 'production', head: 'green' });
    expect(again.status).toBe(204);
    expect((await rejects(octokit.rest.repos.merge({ ...repo, base: 'nope', head: 'green' }))).status).toBe(404);
    lab.github.pushCommit('green', 'Another change');
    lab.github.setMergeConflict(true);
    expect((await rejects(octokit.rest.repos.merge({ ...repo, base: 'production', head: 'green' }))).status).toBe(409);
    lab.github.setMergeConflict(false);
  });

  it('deployments and deployment statuses', async () => {
    const created = await octokit.rest.repos.createDeployment({
      ...repo,
      ref: 'green',
      environment: 'green',
      description: 'bluegreen openapi-1',
      payload: { correlationId: 'openapi-1.gh-deployment' },
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: false,
    });
    expect(created.status).toBe(201);
    const deployment = created.data as { id: number };
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: deployment.id,
      state: 'success',
      description: 'live',
      environment_url: lab.appUrls.green,
      log_url: `${lab.githubUrl}/datatruck/backend/actions/runs/1`,
      auto_inactive: true,
    });
    const { data: list } = await octokit.rest.repos.listDeployments({
      ...repo,
      environment: 'green',
      ref: 'green',
      task: 'deploy',
    });
    expect(list.map((d) => d.id)).toContain(deployment.id);
    await octokit.rest.repos.getDeployment({ ...repo, deployment_id: deployment.id });
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id });
    await octokit.rest.repos.getDeploymentStatus({ ...repo, deployment_id: deployment.id, status_id: statuses[0]!.id });
    const bad = await rejects(
      octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        ...repo,
        deployment_id: deployment.id,
        state: 'weird' as 'success',
      }),
    );
    expect(bad.status).toBe(422);
    // Our own bad request body must be caught by the request check: remove it from the findings.
    const index = problems.findIndex((p) => p.startsWith('repos/create-deployment-status request'));
    expect(index).toBeGreaterThanOrEqual(0);
    problems.splice(index, 1);
  });

  it('GitHub App: JWT endpoints, token exchange, installation token accepted', async () => {
    const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const asApp = checked(
      new Octokit({ baseUrl: lab.githubUrl, log: quiet, authStrategy: createAppAuth, auth: { appId: APP_ID, privateKey } }),
    );
    await asApp.rest.apps.getInstallation({ installation_id: INSTALLATION_ID });
    await asApp.rest.apps.getRepoInstallation(repo);
    const token = await asApp.rest.apps.createInstallationAccessToken({ installation_id: INSTALLATION_ID });
    expect(token.status).toBe(201);
    const asInstallation = checked(
      new Octokit({
        baseUrl: lab.githubUrl,
        log: quiet,
        authStrategy: createAppAuth,
        auth: { appId: APP_ID, privateKey, installationId: INSTALLATION_ID },
      }),
    );
    // The app's bot is `<slug>[bot]`; it has no user of its own.
    const { data: app } = await asApp.rest.apps.getAuthenticated();
    expect(app?.slug).toBe('bluegreen');
    expect((await rejects(asInstallation.rest.users.getAuthenticated())).status).toBe(403);
    await asInstallation.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'dns-update.yml',
      ref: 'production',
      inputs: { deployment_id: 'openapi-4.switch', color: 'blue' },
    });
    const byApp = lab.github.runs.find((r) => r.inputs['deployment_id'] === 'openapi-4.switch')!;
    expect(byApp.actor).toBe('bluegreen[bot]');
    await asInstallation.rest.actions.getWorkflowRun({ ...repo, run_id: byApp.id });

    // Only an installation token lists its repositories; a person's token is refused (how doctor tells them apart).
    const { data: accessible } = await asInstallation.rest.apps.listReposAccessibleToInstallation({ per_page: 1 });
    expect(accessible.repositories.map((r) => r.full_name)).toEqual([`${lab.owner}/${lab.repo}`]);
    expect((await rejects(octokit.rest.apps.listReposAccessibleToInstallation({ per_page: 1 }))).status).toBe(403);
    // GitHub gives an installation no `permissions` in the repository (its owner's role for a person's token).
    expect((await asInstallation.rest.repos.get(repo)).data.permissions).toBeUndefined();

    await asInstallation.rest.repos.getBranch({ ...repo, branch: 'production' });
    const last = lab.github.requests.at(-1)!;
    expect(last).toMatchObject({
      path: `/repos/${lab.owner}/${lab.repo}/branches/production`,
      authKind: 'installation',
      status: 200,
    });
  });

  it('environments, pending deployments, reviews with the reviewer’s own token, approvals, team membership', async () => {
    const reviews = lab.github.reviews;
    const as = (login: string) =>
      checked(new Octokit({ baseUrl: lab.githubUrl, auth: reviews.tokenOf(login), log: quiet, request: { retries: 0 } }));
    reviews.addQaGate('qa', { reviewers: ['datatruck/qa'] });
    const { data: envs } = await octokit.rest.repos.getAllEnvironments(repo);
    expect(envs.environments?.map((e) => e.name)).toContain('qa');
    const { data: qa } = await octokit.rest.repos.getEnvironment({ ...repo, environment_name: 'qa' });
    expect(qa.protection_rules?.[0]).toMatchObject({ type: 'required_reviewers', prevent_self_review: false });
    expect((await rejects(octokit.rest.repos.getEnvironment({ ...repo, environment_name: 'nope' }))).status).toBe(404);
    const team = reviews.addTeam('release', ['dave']);
    const { data: strict } = await as('olivia').rest.repos.createOrUpdateEnvironment({
      ...repo,
      environment_name: 'qa-strict',
      prevent_self_review: true,
      reviewers: [
        { type: 'User', id: reviews.user('alice')!.id },
        { type: 'Team', id: team.id },
      ],
    });
    expect(strict.protection_rules?.[0]).toMatchObject({ prevent_self_review: true });
    expect(
      (
        await rejects(
          as('dave').rest.repos.createOrUpdateEnvironment({ ...repo, environment_name: 'x', prevent_self_review: false }),
        )
      ).status,
    ).toBe(403);

    const gateRun = async (by: Octokit, id: string, file = 'qa-gate.yml') => {
      const sha = lab.github.branchHead('green')!;
      const { data } = await by.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...repo,
        workflow_id: file,
        ref: 'production',
        inputs: { deployment_id: id, color: 'green', sha, url: lab.appUrls.green },
        return_run_details: true,
      });
      const runId = (data as { workflow_run_id: number }).workflow_run_id;
      for (let i = 0; i < 100 && lab.github.run(runId)!.status !== 'waiting'; i++) await new Promise((r) => setTimeout(r, 10));
      expect(lab.github.run(runId)!.status).toBe('waiting');
      return { runId, sha };
    };
    const received: Array<{ event: string; body: Record<string, unknown> }> = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push({ event: String(req.headers['x-github-event']), body: JSON.parse(text) as Record<string, unknown> });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    lab.github.setWebhook({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret: 's' });

    const { runId, sha } = await gateRun(octokit, 'openapi-3.approval-1');
    const { data: run } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runId });
    expect(run).toMatchObject({ status: 'waiting', display_title: `QA gate · green @ ${sha} [openapi-3.approval-1]` });
    const { data: jobs } = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: runId });
    expect(jobs.jobs[0]!.status).toBe('waiting');
    const { data: forAlice } = await as('alice').rest.actions.getPendingDeploymentsForRun({ ...repo, run_id: runId });
    expect(forAlice).toMatchObject([{ environment: { name: 'qa' }, current_user_can_approve: true }]);
    const { data: forErin } = await as('erin').rest.actions.getPendingDeploymentsForRun({ ...repo, run_id: runId });
    expect(forErin[0]!.current_user_can_approve).toBe(false);
    const review = (login: string, state: 'approved' | 'rejected', id = runId, envId = qa.id) =>
      as(login).rest.actions.reviewPendingDeploymentsForRun({
        ...repo,
        run_id: id,
        environment_ids: [envId],
        state,
        comment: `${state} by ${login}`,
      });
    expect((await rejects(review('erin', 'approved'))).status).toBe(422);
    expect((await rejects(review('mallory', 'approved'))).status).toBe(404);
    expect((await octokit.rest.actions.getReviewsForRun({ ...repo, run_id: runId })).data).toEqual([]);
    const approved = await review('alice', 'approved');
    expect(approved.data).toMatchObject([{ environment: 'qa', sha: run.head_sha }]);
    const done = await lab.github.waitForRun(runId);
    expect(done.conclusion).toBe('success');
    const { data: log } = await octokit.rest.actions.getReviewsForRun({ ...repo, run_id: runId });
    expect(log).toMatchObject([
      { state: 'approved', user: { login: 'alice' }, comment: 'approved by alice', environments: [{ name: 'qa' }] },
    ]);
    expect((await rejects(review('bob', 'approved'))).status).toBe(422);

    const second = await gateRun(octokit, 'openapi-3.approval-2');
    await review('bob', 'rejected', second.runId);
    expect((await lab.github.waitForRun(second.runId)).conclusion).toBe('failure');

    const membership = await octokit.rest.teams.getMembershipForUserInOrg({
      org: 'datatruck',
      team_slug: 'qa',
      username: 'alice',
    });
    expect(membership.data.state).toBe('active');
    const notMember = octokit.rest.teams.getMembershipForUserInOrg({ org: 'datatruck', team_slug: 'qa', username: 'erin' });
    expect((await rejects(notMember)).status).toBe(404);

    // prevent_self_review: dave dispatched the run; as a reviewer (team release) he may not approve it.
    lab.github.addWorkflow({ ...qaGateWorkflow('qa-strict'), file: 'qa-gate-strict.yml' });
    const own = await gateRun(as('dave'), 'openapi-3.approval-3', 'qa-gate-strict.yml');
    const { data: ownRun } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: own.runId });
    expect(ownRun.triggering_actor?.login).toBe('dave');
    expect((await rejects(review('dave', 'approved', own.runId, strict.id))).data).toMatchObject({
      message: /prevents self-review/,
    });
    await review('alice', 'approved', own.runId, strict.id);
    await lab.github.waitForRun(own.runId);

    await lab.github.settleWebhooks();
    lab.github.setWebhook(undefined);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    const kinds = received.map(({ event, body }) => `${event}.${String(body['action'])}`);
    for (const kind of [
      'workflow_job.waiting',
      'deployment_review.requested',
      'deployment_review.approved',
      'deployment_review.rejected',
    ])
      expect(kinds).toContain(kind);
    for (const { event, body } of received) {
      if (event !== 'deployment_review' && event !== 'workflow_job') continue;
      problems.push(...webhookProblems(`${event.replace('_', '-')}-${String(body['action'])}`, body));
    }
  });

  it('every route was exercised and every exchange matched the schemas', () => {
    const seen = new Set(exchanges.map((e) => e.operationId));
    const routes = [
      'repos/get',
      'repos/get-branch',
      'git/get-ref',
      'repos/get-commit',
      'repos/merge',
      'actions/list-repo-workflows',
      'actions/get-workflow',
      'actions/create-workflow-dispatch',
      'actions/list-workflow-runs',
      'actions/list-workflow-runs-for-repo',
      'actions/get-workflow-run',
      'actions/list-jobs-for-workflow-run',
      'actions/get-job-for-workflow-run',
      'actions/cancel-workflow-run',
      'actions/force-cancel-workflow-run',
      'users/get-authenticated',
      'repos/create-deployment',
      'repos/list-deployments',
      'repos/get-deployment',
      'repos/create-deployment-status',
      'repos/list-deployment-statuses',
      'repos/get-deployment-status',
      'apps/get-authenticated',
      'apps/get-installation',
      'apps/get-repo-installation',
      'apps/create-installation-access-token',
      'apps/list-repos-accessible-to-installation',
      'repos/get-all-environments',
      'repos/get-environment',
      'repos/create-or-update-environment',
      'actions/get-pending-deployments-for-run',
      'actions/review-pending-deployments-for-run',
      'actions/get-reviews-for-run',
      'teams/get-membership-for-user-in-org',
    ];
    expect(routes.filter((id) => !seen.has(id))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
