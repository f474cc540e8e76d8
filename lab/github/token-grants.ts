// What a person's token may do on the repository, told and enforced as GitHub does: a classic
// token carries scopes (`X-OAuth-Scopes` on every answer; without `repo` a private repository is
// 404), a fine-grained token carries permissions (`X-Accepted-GitHub-Permissions` says what a
// route needs; an Actions route it may not use is 403 "Resource not accessible by personal
// access token"). Installation tokens never carry `X-OAuth-Scopes`.
import { GitHubError, notFound } from './errors.js';

export type TokenGrant = { kind: 'classic'; scopes: string[] } | { kind: 'fine-grained'; actions: 'none' | 'read' | 'write' };

/** The worker's token and a person's by default: a classic token with the repo scope. */
export const DEFAULT_GRANT: TokenGrant = { kind: 'classic', scopes: ['repo', 'workflow'] };

const ACTIONS_ROUTE = /^\/repos\/[^/]+\/[^/]+\/actions\//;
const REPO_ROUTE = /^\/repos\//;

export function grantHeaders(grant: TokenGrant | undefined, method: string, path: string): Record<string, string> {
  if (!grant) return {};
  if (grant.kind === 'classic') return { 'x-oauth-scopes': grant.scopes.join(', '), 'x-accepted-oauth-scopes': 'repo' };
  if (ACTIONS_ROUTE.test(path)) return { 'x-accepted-github-permissions': `actions=${method === 'GET' ? 'read' : 'write'}` };
  return { 'x-accepted-github-permissions': 'metadata=read' };
}

/** The refusal GitHub gives this token for this request, if any. */
export function grantRefusal(grant: TokenGrant | undefined, method: string, path: string): GitHubError | undefined {
  if (!grant) return undefined;
  if (grant.kind === 'classic') return grant.scopes.includes('repo') || !REPO_ROUTE.test(path) ? undefined : notFound();
  if (!ACTIONS_ROUTE.test(path)) return undefined;
  const needs = method === 'GET' ? ['read', 'write'] : ['write'];
  if (needs.includes(grant.actions)) return undefined;
  return new GitHubError(
    403,
    'Resource not accessible by personal access token',
    'https://docs.github.com/rest/actions/workflows',
  );
}
