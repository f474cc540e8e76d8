# syntax=docker/dockerfile:1.7
# The bluegreen worker image: `docker build -t bluegreen-worker .` (docker-compose.yml does it).
#
# Debian (glibc), not Alpine: the Temporal worker's native core ships prebuilt for glibc only.
# Stages: deps (production node_modules only) → bundle (the workflow bundle, prebuilt so the
# worker starts without webpack) → runtime (non-root, no build tools, no credentials).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

FROM deps AS bundle
COPY . .
# bundleWorkflowCode (from @temporalio/worker, a production dependency) → dist/workflow-bundle.js
RUN npx tsx scripts/build-bundle.ts && test -s dist/workflow-bundle.js

FROM ${NODE_IMAGE} AS runtime
# Memory (BENCHMARKS.md, section 6): with Node's default heap limit V8 lets garbage pile up to
# ~660 MiB RSS at 500 deployments at once; a 256 MiB old space keeps it under 400 at no cost in
# speed. The SDK sizes its workflow cache from that limit (to 32), so the cache is set here.
ENV NODE_ENV=production \
    BLUEGREEN_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS=800
WORKDIR /app
# Owned by root and read-only for the `node` user the worker runs as.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=bundle /app/dist/workflow-bundle.js ./dist/workflow-bundle.js

# Healthy while this container's worker polls its task queue: the server lists the pollers it
# saw in the last minutes, each named `<pid>@<hostname>` (the SDK's default worker identity).
# Uses the same connection settings as the worker (TEMPORAL_* env vars or a profile).
COPY <<'EOF' /app/healthcheck.ts
import { hostname } from 'node:os';
import { Connection } from '@temporalio/client';
import { loadTemporalConnection } from './client/connection.js';

async function polling(): Promise<string | undefined> {
  const temporal = loadTemporalConnection();
  const taskQueue = process.env['BLUEGREEN_TASK_QUEUE'] || 'bluegreen';
  const connection = await Connection.connect({ ...temporal.connectionOptions, connectTimeout: 5_000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: temporal.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: 1, // workflow task queue
    });
    const mine = pollers.some((poller) => poller.identity?.endsWith(`@${hostname()}`));
    return mine ? undefined : `no poller from ${hostname()} on task queue ${taskQueue}`;
  } finally {
    await connection.close();
  }
}

const problem = await polling().catch((err: unknown) => `cannot ask Temporal: ${(err as Error).message}`);
if (problem !== undefined) {
  console.error(`unhealthy: ${problem}`);
  process.exitCode = 1;
}
EOF

USER node
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
  CMD ["node", "--import", "tsx", "/app/healthcheck.ts"]
CMD ["node", "--max-old-space-size=256", "bin/bluegreen.js", "worker"]
