// The request pipeline of the GitHub simulator: faults → auth → rate limit → route →
// ETag/304 → accounting. Every answer carries GitHub's rate-limit headers.
import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { BodyParseError, readJson, sendJson, sleep } from '../http.js';
import type { FaultSpec, RequestRecord } from '../types.js';
import type { Identity } from './auth.js';
import { errorBody, GitHubError, notFound } from './errors.js';
import { etagOf, matchesIfNoneMatch } from './etag.js';
import type { RouteResult, RouteTable } from './route-table.js';
import type { GitHubState } from './state.js';
import { DEFAULT_GRANT, grantHeaders, grantRefusal, type TokenGrant } from './token-grants.js';
import { serveWebPage } from './web-pages.js';

export type ControlHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

const MAX_LOGGED_REQUESTS = 10_000;
const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

/** Endpoints that take the App's JWT rather than a token. */
const needsAppJwt = (path: string): boolean => /^\/app(\/|$)/.test(path) || /^\/repos\/[^/]+\/[^/]+\/installation\/?$/.test(path);

export function createGitHubHandler(state: GitHubState, table: RouteTable, control: ControlHandler): RequestListener {
  return (req, res) => {
    handle(state, table, control, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, `lab error: ${(err as Error).message}`));
      else res.destroy();
    });
  };
}

async function handle(state: GitHubState, table: RouteTable, control: ControlHandler, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://lab');
  if (url.pathname === '/_lab' || url.pathname.startsWith('/_lab/')) return control(req, res, url);
  if (req.method === 'GET' && serveWebPage(state, url.pathname, res)) return;

  const method = req.method ?? 'GET';
  const identity = state.auth.identify(req.headers.authorization);
  const record: RequestRecord = {
    at: new Date().toISOString(),
    method,
    path: url.pathname,
    query: url.search.slice(1),
    status: 0,
    authKind: identity.kind,
    conditional: req.headers['if-none-match'] !== undefined,
    notModified: false,
    rateLimited: false,
    fault: false,
  };
  state.requests.push(record);
  // A demo lab may run for hours; the counters keep the totals.
  if (state.requests.length > MAX_LOGGED_REQUESTS) state.requests.splice(0, state.requests.length - MAX_LOGGED_REQUESTS);
  state.counters.requests++;

  const fault = state.faults.take(method, url.pathname);
  if (fault) {
    record.fault = true;
    state.counters.faults++;
    if (!fault.afterProcessing && (await applyFault(state, fault, req, res, record))) return;
  }

  const grant = grantOf(state, identity);
  let result = await answer(state, table, identity, req, url, grant);
  result = { ...result, headers: { ...grantHeaders(grant, method, url.pathname), ...result.headers } };
  if (method === 'GET' && result.status === 200) {
    const etag = etagOf(result.body);
    result = { ...result, headers: { ...result.headers, etag } };
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      result = { status: 304, headers: { etag } };
      record.notModified = true;
      state.counters.notModified++;
    }
  }
  if (result.status === 401) state.counters.unauthorized++;
  else if (result.status !== 304 && !identity.refused) {
    state.rateLimit.consume();
    record.rateLimited = true;
    state.counters.rateLimited++;
  }

  if (fault?.afterProcessing && (await applyFault(state, fault, req, res, record))) return;
  record.status = result.status;
  sendJson(res, result.status, result.body, { ...baseHeaders(state), ...result.headers });
}

async function answer(
  state: GitHubState,
  table: RouteTable,
  identity: Identity,
  req: IncomingMessage,
  url: URL,
  grant: TokenGrant | undefined,
): Promise<RouteResult> {
  try {
    authorize(identity, url.pathname);
    const refusal = grantRefusal(grant, req.method ?? 'GET', url.pathname);
    if (refusal) throw refusal;
    if (state.rateLimit.exhausted()) {
      throw new GitHubError(
        403,
        'API rate limit exceeded for user ID 4200002. If you reach out to GitHub Support for help, please include the request ID.',
        RATE_LIMIT_DOCS,
      );
    }
    const match = table.match(req.method ?? 'GET', url.pathname);
    if (!match || 'methodNotAllowed' in match) throw notFound();
    const body = await readJson(req);
    return await match.handler({
      params: match.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      authKind: identity.kind,
      ...(identity.login !== undefined ? { login: identity.login } : {}),
    });
  } catch (err) {
    if (err instanceof GitHubError) return { status: err.status, body: err.body(), headers: err.headers };
    if (err instanceof BodyParseError) return { status: 400, body: errorBody(400, err.message) };
    throw err;
  }
}

/** A token's scopes or permissions: a person's own, the worker's classic token; none for an app. */
function grantOf(state: GitHubState, identity: Identity): TokenGrant | undefined {
  if (identity.refused || (identity.kind !== 'token' && identity.kind !== 'bearer') || identity.login === undefined)
    return undefined;
  return state.people.get(identity.login)?.grant ?? DEFAULT_GRANT;
}

function authorize(identity: Identity, path: string): void {
  if (identity.refused) throw new GitHubError(401, identity.refused, 'https://docs.github.com/rest');
  if (needsAppJwt(path)) {
    if (identity.kind !== 'jwt') throw new GitHubError(401, 'A JSON web token could not be decoded');
  } else if (identity.kind === 'jwt') {
    throw new GitHubError(403, 'Resource not accessible by integration');
  }
}

function baseHeaders(state: GitHubState): Record<string, string> {
  return {
    ...state.rateLimit.headers(),
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
  };
}

/** Returns true when the fault answered (or dropped) the request itself. */
async function applyFault(
  state: GitHubState,
  fault: FaultSpec,
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
) {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.resetConnection) {
    record.status = 0;
    req.socket.destroy();
    return true;
  }
  if (fault.status === undefined) return false;
  record.status = fault.status;
  const body = fault.body ?? errorBody(fault.status, STATUS_CODES[fault.status] ?? 'Error');
  sendJson(res, fault.status, body, { ...baseHeaders(state), ...fault.headers });
  return true;
}
