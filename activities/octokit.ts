// Builds the Octokit clients the GitHub activities use. Transient failures are absorbed here
// (5xx and connection resets by plugin-retry, rate limits by the recovery plugin, GitHub's
// concurrency and write-spacing asks by the limits plugin) so each
// activity sees either an answer or an error worth a decision. Credentials live only in this
// module's closures: nothing here logs a token or an authorization header.
import { readFileSync } from 'node:fs';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { Octokit } from '@octokit/rest';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { identityPlugin } from './octokit-identity.js';
import { limitsPlugin } from './octokit-limits.js';
import { recoveryPlugin, type GitHubClientLog } from './octokit-recovery.js';

export type { GitHubClientLog } from './octokit-recovery.js';

/** How the worker authenticates to GitHub. */
export type GitHubAuth =
  | { kind: 'token'; token: string }
  | {
      kind: 'app';
      appId: string | number;
      /** PEM text of the app's private key. */
      privateKey: string;
      installationId: string | number;
    };

export interface GitHubClientOptions {
  /**
   * API root. Omit for api.github.com; `https://ghes.example.com/api/v3` for GitHub
   * Enterprise Server; the lab's `githubUrl` in tests.
   */
  baseUrl?: string;
  auth: GitHubAuth;
  /** Where retries and rate-limit waits are reported. @default the activity logger, else console */
  log?: GitHubClientLog;
  /**
   * Longest rate-limit wait (seconds) spent inside one request. A longer `retry-after` is not
   * slept through here: the request fails with the wait attached, and the activity turns it
   * into a Temporal retry with that delay, so the wait is durable and no heartbeat is missed.
   * @default 20
   */
  maxInProcessRateLimitWaitSeconds?: number;
  /** How many times one request is retried after a rate limit. @default 3 */
  maxRateLimitRetries?: number;
  /** Retries of 5xx / connection errors per request (plugin-retry backoff 1s, 4s, 9s…). @default 3 */
  retries?: number;
  /**
   * Per-request timeout. A request that hangs must fail well before the activity's heartbeat
   * timeout so the retry plugin, or Temporal, can try again.
   * @default 30_000
   */
  requestTimeoutMs?: number;
  /**
   * Least time between two writes (POST, PATCH, PUT, DELETE) of this client, which are also sent
   * one at a time. GitHub asks integrations to do both to stay clear of its secondary rate
   * limits; a deployment makes 5–7 writes, so this adds little to a real deployment but caps a
   * worker at one write per second for all the deployments it runs. 0 (neither spaced nor
   * serialized) for the lab or a GitHub Enterprise Server without secondary limits.
   * @default 1_000
   */
  writeSpacingMs?: number;
  /**
   * Most requests of this client in flight at once. GitHub allows 100 concurrent requests per
   * credential; 10 leaves room for other clients of the same token.
   * @default 10
   */
  maxConcurrentRequests?: number;
}

/** The Octokit class with the plugins every client here carries. */
// Order matters: limits is innermost (each attempt of plugin-retry passes it), recovery outermost.
export const BlueGreenOctokit = Octokit.plugin(limitsPlugin, retry, recoveryPlugin, identityPlugin);
export type GitHubClient = InstanceType<typeof BlueGreenOctokit>;

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Statuses plugin-retry must not resend: every 4xx is GitHub's answer except 408 (a timeout);
 * 403/429 rate limits are waited out as GitHub asks by the recovery plugin instead.
 */
const DO_NOT_RETRY = Array.from({ length: 100 }, (_, i) => 400 + i).filter((status) => status !== 408);

/** `{ key: value }` when value is defined, else `{}` (the plugins merge their defaults once). */
const given = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const log = options.log ?? activityOrConsoleLog;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  // Installation tokens cached here, not in auth-app's private cache, so a 401 can drop them.
  const tokenCache = new Map<string, string>();

  return new BlueGreenOctokit({
    ...(options.baseUrl !== undefined ? { baseUrl: stripTrailingSlash(options.baseUrl) } : {}),
    userAgent: 'bluegreen-orchestrator',
    ...authOptions(options.auth, tokenCache),
    log: {
      // Octokit's debug/info chatter is noise in activity logs; its warnings (deprecations) are not.
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => log.warn(message),
      // plugin-request-log reports a 304 as an error; for a conditional poll it is the good case.
      error: (message: string) => (/ - 304 /.test(message) ? log.debug(message) : log.error(message)),
    },
    request: {
      fetch: onlyUnder(stripTrailingSlash(options.baseUrl ?? 'https://api.github.com'), fetchWithTimeout(requestTimeoutMs)),
    },
    // Beyond plugin-retry's defaults: 405, 409 (merge conflict, run already completed), 413 …
    // are answers, not hiccups; 403/429 rate limits are waited out as GitHub asks (recovery
    // plugin), not on plugin-retry's fixed backoff.
    retry: { ...given('retries', options.retries), doNotRetry: DO_NOT_RETRY },
    // Per client (per API root): writes are spaced per credential and host.
    limits: {
      ...given('maxConcurrentRequests', options.maxConcurrentRequests),
      ...given('writeSpacingMs', options.writeSpacingMs),
    },
    recovery: {
      log,
      ...given('maxWaitSeconds', options.maxInProcessRateLimitWaitSeconds),
      ...given('maxRetries', options.maxRateLimitRetries),
      ...(options.auth.kind === 'app' ? { dropCachedCredentials: () => tokenCache.clear() } : {}),
    },
    identity: { kind: options.auth.kind },
  });
}

function authOptions(auth: GitHubAuth, tokenCache: Map<string, string>): { auth: unknown; authStrategy?: typeof createAppAuth } {
  if (auth.kind === 'token') return { auth: auth.token };
  // auth-app mints and refreshes installation tokens itself, through this client's baseUrl.
  return {
    authStrategy: createAppAuth,
    auth: {
      appId: auth.appId,
      privateKey: auth.privateKey,
      installationId: auth.installationId,
      cache: {
        get: (key: string) => tokenCache.get(key) ?? '',
        set: (key: string, value: string) => void tokenCache.set(key, value),
      },
    },
  };
}

/**
 * A fetch that gives every request its own timeout, on top of the caller's signal (the
 * activity's cancellation). A cancelled activity surfaces as an `AbortError`, which
 * @octokit/request and plugin-retry pass through untouched (no retry of a cancelled call);
 * a timeout surfaces as a network error, which plugin-retry retries.
 */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (url, init) => {
    const callerSignal = init?.signal ?? undefined;
    const signals = [AbortSignal.timeout(timeoutMs), ...(callerSignal ? [callerSignal] : [])];
    try {
      return await fetch(url, { ...init, signal: AbortSignal.any(signals) });
    } catch (err) {
      if (callerSignal?.aborted) throw new DOMException('request cancelled with the activity', 'AbortError');
      throw err;
    }
  };
}

/**
 * Sends nothing outside the client's API root: no pagination link, redirect target or token
 * mint (auth-app uses this client's request) takes the credential to another host.
 */
function onlyUnder(root: string, inner: typeof fetch): typeof fetch {
  return (url, init) => {
    const target = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
    if (target !== root && !target.startsWith(`${root}/`) && !target.startsWith(`${root}?`)) {
      throw ApplicationFailure.nonRetryable(`refused to send a GitHub request outside the API root ${root}`, 'PolicyRefused');
    }
    return inner(url, init);
  };
}

/** Uses the Temporal activity logger inside an activity (run ids attached), else console. */
const logAt =
  (level: keyof GitHubClientLog) =>
  (message: string, meta?: Record<string, unknown>): void => {
    const activityLog = currentActivityLog();
    if (activityLog) activityLog[level](message, meta);
    else console[level](message, meta ?? '');
  };
export const activityOrConsoleLog: GitHubClientLog = {
  debug: logAt('debug'),
  info: logAt('info'),
  warn: logAt('warn'),
  error: logAt('error'),
};

function currentActivityLog(): GitHubClientLog | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined;
  }
}

const stripTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * Reads GitHub credentials from the worker's environment: `GITHUB_TOKEN`, or a GitHub App
 * (`GITHUB_APP_ID`, `GITHUB_APP_PRIVATE_KEY` or `GITHUB_APP_PRIVATE_KEY_FILE`,
 * `GITHUB_APP_INSTALLATION_ID`). Throws one sentence naming what is missing.
 */
export function githubAuthFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubAuth {
  const token = env.GITHUB_TOKEN?.trim();
  if (token) return { kind: 'token', token };

  const appId = env.GITHUB_APP_ID?.trim();
  if (!appId) {
    throw new Error(
      'GitHub credentials missing: set GITHUB_TOKEN, or GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE) and GITHUB_APP_INSTALLATION_ID',
    );
  }
  const installationId = env.GITHUB_APP_INSTALLATION_ID?.trim();
  if (!installationId) {
    throw new Error('GITHUB_APP_ID is set but GITHUB_APP_INSTALLATION_ID is missing');
  }
  return { kind: 'app', appId, installationId, privateKey: appPrivateKeyFromEnv(env) };
}

function appPrivateKeyFromEnv(env: NodeJS.ProcessEnv): string {
  const inline = env.GITHUB_APP_PRIVATE_KEY?.trim();
  // Many secret stores flatten newlines to a literal "\n"; PEM parsing needs real ones.
  if (inline) return inline.includes('\\n') ? inline.replace(/\\n/g, '\n') : inline;
  const file = env.GITHUB_APP_PRIVATE_KEY_FILE?.trim();
  if (!file) {
    throw new Error('GITHUB_APP_ID is set but GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE) is missing');
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`GITHUB_APP_PRIVATE_KEY_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * One client per API root, built on first use: the worker serves every service's deployment
 * with the same credentials, and sharing a client shares its rate-limit bookkeeping.
 */
export function createGitHubClientCache(
  options: Omit<GitHubClientOptions, 'baseUrl'> & {
    /** The worker policy's github.apiRoots check: a root it refuses gets no client (and no credential). */
    allowApiRoot?: (root: string) => boolean;
  },
): (ref: { baseUrl?: string }) => GitHubClient {
  const clients = new Map<string, GitHubClient>();
  const { allowApiRoot, ...clientOptions } = options;
  return (ref) => {
    const key = stripTrailingSlash(ref.baseUrl ?? 'https://api.github.com');
    if (allowApiRoot && !allowApiRoot(key)) {
      throw ApplicationFailure.nonRetryable(
        `the worker's policy does not send GitHub credentials to ${key} (github.apiRoots in bluegreen-worker.yaml)`,
        'PolicyRefused',
      );
    }
    let client = clients.get(key);
    if (!client) {
      client = createGitHubClient({ ...clientOptions, baseUrl: key });
      clients.set(key, client);
    }
    return client;
  };
}
