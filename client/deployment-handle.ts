// Finds a service's deployment and reads its status, whether it is running (query) or
// finished (its result, read from history: no worker needed).
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { blueGreenDeployment } from '../workflows/blue-green-deployment.js';
import { statusQuery, workflowIdFor } from '../workflows/messages.js';
import type { DeploymentStatus } from '../workflows/types.js';
import { ExitError, EXIT } from './errors.js';

export type DeploymentHandle = WorkflowHandle<typeof blueGreenDeployment>;

export interface DeploymentSnapshot {
  handle: DeploymentHandle;
  running: boolean;
  status: DeploymentStatus;
}

export async function findDeployment(client: Client, service: string): Promise<DeploymentSnapshot> {
  const handle = client.workflow.getHandle<typeof blueGreenDeployment>(workflowIdFor(service));
  let running: boolean;
  try {
    const description = await handle.describe();
    running = description.status.name === 'RUNNING';
    if (!running && description.status.name !== 'COMPLETED') {
      throw new ExitError(
        `the last deployment of ${service} ended ${description.status.name.toLowerCase()} without a result; see it in the Web UI`,
        EXIT.FAILED,
      );
    }
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new ExitError(`no deployment of "${service}" found (workflow id ${workflowIdFor(service)})`, EXIT.REFUSED);
    }
    throw err;
  }
  const status = running ? await handle.query(statusQuery) : await handle.result();
  return { handle, running, status };
}

/** Polls the status until the deployment ends, calling `onStatus` on every reading. */
export async function followDeployment(
  handle: DeploymentHandle,
  onStatus: (status: DeploymentStatus) => void,
  intervalMs = 500,
): Promise<DeploymentStatus> {
  const result = handle.result();
  let settled: { status: DeploymentStatus } | { error: unknown } | undefined;
  result.then(
    (status) => (settled = { status }),
    (error: unknown) => (settled = { error }),
  );
  while (!settled) {
    try {
      onStatus(await handle.query(statusQuery));
    } catch {
      // The workflow may have just closed between two readings; the result below settles it.
    }
    await Promise.race([new Promise((r) => setTimeout(r, intervalMs)), result.catch(() => undefined)]);
  }
  const final = settled as { status: DeploymentStatus } | { error: unknown };
  if ('error' in final) throw final.error;
  onStatus(final.status);
  return final.status;
}
