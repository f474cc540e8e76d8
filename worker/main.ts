// The worker process: `bluegreen worker`.
// Reads TEMPORAL_* (through envconfig) and the GitHub credentials from its own environment;
// nothing secret ever goes into a workflow input.
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from './activities.js';
import { createGitHubClientCache, githubAuthFromEnv } from '../activities/octokit.js';
import { loadTemporalConnection, webUiUrl, type LoadTemporalConnectionOptions } from '../config/temporal-connection.js';
import { assertNamespaceReady } from '../config/temporal-namespace.js';
import { codecFromEnv } from '../codec/aes-gcm-codec.js';
import { DEFAULT_TASK_QUEUE } from '../contract/messages.js';
import { apiRootAllowed, describePolicy, loadWorkerPolicy, secretVariables, takeSecrets } from './policy.js';
import { redactingActivityInterceptors } from './redact-failures.js';
import { createBlueGreenWorker } from './worker.js';
import { installMetrics, metricsAddress } from './metrics.js';

const DEFAULT_MAX_ACTIVITIES = 1_000;

export interface RunWorkerOptions {
  taskQueue?: string;
  env?: NodeJS.ProcessEnv;
  /** `--address`, `--namespace`, `--env`, `--profile` of `bluegreen worker`: they win over TEMPORAL_*. */
  connection?: LoadTemporalConnectionOptions;
  /** `--metrics-address` of `bluegreen worker`: wins over BLUEGREEN_METRICS_ADDRESS. */
  metricsAddress?: string;
}

export async function runWorker(options: RunWorkerOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  // The worker policy (bluegreen-worker.yaml) first: a bad one stops the worker with every problem listed.
  const loaded = await loadWorkerPolicy(env);
  const auth = githubAuthFromEnv(env);
  const temporal = loadTemporalConnection(env, options.connection);
  const metrics = metricsAddress(options.metricsAddress, env);
  // Read before connecting: a bad number stops the worker before it opens anything.
  const limits = workerLimits(env);
  // BLUEGREEN_CODEC_KEY: payloads are sealed before they reach Temporal (docs/security.md).
  const codec = codecFromEnv(env);
  // Every secret is read once, here, and leaves the environment (worker/secrets.ts).
  const secrets = takeSecrets(
    secretVariables(loaded.policy),
    env,
    true,
    auth.kind === 'app' ? { GITHUB_APP_PRIVATE_KEY: auth.privateKey } : {},
  );
  // Before the first connection: the SDK's Runtime is created once per process.
  if (metrics) installMetrics(metrics);
  const connection = await NativeConnection.connect(temporal.nativeConnectionOptions);
  // A worker on a namespace without bluegreen's search attributes would poll and fail every deployment.
  await assertNamespaceReady(connection, temporal.namespace, temporal.address).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  const taskQueue = options.taskQueue ?? env['BLUEGREEN_TASK_QUEUE'] ?? DEFAULT_TASK_QUEUE;
  const worker = await createBlueGreenWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue,
    extra: {
      ...(codec ? { dataConverter: { payloadCodecs: [codec] } } : {}),
      ...limits,
      interceptors: { activity: [redactingActivityInterceptors(secrets)] },
    },
    activities: createActivities({
      github: createGitHubClientCache({
        auth,
        ...githubLimits(env),
        allowApiRoot: (root) => apiRootAllowed(loaded.policy, root),
      }),
      policy: loaded.policy,
      secrets,
      notify: { webUiUrl: (namespace, workflowId) => webUiUrl(temporal.address, namespace, workflowId, env) },
    }),
  });
  console.error(
    `bluegreen worker: task queue "${taskQueue}" on ${temporal.address} (namespace ${temporal.namespace}), GitHub auth: ${auth.kind}, payloads ${codec ? `encrypted (key ${codec.keyId})` : 'not encrypted'}, metrics ${metrics ? `on http://${metrics}/metrics` : 'off'}, ${describePolicy(loaded)}`,
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

/** A whole number from the environment, or undefined when unset. */
function whole(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, not "${raw}"`);
  return n;
}

/**
 * `BLUEGREEN_GITHUB_WRITE_SPACING_MS` (least ms between two GitHub writes, default 1000 as GitHub
 * asks) and `BLUEGREEN_GITHUB_MAX_CONCURRENT_REQUESTS` (default 10).
 */
function githubLimits(env: NodeJS.ProcessEnv): { writeSpacingMs?: number; maxConcurrentRequests?: number } {
  const writeSpacingMs = whole(env, 'BLUEGREEN_GITHUB_WRITE_SPACING_MS', 0);
  const maxConcurrentRequests = whole(env, 'BLUEGREEN_GITHUB_MAX_CONCURRENT_REQUESTS', 1);
  return {
    ...(writeSpacingMs !== undefined ? { writeSpacingMs } : {}),
    ...(maxConcurrentRequests !== undefined ? { maxConcurrentRequests } : {}),
  };
}

/**
 * `BLUEGREEN_WORKER_MAX_ACTIVITIES`: activities one worker runs at once (default
 * 1000). Nearly all of ours wait — on a GitHub run, on probes, through a monitor
 * window — so a slot is a timer and a socket now and then, not a CPU: the SDK's default of 100
 * would make the 101st deployment in its monitor window queue behind the others.
 */
export function workerLimits(env: NodeJS.ProcessEnv): {
  maxConcurrentActivityTaskExecutions: number;
  maxCachedWorkflows?: number;
  stickyQueueScheduleToStartTimeout?: number;
} {
  // BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS: deployments kept in memory between their steps. The
  // SDK sizes the cache from the heap limit, so a worker run with a small --max-old-space-size
  // would otherwise replay its deployments from history at nearly every step.
  const maxCachedWorkflows = whole(env, 'BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS', 2);
  // BLUEGREEN_WORKER_STICKY_TIMEOUT_MS: how long a deployment's next step waits for the worker
  // that holds it in memory before any worker may take it. A worker that dies without a word
  // (SIGKILL, a lost node) holds its deployments this long (the SDK's default: 10 s); lower
  // resumes them sooner, at the price of more replays from history on a worker too busy to answer in time.
  const stickyMs = whole(env, 'BLUEGREEN_WORKER_STICKY_TIMEOUT_MS', MIN_STICKY_TIMEOUT_MS);
  return {
    maxConcurrentActivityTaskExecutions: whole(env, 'BLUEGREEN_WORKER_MAX_ACTIVITIES', 1) ?? DEFAULT_MAX_ACTIVITIES,
    ...(maxCachedWorkflows !== undefined ? { maxCachedWorkflows } : {}),
    ...(stickyMs !== undefined ? { stickyQueueScheduleToStartTimeout: stickyMs } : {}),
  };
}

/** Below this a step's workflow task rarely reaches a busy worker in time: every step would replay. */
const MIN_STICKY_TIMEOUT_MS = 500;
