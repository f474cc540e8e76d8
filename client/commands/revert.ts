// `bluegreen revert <service> --reason "…"`: bring back what a SUCCEEDED deployment replaced.
// During its bake window the deployment is still running: revert is its instant rollback.
// After it ended, a revert deployment starts (workflow id bluegreen-<service> like any other,
// so it is exclusive, recorded and in `history`), built from the last deployment's own plan
// (its workflow input, read from history) and final status (its result): revert-plan.ts.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { probeColor } from '../../activities/http-probe.js';
import { workflowIdFor } from '../../contract/messages.js';
import * as messages from '../../contract/messages.js';
import type { DeploymentPlan } from '../../contract/types.js';
import { QUERY_TIMEOUT_MS, withDeployment, type DeploymentHandle } from '../deployment-handle.js';
import { EXIT, ExitError, exitCodeForOutcome, refused } from '../errors.js';
import { revertPlanFor } from '../revert-plan.js';
import { DeploymentBusyError, startDeployment } from '../start-deployment.js';
import { uiEnv, webUiUrl, type ConnectionFlags } from '../temporal-client.js';
import { watchDeployment } from '../watch.js';
import { bluegreenCommand } from '../../contract/commands.js';

export interface RevertOptions extends ConnectionFlags {
  by: string;
  reason: string;
  wait?: boolean;
  dryRun?: boolean;
  json?: boolean;
  /** Base of the Web UI links (`--ui-url`). */
  uiUrl?: string;
}

export async function revert(service: string, options: RevertOptions): Promise<number> {
  return withDeployment(
    service,
    async (cli, snapshot) => {
      const { status } = snapshot;
      const ui = (id: string) => webUiUrl(cli.address, cli.namespace, id, uiEnv(options));
      if (snapshot.running) {
        if (status.phase !== 'bake') {
          throw refused(
            `${status.deploymentId} of ${service} is still running (phase ${status.phase}): use \`${bluegreenCommand('rollback', service)}\` once traffic moved, or \`${bluegreenCommand('abort', service)}\` before`,
          );
        }
        if (options.dryRun) {
          console.log(
            `dry run: ${status.deploymentId} is baking: revert would switch traffic back to ${status.activeColor} at once`,
          );
          return EXIT.SUCCEEDED;
        }
        await rollbackDuringBake(cli.client, snapshot.handle, options);
        console.log(
          `${status.deploymentId} is in its bake window: instant rollback to ${status.activeColor} by ${options.by} counted ("${options.reason}")`,
        );
        if (!options.wait) return EXIT.SUCCEEDED;
        const final = await watchDeployment(snapshot.handle, { json: options.json === true, taskQueue: snapshot.taskQueue });
        // The revert worked when the baking deployment ended rolled back.
        return final.outcome === 'ROLLED_BACK' ? EXIT.SUCCEEDED : exitCodeForOutcome(final.outcome ?? 'FAILED');
      }

      const last = await planOf(cli.client, snapshot.handle);
      const decision = revertPlanFor(status, last, { by: options.by, reason: options.reason });
      if (!decision.ok) throw refused(decision.message);
      const { plan } = decision;
      const live = await probeColor(plan.publicUrl + plan.colorPath, 5000);
      if (live.ok && live.value === plan.revert!.color) {
        throw refused(`traffic of ${service} is already on ${live.value}: there is nothing to revert`);
      }
      if (options.dryRun) {
        console.log(options.json ? JSON.stringify({ plan, summary: decision.summary }, null, 2) : `dry run: ${decision.summary}`);
        return EXIT.SUCCEEDED;
      }
      const handle = await startDeployment(cli.client, plan, {
        taskQueue: snapshot.taskQueue,
        summaryHint: { ...(live.ok ? { activeColor: live.value } : {}), ...(plan.revert?.sha ? { sha: plan.revert.sha } : {}) },
      }).catch((err: unknown) => {
        if (err instanceof DeploymentBusyError) throw refused(`${service}: ${err.message}`);
        throw err;
      });
      if (options.json && !options.wait) {
        console.log(
          JSON.stringify({ workflowId: handle.workflowId, deploymentId: plan.deploymentId, webUi: ui(handle.workflowId) }),
        );
      } else if (!options.json) {
        console.log(`started ${plan.deploymentId}: ${decision.summary}`);
        if (!options.wait)
          console.log(`follow it:  ${bluegreenCommand('status', service, '--watch')}\nWeb UI:     ${ui(workflowIdFor(service))}`);
      }
      if (!options.wait) return EXIT.RUNNING;
      const final = await watchDeployment(handle, {
        json: options.json === true,
        footer: [`Web UI: ${ui(handle.workflowId)}`],
        taskQueue: snapshot.taskQueue,
      });
      return exitCodeForOutcome(final.outcome ?? 'FAILED');
    },
    options,
  );
}

async function rollbackDuringBake(client: Client, handle: DeploymentHandle, options: RevertOptions): Promise<void> {
  let result: messages.DecisionResult;
  try {
    result = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
      handle.executeUpdate(messages.rollbackUpdate, { args: [{ by: options.by, reason: `revert: ${options.reason}` }] }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw refused(`revert refused: ${err.cause?.message ?? err.message}`);
    throw new ExitError(
      `no answer to the rollback within ${QUERY_TIMEOUT_MS / 1000}s: is a worker running?`,
      EXIT.TEMPORAL_UNREACHABLE,
    );
  }
  if (!result.accepted) throw refused(`revert refused: ${result.message}`);
}

/** The plan a finished deployment started with: its workflow input, decoded like any payload (codec included). */
async function planOf(client: Client, handle: DeploymentHandle): Promise<DeploymentPlan> {
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const [plan] = await decodeArrayFromPayloads(client.options.loadedDataConverter, started?.input?.payloads);
  if (plan === null || typeof plan !== 'object' || !('service' in plan)) {
    throw new ExitError(`cannot read the plan of the last deployment (workflow ${handle.workflowId})`, EXIT.INTERNAL);
  }
  return plan as DeploymentPlan;
}
