// `bluegreen webhook --port N`: the workflow_run webhook receiver, until interrupted.
// Reads GITHUB_WEBHOOK_SECRET and TEMPORAL_* from the environment; the repositories it serves
// from the worker policy (BLUEGREEN_WORKER_POLICY), and keeps handled delivery ids in
// BLUEGREEN_WEBHOOK_STATE_FILE when set, so a restart opens no replay window.
import { loadWorkerPolicy } from '../../worker/policy.js';
import { startWebhookServer } from '../../webhook/server.js';
import { badInput, EXIT } from '../errors.js';
import { connectCli, type ConnectionFlags } from '../temporal-client.js';

export interface WebhookOptions extends ConnectionFlags {
  port: number;
  host: string;
}

export async function webhook(options: WebhookOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const secret = env['GITHUB_WEBHOOK_SECRET']?.trim();
  if (!secret)
    throw badInput("GITHUB_WEBHOOK_SECRET is not set: use the secret of the repository's webhook (Settings → Webhooks)");
  const { policy } = await loadWorkerPolicy(env);
  const stateFile = env['BLUEGREEN_WEBHOOK_STATE_FILE']?.trim();
  const cli = await connectCli(options, env);
  const receiver = await startWebhookServer({
    secret,
    client: cli.client,
    port: options.port,
    host: options.host,
    repositories: policy.github.repositories,
    ...(stateFile ? { stateFile } : {}),
  });
  console.error(
    `bluegreen webhook: listening on ${receiver.url} for workflow_run events of ${policy.github.repositories.join(', ')}; signalling deployments in ${cli.address} (namespace ${cli.namespace})`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await receiver.close();
  await cli.close();
  return EXIT.SUCCEEDED;
}
