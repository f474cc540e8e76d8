// Preflight of the Temporal side: reachable, the namespace, bluegreen's search attributes, and a
// worker polling the deployment's task queue.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes.js';
import { namespaceExists, searchAttributeState } from '../../config/temporal-namespace.js';
import { EXIT } from '../errors.js';
import { connectCli, type CliClient, type ConnectionFlags } from '../temporal-client.js';
import { fail, firstLine, pass, unknown, type CheckResult } from './check.js';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** A poller seen within the long-poll window (about a minute) is a live worker. */
const LIVE_POLLER_MS = 90_000;

export interface TemporalCheckOptions {
  taskQueue: string;
  service: string;
  env: NodeJS.ProcessEnv;
  /** `--address`, `--namespace`, `--env`, `--profile`, with the Temporal CLI's meaning. */
  flags?: ConnectionFlags;
  /** A connection the caller already made (deploy): used as it is, and left open. */
  connected?: CliClient;
}

export async function temporalChecks(options: TemporalCheckOptions): Promise<CheckResult[]> {
  const { taskQueue, service } = options;
  let cli: CliClient;
  if (options.connected) cli = options.connected;
  else
    try {
      cli = await connectCli(options.flags ?? {}, options.env, { requireNamespace: false });
    } catch (err) {
      const code = (err as { exitCode?: unknown }).exitCode;
      return [
        fail(
          'Temporal reachable',
          firstLine(err),
          'start Temporal or pass --address/--namespace (or set TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) for the server the workers use',
          typeof code === 'number' ? code : EXIT.TEMPORAL_UNREACHABLE,
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
          '`bluegreen setup` creates it (or pass --namespace / set TEMPORAL_NAMESPACE to one that exists)',
          EXIT.BAD_INPUT,
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
          'run `bluegreen setup` (same Temporal settings) to register them',
          EXIT.BAD_INPUT,
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
        'check the Temporal settings and that this identity may describe the namespace',
        EXIT.TEMPORAL_UNREACHABLE,
      ),
    );
  } finally {
    if (!options.connected) await cli.close();
  }
  return checks;
}

async function workerCheck(client: CliClient['client'], namespace: string, taskQueue: string): Promise<CheckResult> {
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
      EXIT.TEMPORAL_UNREACHABLE,
    );
  return pass(what, `${live.length} poller${live.length === 1 ? '' : 's'} (${live.map((p) => p.identity).join(', ')})`);
}
