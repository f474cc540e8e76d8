// Turns what Octokit throws into the failure Temporal should act on. GitHub's 4xx answers are
// answers, not outages: bad credentials, a missing workflow, a rejected input, a conflict, a
// method or a body GitHub will not take. Those stop the workflow's retry loop at once with
// GitHub's message and the request named. Only a short explicit list is transient: 408, 429
// and rate-limit 403s (waited as told), 5xx, and network errors or timeouts.
import { inertText } from '../contract/sanitize.js';
import { RequestError } from '@octokit/request-error';
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { cancellationOfCurrentActivity } from './cancellation.js';
import { GITHUB_ERROR_TYPES, isTransientStatus } from '../contract/github-error-types.js';
import { rateLimitWait } from './github-rate-limit.js';

export { GITHUB_ERROR_TYPES, NON_RETRYABLE_GITHUB_ERRORS } from '../contract/github-error-types.js';

/** What the failed call was about, for the message: "workflow deploy-green.yml on branch green". */
export interface GitHubCallContext {
  /** e.g. `workflow deploy-green.yml on branch green in datatruck/backend` */
  subject: string;
}

export function isRequestError(err: unknown): err is RequestError {
  return err instanceof RequestError || (err instanceof Error && err.name === 'HttpError' && 'status' in err);
}

/** The GitHub message from an error body, without the documentation link GitHub appends. */
export function githubMessage(err: RequestError): string {
  const data = err.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const base = typeof data?.message === 'string' ? data.message : err.message;
  const details = Array.isArray(data?.errors)
    ? data.errors
        .map((e: unknown) => (typeof e === 'string' ? e : (e as { message?: unknown })?.message))
        .filter((m): m is string => typeof m === 'string')
    : [];
  // GitHub's validation messages start "Invalid request.\n\n…": one line reads better. The text is
  // the server's (or a proxy's): inert before it reaches a status or a history.
  const text = details.length > 0 ? `${base}: ${details.join('; ')}` : base;
  return inertText(text, 1_000);
}

/** Method and URL of the failed request without its query string (never carries credentials anyway). */
export function requestUrl(err: RequestError): string {
  return `${err.request.method} ${err.request.url.split('?')[0]}`;
}

/**
 * Maps an error from a GitHub call to an `ApplicationFailure`:
 * - 401 → non-retryable `GitHubAuthError`; 404 → non-retryable `GitHubNotFound` naming the subject;
 * - 400, 422 → non-retryable `GitHubValidationError` with GitHub's message;
 * - a rate limit (429, or a 403 that is one) the client did not wait out → retryable
 *   `GitHubRateLimited` with `nextRetryDelay` = GitHub's wait;
 * - another 403 → non-retryable `GitHubForbidden` (missing permission);
 * - 408, 5xx, network errors → retryable `GitHubUnavailable`;
 * - any other status (405, 409, 410, 413, 451 …) → non-retryable `GitHubRequestRefused`.
 * Activity cancellation passes through.
 */
export function toGitHubFailure(err: unknown, context: GitHubCallContext): Error {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  const cancelled = cancellationOfCurrentActivity();
  if (cancelled) return cancelled;
  if (!isRequestError(err) || err.status === 0 || err.status === undefined) {
    const message = err instanceof Error ? err.message : String(err);
    return ApplicationFailure.retryable(`GitHub call about ${context.subject} failed: ${message}`, GITHUB_ERROR_TYPES.transient);
  }
  const where = requestUrl(err);
  const refused = (type: string, text: string) => ApplicationFailure.nonRetryable(text, type);
  switch (err.status) {
    case 401:
      return refused(
        GITHUB_ERROR_TYPES.auth,
        `GitHub rejected the credentials (401) for ${where}: check GITHUB_TOKEN / app installation`,
      );
    case 404:
      return refused(
        GITHUB_ERROR_TYPES.notFound,
        `GitHub answered 404 for ${context.subject} (${where}): check the name, that it exists, and that the credentials can see it`,
      );
    case 400:
    case 422:
      return refused(
        GITHUB_ERROR_TYPES.validation,
        `GitHub refused the request about ${context.subject} (${err.status} at ${where}): ${githubMessage(err)}`,
      );
  }
  const wait = rateLimitWait(err);
  if (wait !== undefined) {
    const seconds = Math.max(1, wait);
    return ApplicationFailure.create({
      message: `GitHub rate limit (${err.status}) for ${where}: retrying in ${seconds}s`,
      type: GITHUB_ERROR_TYPES.rateLimited,
      nextRetryDelay: `${seconds}s`,
    });
  }
  if (err.status === 403) {
    return refused(
      GITHUB_ERROR_TYPES.forbidden,
      `GitHub refused access (403) to ${context.subject} (${where}): ${githubMessage(err)}; check the token's scopes or the app's permissions`,
    );
  }
  if (isTransientStatus(err.status)) {
    return ApplicationFailure.retryable(
      `GitHub call about ${context.subject} failed (${err.status}) at ${where}: ${githubMessage(err)}`,
      GITHUB_ERROR_TYPES.transient,
    );
  }
  return refused(
    GITHUB_ERROR_TYPES.refused,
    `GitHub refused the request about ${context.subject} (${err.status} at ${where}): ${githubMessage(err)}`,
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
