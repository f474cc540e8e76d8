// The bench floor's worker, a process of its own as bluegreen's is: `node --import tsx
// bench/floor/worker.ts`, task queue from FLOOR_TASK_QUEUE, server from TEMPORAL_ADDRESS.
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { FloorActivities } from './shape.js';

const activities: FloorActivities = {
  async noop() {},
};

async function run(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const taskQueue = process.env['FLOOR_TASK_QUEUE'];
  if (!taskQueue) throw new Error('FLOOR_TASK_QUEUE is not set');
  const connection = await NativeConnection.connect({ address: process.env['TEMPORAL_ADDRESS'] ?? 'localhost:7233' });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    activities,
    // As bluegreen's worker (worker/main.ts): activity slots are no limit here.
    maxConcurrentActivityTaskExecutions: 1000,
    ...(process.env['BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS']
      ? { maxCachedWorkflows: Number(process.env['BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS']) }
      : {}),
  });
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.error(`floor worker: task queue ${taskQueue}`);
  await worker.run();
  await connection.close();
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
