// Preflight of the Temporal side: reachable, the namespace, bluegreen's search attributes, and a
// worker polling the deployment's task queue.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes.js';
import { namespaceExists, searchAttributeState } from '../../config/temporal-namespace.js';
import { connectCli } from '../temporal-client.js';
import { fail, firstLine, pass, unknown, type CheckResult } from './check.js';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** A poller seen within the long-poll window (about a minute) is a live worker. */
const LIVE_POLLER_MS = 90_000;

export async function temporalChecks(env: NodeJS.ProcessEnv, taskQueue: string, service: string): Promise<CheckResult[]> {
  let cli: Awaited<ReturnType<typeof connectCli>>;
  try {
    cli = await connectCli({}, env, { requireNamespace: false });
  } catch (err) {
    return [
      fail(
        'Temporal reachable',
        firstLine(err),
        'start Temporal or set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE) to the server the workers use',
      ),
    ];
  }
  const { client, namespace, address } = cli;
  const checks: CheckResult[] = [pass('Temporal reachable', address)];
  try {
    if (!(await namespaceExists(client.connection, namespace))) {
      checks.push(
        fail(
          `namespace ${namespace}`,
          'does not exist',
          '`bluegreen setup` creates it (or set TEMPORAL_NAMESPACE to one that exists)',
        ),
      );
      return checks;
    }
    checks.push(pass(`namespace ${namespace}`, 'exists'));
    const state = await searchAttributeState(client.connection, namespace);
    if (state === undefined)
      checks.push(unknown('search attributes', 'this connection may not list them (Temporal Cloud): could not tell'));
    else if (state.missing.length > 0 || state.wrongType.length > 0)
      checks.push(
        fail(
          'search attributes',
          [
            state.missing.length ? `missing ${state.missing.join(', ')}` : '',
            state.wrongType.length ? `not Keyword: ${state.wrongType.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; '),
          'run `bluegreen setup` (same TEMPORAL_* settings) to register them',
        ),
      );
    else checks.push(pass('search attributes', `${SEARCH_ATTRIBUTES.join(', ')} (Keyword)`));
    checks.push(await workerCheck(cli.client, namespace, taskQueue));
    checks.push(unknown(`worker policy covers ${service}`, 'not checked (a worker does not expose its policy)'));
  } catch (err) {
    checks.push(
      fail(
        `namespace ${namespace}`,
        firstLine(err),
        'check the TEMPORAL_* settings and that this identity may describe the namespace',
      ),
    );
  } finally {
    await cli.close();
  }
  return checks;
}

async function workerCheck(
  client: Awaited<ReturnType<typeof connectCli>>['client'],
  namespace: string,
  taskQueue: string,
): Promise<CheckResult> {
  const what = `worker polling task queue ${taskQueue}`;
  const answer = await client.withDeadline(Date.now() + 5_000, () =>
    client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    }),
  );
  const recent = Date.now() - LIVE_POLLER_MS;
  const live = (answer.pollers ?? []).filter((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return seconds === 0 || seconds * 1000 >= recent;
  });
  if (live.length === 0)
    return fail(
      what,
      'no worker polled it in the last 90 s',
      `start one: \`bluegreen worker --task-queue ${taskQueue}\` (with GITHUB_TOKEN or GITHUB_APP_*)`,
    );
  return pass(what, `${live.length} poller${live.length === 1 ? '' : 's'} (${live.map((p) => p.identity).join(', ')})`);
}
