// Preflight of the GitHub side, read with the token in this shell (GITHUB_TOKEN or GITHUB_APP_*):
// the repository and what the token may do there, the branches, each workflow bluegreen
// dispatches (present on its branch, workflow_dispatch, inputs, run-name), and the approval
// environment's required reviewers when approvals go through GitHub.
import type { Octokit } from '@octokit/rest';
import { createGitHubClient, githubAuthFromEnv, type GitHubAuth } from '../../activities/octokit.js';
import { DEPLOY_INPUT_NAMES, SWITCH_WEIGHT_INPUT } from '../../contract/dispatch-inputs.js';
import { switchOf } from '../../switches/client.js';
import { GATE_INPUT_NAMES } from '../../contract/gate-inputs.js';
import type { DeploymentPlan } from '../../contract/types.js';
import { fail, firstLine, pass, unknown, type CheckResult } from './check.js';
import { noCredentials, tokenAccessCheck, type RepositoryAnswer } from './token-access.js';
import { hasDispatchTrigger, missingInputs, readWorkflowFile, workflowFileProblems } from './workflow-file.js';

interface Dispatched {
  role: string;
  workflow: string;
  ref: string;
  sends: readonly string[];
  /** switch.steps: the switch workflow is dispatched once per step with the `weight` input too. */
  steps?: readonly number[];
}

/** Every workflow a deployment of this plan may dispatch, with the branch and the inputs it sends. */
export function dispatchedWorkflows(plan: DeploymentPlan): Dispatched[] {
  const list: Dispatched[] = [];
  for (const color of ['blue', 'green'] as const) {
    const env = plan.environments[color];
    list.push({ role: `deploy ${color}`, workflow: env.deployWorkflow, ref: env.branch, sends: DEPLOY_INPUT_NAMES });
  }
  // The switch's own part says which workflow it dispatches, if any.
  const sw = switchOf(plan.switch.type).dispatches?.(plan.switch);
  if (sw) list.push({ role: 'switch', ...sw });
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
  let auth: GitHubAuth;
  try {
    auth = githubAuthFromEnv(env);
    octokit = createGitHubClient({
      auth,
      ...(plan.github.baseUrl ? { baseUrl: plan.github.baseUrl } : {}),
      retries: 0,
    }) as unknown as Octokit;
  } catch (err) {
    return [noCredentials(firstLine(err))];
  }
  const branches = [
    ...new Set<string>([
      ...dispatchedWorkflows(plan).map((d) => d.ref),
      plan.environments.blue.branch,
      plan.environments.green.branch,
    ]),
  ];
  // Everything is asked at once: the repository, each branch, each workflow file on its branch,
  // the environment. A file on a missing branch is reported as the branch.
  const branchChecks = new Map(branches.map((branch) => [branch, branchCheck(octokit, plan, branch)]));
  const workflowChecks = dispatchedWorkflows(plan).map(async (d) =>
    (await branchChecks.get(d.ref))!.verdict === 'pass' ? workflowCheck(octokit, plan, d) : undefined,
  );
  const environment =
    plan.approval.required && plan.approval.via?.includes('github') && plan.approval.gate
      ? environmentCheck(octokit, plan, plan.approval.gate.environment)
      : undefined;
  let repository: RepositoryAnswer;
  try {
    repository = (await octokit.rest.repos.get({ owner, repo })) as unknown as RepositoryAnswer;
  } catch (err) {
    // Branches and files of a repository that cannot be read say nothing more.
    await Promise.allSettled([...branchChecks.values(), ...workflowChecks, environment]);
    return [
      fail(
        `repository ${full}`,
        `${status(err) ?? ''} ${firstLine(err)}`.trim(),
        'check github.owner/github.repo and that the token can read the repository (Contents: read)',
      ),
    ];
  }
  const [token, ...rest] = await Promise.all([
    tokenAccessCheck(octokit, { owner, repo }, repository, auth, plan.environments.green.deployWorkflow).catch((err: unknown) =>
      unknown('token may dispatch workflows', `could not tell (${firstLine(err)})`),
    ),
    ...branchChecks.values(),
    ...workflowChecks,
    ...(environment ? [environment] : []),
  ]);
  return [
    pass(`repository ${full}`, 'readable (contents read)'),
    token!,
    ...rest.filter((c): c is CheckResult => c !== undefined),
  ];
}

async function branchCheck(octokit: Octokit, plan: DeploymentPlan, branch: string): Promise<CheckResult> {
  try {
    await octokit.rest.repos.getBranch({ ...ownerRepo(plan), branch });
    return pass(`branch ${branch}`, 'exists');
  } catch (err) {
    return fail(
      `branch ${branch}`,
      status(err) === 404 ? 'not found' : firstLine(err),
      `create it (\`git push origin HEAD:${branch}\`) or fix the branch name in the config`,
    );
  }
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
  const weight = d.steps ? stepsWeightProblem(text, d.steps) : undefined;
  const problems = [
    ...workflowFileProblems(text, weight ? d.sends.filter((name) => name !== SWITCH_WEIGHT_INPUT) : d.sends),
    ...(weight ? [weight] : []),
  ];
  if (problems.length === 0) return pass(what, `workflow_dispatch with ${d.sends.join(', ')}`);
  if (weight)
    return fail(
      what,
      problems.join('; '),
      `on ${d.ref}, declare \`weight: { required: false, type: string }\` under on.workflow_dispatch.inputs and give the color that percent of the traffic (examples/github-workflows/dns-update.yml), or remove switch.steps to move all traffic at once`,
    );
  return fail(
    what,
    problems.join('; '),
    `on ${d.ref}, give it \`on: workflow_dispatch\` with inputs ${d.sends.join(', ')} and a run-name containing \${{ inputs.deployment_id }} (see examples/github-workflows/)`,
  );
}

/**
 * Why a switch workflow cannot take switch.steps: it declares no `weight` input, which each step
 * sends (GitHub refuses a dispatch with an undeclared input: 422). Undefined when it declares it,
 * or when the file has other problems the generic check names.
 */
function stepsWeightProblem(text: string, steps: readonly number[]): string | undefined {
  const parsed = readWorkflowFile(text);
  if (!parsed.ok || !hasDispatchTrigger(parsed.reading)) return undefined;
  if (missingInputs(parsed.reading, [SWITCH_WEIGHT_INPUT]).length === 0) return undefined;
  return (
    `workflow_dispatch has no input ${SWITCH_WEIGHT_INPUT}: with switch.steps [${steps.join(', ')}] each step dispatches it ` +
    `with the percent of the traffic the new color gets, and GitHub refuses an input the workflow does not declare`
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
