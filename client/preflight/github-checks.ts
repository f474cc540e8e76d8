// Preflight of the GitHub side, read with the token in this shell (GITHUB_TOKEN or GITHUB_APP_*):
// the repository and what the token may do there, the branches, each workflow bluegreen
// dispatches (present on its branch, workflow_dispatch, inputs, run-name), and the approval
// environment's required reviewers when approvals go through GitHub.
import type { Octokit } from '@octokit/rest';
import { createGitHubClient, githubAuthFromEnv } from '../../activities/octokit.js';
import { DEPLOY_INPUT_NAMES, SWITCH_INPUT_NAMES } from '../../contract/dispatch-inputs.js';
import { GATE_INPUT_NAMES } from '../../contract/gate-inputs.js';
import type { DeploymentPlan } from '../../contract/types.js';
import { fail, firstLine, pass, unknown, type CheckResult } from './check.js';
import { workflowFileProblems } from './workflow-file.js';

interface Dispatched {
  role: string;
  workflow: string;
  ref: string;
  sends: readonly string[];
}

/** Every workflow a deployment of this plan may dispatch, with the branch and the inputs it sends. */
export function dispatchedWorkflows(plan: DeploymentPlan): Dispatched[] {
  const list: Dispatched[] = [];
  for (const color of ['blue', 'green'] as const) {
    const env = plan.environments[color];
    list.push({ role: `deploy ${color}`, workflow: env.deployWorkflow, ref: env.branch, sends: DEPLOY_INPUT_NAMES });
  }
  const sw = plan.switch as { type: string; workflow?: string; ref?: string };
  if (sw.type === 'workflow' && sw.workflow && sw.ref)
    list.push({ role: 'switch', workflow: sw.workflow, ref: sw.ref, sends: SWITCH_INPUT_NAMES });
  for (const hook of [...plan.hooks.preSwitch, ...plan.hooks.postSync])
    list.push({
      role: `hook ${hook.name}`,
      workflow: hook.workflow,
      ref: hook.ref,
      sends: [...Object.keys(hook.inputs), 'deployment_id'],
    });
  const gate = plan.approval.gate;
  if (gate && plan.approval.required && plan.approval.via?.includes('github'))
    list.push({ role: 'approval gate', workflow: gate.workflow, ref: gate.ref, sends: GATE_INPUT_NAMES });
  return list;
}

const status = (err: unknown) => (err as { status?: unknown }).status;

export async function githubChecks(plan: DeploymentPlan, env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const { owner, repo } = plan.github;
  const full = `${owner}/${repo}`;
  let octokit: Octokit;
  try {
    octokit = createGitHubClient({
      auth: githubAuthFromEnv(env),
      ...(plan.github.baseUrl ? { baseUrl: plan.github.baseUrl } : {}),
      retries: 0,
    }) as unknown as Octokit;
  } catch (err) {
    return [
      fail(
        'GitHub token',
        firstLine(err),
        'set GITHUB_TOKEN (e.g. $(gh auth token)) or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID',
      ),
    ];
  }
  const checks: CheckResult[] = [];
  try {
    const { data } = await octokit.rest.repos.get({ owner, repo });
    checks.push(pass(`repository ${full}`, 'readable (contents read)'));
    const permissions = data.permissions;
    if (!permissions)
      checks.push(
        unknown(
          'token may dispatch workflows',
          'GitHub does not tell an installation token its permissions: could not tell (the app needs Actions: write)',
        ),
      );
    else if (permissions.push || permissions.maintain || permissions.admin)
      checks.push(pass('token may dispatch workflows', 'write access (Actions write)'));
    else
      checks.push(
        fail(
          'token may dispatch workflows',
          'the token has read access only',
          'use a token with Actions: write and Contents: read on the repository (classic: the repo scope and write access)',
        ),
      );
  } catch (err) {
    return [
      fail(
        `repository ${full}`,
        `${status(err) ?? ''} ${firstLine(err)}`.trim(),
        'check github.owner/github.repo and that the token can read the repository (Contents: read)',
      ),
    ];
  }
  const branches = new Set<string>([
    ...dispatchedWorkflows(plan).map((d) => d.ref),
    plan.environments.blue.branch,
    plan.environments.green.branch,
  ]);
  const present = new Set<string>();
  for (const branch of branches) {
    try {
      await octokit.rest.repos.getBranch({ owner, repo, branch });
      present.add(branch);
      checks.push(pass(`branch ${branch}`, 'exists'));
    } catch (err) {
      checks.push(
        fail(
          `branch ${branch}`,
          status(err) === 404 ? 'not found' : firstLine(err),
          `create it (\`git push origin HEAD:${branch}\`) or fix the branch name in the config`,
        ),
      );
    }
  }
  for (const d of dispatchedWorkflows(plan)) {
    if (!present.has(d.ref)) continue;
    checks.push(await workflowCheck(octokit, plan, d));
  }
  if (plan.approval.required && plan.approval.via?.includes('github') && plan.approval.gate)
    checks.push(await environmentCheck(octokit, plan, plan.approval.gate.environment));
  return checks;
}

async function workflowCheck(octokit: Octokit, plan: DeploymentPlan, d: Dispatched): Promise<CheckResult> {
  const what = `${d.role}: .github/workflows/${d.workflow} on ${d.ref}`;
  let text: string;
  try {
    const { data } = await octokit.rest.repos.getContent({
      ...ownerRepo(plan),
      path: `.github/workflows/${d.workflow}`,
      ref: d.ref,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data))
      return fail(what, 'is not a file', `put the workflow file at .github/workflows/${d.workflow} on ${d.ref}`);
    text = Buffer.from(data.content, 'base64').toString('utf8');
  } catch (err) {
    if (status(err) === 404)
      return fail(
        what,
        'not found',
        `commit the workflow to ${d.ref} (templates: examples/github-workflows/), or fix the file name in the config`,
      );
    return fail(what, firstLine(err), 'check that the token can read repository contents (Contents: read)');
  }
  const problems = workflowFileProblems(text, d.sends);
  if (problems.length === 0) return pass(what, `workflow_dispatch with ${d.sends.join(', ')}`);
  return fail(
    what,
    problems.join('; '),
    `on ${d.ref}, give it \`on: workflow_dispatch\` with inputs ${d.sends.join(', ')} and a run-name containing \${{ inputs.deployment_id }} (see examples/github-workflows/)`,
  );
}

async function environmentCheck(octokit: Octokit, plan: DeploymentPlan, environment: string): Promise<CheckResult> {
  const what = `environment ${environment} (approval via GitHub)`;
  try {
    const { data } = await octokit.rest.repos.getEnvironment({ ...ownerRepo(plan), environment_name: environment });
    const rule = (data.protection_rules ?? []).find((r) => r.type === 'required_reviewers') as
      { reviewers?: unknown[] } | undefined;
    if (!rule || (rule.reviewers ?? []).length === 0)
      return fail(
        what,
        'has no required reviewers',
        `in the repository's Settings → Environments → ${environment}, add the approvers as required reviewers`,
      );
    return pass(what, `${rule.reviewers!.length} required reviewer${rule.reviewers!.length === 1 ? '' : 's'}`);
  } catch (err) {
    if (status(err) === 404)
      return fail(
        what,
        'not found',
        `create environment ${environment} with the approvers as required reviewers (Settings → Environments)`,
      );
    return fail(what, firstLine(err), 'check that the token can read the repository environments');
  }
}

const ownerRepo = (plan: DeploymentPlan) => ({ owner: plan.github.owner, repo: plan.github.repo });
