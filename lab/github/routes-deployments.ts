// GitHub Deployments and deployment statuses.
import { isRecord } from '../http.js';
import { GitHubError, notFound, unprocessable } from './errors.js';
import { objectBody, optionalBoolean, optionalBooleans, optionalStrings, requiredString } from './body.js';
import { DEPLOYMENT_STATES, type DeploymentRecord, type DeploymentState } from './deployments.js';
import { paginate } from './list-query.js';
import type { RouteTable } from './route-table.js';
import { deploymentJson, deploymentStatusJson } from './shapes.js';
import type { GitHubState } from './state.js';

const CREATE_DOCS = 'https://docs.github.com/rest/deployments/deployments#create-a-deployment';
const STATUS_DOCS = 'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status';
// Optional body fields: our name → GitHub's.
const CREATE_FLAGS = { transientEnvironment: 'transient_environment', productionEnvironment: 'production_environment' };
const STATUS_STRINGS = {
  description: 'description',
  environment: 'environment',
  targetUrl: 'target_url',
  logUrl: 'log_url',
  environmentUrl: 'environment_url',
};

export function addDeploymentRoutes(table: RouteTable, state: GitHubState): void {
  const deploymentOf = (params: Record<string, string>): DeploymentRecord => {
    state.requireRepo(params);
    const deployment = state.deployments.get(Number(params['deployment_id']));
    if (!deployment) throw notFound();
    return deployment;
  };
  const base = (params: Record<string, string>): string => `${state.shapes.apiUrl}/repos/${params['owner']}/${params['repo']}`;

  table.add('POST', '/repos/:owner/:repo/deployments', ({ params, body, login }) => {
    state.requireRepo(params);
    const input = objectBody(body, CREATE_DOCS);
    const ref = requiredString(input, 'ref', CREATE_DOCS);
    const sha = state.repo.resolve(ref);
    if (!sha) throw unprocessable(`No ref found for: ${ref}`, CREATE_DOCS);
    const payload = input['payload'];
    if (payload !== undefined && typeof payload !== 'string' && !isRecord(payload)) {
      throw unprocessable("Invalid request.\n\nFor 'payload', value is not an object or string.", CREATE_DOCS);
    }
    if (input['required_contexts'] !== undefined && !Array.isArray(input['required_contexts'])) {
      throw unprocessable("Invalid request.\n\nFor 'required_contexts', value is not an array.", CREATE_DOCS);
    }
    optionalBoolean(input, 'auto_merge', CREATE_DOCS);
    const deployment = state.deployments.create({
      sha,
      ref,
      ...(login !== undefined ? { creator: login } : {}),
      ...(typeof payload === 'string' || isRecord(payload) ? { payload } : {}),
      ...optionalStrings(input, { task: 'task', environment: 'environment', description: 'description' }, CREATE_DOCS),
      ...optionalBooleans(input, CREATE_FLAGS, CREATE_DOCS),
    });
    return { status: 201, body: deploymentJson(state.shapes, deployment) };
  });

  table.add('GET', '/repos/:owner/:repo/deployments', ({ params, query }) => {
    state.requireRepo(params);
    const filter = definedFields({
      sha: query.get('sha') ?? undefined,
      ref: query.get('ref') ?? undefined,
      task: query.get('task') ?? undefined,
      environment: query.get('environment') ?? undefined,
    });
    const page = paginate(state.deployments.list(filter), query, `${base(params)}/deployments?${query.toString()}`);
    return { status: 200, body: page.items.map((d) => deploymentJson(state.shapes, d)), headers: page.headers };
  });

  table.add('GET', '/repos/:owner/:repo/deployments/:deployment_id', ({ params }) => ({
    status: 200,
    body: deploymentJson(state.shapes, deploymentOf(params)),
  }));

  table.add('POST', '/repos/:owner/:repo/deployments/:deployment_id/statuses', ({ params, body }) => {
    const deployment = deploymentOf(params);
    const input = objectBody(body, STATUS_DOCS);
    const stateName = requiredString(input, 'state', STATUS_DOCS);
    if (!DEPLOYMENT_STATES.includes(stateName as DeploymentState)) {
      throw new GitHubError(
        422,
        `Validation Failed: state '${stateName}' is not one of ${DEPLOYMENT_STATES.join(', ')}`,
        STATUS_DOCS,
      );
    }
    const status = state.deployments.addStatus(deployment, {
      state: stateName as DeploymentState,
      ...optionalStrings(input, STATUS_STRINGS, STATUS_DOCS),
      ...optionalBooleans(input, { autoInactive: 'auto_inactive' }, STATUS_DOCS),
    });
    return { status: 201, body: deploymentStatusJson(state.shapes, status) };
  });

  table.add('GET', '/repos/:owner/:repo/deployments/:deployment_id/statuses', ({ params, query }) => {
    const deployment = deploymentOf(params);
    const page = paginate(
      deployment.statuses,
      query,
      `${base(params)}/deployments/${deployment.id}/statuses?${query.toString()}`,
    );
    return { status: 200, body: page.items.map((s) => deploymentStatusJson(state.shapes, s)), headers: page.headers };
  });

  table.add('GET', '/repos/:owner/:repo/deployments/:deployment_id/statuses/:status_id', ({ params }) => {
    const deployment = deploymentOf(params);
    const status = deployment.statuses.find((s) => s.id === Number(params['status_id']));
    if (!status) throw notFound();
    return { status: 200, body: deploymentStatusJson(state.shapes, status) };
  });
}

/** Drops undefined fields so optional properties stay absent rather than `undefined`. */
function definedFields<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
