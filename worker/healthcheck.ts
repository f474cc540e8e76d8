// The worker image's HEALTHCHECK (`node dist/worker/healthcheck.js`): healthy while this
// container's worker polls its task queue. The server lists the pollers it saw in the last
// minutes, each named `<pid>@<hostname>` (the SDK's default worker identity). Uses the same
// connection settings as the worker (TEMPORAL_* variables or a profile).
import { hostname } from 'node:os';
import { Connection } from '@temporalio/client';
import { loadTemporalConnection } from '../config/temporal-connection.js';
import { DEFAULT_TASK_QUEUE } from '../contract/messages.js';

async function polling(): Promise<string | undefined> {
  const temporal = loadTemporalConnection();
  const taskQueue = process.env['BLUEGREEN_TASK_QUEUE'] || DEFAULT_TASK_QUEUE;
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
