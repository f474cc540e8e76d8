// `bluegreen status <service> [--watch] [--json] [--web]`: the phase list of the current or last
// deployment and both colors side by side; the exit code tells its outcome (0 while it runs).
import { workflowIdFor } from '../../contract/messages.js';
import { readColors } from '../colors.js';
import { assertServiceKnown } from '../deployment-rows.js';
import { colorTableLines } from '../render-colors.js';
import { exitCodeForOutcome, EXIT } from '../errors.js';
import { withDeployment } from '../deployment-handle.js';
import { openInBrowser } from '../open-browser.js';
import { renderPhaseList } from '../render.js';
import { connectCli, uiEnv, webUiUrl, type ConnectionFlags } from '../temporal-client.js';
import { watchDeployment } from '../watch.js';

export interface StatusOptions extends ConnectionFlags {
  watch?: boolean;
  json?: boolean;
  /** Open the deployment in the Web UI instead of printing its status. */
  web?: boolean;
  uiUrl?: string;
}

export async function status(service: string, options: StatusOptions): Promise<number> {
  if (options.web) return openWeb(service, options);
  return withDeployment(
    service,
    async (cli, snapshot) => {
      const ui = webUiUrl(cli.address, cli.namespace, snapshot.handle.workflowId, uiEnv(options));
      if (options.watch && snapshot.running) {
        const final = await watchDeployment(snapshot.handle, {
          json: options.json === true,
          footer: [`Web UI: ${ui}`],
          taskQueue: snapshot.taskQueue,
        });
        return exitCodeForOutcome(final.outcome ?? 'FAILED');
      }
      // Both colors: this deployment's status and the earlier ones of the service.
      const colors = await readColors(cli.client, snapshot.status);
      const tty = process.stdout.isTTY === true;
      if (options.json) console.log(JSON.stringify(colors ? { ...snapshot.status, colors } : snapshot.status));
      else
        console.log(
          renderPhaseList(snapshot.status, {
            color: tty && !process.env['NO_COLOR'],
            footer: [`Web UI: ${ui}`],
            ...(colors ? { colors: colorTableLines(colors, { tty, current: snapshot.status.deploymentId }) } : {}),
          }),
        );
      return snapshot.status.outcome ? exitCodeForOutcome(snapshot.status.outcome) : EXIT.RUNNING;
    },
    options,
  );
}

/** The page of the service's deployment: printed, and handed to a browser when one can be started. */
async function openWeb(service: string, options: StatusOptions): Promise<number> {
  const cli = await connectCli(options);
  try {
    await assertServiceKnown(cli.client, service);
    const url = webUiUrl(cli.address, cli.namespace, workflowIdFor(service), uiEnv(options));
    console.log(url);
    const opened = await openInBrowser(url);
    console.error(opened ? `opening ${url} in your browser` : 'no browser to open it with: the address is above');
    return EXIT.SUCCEEDED;
  } finally {
    await cli.close();
  }
}
