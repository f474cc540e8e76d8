// GitHub's JSON shapes, built from the lab's model. test/lab-openapi.test.ts checks every one
// against @octokit/openapi's schemas, so fields here follow those schemas, not guesses.
import type { DeploymentRecord, DeploymentStatusRecord } from './deployments.js';
import type { Commit, RepoModel } from './repo-model.js';
import type { JobState } from './run-jobs.js';
import type { Run } from './runs.js';
import type { RegisteredWorkflow } from './workflows.js';

export interface ShapeContext {
  /** API root, e.g. http://127.0.0.1:PORT */
  apiUrl: string;
  /** Where html_url links point (the simulator serves small pages there). */
  webUrl: string;
  repo: RepoModel;
  /** Users' ids by login (lab/github/people.ts); absent: the bot's fixed id. */
  people?: { idOf(login: string): number };
}

type Json = Record<string, unknown>;

export const repoApi = (ctx: ShapeContext): string => `${ctx.apiUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}`;
export const repoWeb = (ctx: ShapeContext): string => `${ctx.webUrl}/${ctx.repo.owner}/${ctx.repo.name}`;
const nodeId = (kind: string, id: number | string): string => Buffer.from(`${kind}:${id}`).toString('base64url');

export function user(ctx: ShapeContext, login: string, id: number, type: 'User' | 'Organization' | 'Bot' = 'User'): Json {
  // GitHub percent-encodes a bot's login in its URLs: /users/github-actions%5Bbot%5D.
  const api = `${ctx.apiUrl}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `${ctx.webUrl}/avatars/${id}`,
    gravatar_id: '',
    url: api,
    html_url: `${ctx.webUrl}/${encodeURIComponent(login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export const ownerUser = (ctx: ShapeContext): Json => user(ctx, ctx.repo.owner, 4_200_001, 'Organization');
export const actorUser = (ctx: ShapeContext): Json => user(ctx, 'bluegreen-bot', 4_200_002);
/** The user JSON of a login: the bot, or a lab user with their own id. */
export const loginUser = (ctx: ShapeContext, login: string | undefined): Json =>
  login === undefined || login === 'bluegreen-bot' ? actorUser(ctx) : user(ctx, login, ctx.people?.idOf(login) ?? 4_200_003);

export function minimalRepository(ctx: ShapeContext): Json {
  const api = repoApi(ctx);
  return {
    id: ctx.repo.id,
    node_id: nodeId('Repository', ctx.repo.id),
    name: ctx.repo.name,
    full_name: `${ctx.repo.owner}/${ctx.repo.name}`,
    owner: ownerUser(ctx),
    private: true,
    html_url: repoWeb(ctx),
    description: 'Datatruck backend (bluegreen lab)',
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
  };
}

export function fullRepository(ctx: ShapeContext): Json {
  const host = new URL(ctx.webUrl).host;
  const pushedAt =
    [...ctx.repo.commits.values()]
      .map((c) => c.at)
      .sort()
      .at(-1) ?? ctx.repo.createdAt;
  return {
    ...minimalRepository(ctx),
    clone_url: `${repoWeb(ctx)}.git`,
    git_url: `git://${host}/${ctx.repo.owner}/${ctx.repo.name}.git`,
    ssh_url: `git@${host}:${ctx.repo.owner}/${ctx.repo.name}.git`,
    svn_url: repoWeb(ctx),
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    default_branch: ctx.repo.defaultBranch,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    size: 1024,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'private',
    license: null,
    pushed_at: pushedAt,
    created_at: ctx.repo.createdAt,
    updated_at: pushedAt,
    network_count: 0,
    subscribers_count: 1,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
  };
}

const gitAuthor = (commit: Commit): Json => ({ name: 'Datatruck Dev', email: 'dev@datatruck.example', date: commit.at });

export function commitJson(ctx: ShapeContext, commit: Commit): Json {
  const api = repoApi(ctx);
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    url: `${api}/commits/${commit.sha}`,
    html_url: `${repoWeb(ctx)}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: gitAuthor(commit),
      committer: gitAuthor(commit),
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: actorUser(ctx),
    committer: actorUser(ctx),
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${repoWeb(ctx)}/commit/${sha}` })),
  };
}

export function branchJson(ctx: ShapeContext, name: string, commit: Commit): Json {
  const api = repoApi(ctx);
  return {
    name,
    commit: commitJson(ctx, commit),
    _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${repoWeb(ctx)}/tree/${name}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}

export function refJson(ctx: ShapeContext, branch: string, sha: string): Json {
  const api = repoApi(ctx);
  return {
    ref: `refs/heads/${branch}`,
    node_id: nodeId('Ref', branch),
    url: `${api}/git/refs/heads/${branch}`,
    object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` },
  };
}

export function workflowJson(ctx: ShapeContext, workflow: RegisteredWorkflow): Json {
  const path = `.github/workflows/${workflow.file}`;
  return {
    id: workflow.id,
    node_id: nodeId('Workflow', workflow.id),
    name: workflow.name,
    path,
    state: 'active',
    created_at: workflow.createdAt,
    updated_at: workflow.createdAt,
    url: `${repoApi(ctx)}/actions/workflows/${workflow.id}`,
    html_url: `${repoWeb(ctx)}/blob/${ctx.repo.defaultBranch}/${path}`,
    badge_url: `${repoWeb(ctx)}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

export const runApiUrl = (ctx: ShapeContext, id: number): string => `${repoApi(ctx)}/actions/runs/${id}`;
export const runHtmlUrl = (ctx: ShapeContext, id: number): string => `${repoWeb(ctx)}/actions/runs/${id}`;

export function workflowRunJson(ctx: ShapeContext, run: Run): Json {
  const api = runApiUrl(ctx, run.id);
  const commit = ctx.repo.commits.get(run.headSha);
  return {
    id: run.id,
    name: run.workflow.name,
    node_id: nodeId('WorkflowRun', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${run.workflow.file}`,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflow.id,
    check_suite_id: run.checkSuiteId,
    check_suite_node_id: nodeId('CheckSuite', run.checkSuiteId),
    url: api,
    html_url: runHtmlUrl(ctx, run.id),
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: user(ctx, run.actor.login, run.actor.id, run.actor.type),
    triggering_actor: user(ctx, run.actor.login, run.actor.id, run.actor.type),
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: run.runStartedAt,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${repoApi(ctx)}/check-suites/${run.checkSuiteId}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${repoApi(ctx)}/actions/workflows/${run.workflow.id}`,
    head_commit: commit
      ? {
          id: commit.sha,
          tree_id: commit.tree,
          message: commit.message,
          timestamp: commit.at,
          author: { name: 'Datatruck Dev', email: 'dev@datatruck.example' },
          committer: { name: 'Datatruck Dev', email: 'dev@datatruck.example' },
        }
      : null,
    repository: minimalRepository(ctx),
    head_repository: minimalRepository(ctx),
  };
}

export function jobJson(ctx: ShapeContext, run: Run, job: JobState): Json {
  const started = job.status !== 'queued';
  return {
    id: job.id,
    run_id: run.id,
    workflow_name: run.workflow.name,
    head_branch: run.headBranch,
    run_url: runApiUrl(ctx, run.id),
    run_attempt: 1,
    node_id: nodeId('CheckRun', job.id),
    head_sha: run.headSha,
    url: `${repoApi(ctx)}/actions/jobs/${job.id}`,
    html_url: `${runHtmlUrl(ctx, run.id)}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: job.steps.map((step) => ({
      name: step.name,
      status: step.status,
      conclusion: step.conclusion,
      number: step.number,
      started_at: step.startedAt,
      completed_at: step.completedAt,
    })),
    check_run_url: `${repoApi(ctx)}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: started ? 7 : null,
    runner_name: started ? 'GitHub Actions 7' : null,
    runner_group_id: started ? 1 : null,
    runner_group_name: started ? 'GitHub Actions' : null,
  };
}

export function deploymentJson(ctx: ShapeContext, d: DeploymentRecord): Json {
  const api = `${repoApi(ctx)}/deployments/${d.id}`;
  return {
    url: api,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: loginUser(ctx, d.creator),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${api}/statuses`,
    repository_url: repoApi(ctx),
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
  };
}

export function deploymentStatusJson(ctx: ShapeContext, s: DeploymentStatusRecord): Json {
  const deploymentUrl = `${repoApi(ctx)}/deployments/${s.deploymentId}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DeploymentStatus', s.id),
    state: s.state,
    creator: actorUser(ctx),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: deploymentUrl,
    repository_url: repoApi(ctx),
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
  };
}

export const APP_PERMISSIONS = { actions: 'write', contents: 'write', deployments: 'write', metadata: 'read' } as const;

export function installationJson(ctx: ShapeContext, installationId: number, appId: number): Json {
  return {
    id: installationId,
    account: ownerUser(ctx),
    repository_selection: 'selected',
    access_tokens_url: `${ctx.apiUrl}/app/installations/${installationId}/access_tokens`,
    repositories_url: `${ctx.apiUrl}/installation/repositories`,
    html_url: `${ctx.webUrl}/organizations/${ctx.repo.owner}/settings/installations/${installationId}`,
    app_id: appId,
    app_slug: 'bluegreen',
    target_id: 4_200_001,
    target_type: 'Organization',
    permissions: APP_PERMISSIONS,
    events: [],
    created_at: ctx.repo.createdAt,
    updated_at: ctx.repo.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
