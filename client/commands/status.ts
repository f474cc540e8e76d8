// `bluegreen status <service> [--watch] [--json]`: the phase list of the current or last
// deployment; the exit code tells its outcome (0 while it runs).
import { exitCodeForOutcome, EXIT } from '../errors.js';
import { withDeployment } from '../deployment-handle.js';
import { renderPhaseList } from '../render.js';
import { webUiUrl } from '../temporal-client.js';
import { watchDeployment } from '../watch.js';

export interface StatusOptions {
  watch?: boolean;
  json?: boolean;
}

export async function status(service: string, options: StatusOptions): Promise<number> {
  return withDeployment(service, async (cli, snapshot) => {
    const ui = webUiUrl(cli.address, cli.namespace, snapshot.handle.workflowId);
    if (options.watch && snapshot.running) {
      const final = await watchDeployment(snapshot.handle, {
        json: options.json === true,
        footer: [`Web UI: ${ui}`],
        taskQueue: snapshot.taskQueue,
      });
      return exitCodeForOutcome(final.outcome ?? 'FAILED');
    }
    if (options.json) console.log(JSON.stringify(snapshot.status));
    else
      console.log(
        renderPhaseList(snapshot.status, {
          color: process.stdout.isTTY === true && !process.env['NO_COLOR'],
          footer: [`Web UI: ${ui}`],
        }),
      );
    return snapshot.status.outcome ? exitCodeForOutcome(snapshot.status.outcome) : EXIT.RUNNING;
  });
}
