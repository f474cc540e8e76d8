// Two recoveries, as one Octokit plugin registered last (so it wraps retry, the request limits
// and auth):
// - Rate limits. A 403/429 is waited out as GitHub asks, within a budget: `retry-after` when
//   given; an empty primary bucket (`x-ratelimit-remaining: 0`) until `x-ratelimit-reset`; a
//   secondary limit without `retry-after` one minute. A longer wait is left to the activity's
//   Temporal retry (see toGitHubFailure). (This was plugin-throttling's job; its Bottleneck
//   queues serialized every request of a busy worker behind the event loop — BENCHMARKS.md.)
// - A GitHub App installation token can be revoked or expire early; on a 401 the cached token
//   is dropped and the request is sent once more with a freshly minted one.
import type { Octokit, OctokitOptions } from '@octokit/core';
import type { GitHubClientLog } from './octokit.js';

export interface RecoverySettings {
  log: GitHubClientLog;
  /** Longest single wait, in seconds; a longer one is left to the activity's retry. */
  maxWaitSeconds: number;
  maxRetries: number;
  /** Forgets cached installation tokens (app auth only). */
  dropCachedCredentials?: () => void;
}

interface ErrorWithResponse {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/** Seconds GitHub asks us to wait before sending this request again; undefined: not a rate limit. */
export function rateLimitWait(err: ErrorWithResponse, now = Date.now()): number | undefined {
  if (err.status !== 403 && err.status !== 429) return undefined;
  const headers = err.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter;
  if (headers['x-ratelimit-remaining'] === '0' && headers['x-ratelimit-reset'] !== undefined) {
    const resetMs = Number(headers['x-ratelimit-reset']) * 1000;
    // One second past the reset, as GitHub advises.
    if (Number.isFinite(resetMs)) return Math.max(0, Math.ceil((resetMs - now) / 1000)) + 1;
  }
  if (err.status === 429 || /\brate limit\b/i.test(err.message ?? '')) return 60;
  return undefined;
}

export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('request cancelled with the activity', 'AbortError'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException('request cancelled with the activity', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads its settings from the `recovery` client option; without it the plugin does nothing. */
export function recoveryPlugin(octokit: Octokit, options: OctokitOptions): void {
  const settings = (options as { recovery?: RecoverySettings }).recovery;
  if (!settings) return;
  octokit.hook.wrap('request', async (request, options) => {
    let rateLimitRetries = 0;
    let reauthenticated = false;
    for (;;) {
      try {
        return await request(options);
      } catch (error) {
        const err = error as ErrorWithResponse;
        const what = `${options.method} ${String(options.url)}`;
        if (err.status === 401 && settings.dropCachedCredentials && !reauthenticated) {
          reauthenticated = true;
          settings.log.warn(`GitHub answered 401 for ${what}: minting a new installation token and trying once more`);
          settings.dropCachedCredentials();
          continue;
        }
        const wait = rateLimitWait(err);
        if (wait === undefined || rateLimitRetries >= settings.maxRetries || wait > settings.maxWaitSeconds) throw error;
        rateLimitRetries++;
        settings.log.warn(`GitHub rate limit (${err.status}) for ${what}: retrying in ${wait}s as asked`, {
          retry: rateLimitRetries,
        });
        await abortableSleep(wait * 1000, (options.request as { signal?: AbortSignal } | undefined)?.signal);
      }
    }
  });
}
