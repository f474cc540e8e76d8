// `bluegreen status <service> [--watch] [--json]`
import { exitCodeForOutcome, EXIT } from '../errors.js';
import { findDeployment } from '../deployment-handle.js';
import { renderPhaseList } from '../render.js';
import { connectCli, webUiUrl } from '../temporal-client.js';
import { watchDeployment } from '../watch.js';

export interface StatusOptions {
  watch: boolean;
  json: boolean;
}

export async function status(service: string, options: StatusOptions): Promise<number> {
  const cli = await connectCli();
  try {
    const snapshot = await findDeployment(cli.client, service);
    if (options.watch && snapshot.running) {
      const final = await watchDeployment(snapshot.handle, { json: options.json });
      return exitCodeForOutcome(final.outcome ?? 'FAILED');
    }
    if (options.json) console.log(JSON.stringify(snapshot.status));
    else console.log(`${renderPhaseList(snapshot.status)}\n\nWeb UI: ${webUiUrl(cli.address, cli.namespace, snapshot.handle.workflowId)}`);
    return snapshot.status.outcome ? exitCodeForOutcome(snapshot.status.outcome) : EXIT.RUNNING;
  } finally {
    await cli.close();
  }
}
