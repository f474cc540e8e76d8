// The release train's decisions, fast: releaseTrain and its three child deployments (web after
// api, worker independent) on the time-skipping test server, every activity a recorded result.
// Which services switch and roll back, in which order, and how the train ends.
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { writeFile } from 'node:fs/promises';
import { describe, expect } from 'vitest';
import * as messages from '../contract/messages.js';
import { trainStatusQuery } from '../contract/train-messages.js';
import { TRAIN_WORKFLOW_TYPE, trainWorkflowIdFor, type TrainPlan, type TrainStatus } from '../contract/train.js';
import type { DeploymentStatus } from '../contract/types.js';
import type { releaseTrain } from '../workflows/release-train.js';
import { startDeployment } from '../client/start-deployment.js';
import { finalStatus } from '../client/final-status.js';
import { readTrainView, renderTrainView } from '../client/train-view.js';
import {
  it,
  planFor,
  recordedActivities,
  type ActivityName,
  type RecordedActivities,
  type TimeSkippingFixtures,
} from './support/time-skipping.js';

let trains = 0;

/** The order of what happened across the train: `<service> switch <color>`, `<service> rollback <color>`. */
type Journal = string[];

interface TrainRun {
  plan: TrainPlan;
  journal: Journal;
  handle: Awaited<ReturnType<typeof startTrain>>['handle'];
}

function trainPlan(
  name: string,
  services: { service: string; after?: string[]; config?: Record<string, unknown> }[],
  approvers = ['qa-lead'],
): TrainPlan {
  return {
    train: name,
    trainId: `${name}-1`,
    requestedBy: 'deployer',
    services: services.map((s) => {
      const plan = planFor(s.service, { approval: { required: true, approvers: ['qa-lead', 'alice'] }, ...s.config });
      return {
        service: s.service,
        after: s.after ?? [],
        plan: { ...plan, train: { name, workflowId: trainWorkflowIdFor(name), approval: 'train' as const } },
      };
    }),
    approval: { required: true, approvers, minApprovals: 1, timeoutMs: 86_400_000, perService: false },
    monitor: {},
    rollback: { automatic: true },
  };
}

async function startTrain(
  env: TimeSkippingFixtures['env'],
  worker: TimeSkippingFixtures['worker'],
  per: Record<string, Partial<RecordedActivities>> = {},
  configs: Record<string, Record<string, unknown>> = {},
) {
  const name = `tt-${++trains}-${Date.now() % 100_000}`;
  // (The recorded histories, test/histories/train-*.json, come from these runs: RECORD_TRAIN_HISTORIES=<commit>.)
  const names = { api: `${name}-api`, web: `${name}-web`, worker: `${name}-worker` };
  const plan = trainPlan(name, [
    { service: names.api, config: configs['api'] },
    { service: names.web, after: [names.api], config: configs['web'] },
    { service: names.worker, config: configs['worker'] },
  ]);
  const journal: Journal = [];
  for (const [role, service] of Object.entries(names)) {
    const recorded = { ...recordedActivities(), ...(per[role] ?? {}) } as Record<string, (input: unknown) => Promise<unknown>>;
    let previous: Promise<unknown> = Promise.resolve();
    worker.recordings.set(`bluegreen-${service}`, (activity: ActivityName, input: unknown) => {
      if (activity === 'sendNotification') journal.push(notified(role, input));
      if (activity === 'waitForPublicColor') journal.push(`${role} ${(input as { color: string }).color}`);
      if (activity === 'dispatchWorkflow') journal.push(`${role} dispatch`);
      const mine = previous.then(() => recorded[activity]!(input));
      previous = mine.catch(() => undefined);
      return mine;
    });
  }
  // The train's own activities (its notifications): recorded results too, in the same journal.
  const forTrain = { ...recordedActivities(), ...(per['train'] ?? {}) } as Record<string, (input: unknown) => Promise<unknown>>;
  worker.recordings.set(trainWorkflowIdFor(name), (activity: ActivityName, input: unknown) => {
    if (activity === 'sendNotification') journal.push(notified('train', input));
    return forTrain[activity]!(input);
  });
  const handle = await env.client.workflow.start<typeof releaseTrain>(TRAIN_WORKFLOW_TYPE, {
    workflowId: trainWorkflowIdFor(name),
    taskQueue: worker.taskQueue,
    args: [plan],
  });
  return { plan, journal, handle, names };
}

/** `<who> notifies <event> to <channel>` for the journal. */
const notified = (who: string, input: unknown) => {
  const { channel, event } = input as { channel: string; event: { type: string } };
  return `${who} notifies ${event.type} to ${channel}`;
};

async function statusWhen(handle: TrainRun['handle'], predicate: (s: TrainStatus) => boolean): Promise<TrainStatus> {
  let last: TrainStatus | undefined;
  for (let i = 0; i < 500; i++) {
    const now: TrainStatus = await handle.query(trainStatusQuery);
    last = now;
    if (predicate(now)) return now;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the train never got there: ${JSON.stringify(last)}`);
}

async function finalTrain(handle: TrainRun['handle']): Promise<TrainStatus> {
  try {
    return await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) {
      return err.cause.details?.[0] as TrainStatus;
    }
    throw err;
  }
}

/**
 * With RECORD_TRAIN_HISTORIES=<commit> set, keeps the histories of the train and of one service as
 * test/histories/train-<what>-<commit>.json, with the workflow id they replay under.
 */
async function recordHistories(env: TimeSkippingFixtures['env'], what: string, workflowIds: Record<string, string>) {
  const commit = process.env['RECORD_TRAIN_HISTORIES'];
  if (!commit) return;
  for (const [role, workflowId] of Object.entries(workflowIds)) {
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const file = new URL(`./histories/train-${what}-${role}-${commit}.json`, import.meta.url);
    await writeFile(file, `${JSON.stringify({ workflowId, ...(history as object) }, null, 1)}\n`);
  }
}

const outcomes = (s: TrainStatus) =>
  Object.fromEntries(s.services.map((x) => [x.service.replace(/^tt-\d+-\d+-/, ''), x.outcome]));

describe('release train', () => {
  it('deploys, holds, takes one approval, switches api before web, and succeeds as one', async ({ env, worker }) => {
    const { handle, journal, names } = await startTrain(env, worker);
    const gate = await statusWhen(handle, (s) => s.phase === 'approval');
    // Every service ready, with its SHA and its verify evidence, before anyone approves.
    expect(gate.services.map((s) => s.state)).toEqual(['ready', 'ready', 'ready']);
    expect(gate.services.every((s) => s.sha && s.verify)).toBe(true);
    // Not an approver of the train: refused at once, nothing moves.
    const refused = await handle.executeUpdate(messages.approveUpdate, { args: [{ by: 'mallory' }] }).catch((e: Error) => e);
    expect(String((refused as { cause?: Error }).cause?.message)).toMatch(/mallory is not on the approvers list/);
    await handle.signal(messages.approveSignal, { by: 'qa-lead' });
    const end = await finalTrain(handle);
    expect(end.outcome).toBe('SUCCEEDED');
    expect(outcomes(end)).toEqual({ api: 'SUCCEEDED', web: 'SUCCEEDED', worker: 'SUCCEEDED' });
    // api answered green before web was switched; each service dispatched its deploy once (and its sync).
    const switches = journal.filter((j) => j.endsWith('green'));
    expect(switches.indexOf('api green')).toBeLessThan(switches.indexOf('web green'));
    expect(journal.filter((j) => j === 'web dispatch')).toHaveLength(3); // deploy, switch, sync
    // The child records who approved it, on the train's gate.
    const web = (await env.client.workflow.getHandle(`bluegreen-${names.web}`).query(messages.statusQuery)) as DeploymentStatus;
    expect(web.approvals.map((a) => a.by)).toEqual(['qa-lead']);
    expect(web.phases.find((p) => p.name === 'hold')?.state).toBe('succeeded');
    // `bluegreen train status`: every service's phase, colors and SHA in one view.
    await recordHistories(env, 'succeeded', { parent: trainWorkflowIdFor(gate.train), service: `bluegreen-${names.web}` });
    const view = renderTrainView(await readTrainView(env.client, gate.train));
    expect(view).toContain(`release train ${gate.train}: SUCCEEDED`);
    expect(view).toMatch(new RegExp(`2 +${names.web} +done +done \\(SUCCEEDED\\) +blue → green +a1b2c3d +${names.api}`));
  });

  it('a monitor failure in api after web switched rolls back both, web first', async ({ env, worker }) => {
    // api fails once web switched and watched its window (no recorded activity in flight when the
    // train orders the rollbacks: a cancelled one trips the test server; the lab covers that).
    let webMonitored!: () => void;
    const monitored = new Promise<void>((resolve) => (webMonitored = resolve));
    const { handle, journal, names, plan } = await startTrain(env, worker, {
      web: {
        monitorChecks: async ({ durationMs, intervalMs }) => {
          setTimeout(webMonitored, 300);
          return { verdict: 'healthy', rounds: Math.max(1, Math.floor(durationMs / intervalMs)), failedRounds: 0, checks: [] };
        },
      },
      api: {
        monitorChecks: async () => {
          await monitored;
          return { verdict: 'unhealthy', rounds: 4, failedRounds: 3, checks: [], lastFailure: 'GET /health answered 503' };
        },
      },
    });
    await statusWhen(handle, (s) => s.phase === 'approval');
    await handle.signal(messages.approveSignal, { by: 'qa-lead' });
    const end = await finalTrain(handle);
    expect(end.outcome).toBe('ROLLED_BACK');
    expect(end.error).toMatch(/-api: .*503/);
    expect(outcomes(end)).toMatchObject({ api: 'ROLLED_BACK', web: 'ROLLED_BACK', worker: 'ROLLED_BACK' });
    const back = journal.filter((j) => j.endsWith('blue'));
    expect(back.indexOf('web blue')).toBeLessThan(back.indexOf('api blue'));
    await recordHistories(env, 'rolled-back', { parent: trainWorkflowIdFor(plan.train), service: `bluegreen-${names.api}` });
  });

  it('independent services switch together (api and worker, then web) and go back together before what they come after (web and worker, then api)', async ({
    env,
    worker,
  }) => {
    // Each gate holds one service's switch (or switch back) until another service's has begun:
    // one service at a time would not get past it. api's switch waits for worker's, web's
    // switch back for worker's; api fails once web and worker watched their windows.
    const begun = new Map<string, () => void>();
    const beginning = (what: string) => new Promise<void>((resolve) => begun.set(what, resolve));
    const workerGreen = beginning('worker green');
    const workerBlue = beginning('worker blue');
    const monitoredBy = { web: beginning('web monitored'), worker: beginning('worker monitored') };
    const events: string[] = [];
    const publicColor =
      (role: string, gates: Partial<Record<'green' | 'blue', Promise<void>>> = {}) =>
      async ({ color }: { color: string }) => {
        events.push(`${role} ${color} begins`);
        begun.get(`${role} ${color}`)?.();
        // (Bounded: one service at a time gets past it late, and the order checks below say so.)
        await Promise.race([gates[color as 'green' | 'blue'], new Promise((resolve) => setTimeout(resolve, 5_000))]);
        events.push(`${role} ${color} answers`);
        return { ok: true, elapsedMs: 0 };
      };
    const healthyAndTell =
      (role: 'web' | 'worker') =>
      async ({ durationMs, intervalMs }: { durationMs: number; intervalMs: number }) => {
        setTimeout(() => begun.get(`${role} monitored`)?.(), 300);
        return {
          verdict: 'healthy' as const,
          rounds: Math.max(1, Math.floor(durationMs / intervalMs)),
          failedRounds: 0,
          checks: [],
        };
      };
    const { handle, plan, names } = await startTrain(env, worker, {
      api: {
        waitForPublicColor: publicColor('api', { green: workerGreen }),
        monitorChecks: async () => {
          await Promise.all(Object.values(monitoredBy));
          return { verdict: 'unhealthy', rounds: 4, failedRounds: 3, checks: [], lastFailure: 'GET /health answered 503' };
        },
      },
      web: { waitForPublicColor: publicColor('web', { blue: workerBlue }), monitorChecks: healthyAndTell('web') },
      worker: { waitForPublicColor: publicColor('worker'), monitorChecks: healthyAndTell('worker') },
    });
    await statusWhen(handle, (s) => s.phase === 'approval');
    await handle.signal(messages.approveSignal, { by: 'qa-lead' });
    const end = await finalTrain(handle);
    expect(end.outcome, end.error).toBe('ROLLED_BACK');
    expect(outcomes(end)).toEqual({ api: 'ROLLED_BACK', web: 'ROLLED_BACK', worker: 'ROLLED_BACK' });
    const at = (event: string) => {
      const i = events.indexOf(event);
      expect(i, `${event} in ${events.join(', ')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    // There: api and worker together, web once api answers green.
    expect(at('worker green begins')).toBeLessThan(at('api green answers'));
    expect(at('api green answers')).toBeLessThan(at('web green begins'));
    // Back: web and worker together, api once web answers blue.
    expect(at('worker blue begins')).toBeLessThan(at('web blue answers'));
    expect(at('web blue answers')).toBeLessThan(at('api blue begins'));
    expect(end.error).toMatch(
      new RegExp(
        `rolled back in reverse order: ${names.web} \\(ROLLED_BACK\\) and ${names.worker} \\(ROLLED_BACK\\), then ${names.api} \\(ROLLED_BACK\\)`,
      ),
    );
    // Each service switched once each way.
    for (const role of ['api', 'web', 'worker']) {
      expect(events.filter((e) => e.startsWith(`${role} `) && e.endsWith('begins'))).toEqual([
        `${role} green begins`,
        `${role} blue begins`,
      ]);
    }
    await recordHistories(env, 'parallel-rolled-back', { parent: trainWorkflowIdFor(plan.train) });
  });

  it('a failure once the train let its services sync rolls nothing back: FAILED, naming the services past their point of no return', async ({
    env,
    worker,
  }) => {
    // web and api migrate their database's contract after the sync (the point of no return);
    // api's migration fails, and only once a rollback of the train was asked for meanwhile.
    const contract = (workflow: string) => ({
      hooks: { postSync: [{ name: 'migrate-contract', workflow, ref: 'production' }] },
    });
    let rollbackAsked!: () => void;
    const asked = new Promise<void>((resolve) => (rollbackAsked = resolve));
    let contractRun: number | undefined;
    const base = recordedActivities();
    const { handle, journal, names } = await startTrain(
      env,
      worker,
      {
        api: {
          dispatchWorkflow: async (input) => {
            const run = await base.dispatchWorkflow(input);
            if (input.workflow === 'api-contract.yml') contractRun = run.runId;
            return run;
          },
          waitForWorkflowRun: async ({ runId }) => {
            if (runId !== contractRun)
              return { runId, url: `https://github.com/acme/api/actions/runs/${runId}`, conclusion: 'success' };
            await asked;
            return { runId, url: `https://github.com/acme/api/actions/runs/${runId}`, conclusion: 'failure' };
          },
        },
      },
      { api: contract('api-contract.yml'), web: contract('web-contract.yml') },
    );
    await statusWhen(handle, (s) => s.phase === 'approval');
    await handle.signal(messages.approveSignal, { by: 'qa-lead' });
    await statusWhen(handle, () => contractRun !== undefined);
    const refused = await handle
      .executeUpdate(messages.rollbackUpdate, { args: [{ by: 'alice', reason: 'errors up' }] })
      .catch((e: Error) => e);
    rollbackAsked();
    expect(String((refused as { cause?: Error }).cause?.message)).toMatch(
      /services went on to sync: the train no longer rolls them back.*point of no return/,
    );
    const end = await finalTrain(handle);
    expect(end.outcome, end.error).toBe('FAILED');
    expect(end.error).toContain(`${names.api} ended FAILED after the train was healthy`);
    expect(end.error).toMatch(/postSync:migrate-contract hook .*failure.*traffic stays on green/);
    expect(outcomes(end)).toEqual({ api: 'FAILED', web: 'SUCCEEDED', worker: 'SUCCEEDED' });
    expect(end.notes).toContain(
      `past the point of no return (post-sync hooks ran), never to be rolled back: ${names.api}, ${names.web}; fix forward`,
    );
    // Nothing went back: one switch each, to green.
    expect(journal.filter((j) => j.endsWith('blue'))).toEqual([]);
    expect(journal.filter((j) => j.endsWith('green')).sort()).toEqual(['api green', 'web green', 'worker green']);
    await recordHistories(env, 'past-no-return', { parent: trainWorkflowIdFor(end.train) });
  });

  it('a deploy failure in worker stops the train before anything switched', async ({ env, worker }) => {
    // The worker's run fails once web is verified and held: the others are stopped at their hold.
    // (A stop that cancels a recorded activity in flight trips the test server; the lab tests cover that.)
    let webVerified!: () => void;
    const verified = new Promise<void>((resolve) => (webVerified = resolve));
    const { handle, journal } = await startTrain(env, worker, {
      web: {
        verifyChecks: async ({ successes }) => {
          setTimeout(webVerified, 300);
          return { ok: true, rounds: successes, checks: [] };
        },
      },
      worker: {
        waitForWorkflowRun: async ({ runId }) => {
          await verified;
          return { runId, url: `https://github.com/acme/api/actions/runs/${runId}`, conclusion: 'failure' };
        },
      },
    });
    const end = await finalTrain(handle);
    expect(end.outcome).toBe('FAILED');
    expect(end.error).toMatch(/-worker: FAILED/);
    expect(end.error).toMatch(/traffic untouched/);
    expect(journal.filter((j) => j.endsWith('green'))).toEqual([]);
    expect(outcomes(end).worker).toBe('FAILED');
  });

  it('abort during the approval stops every service, traffic untouched', async ({ env, worker }) => {
    const { handle, journal } = await startTrain(env, worker);
    await statusWhen(handle, (s) => s.phase === 'approval');
    await handle.signal(messages.abortSignal, { by: 'deployer', reason: 'wrong build' });
    const end = await finalTrain(handle);
    expect(end.outcome).toBe('ABORTED');
    expect(end.error).toMatch(/aborted by deployer: wrong build/);
    expect(outcomes(end)).toEqual({ api: 'ABORTED', web: 'ABORTED', worker: 'ABORTED' });
    expect(journal.filter((j) => j.endsWith('green'))).toEqual([]);
  });

  it('a train that speaks as one: started and failed once each per channel, from the train, none from its services', async ({
    env,
    worker,
  }) => {
    // Every service tells one channel of everything; worker's deploy run fails once web is held.
    const notify = { notify: [{ channel: 'team', events: 'all' }] };
    let webVerified!: () => void;
    const verified = new Promise<void>((resolve) => (webVerified = resolve));
    const sent = async ({ channel, event }: { channel: string; event: { deploymentId: string; type: string } }) => ({
      channel,
      key: `${event.deploymentId}.${event.type}`,
      status: 200,
    });
    const { handle, journal, names, plan } = await startTrain(
      env,
      worker,
      {
        train: { sendNotification: sent },
        api: { sendNotification: sent },
        web: {
          sendNotification: sent,
          verifyChecks: async ({ successes }) => {
            setTimeout(webVerified, 300);
            return { ok: true, rounds: successes, checks: [] };
          },
        },
        worker: {
          sendNotification: sent,
          waitForWorkflowRun: async ({ runId }) => {
            await verified;
            return { runId, url: `https://github.com/acme/api/actions/runs/${runId}`, conclusion: 'failure' };
          },
        },
      },
      { api: notify, web: notify, worker: notify },
    );
    const end = await finalTrain(handle);
    expect(end.outcome, end.error).toBe('FAILED');
    expect(end.error).toMatch(new RegExp(`^${names.worker}: FAILED: .*traffic untouched`));
    expect(journal.filter((j) => j.includes(' notifies '))).toEqual([
      'train notifies started to team',
      'train notifies failed to team',
    ]);
    expect(end.notifications).toEqual({ sent: 2, failed: [] });
    await recordHistories(env, 'speaks-as-one-failed', {
      parent: trainWorkflowIdFor(plan.train),
      service: `bluegreen-${names.worker}`,
    });
  });

  it('a plan started by hand that names a train speaking as one is refused, and its failed goes to its own channel', async ({
    env,
    worker,
  }) => {
    // Anyone with the task queue can start a plan; the train it names never started it.
    const service = `tt-hand-${++trains}-${Date.now() % 100_000}`;
    const name = `${service}-train`;
    const base = planFor(service, { notify: [{ channel: 'team', events: 'all' }] });
    const plan = {
      ...base,
      train: { name, workflowId: trainWorkflowIdFor(name), approval: 'train' as const, notifications: 'train-as-one' as const },
    };
    const sent: string[] = [];
    const recorded = {
      ...recordedActivities(),
      sendNotification: async ({ channel, event }: { channel: string; event: { type: string } }) => {
        sent.push(`${event.type} to ${channel}`);
        return { channel, key: event.type, status: 200 };
      },
    } as Record<string, (input: unknown) => Promise<unknown>>;
    worker.recordings.set(`bluegreen-${service}`, (activity: ActivityName, input: unknown) => recorded[activity]!(input));
    const handle = await startDeployment(env.client, plan, { taskQueue: worker.taskQueue });
    const status = await finalStatus(handle);
    expect(status.outcome).toBe('FAILED');
    expect(status.error).toContain(`names release train ${name}`);
    expect(sent).toEqual(['failed to team']);
  });
});
