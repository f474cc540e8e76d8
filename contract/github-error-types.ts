// The failure types the GitHub activities throw, in one module with no imports at all, so the
// workflow sandbox can import it (contract/activity-options.ts builds NON_RETRYABLE_ERRORS from
// it) and the activities, the webhook receiver and the CLI name the same strings.

export const GITHUB_ERROR_TYPES = {
  /** 401: bad or expired credentials. */
  auth: 'GitHubAuthError',
  /** 404: the repository, branch, workflow or run does not exist, or the credentials cannot see it. */
  notFound: 'GitHubNotFound',
  /** 400 and 422: GitHub refused what was sent (inputs, ref, body). */
  validation: 'GitHubValidationError',
  /** 403 that is not a rate limit: a missing permission or scope. */
  forbidden: 'GitHubForbidden',
  /** Any other 4xx that is an answer, not an outage (405, 409, 410, 413, 451 …). */
  refused: 'GitHubRequestRefused',
  /** 403/429 rate limit the client did not wait out; retried after GitHub's wait. */
  rateLimited: 'GitHubRateLimited',
  /** 408, 5xx, a network error or a timeout: worth another attempt. */
  transient: 'GitHubUnavailable',
  /** A dispatch failed in a way that may hide a dispatch that happened; the retry looks first. */
  dispatchUncertain: 'GitHubDispatchUncertain',
  /** A dispatch answered 204 and no run carrying its correlation id appeared. */
  runNotFound: 'GitHubRunNotFound',
  /** The sync merge met a conflict. */
  mergeConflict: 'MergeConflict',
} as const;

export type GitHubErrorType = (typeof GITHUB_ERROR_TYPES)[keyof typeof GITHUB_ERROR_TYPES];

/**
 * Failure types no retry can fix. The activities throw these as non-retryable already; the
 * workflow's retry policies list them too, so a failure rethrown through another layer (a
 * heartbeat timeout's last failure, a converter) is not retried either.
 */
export const NON_RETRYABLE_GITHUB_ERRORS: readonly GitHubErrorType[] = [
  GITHUB_ERROR_TYPES.auth,
  GITHUB_ERROR_TYPES.notFound,
  GITHUB_ERROR_TYPES.validation,
  GITHUB_ERROR_TYPES.forbidden,
  GITHUB_ERROR_TYPES.refused,
  GITHUB_ERROR_TYPES.runNotFound,
  GITHUB_ERROR_TYPES.mergeConflict,
];

/**
 * True when an HTTP status from GitHub is worth another attempt: 408, 429 and 5xx. A 403 is
 * transient only when it is a rate limit (decided by the headers, see github-rate-limit.ts);
 * every other 4xx is GitHub's answer. (octokit/plugin-retry's `doNotRetry` and GitHub's
 * "Best practices for using the REST API" draw the same line.)
 */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}
