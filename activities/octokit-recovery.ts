// Two recoveries, as one Octokit plugin registered last (so it wraps retry, the request limits
// and auth):
// - Rate limits. A 403/429 is waited out as GitHub asks (github-rate-limit.ts reads the ask),
//   within a budget. A longer wait is left to the activity's Temporal retry (see
//   toGitHubFailure). An empty primary bucket holds every request of this worker for that API
//   root until the reset, not just the refused one: GitHub asks clients not to send requests
//   before `x-ratelimit-reset`, and parallel activities would each be refused otherwise. (This was plugin-throttling's job; its Bottleneck queues serialized every
//   request of a busy worker behind the event loop — BENCHMARKS.md.)
// - A GitHub App installation token can be revoked or expire early; on a 401 the cached token
//   is dropped and the request is sent once more with a freshly minted one.
// Options are typed on Octokit's own options and merged with the defaults once, as
// octokit/plugin-retry does (src/index.ts).
import type { Octokit, OctokitOptions } from '@octokit/core';
import { primaryLimitEmptyUntil, rateLimitWait } from './github-rate-limit.js';

/** The subset of a logger Octokit and this module use; Temporal's activity `log` fits. */
export interface GitHubClientLog {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface RecoveryOptions {
  /** @default true */
  enabled: boolean;
  /** Where waits and re-authentications are reported. @default the client's `log` */
  log?: GitHubClientLog;
  /**
   * Longest single rate-limit wait (seconds) spent inside a request; a longer one fails the
   * request with the wait attached, for a durable Temporal retry.
   * @default 20
   */
  maxWaitSeconds: number;
  /** How many rate-limit waits one request may spend. @default 3 */
  maxRetries: number;
  /** Forgets cached installation tokens (app auth only); absent: a 401 is final. */
  dropCachedCredentials?: () => void;
}

declare module '@octokit/core/types' {
  interface OctokitOptions {
    /** Rate-limit waits and installation-token recovery (activities/octokit-recovery.ts). */
    recovery?: Partial<RecoveryOptions>;
  }
}

export const RECOVERY_DEFAULTS: RecoveryOptions = { enabled: true, maxWaitSeconds: 20, maxRetries: 3 };

interface ErrorWithStatus {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
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

/**
 * Per API root: until when (epoch ms) GitHub said the primary bucket is empty. Process-wide,
 * as activities build their own clients; one worker serves one credential per API root.
 */
const primaryLimitHolds = new Map<string, number>();

/** The hold of an API root still to wait out, in ms (0 when none). */
function primaryLimitHoldMs(root: string, now = Date.now()): number {
  const until = primaryLimitHolds.get(root);
  if (until === undefined) return 0;
  if (until <= now) primaryLimitHolds.delete(root);
  return Math.max(0, until - now);
}

export function recoveryPlugin(octokit: Octokit, octokitOptions: OctokitOptions): void {
  const settings: RecoveryOptions = { ...RECOVERY_DEFAULTS, ...octokitOptions.recovery };
  if (!settings.enabled) return;
  const log = settings.log ?? octokit.log;
  octokit.hook.wrap('request', async (request, options) => {
    const root = String(options.baseUrl ?? octokitOptions.baseUrl ?? 'https://api.github.com');
    const signal = (options.request as { signal?: AbortSignal } | undefined)?.signal;
    const what = `${options.method} ${String(options.url)}`;
    let rateLimitRetries = 0;
    let reauthenticated = false;
    for (;;) {
      const holdMs = primaryLimitHoldMs(root);
      // A hold longer than the budget is not waited here: the request is sent, refused, and
      // its error carries the wait to the activity's durable retry.
      if (holdMs > 0 && holdMs <= settings.maxWaitSeconds * 1000) {
        log.info(`GitHub rate limit of ${root} is empty: holding ${what} for ${Math.ceil(holdMs / 1000)}s until its reset`);
        await abortableSleep(holdMs, signal);
      }
      try {
        return await request(options);
      } catch (error) {
        const err = error as ErrorWithStatus;
        const emptyUntil = primaryLimitEmptyUntil(err);
        if (emptyUntil !== undefined) primaryLimitHolds.set(root, Math.max(emptyUntil, primaryLimitHolds.get(root) ?? 0));
        if (err.status === 401 && settings.dropCachedCredentials && !reauthenticated) {
          reauthenticated = true;
          log.warn(`GitHub answered 401 for ${what}: minting a new installation token and trying once more`);
          settings.dropCachedCredentials();
          continue;
        }
        const wait = rateLimitWait(err);
        if (wait === undefined || rateLimitRetries >= settings.maxRetries || wait > settings.maxWaitSeconds) throw error;
        rateLimitRetries++;
        log.warn(`GitHub rate limit (${err.status}) for ${what}: retrying in ${wait}s as asked`, { retry: rateLimitRetries });
        // A primary-limit wait is the hold, taken at the top of the loop.
        if (emptyUntil === undefined) await abortableSleep(wait * 1000, signal);
      }
    }
  });
}
