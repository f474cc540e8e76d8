// Small pieces every GitHub activity module shares: the client type, request options carrying
// the activity's cancellation, and the "did GitHub act on it?" test for failed writes.
import type { Octokit } from '@octokit/rest';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { GitHubRepoRef } from '../contract/types.js';
import { cancellationOfCurrentActivity } from './cancellation.js';
import { isRequestError } from './github-errors.js';
import type { IdentityApi } from './octokit-identity.js';

/** A GitHub client as the activities use it: Octokit plus its own login (octokit-identity.ts). */
export type GitHubActivityClient = Octokit & IdentityApi;

/** Returns the client for a repository; the worker caches one per API root. */
export type GitHubClientFor = (ref: GitHubRepoRef) => GitHubActivityClient;

export const repoName = (ref: GitHubRepoRef): string => `${ref.owner}/${ref.repo}`;

/** The API root a repository is served from, as the worker's client cache keys it. */
export const apiRoot = (ref: GitHubRepoRef): string => (ref.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');

/** The activity's cancellation signal, passed to each request so cancelling aborts it. */
export const requestOptions = (extra: Record<string, unknown> = {}) => ({
  request: { signal: Context.current().cancellationSignal, ...extra },
});

/**
 * An error after which we cannot know whether GitHub acted on a write: a network error, a
 * timeout, 408 or a 5xx. A 4xx (other than 408) means GitHub did not act.
 */
export function isUncertain(err: unknown): boolean {
  if (cancellationOfCurrentActivity()) return false;
  if (isRequestError(err)) return err.status === 408 || err.status >= 500 || !err.status;
  return !(err instanceof ApplicationFailure);
}

export function describe(err: unknown): string {
  if (isRequestError(err)) return `${err.status} ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
