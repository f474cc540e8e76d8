// The worker process: `npx bluegreen worker` or `node --import tsx worker/main.ts`.
// Reads TEMPORAL_* (through envconfig) and the GitHub credentials from its own environment;
// nothing secret ever goes into a workflow input.
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createGitHubClientCache, githubAuthFromEnv } from '../activities/octokit.js';
import { loadTemporalConnection } from '../client/connection.js';
import { codecFromEnv } from '../codec/aes-gcm-codec.js';
import { DEFAULT_TASK_QUEUE } from '../workflows/messages.js';
import { createBlueGreenWorker } from './worker.js';

export interface RunWorkerOptions {
  taskQueue?: string;
  env?: NodeJS.ProcessEnv;
}

export async function runWorker(options: RunWorkerOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const auth = githubAuthFromEnv(env);
  const temporal = loadTemporalConnection(env);
  const connection = await NativeConnection.connect(temporal.nativeConnectionOptions);
  const taskQueue = options.taskQueue ?? env['BLUEGREEN_TASK_QUEUE'] ?? DEFAULT_TASK_QUEUE;
  // BLUEGREEN_CODEC_KEY: payloads are sealed before they reach Temporal (docs/security.md).
  const codec = codecFromEnv(env);
  const worker = await createBlueGreenWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue,
    ...(codec ? { extra: { dataConverter: { payloadCodecs: [codec] } } } : {}),
    activities: createActivities({ github: createGitHubClientCache({ auth, ...writeSpacing(env) }), env }),
  });
  console.error(
    `bluegreen worker: task queue "${taskQueue}" on ${temporal.address} (namespace ${temporal.namespace}), GitHub auth: ${auth.kind}, payloads ${codec ? `encrypted (key ${codec.keyId})` : 'not encrypted'}`,
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

/** `BLUEGREEN_GITHUB_WRITE_SPACING_MS`: least ms between two GitHub writes (default 1000, as GitHub asks). */
function writeSpacing(env: NodeJS.ProcessEnv): { writeSpacingMs?: number } {
  const raw = env['BLUEGREEN_GITHUB_WRITE_SPACING_MS']?.trim();
  if (!raw) return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`BLUEGREEN_GITHUB_WRITE_SPACING_MS must be a whole number of milliseconds ≥ 0, not "${raw}"`);
  return { writeSpacingMs: ms };
}
