// A release train whose Temporal server goes away: three services on the lab (web after api,
// worker independent) on a private dev server (its own ports and SQLite file) served by a
// `bluegreen worker` process. The server is SIGKILLed while api's and worker's deploy runs are in
// progress (they end while it is down) and shut down cleanly while the train waits for its
// approval, each time started again on the same file. The same worker process reconnects by
// itself and the train ends as it would have: every service on green, each deploy, switch and
// sync dispatched once, each router moved once; the only activities retried are the wait on a run
// that ended while the server was down (the retry reads the finished run) and a deployment status.
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { describe } from 'vitest';
import * as messages from '../contract/messages.js';
import { trainStatusQuery } from '../contract/train-messages.js';
import type { TrainStatus } from '../contract/train.js';
import type { Lab } from '../lab/index.js';
import type { releaseTrain } from '../workflows/release-train.js';
import { DevServer, historyWork, identityOf, runIsPolled, spawnWorker, tempDir } from './support/processes.js';
import {
  finalTrain,
  it,
  outcomes,
  publicColor,
  ROLES,
  startTrain,
  trainPlan,
  until,
  type Labs,
  type Role,
} from './support/train-lab.js';

/** An activity whose worker lost the server is retried after the heartbeat timeout: seconds here, 20s by default. */
const FAST = { timeouts: { heartbeat: '2s' } };
/** A deploy run in progress long enough for the server to be killed while it runs and to end while it is down. */
const HELD_DEPLOY = { queuedMs: 30, inProgressMs: 4_000 };
/** The services whose deploy runs are in progress when the server is killed (web deploys once api is ready). */
const FIRST_LEVEL: Role[] = ['api', 'worker'];

/** The train's status, asked again while the server comes back (a query fails while it is down). */
function statusWhen(handle: WorkflowHandle<typeof releaseTrain>, ok: (t: TrainStatus) => boolean, what: string) {
  return until(
    () => handle.query(trainStatusQuery).catch(() => undefined),
    (t): t is TrainStatus => t !== undefined && ok(t),
    what,
    60_000,
  ) as Promise<TrainStatus>;
}

/** The run of the first dispatch of `workflow` in `lab`, once it has completed. */
const runCompleted = (lab: Lab, workflow: string): boolean => {
  const dispatch = lab.github.dispatches.find((d) => d.workflow === workflow);
  return !!dispatch && lab.github.run(dispatch.runId)?.status === 'completed';
};

/** The activities a restart may retry: one reads a run again, the other posts a deployment status again. */
const RETRIED_ACROSS_A_RESTART = new Set(['waitForWorkflowRun', 'setGitHubDeploymentStatus']);

/** Only the lab routers' real moves (a switch to the color already active changes nothing). */
const moves = (labs: Labs, role: Role) => labs[role].router.switches.filter((sw) => sw.changed).map((sw) => sw.color);

describe('a release train whose Temporal server is killed and started again on the same database', () => {
  it(
    'SIGKILL while the services deploy, SIGTERM at the train gate: SUCCEEDED, one deploy and one switch per service, same worker process',
    { timeout: 180_000 },
    async ({ labs, own, taskQueue, expect }) => {
      const server = own(await DevServer.start({ dbFile: join(tempDir('bluegreen-temporal-'), 'temporal.db') }));
      const worker = await spawnWorker({ taskQueue, temporalAddress: server.address, githubToken: labs.api.token });
      own({ stop: () => worker.kill('SIGKILL') });
      const connection = await Connection.connect({ address: server.address });
      own({ close: () => connection.close() });
      const client = new Client({ connection, namespace: 'default' });
      for (const role of FIRST_LEVEL) labs[role].github.setWorkflowBehavior('deploy-green.yml', HELD_DEPLOY);
      const { plan, names } = trainPlan(labs, { api: FAST, web: FAST, worker: FAST });
      const handle = await startTrain(client, taskQueue, plan);

      // 1. A crash while the worker waits on api's and worker's deploy runs; they end while Temporal is down.
      await until(
        () => FIRST_LEVEL.every((role) => runIsPolled(labs[role], 'deploy-green.yml')),
        Boolean,
        'the deploy runs of api and worker to be polled',
      );
      const crash = await server.stop('SIGKILL');
      expect(crash?.signal).toBe('SIGKILL');
      await until(
        () => FIRST_LEVEL.every((role) => runCompleted(labs[role], 'deploy-green.yml')),
        Boolean,
        'the deploy runs to end while Temporal is down',
        10_000,
      );
      await server.start();

      // 2. A clean shutdown while the train waits for its one approval; the approval comes after.
      const atGate = await statusWhen(handle, (t) => t.phase === 'approval' || !!t.outcome, 'the train gate');
      expect(atGate.phase, atGate.error).toBe('approval');
      expect(atGate.services.every((s) => s.state === 'ready')).toBe(true);
      await server.stop('SIGTERM');
      await server.start();
      await until(
        () =>
          handle.signal(messages.approveSignal, { by: 'qa-lead' }).then(
            () => true,
            () => false,
          ),
        Boolean,
        'the approval to be accepted',
      );

      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('SUCCEEDED');
      expect(outcomes(end, names)).toEqual({ api: 'SUCCEEDED', web: 'SUCCEEDED', worker: 'SUCCEEDED' });
      for (const role of ROLES) {
        const lab = labs[role];
        expect(await publicColor(lab), role).toBe('green');
        expect(lab.github.dispatchCount('deploy-green.yml'), role).toBe(1);
        expect(lab.github.dispatchCount('dns-update.yml'), role).toBe(1);
        expect(lab.github.dispatchCount('deploy-blue.yml'), role).toBe(1); // sync, once the whole train succeeded
        expect(moves(labs, role), role).toEqual(['green']);
      }
      // The worker never died: it reconnected to the restarted server on its own and ran the
      // train and every service to their ends.
      expect(worker.running, worker.tail()).toBe(true);
      const runs = [handle, ...end.services.map((s) => client.workflow.getHandle(s.workflowId))];
      for (const run of runs) {
        const work = await historyWork(run);
        expect([...work.identities], run.workflowId).toEqual([identityOf(worker)]);
        // Retried: the wait on a run that ended while the server was down (it reads the run again),
        // and a deployment status being posted as the server went down at the gate (when the first
        // attempt reached GitHub, the retry adds a duplicate status entry: harmless, GitHub keeps a list).
        expect(
          work.retried.filter((type) => !RETRIED_ACROSS_A_RESTART.has(type)),
          run.workflowId,
        ).toEqual([]);
      }
    },
  );
});
