// Two recoveries the stock plugins leave out, as one Octokit plugin registered last (so it
// wraps retry, throttling and auth):
// - A 403/429 with `retry-after` is a rate limit even when the message does not say
//   "secondary rate limit" (plugin-throttling only recognises that wording and an empty
//   primary bucket); GitHub asks clients to wait that long, so we do, within a budget.
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

/** The wait GitHub asked for, when plugin-throttling will not already have handled it. */
function unhandledRetryAfter(err: ErrorWithResponse): number | undefined {
  if (err.status !== 403 && err.status !== 429) return undefined;
  const headers = err.response?.headers ?? {};
  // plugin-throttling's cases: it already waited (or chose not to).
  if (/\bsecondary rate\b/i.test(err.message ?? '') || headers['x-ratelimit-remaining'] === '0') return undefined;
  const seconds = Number(headers['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
        const wait = unhandledRetryAfter(err);
        if (wait === undefined || rateLimitRetries >= settings.maxRetries || wait > settings.maxWaitSeconds) throw error;
        rateLimitRetries++;
        settings.log.warn(`GitHub rate limit (${err.status}) for ${what}: retrying in ${wait}s as asked`, { retry: rateLimitRetries });
        await abortableSleep(wait * 1000, (options.request as { signal?: AbortSignal } | undefined)?.signal);
      }
    }
  });
}
