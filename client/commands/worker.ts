// `bluegreen worker`: runs the worker in this process until interrupted.
import { runWorker } from '../../worker/main.js';
import { EXIT } from '../errors.js';
import { connectionFlagsOf, type ConnectionFlags } from '../temporal-client.js';

export async function worker(options: { taskQueue?: string; metricsAddress?: string } & ConnectionFlags): Promise<number> {
  await runWorker({
    ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
    ...(options.metricsAddress ? { metricsAddress: options.metricsAddress } : {}),
    connection: connectionFlagsOf(options),
  });
  return EXIT.SUCCEEDED;
}
