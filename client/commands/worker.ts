// `bluegreen worker`: runs the worker in this process until interrupted.
import { runWorker } from '../../worker/main.js';
import { EXIT } from '../errors.js';

export async function worker(options: { taskQueue?: string }): Promise<number> {
  await runWorker(options.taskQueue ? { taskQueue: options.taskQueue } : {});
  return EXIT.SUCCEEDED;
}
