// A release train whose worker dies between two switches: three services on the lab (web after
// api, worker independent), the bluegreen worker a process of its own, SIGKILLed once api has
// switched and answers green while web's switch run waits in GitHub's queue (and, going back, once
// web is back on blue while api's switch back waits there), then replaced. The train ends as it
// would have without the kill: every service's deploy and switch dispatched once each way, each
// router moved once each way.
import type { WorkflowHandle } from '@temporalio/client';
import { describe, type ExpectStatic } from 'vitest';
import * as messages from '../contract/messages.js';
import { trainStatusQuery } from '../contract/train-messages.js';
import type { TrainStatus } from '../contract/train.js';
import type { releaseTrain } from '../workflows/release-train.js';
import { historyWork, identityOf, runIsPolled, type ManagedProcess } from './support/processes.js';
import {
  expectEveryServiceBackWebFirst,
  finalTrain,
  it as base,
  moves,
  outcomes,
  publicColor,
  ROLES,
  startTrain,
  states,
  trainPlan,
  until,
  type Labs,
  type Role,
} from './support/train-lab.js';

/** A dead worker's activity is retried after the heartbeat timeout: seconds here, 20s by default. */
const FAST = { timeouts: { heartbeat: '2s' } };
/** A switch run that waits in GitHub's queue long enough to kill the worker while it does. */
const QUEUED_SWITCH = { queuedMs: 4_000, inProgressMs: 150 };

interface Scenario {
  labs: Labs;
  names: Record<Role, string>;
  handle: WorkflowHandle<typeof releaseTrain>;
  first: ManagedProcess;
  /** SIGKILLs the first worker (no chance to finish anything) and starts another; returns it. */
  killAndReplace(): Promise<ManagedProcess>;
}

const it = base.extend<{ scenario: (overrides?: Record<string, unknown>) => Promise<Scenario> }>({
  scenario: async ({ labs, client, taskQueue, spawnWorker }, use) => {
    await use(async (overrides = {}) => {
      const spawn = (label: string) => spawnWorker({ githubToken: labs.api.token, name: label });
      const first = await spawn('worker 1');
      const service = { ...FAST, ...overrides };
      const { plan, names } = trainPlan(labs, { api: service, web: service, worker: service });
      const handle = await startTrain(client, taskQueue, plan);
      return {
        labs,
        names,
        handle,
        first,
        killAndReplace: async () => {
          const exit = await first.kill('SIGKILL');
          if (exit.signal !== 'SIGKILL') throw new Error(`worker 1 was not killed: ${JSON.stringify(exit)}`);
          return spawn('worker 2');
        },
      };
    });
  },
});

const status = (s: Scenario): Promise<TrainStatus> => s.handle.query(trainStatusQuery);

async function approveAtTheGate(s: Scenario): Promise<void> {
  await until(
    () => status(s),
    (t) => t.phase === 'approval' || !!t.outcome,
    'the train gate',
  );
  await s.handle.signal(messages.approveSignal, { by: 'qa-lead' });
}

/** Only the lab routers' real moves (a switch to the color already active changes nothing). */

/** Both workers ran the train; the second finished it. */
async function expectTakenOver(expect: ExpectStatic, s: Scenario, second: ManagedProcess) {
  const work = await historyWork(s.handle);
  expect([...work.identities].sort()).toEqual([identityOf(s.first), identityOf(second)].sort());
  expect(work.lastIdentity).toBe(identityOf(second));
}

// Per test: a test of `test.extend` does not take the timeout of its describe block (vitest 3.2).
const SLOW = { timeout: 120_000 };

describe.concurrent('a release train whose worker process is SIGKILLed between two switches, then replaced', () => {
  it(
    'after api switched, before web switched: SUCCEEDED, one deploy and one switch per service',
    SLOW,
    async ({ scenario, expect }) => {
      const s = await scenario();
      const { labs, names } = s;
      labs.web.github.setWorkflowBehavior('dns-update.yml', QUEUED_SWITCH);
      await approveAtTheGate(s);
      // web's switch is dispatched only once api answers green on its public endpoint.
      await until(() => runIsPolled(labs.web, 'dns-update.yml'), Boolean, "web's switch run waiting in the queue");
      const atKill = await status(s);
      expect(states(atKill, names).web).toBe('switching');
      expect(['switched', 'monitored']).toContain(states(atKill, names).api);
      expect(moves(labs, 'api')).toEqual(['green']);
      expect(moves(labs, 'web')).toEqual([]);
      const second = await s.killAndReplace();
      const end = await finalTrain(s.handle);
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
      await expectTakenOver(expect, s, second);
    },
  );

  it(
    'going back, after web is back on blue, before api went back: ROLLED_BACK, each service switched back once',
    SLOW,
    async ({ scenario, expect }) => {
      const s = await scenario({ monitor: { duration: '30s', interval: '100ms', failureThreshold: 3 } });
      const { labs, names } = s;
      await approveAtTheGate(s);
      await until(
        () => Promise.all(ROLES.map((r) => publicColor(labs[r]))),
        (colors) => colors.every((c) => c === 'green'),
        'every service on green',
      );
      // api's switch back waits in the queue; its new color fails its health checks.
      labs.api.github.setWorkflowBehavior('dns-update.yml', QUEUED_SWITCH);
      labs.api.apps.setHealthy('green', false);
      await until(() => runIsPolled(labs.api, 'dns-update.yml', 2), Boolean, "api's switch back waiting in the queue");
      expect(moves(labs, 'web')).toEqual(['green', 'blue']);
      expect(moves(labs, 'api')).toEqual(['green']);
      const second = await s.killAndReplace();
      const end = await finalTrain(s.handle);
      expect(end.outcome, end.error).toBe('ROLLED_BACK');
      expect(end.error).toContain(names.api);
      expect(outcomes(end, names)).toEqual({ api: 'ROLLED_BACK', web: 'ROLLED_BACK', worker: 'ROLLED_BACK' });
      await expectEveryServiceBackWebFirst(labs);
      await expectTakenOver(expect, s, second);
    },
  );
});
