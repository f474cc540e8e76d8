// Turns what Octokit throws into the failure Temporal should act on. A retry cannot fix bad
// credentials, a missing workflow file or a rejected input, so those stop the workflow's retry
// loop at once with a sentence a human can act on; everything else stays retryable.
import { RequestError } from '@octokit/request-error';
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { cancellationOfCurrentActivity } from './cancellation.js';

/** What the failed call was about, for the message: "workflow deploy-green.yml on branch green". */
export interface GitHubCallContext {
  /** e.g. `workflow deploy-green.yml on branch green in datatruck/backend` */
  subject: string;
}

export const GITHUB_ERROR_TYPES = {
  auth: 'GitHubAuthError',
  notFound: 'GitHubNotFound',
  validation: 'GitHubValidationError',
  forbidden: 'GitHubForbidden',
  rateLimited: 'GitHubRateLimited',
  transient: 'GitHubUnavailable',
  mergeConflict: 'MergeConflict',
} as const;

export function isRequestError(err: unknown): err is RequestError {
  return err instanceof RequestError || (err instanceof Error && err.name === 'HttpError' && 'status' in err);
}

/** The GitHub message from an error body, without the documentation link GitHub appends. */
function githubMessage(err: RequestError): string {
  const data = err.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const base = typeof data?.message === 'string' ? data.message : err.message;
  const details = Array.isArray(data?.errors)
    ? data.errors
        .map((e: unknown) => (typeof e === 'string' ? e : (e as { message?: unknown })?.message))
        .filter((m): m is string => typeof m === 'string')
    : [];
  return details.length > 0 ? `${base}: ${details.join('; ')}` : base;
}

/** URL of the failed request without its query string (never carries credentials anyway). */
function requestUrl(err: RequestError): string {
  return `${err.request.method} ${err.request.url.split('?')[0]}`;
}

/** Seconds GitHub asked us to wait, when it did. */
function retryAfterSeconds(err: RequestError): number | undefined {
  const headers = err.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter;
  if (headers['x-ratelimit-remaining'] === '0' && headers['x-ratelimit-reset']) {
    const reset = Number(headers['x-ratelimit-reset']) * 1000;
    if (Number.isFinite(reset)) return Math.max(1, Math.ceil((reset - Date.now()) / 1000) + 1);
  }
  return undefined;
}

function isRateLimit(err: RequestError): boolean {
  if (err.status === 429) return true;
  if (err.status !== 403) return false;
  return retryAfterSeconds(err) !== undefined || /rate limit/i.test(githubMessage(err));
}

/**
 * Maps an error from a GitHub call to an `ApplicationFailure`:
 * 401 → non-retryable `GitHubAuthError`; 404 → non-retryable `GitHubNotFound` naming the
 * subject; 422 → non-retryable `GitHubValidationError` with GitHub's message; a 403 that is
 * not a rate limit → non-retryable `GitHubForbidden` (missing permission); a rate limit the
 * client did not wait out → retryable `GitHubRateLimited` with `nextRetryDelay` = GitHub's
 * wait; anything else → retryable `GitHubUnavailable`. Activity cancellation passes through.
 */
export function toGitHubFailure(err: unknown, context: GitHubCallContext): Error {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  const cancelled = cancellationOfCurrentActivity();
  if (cancelled) return cancelled;
  if (!isRequestError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return ApplicationFailure.retryable(`GitHub call about ${context.subject} failed: ${message}`, GITHUB_ERROR_TYPES.transient);
  }
  const where = requestUrl(err);
  switch (err.status) {
    case 401:
      return ApplicationFailure.nonRetryable(
        `GitHub rejected the credentials (401) for ${where}: check GITHUB_TOKEN / app installation`,
        GITHUB_ERROR_TYPES.auth,
      );
    case 404:
      return ApplicationFailure.nonRetryable(
        `GitHub answered 404 for ${context.subject} (${where}): check the name, that it exists, and that the credentials can see it`,
        GITHUB_ERROR_TYPES.notFound,
      );
    case 422:
      return ApplicationFailure.nonRetryable(
        `GitHub refused the request about ${context.subject} (422): ${githubMessage(err)}`,
        GITHUB_ERROR_TYPES.validation,
      );
  }
  if (isRateLimit(err)) {
    const wait = retryAfterSeconds(err) ?? 60;
    return ApplicationFailure.create({
      message: `GitHub rate limit (${err.status}) for ${where}: retrying in ${wait}s`,
      type: GITHUB_ERROR_TYPES.rateLimited,
      nextRetryDelay: `${wait}s`,
    });
  }
  if (err.status === 403) {
    return ApplicationFailure.nonRetryable(
      `GitHub refused access (403) to ${context.subject} (${where}): ${githubMessage(err)}; check the token's scopes or the app's permissions`,
      GITHUB_ERROR_TYPES.forbidden,
    );
  }
  return ApplicationFailure.retryable(
    `GitHub call about ${context.subject} failed (${err.status}) at ${where}: ${githubMessage(err)}`,
    GITHUB_ERROR_TYPES.transient,
  );
}

/** Runs a GitHub call, mapping any failure with {@link toGitHubFailure}. */
export async function callGitHub<T>(context: GitHubCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toGitHubFailure(err, context);
  }
}
