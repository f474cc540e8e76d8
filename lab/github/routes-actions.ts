// GitHub Actions: workflows, workflow_dispatch, runs and their jobs.
import type { IncomingHttpHeaders } from 'node:http';
import type { RunDetailsRefusal } from '../types.js';
import { callerActor } from './people.js';
import { GitHubError, notFound, unprocessable } from './errors.js';
import { objectBody, optionalBoolean, requiredString } from './body.js';
import { createdFilter, paginate } from './list-query.js';
import type { RouteResult, RouteTable } from './route-table.js';
import type { Run } from './runs.js';
import { jobJson, runApiUrl, runHtmlUrl, workflowJson, workflowRunJson } from './shapes.js';
import type { GitHubState } from './state.js';
import { validateDispatchInputs } from './workflows.js';

const DISPATCH_DOCS = 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event';
const RUN_STATUSES = new Set(['queued', 'in_progress', 'completed', 'requested', 'waiting', 'pending']);
/** From this REST API version on, GitHub always answers a dispatch with the run's details. */
const ALWAYS_DETAILS_API_VERSION = '2026-03-10';
const CANCEL_DOCS = 'https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run';
const FORCE_CANCEL_DOCS = 'https://docs.github.com/rest/actions/workflow-runs#force-cancel-a-workflow-run';
/** github.com's answer to a cancel of a completed run (Homebrew/actions#70, cli/cli#3833). */
const CANCEL_COMPLETED = 'Cannot cancel a workflow run that is completed.';

/** GHES ≤ 3.20 refuses the whole dispatch when the body carries `return_run_details`. */
function refuseRunDetails(refusal: RunDetailsRefusal): GitHubError {
  const sentence = '"return_run_details" is not a permitted key.';
  if (refusal === 'ghes-400-bare') return new GitHubError(400, sentence, DISPATCH_DOCS);
  return new GitHubError(refusal === 'ghes-422' ? 422 : 400, `Invalid request.\n\n${sentence}`, DISPATCH_DOCS);
}

export function addActionsRoutes(table: RouteTable, state: GitHubState): void {
  const workflowOf = (params: Record<string, string>, docs?: string) => {
    state.requireRepo(params);
    const workflow = state.workflows.find(params['workflow_id']!);
    if (!workflow) throw notFound(docs);
    return workflow;
  };
  const runOf = (params: Record<string, string>): Run => {
    state.requireRepo(params);
    const run = state.runs.get(Number(params['run_id']));
    if (!run) throw notFound();
    return run;
  };
  const selfUrl = (path: string, query: URLSearchParams): string => `${state.shapes.apiUrl}${path}?${query.toString()}`;

  table.add('GET', '/repos/:owner/:repo/actions/workflows', ({ params, query }) => {
    state.requireRepo(params);
    const all = state.workflows.list();
    const page = paginate(all, query, selfUrl(`/repos/${params['owner']}/${params['repo']}/actions/workflows`, query));
    return {
      status: 200,
      body: { total_count: all.length, workflows: page.items.map((wf) => workflowJson(state.shapes, wf)) },
      headers: page.headers,
    };
  });

  table.add('GET', '/repos/:owner/:repo/actions/workflows/:workflow_id', ({ params }) => ({
    status: 200,
    body: workflowJson(state.shapes, workflowOf(params)),
  }));

  table.add(
    'POST',
    '/repos/:owner/:repo/actions/workflows/:workflow_id/dispatches',
    ({ params, body, headers, authKind, login }) => {
      const workflow = workflowOf(params, DISPATCH_DOCS);
      const input = objectBody(body, DISPATCH_DOCS);
      const mode = state.options.returnRunDetails;
      if (typeof mode === 'string' && 'return_run_details' in input) throw refuseRunDetails(mode);
      const ref = requiredString(input, 'ref', DISPATCH_DOCS);
      const branch = state.repo.resolveBranch(ref);
      if (!branch) throw unprocessable(`No ref found for: ${ref}`, DISPATCH_DOCS);
      const inputs = validateDispatchInputs(workflow, input['inputs']);
      const wantsDetails = optionalBoolean(input, 'return_run_details', DISPATCH_DOCS) ?? false;
      const run = state.dispatch(
        { workflow, ref, branch, sha: state.repo.head(branch)!, inputs, actor: callerActor(state.people, authKind, login) },
        wantsDetails,
      );
      if (mode === true && (wantsDetails || alwaysDetails(headers))) {
        return {
          status: 200,
          body: { workflow_run_id: run.id, run_url: runApiUrl(state.shapes, run.id), html_url: runHtmlUrl(state.shapes, run.id) },
        };
      }
      return { status: 204 };
    },
  );

  table.add('GET', '/repos/:owner/:repo/actions/workflows/:workflow_id/runs', ({ params, query }) => {
    const workflow = workflowOf(params);
    const runs = state.runs.list().filter((run) => run.workflow === workflow);
    return listRuns(
      state,
      runs,
      query,
      selfUrl(`/repos/${params['owner']}/${params['repo']}/actions/workflows/${params['workflow_id']}/runs`, query),
    );
  });

  table.add('GET', '/repos/:owner/:repo/actions/runs', ({ params, query }) => {
    state.requireRepo(params);
    return listRuns(state, state.runs.list(), query, selfUrl(`/repos/${params['owner']}/${params['repo']}/actions/runs`, query));
  });

  table.add('GET', '/repos/:owner/:repo/actions/runs/:run_id', ({ params }) => ({
    status: 200,
    body: workflowRunJson(state.shapes, runOf(params)),
  }));

  table.add('GET', '/repos/:owner/:repo/actions/runs/:run_id/jobs', ({ params, query }) => {
    const run = runOf(params);
    const page = paginate(
      run.jobs,
      query,
      selfUrl(`/repos/${params['owner']}/${params['repo']}/actions/runs/${run.id}/jobs`, query),
    );
    return {
      status: 200,
      body: { total_count: run.jobs.length, jobs: page.items.map((job) => jobJson(state.shapes, run, job)) },
      headers: page.headers,
    };
  });

  // Both answer 202 and stop the run asynchronously; 409 when it already completed.
  table.add('POST', '/repos/:owner/:repo/actions/runs/:run_id/cancel', ({ params }) => {
    if (!state.runs.requestCancel(runOf(params), false)) throw new GitHubError(409, CANCEL_COMPLETED, CANCEL_DOCS);
    return { status: 202, body: {} };
  });

  table.add('POST', '/repos/:owner/:repo/actions/runs/:run_id/force-cancel', ({ params }) => {
    if (!state.runs.requestCancel(runOf(params), true)) throw new GitHubError(409, CANCEL_COMPLETED, FORCE_CANCEL_DOCS);
    return { status: 202, body: {} };
  });

  table.add('GET', '/repos/:owner/:repo/actions/jobs/:job_id', ({ params }) => {
    state.requireRepo(params);
    const id = Number(params['job_id']);
    for (const run of state.runs.list()) {
      const job = run.jobs.find((j) => j.id === id);
      if (job) return { status: 200, body: jobJson(state.shapes, run, job) };
    }
    throw notFound();
  });
}

function alwaysDetails(headers: IncomingHttpHeaders): boolean {
  const version = headers['x-github-api-version'];
  return typeof version === 'string' && version >= ALWAYS_DETAILS_API_VERSION;
}

/** The filters of GitHub's workflow-runs lists; `status` also accepts a conclusion. */
function listRuns(state: GitHubState, runs: Run[], query: URLSearchParams, self: string): RouteResult {
  const created = createdFilter(query.get('created'));
  // Eventually consistent, as GitHub's lists are: a new run is listed only after the lag.
  const listedBy = Date.now() - state.options.listLagMs;
  const want = (key: string): string | null => query.get(key);
  const status = want('status');
  const filtered = runs.filter(
    (run) =>
      run.createdAtMs <= listedBy &&
      created(run.createdAt) &&
      (want('branch') === null || run.headBranch === want('branch')) &&
      (want('event') === null || run.event === want('event')) &&
      (want('head_sha') === null || run.headSha === want('head_sha')) &&
      (want('actor') === null || want('actor')!.toLowerCase() === run.actor.login.toLowerCase()) &&
      (want('check_suite_id') === null || String(run.checkSuiteId) === want('check_suite_id')) &&
      (status === null || (RUN_STATUSES.has(status) ? run.status === status : run.conclusion === status)),
  );
  const page = paginate(filtered, query, self);
  return {
    status: 200,
    body: { total_count: filtered.length, workflow_runs: page.items.map((run) => workflowRunJson(state.shapes, run)) },
    headers: page.headers,
  };
}
