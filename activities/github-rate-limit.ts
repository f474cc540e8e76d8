// The one reading of GitHub's rate-limit answers, shared by the recovery plugin (which waits a
// short ask out inside the request) and toGitHubFailure (which hands a long one to Temporal as
// `nextRetryDelay`). GitHub's rules ("Rate limits for the REST API", docs.github.com):
// - `retry-after` present: wait that many seconds; 0 means "now" (it is still a rate limit);
// - `x-ratelimit-remaining: 0`: the primary bucket is empty until `x-ratelimit-reset` (epoch
//   seconds); wait until one second past it;
// - otherwise a secondary rate limit (429, or a 403 saying "rate limit"): wait at least a minute.
// Any other 403 is a missing permission, not a rate limit.

/** What the reading needs of an Octokit `RequestError` (or any error shaped like one). */
export interface RateLimitAnswer {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/** Seconds to wait for a secondary limit that names no wait. */
export const SECONDARY_RATE_LIMIT_WAIT_SECONDS = 60;

/** Seconds GitHub asks us to wait before sending this request again; undefined: not a rate limit. */
export function rateLimitWait(err: RateLimitAnswer, now = Date.now()): number | undefined {
  if (err.status !== 403 && err.status !== 429) return undefined;
  const headers = err.response?.headers ?? {};
  const retryAfterHeader = headers['retry-after'];
  const retryAfter = Number(retryAfterHeader);
  if (retryAfterHeader !== undefined && retryAfterHeader !== '' && Number.isFinite(retryAfter) && retryAfter >= 0)
    return Math.ceil(retryAfter);
  const emptyUntil = primaryLimitEmptyUntil(err);
  if (emptyUntil !== undefined) return Math.max(0, Math.ceil((emptyUntil - 1000 - now) / 1000)) + 1;
  if (err.status === 429 || /\brate limit/i.test(`${err.message ?? ''} ${bodyMessage(err.response?.data)}`))
    return SECONDARY_RATE_LIMIT_WAIT_SECONDS;
  return undefined;
}

/**
 * For an answer saying the primary bucket is empty (`x-ratelimit-remaining: 0` with a reset
 * time): the epoch milliseconds until which no request of this credential can succeed, one
 * second past the reset for clock skew. Undefined for any other answer.
 */
export function primaryLimitEmptyUntil(err: RateLimitAnswer): number | undefined {
  if (err.status !== 403 && err.status !== 429) return undefined;
  const headers = err.response?.headers ?? {};
  if (String(headers['x-ratelimit-remaining']) !== '0' || headers['x-ratelimit-reset'] === undefined) return undefined;
  const resetMs = Number(headers['x-ratelimit-reset']) * 1000;
  return Number.isFinite(resetMs) ? resetMs + 1000 : undefined;
}

function bodyMessage(data: unknown): string {
  const message = (data as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : '';
}
