// The Temporal server goes away. A private dev server (its own ports and
// SQLite file) is killed mid-deployment and started again on the same file; the worker process
// that was running reconnects by itself and the deployment completes as if nothing happened.
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab } from '../lab/index.js';
import type { blueGreenDeployment } from '../workflows/blue-green-deployment.js';
import * as messages from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { labPlan, taskQueueFor, waitingForApproval } from './support/harness.js';
import { expectSwitchedToGreenOnce } from './support/lab-deployments.js';
import {
  DevServer,
  historyWork,
  identityOf,
  killStartedProcesses,
  runIsPolled,
  spawnWorker,
  tempDir,
  until,
} from './support/processes.js';
import { finalStatus } from './support/final-status.js';

let lab: Lab | undefined;
let connection: Connection | undefined;

afterEach(async () => {
  await connection?.close().catch(() => undefined);
  connection = undefined;
  await killStartedProcesses();
  await lab?.close();
  lab = undefined;
});

/** The status, asked again while the server is coming back (a query fails when it is down). */
async function statusWhen(
  handle: WorkflowHandle<typeof blueGreenDeployment>,
  predicate: (s: DeploymentStatus) => boolean,
  timeoutMs = 60_000,
): Promise<DeploymentStatus> {
  let last: DeploymentStatus | undefined;
  return until(
    `a status that matches (last: ${JSON.stringify(last?.phase)})`,
    async () => {
      last = await handle.query(messages.statusQuery).catch(() => undefined);
      return last && predicate(last) ? last : undefined;
    },
    timeoutMs,
  );
}

describe('the Temporal server killed mid-deployment and started again on the same database', () => {
  it(
    'SIGKILL during the deploy run, SIGTERM while waiting for approval: SUCCEEDED, one dispatch each, same worker process',
    { timeout: 180_000 },
    async () => {
      const server = await DevServer.start({ dbFile: join(tempDir('bluegreen-temporal-'), 'temporal.db') });
      lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
      lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 4000 });
      const taskQueue = taskQueueFor('server-restart');
      const worker = await spawnWorker({ taskQueue, temporalAddress: server.address, githubToken: lab.token });
      connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection, namespace: 'default' });
      const plan = labPlan(lab, 'svc-server-restart', {
        timeouts: { heartbeat: '2s' },
        verify: { interval: '100ms' },
        monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
      });
      const handle = await startDeployment(client, plan, { taskQueue });

      // 1. A crash while the worker waits on the deploy run: the run ends while Temporal is down.
      await until('the deploy run to be polled', () => runIsPolled(lab!, 'deploy-green.yml'));
      const crash = await server.stop('SIGKILL');
      expect(crash?.signal).toBe('SIGKILL');
      await until(
        'the deploy run to end while Temporal is down',
        () => lab!.github.runs.find((r) => r.headBranch === 'green')?.status === 'completed',
        10_000,
      );
      await server.start();

      // 2. A clean shutdown while the deployment waits for QA; the approval comes after.
      const waiting = await statusWhen(handle, waitingForApproval);
      expect(waiting.phases.find((p) => p.name === 'deploy')?.state).toBe('succeeded');
      await server.stop('SIGTERM');
      await server.start();
      await until('the approval to be accepted', () =>
        handle.signal(messages.approveSignal, { by: 'alice' }).then(
          () => true,
          () => false,
        ),
      );

      const result = await finalStatus(handle);
      expect(result.outcome, result.error).toBe('SUCCEEDED');
      expectSwitchedToGreenOnce(expect, lab);
      // One GitHub Deployment record, each of its statuses once: a status write retried across a
      // restart reads the statuses first and does not post its own again.
      expect(lab.github.deployments).toHaveLength(1);
      const statuses = lab.github.deployments[0]!.statuses.map((s) => `${s.state}: ${s.description}`);
      expect(statuses[0]).toMatch(/^success: /);
      expect(statuses, 'a status posted twice').toEqual([...new Set(statuses)]);
      // The worker never died: it reconnected to the restarted server on its own (a completion
      // reported while the server was down is retried by the SDK; if the heartbeat timeout fired
      // meanwhile, the retried waitForWorkflowRun just reads the finished run again).
      expect(worker.running, worker.tail()).toBe(true);
      expect([...(await historyWork(handle)).identities]).toEqual([identityOf(worker)]);
    },
  );
});
