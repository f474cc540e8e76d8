// The set-up of the sections that compare polling with webhooks (reaction, rollback, API budget):
// a webhook receiver of the bench's, a lab whose GitHub can send it `workflow_run` events, and a
// worker without write spacing. `webhook(on)` turns the events on or off between deployments.
import { startLab, type Lab, type LabOptions } from '../../lab/index.js';
import { startWebhookServer } from '../../webhook/server.js';
import type { BenchContext } from './context.js';
import type { WorkerProcess } from './processes.js';

const SECRET = 'bench-webhook-secret';

export interface WebhookLab {
  lab: Lab;
  worker: WorkerProcess;
  webhook(on: boolean): void;
}

/** Runs `work` on a webhook lab; the worker is stopped once it is done, the lab and the receiver closed whatever happens. */
export async function withWebhookLab<T>(
  ctx: BenchContext,
  name: string,
  labOptions: LabOptions,
  work: (setup: WebhookLab) => Promise<T>,
): Promise<T> {
  const receiver = await startWebhookServer({
    secret: SECRET,
    client: ctx.client,
    log: { info: () => undefined, warn: (m) => ctx.log(m) },
  });
  const lab = await startLab(labOptions);
  try {
    const worker = await ctx.startWorker(name, lab, { env: { BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0' } });
    const webhook = (on: boolean) => lab.github.setWebhook(on ? { url: `${receiver.url}/github`, secret: SECRET } : undefined);
    const result = await work({ lab, worker, webhook });
    await worker.stop();
    return result;
  } finally {
    lab.github.setWebhook(undefined);
    await lab.close();
    await receiver.close();
  }
}
