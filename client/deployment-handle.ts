// Finds a service's deployment and reads its status, whether it is running (query, answered
// by a worker) or finished (its result, read from history: no worker needed). A running
// deployment whose worker is gone is said so in one sentence instead of hanging on the query.
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { blueGreenDeployment } from '../workflows/blue-green-deployment.js';
import { statusQuery, workflowIdFor } from '../contract/messages.js';
import { BlueGreenPhase } from '../contract/search-attributes.js';
import type { DeploymentStatus } from '../contract/types.js';
import { EXIT, ExitError, notFound } from './errors.js';
import { withLiveAnalysis } from './live-analysis.js';
import { currentShape } from './status-shape.js';
import { connectCli, type CliClient, type ConnectionFlags } from './temporal-client.js';
import { finalStatus } from './final-status.js';
import { bluegreenCommand } from '../contract/commands.js';

export type DeploymentHandle = WorkflowHandle<typeof blueGreenDeployment>;

export interface DeploymentSnapshot {
  handle: DeploymentHandle;
  running: boolean;
  status: DeploymentStatus;
  /** Task queue the deployment's workers serve. */
  taskQueue: string;
}

/** The status query's answer and the result, in the shape this CLI knows (an older worker's converted). */
const queried = (handle: DeploymentHandle) => handle.query(statusQuery).then(currentShape);
// A deployment that did not succeed ends as a failed workflow carrying its status (client/final-status.ts).
const resultOf = (handle: DeploymentHandle) => finalStatus(handle).then(currentShape);

/** How long a worker gets to answer the status query before we explain why it did not. */
export const QUERY_TIMEOUT_MS = 10_000;

export async function findDeployment(client: Client, service: string): Promise<DeploymentSnapshot> {
  const workflowId = workflowIdFor(service);
  const handle = client.workflow.getHandle<typeof blueGreenDeployment>(workflowId);
  let description: Awaited<ReturnType<DeploymentHandle['describe']>>;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(service);
    throw err;
  }
  const statusName = description.status.name;
  const taskQueue = description.taskQueue;
  if (statusName === 'RUNNING') {
    const status = await queryStatus(client, handle, taskQueue, description.typedSearchAttributes.get(BlueGreenPhase));
    return { handle, running: true, status: await withLiveAnalysis(handle, status), taskQueue };
  }
  // FAILED: ROLLED_BACK, ABORTED or FAILED with the status in the failure, or a failure of another kind.
  const final = statusName === 'COMPLETED' || statusName === 'FAILED' ? await resultOf(handle).catch(() => undefined) : undefined;
  if (!final) {
    // Terminated, cancelled, timed out or failed by hand: there is no final status to show.
    throw new ExitError(
      `the last deployment of ${service} was ${statusName.toLowerCase().replace(/_/g, ' ')} in Temporal, so it has no final status; ` +
        `see its history in the Web UI (workflow id ${workflowId})`,
      EXIT.FAILED,
    );
  }
  return { handle, running: false, status: final, taskQueue };
}

/** Connects, finds the deployment of `service` and runs `work` on it; the connection is closed after, whatever happens. */
export async function withDeployment<T>(
  service: string,
  work: (cli: CliClient, snapshot: DeploymentSnapshot) => Promise<T>,
  flags: ConnectionFlags = {},
): Promise<T> {
  const cli = await connectCli(flags);
  try {
    return await work(cli, await findDeployment(cli.client, service));
  } finally {
    await cli.close();
  }
}

/** The status query, bounded: a deployment nobody serves gets an answer naming its task queue. */
export async function queryStatus(
  client: Client,
  handle: DeploymentHandle,
  taskQueue: string,
  phase?: string,
  timeoutMs = QUERY_TIMEOUT_MS,
): Promise<DeploymentStatus> {
  if (!(await hasLiveWorker(client, taskQueue))) throw noWorker(handle.workflowId, taskQueue, phase);
  try {
    return await client.withDeadline(Date.now() + timeoutMs, () => queried(handle));
  } catch (err) {
    // The workflow may have ended between describe and query: its result is the status then.
    const now = await handle.describe().catch(() => undefined);
    if (now && (now.status.name === 'COMPLETED' || now.status.name === 'FAILED')) return resultOf(handle);
    if (now && now.status.name === 'RUNNING') throw noWorker(handle.workflowId, taskQueue, phase, timeoutMs);
    throw err;
  }
}

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

const noWorker = (workflowId: string, taskQueue: string, phase: string | undefined, waitedMs?: number) =>
  new ExitError(
    `${workflowId} is running${phase ? ` (phase ${phase})` : ''} but ` +
      (waitedMs ? `no worker answered within ${waitedMs / 1000}s` : 'no worker is polling its task queue') +
      ` "${taskQueue}": start one with \`${bluegreenCommand('worker', taskQueue === 'bluegreen' ? '' : `--task-queue ${taskQueue}`)}\``,
    EXIT.TEMPORAL_UNREACHABLE,
  );

/**
 * Whether a worker polled the task queue recently. A dead worker stays listed for a few
 * minutes, so only pollers seen within the long-poll window (about a minute) count.
 * When the server cannot say, assume there is one and let the bounded query decide.
 */
async function hasLiveWorker(client: Client, taskQueue: string): Promise<boolean> {
  try {
    const answer = await client.withDeadline(Date.now() + 5_000, () =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    const recent = Date.now() - 90_000;
    return (answer.pollers ?? []).some((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return seconds === 0 || seconds * 1000 >= recent;
    });
  } catch {
    return true;
  }
}

export interface FollowOptions {
  /** Between two readings. @default 500 */
  intervalMs?: number;
  /** Rejects to stop following (Ctrl-C); its error is thrown. */
  stopped?: Promise<never>;
  /** A reading failed (no worker, network): `sinceMs` since the last good one. */
  onQueryError?: (err: unknown, sinceMs: number) => void;
}

/** Polls the status until the deployment ends, calling `onStatus` on every reading. */
export async function followDeployment(
  handle: DeploymentHandle,
  onStatus: (status: DeploymentStatus) => void,
  intervalOrOptions: number | FollowOptions = {},
): Promise<DeploymentStatus> {
  const options = typeof intervalOrOptions === 'number' ? { intervalMs: intervalOrOptions } : intervalOrOptions;
  const intervalMs = options.intervalMs ?? 500;
  // Stopping must cancel the long poll behind result(): a closed connection lets in-flight
  // calls go on, and they would keep the process alive after Ctrl-C.
  const abort = new AbortController();
  options.stopped?.catch(() => abort.abort());
  const result = handle.client.withAbortSignal(abort.signal, () => resultOf(handle));
  let settled: { status: DeploymentStatus } | { error: unknown } | undefined;
  result.then(
    (status) => (settled = { status }),
    (error: unknown) => (settled = { error }),
  );
  const stopped = options.stopped ?? new Promise<never>(() => undefined);
  let lastGood = Date.now();
  try {
    while (!settled) {
      try {
        const reading = handle.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => queried(handle));
        onStatus(await Promise.race([reading.then((status) => withLiveAnalysis(handle, status)), stopped]));
        lastGood = Date.now();
      } catch (err) {
        if (err instanceof ExitError) throw err;
        // The workflow may have just closed between two readings (the result settles it), or
        // its worker is away: say so and keep following, the deployment waits for it.
        if (!settled) options.onQueryError?.(err, Date.now() - lastGood);
      }
      await Promise.race([new Promise((r) => setTimeout(r, intervalMs)), result.catch(() => undefined), stopped]);
    }
  } finally {
    if (!settled) abort.abort();
  }
  const final = settled as { status: DeploymentStatus } | { error: unknown };
  if ('error' in final) throw final.error;
  onStatus(final.status);
  return final.status;
}
