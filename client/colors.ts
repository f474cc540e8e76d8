// Both colors of a service from its deployments: the one shown and the earlier ones Temporal
// keeps (their final statuses, read from history: no worker needed).
import type { Client } from '@temporalio/client';
import type { DeploymentStatus } from '../contract/types.js';
import { colorsSideBySide, type ColorsView } from '../views/colors.js';
import { readDeployments } from './deployment-rows.js';

/** Earlier deployments read: enough to get past a few aborted ones to the last that moved traffic. */
const EARLIER = 10;

export async function readColors(client: Client, current: DeploymentStatus): Promise<ColorsView | undefined> {
  const earlier = await readDeployments(client, { service: current.service, completed: true, limit: EARLIER }).catch(() => []);
  const statuses = earlier
    .flatMap((e) => (e.status && e.status.deploymentId !== current.deploymentId ? [e.status] : []))
    .filter((s) => s.startedAt <= current.startedAt)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return colorsSideBySide([current, ...statuses]);
}
