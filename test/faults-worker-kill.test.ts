// Issue 4, item 1: the worker dies. A real `bluegreen worker` process is SIGKILLed at each phase
// of a deployment, a new one is started, and the deployment ends as it would have without the
// kill: exactly one dispatch of each GitHub workflow, no extra switch of the router.
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, it, type ExpectStatic, type TestContext } from 'vitest';
import { decideOnGitHub, recordDeployerForPlan } from '../client/github-identity.js';
import { startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab } from '../lab/index.js';
import type { blueGreenDeployment } from '../workflows/blue-green-deployment.js';
import * as messages from '../workflows/messages.js';
import type { DeploymentStatus } from '../workflows/types.js';
import {
  connectClient,
  labPlan,
  startWorker,
  taskQueueFor,
  temporalAddress,
  waitForStatus,
  waitingForApproval,
} from './support/harness.js';
import {
  historyWork,
  identityOf,
  killStartedProcesses,
  runIsPolled,
  spawnWorker,
  until,
  type ManagedProcess,
} from './support/processes.js';

/** A dead worker's activity is retried after the heartbeat timeout: seconds here, 20s by default. */
const FAST = {
  timeouts: { heartbeat: '2s' },
  verify: { interval: '100ms' },
  monitor: { duration: '2s', interval: '100ms', failureThreshold: 3 },
};
const NO_APPROVAL = { approval: { required: false } };

let client: Client;
let connection: Connection;

beforeAll(async () => {
  ({ client, connection } = await connectClient());
});
afterAll(async () => {
  await killStartedProcesses();
  await connection.close();
});

type Expect = ExpectStatic;

interface Scenario {
  lab: Lab;
  /** The worker that started the deployment (and is killed). */
  first: ManagedProcess;
  /** The worker running now. */
  worker: ManagedProcess;
  handle: WorkflowHandle<typeof blueGreenDeployment>;
  /** Starts another worker process on the scenario's task queue. */
  spawn(label: string): Promise<ManagedProcess>;
}

/**
 * A lab, a worker process on a task queue of its own and a started deployment. The cases run
 * concurrently (most of their time is spent waiting for Temporal to notice a dead worker), so
 * each one kills its own processes and closes its lab when it finishes.
 */
async function startScenario(
  ctx: TestContext,
  name: string,
  overrides: Record<string, unknown>,
  prepare: (lab: Lab) => void = () => undefined,
): Promise<Scenario> {
  const lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
  prepare(lab);
  const processes: ManagedProcess[] = [];
  ctx.onTestFinished(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await lab.close();
  });
  const taskQueue = taskQueueFor(`kill-${name}`);
  const spawn = async (label: string) => {
    const worker = await spawnWorker({ taskQueue, temporalAddress: temporalAddress(), githubToken: lab.token, name: label });
    processes.push(worker);
    return worker;
  };
  const worker = await spawn('worker 1');
  const handle = await startDeployment(client, labPlan(lab, `svc-kill-${name}`, { ...FAST, ...overrides }), { taskQueue });
  return { lab, first: worker, worker, handle, spawn };
}

/** SIGKILLs the worker (no chance to finish or report anything) and starts a new process. */
async function killAndReplace(expect: Expect, s: Scenario): Promise<void> {
  if (s.worker.running) {
    const exit = await s.worker.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
  }
  s.worker = await s.spawn('worker 2');
}

/**
 * The kill landed where it was meant to: both workers ran tasks of this deployment, and the one
 * activity running when the first died was retried by the second (none when nothing ran).
 */
async function expectTakenOver(expect: Expect, s: Scenario, retried: string | undefined) {
  const work = await historyWork(s.handle);
  expect([...work.identities].sort()).toEqual([identityOf(s.first), identityOf(s.worker)].sort());
  expect(work.retried).toEqual(retried ? [retried] : []);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The deploy dispatch's request was answered (the worker has its run id). */
const dispatchAnswered = (l: Lab) =>
  l.github.requests.some((r) => r.method === 'POST' && r.path.endsWith('deploy-green.yml/dispatches') && r.status === 200);
/** The GitHub Deployment record's create was answered. */
const recordWritten = (l: Lab) =>
  l.github.requests.some((r) => r.method === 'POST' && /\/deployments$/.test(r.path) && r.status === 201);

const approve = (s: Scenario) => s.handle.signal(messages.approveSignal, { by: 'alice' });

/** What a successful deployment leaves in the lab, with or without a kill. */
function expectSucceeded(expect: Expect, result: DeploymentStatus, l: Lab) {
  expect(result.outcome, result.error).toBe('SUCCEEDED');
  expect(l.router.activeColor).toBe('green');
  expect(l.github.dispatchCount('deploy-green.yml')).toBe(1);
  expect(l.github.dispatchCount('dns-update.yml')).toBe(1);
  expect(l.github.dispatchCount('deploy-blue.yml')).toBe(1); // sync redeploys blue once
  expect(l.router.switches.map((sw) => sw.color)).toEqual(['green']);
  expect(l.apps.version('green')).toBe(result.sha);
}

function expectRolledBack(expect: Expect, result: DeploymentStatus, l: Lab) {
  expect(result.outcome, result.error).toBe('ROLLED_BACK');
  expect(l.router.activeColor).toBe('blue');
  expect(l.github.dispatchCount('deploy-green.yml')).toBe(1);
  expect(l.github.dispatchCount('dns-update.yml')).toBe(2); // the switch and the switch back
  expect(l.github.dispatchCount('deploy-blue.yml')).toBe(0);
  expect(l.router.switches.map((sw) => sw.color)).toEqual(['green', 'blue']);
}

describe.concurrent('a worker process SIGKILLed mid-deployment, then replaced', { timeout: 120_000 }, () => {
  it('without a kill: SUCCEEDED (the reference outcome)', async (ctx) => {
    const s = await startScenario(ctx, 'none', NO_APPROVAL);
    expectSucceeded(ctx.expect, await s.handle.result(), s.lab);
    const work = await historyWork(s.handle);
    ctx.expect([...work.identities]).toEqual([identityOf(s.first)]);
    ctx.expect(work.retried).toEqual([]);
  });

  it('while the deploy run is in flight', async (ctx) => {
    const s = await startScenario(ctx, 'deploy-run', {}, (lab) =>
      lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 3000 }),
    );
    await until('the deploy run to be polled', () => runIsPolled(s.lab, 'deploy-green.yml'));
    await killAndReplace(ctx.expect, s);
    await waitForStatus(s.handle, waitingForApproval, 45_000);
    await approve(s);
    expectSucceeded(ctx.expect, await s.handle.result(), s.lab);
    await expectTakenOver(ctx.expect, s, 'waitForWorkflowRun');
  });

  it('right after the dispatch request was processed, before its answer arrived', async (ctx) => {
    // GitHub creates the run, then the answer is held back: the worker dies waiting for it.
    const s = await startScenario(ctx, 'dispatch-sent', {}, (lab) =>
      lab.github.injectFault({
        method: 'POST',
        path: '/actions/workflows/deploy-green\\.yml/dispatches$',
        afterProcessing: true,
        delayMs: 15_000,
        times: 1,
      }),
    );
    await until('the lab to receive the dispatch', () => s.lab.github.dispatchCount('deploy-green.yml') === 1);
    await killAndReplace(ctx.expect, s);
    await waitForStatus(s.handle, waitingForApproval, 45_000);
    await approve(s);
    expectSucceeded(ctx.expect, await s.handle.result(), s.lab);
    // The retried dispatch found the run of the first attempt instead of dispatching again.
    await expectTakenOver(ctx.expect, s, 'dispatchWorkflow');
  });

  it('while waiting for approval (the approval arrives while no worker runs)', async (ctx) => {
    const s = await startScenario(ctx, 'approval', {});
    await waitForStatus(s.handle, waitingForApproval);
    await s.worker.kill('SIGKILL');
    await approve(s);
    await killAndReplace(ctx.expect, s);
    expectSucceeded(ctx.expect, await s.handle.result(), s.lab);
    await expectTakenOver(ctx.expect, s, undefined);
  });

  it('during the switch (DNS Update run in flight)', async (ctx) => {
    const s = await startScenario(ctx, 'switch', NO_APPROVAL, (lab) =>
      lab.github.setWorkflowBehavior('dns-update.yml', { queuedMs: 30, inProgressMs: 3000 }),
    );
    await until('the DNS Update run to be polled', () => runIsPolled(s.lab, 'dns-update.yml'));
    await killAndReplace(ctx.expect, s);
    expectSucceeded(ctx.expect, await s.handle.result(), s.lab);
    await expectTakenOver(ctx.expect, s, 'waitForWorkflowRun');
  });

  it('during monitoring', async (ctx) => {
    const s = await startScenario(ctx, 'monitor', {
      ...NO_APPROVAL,
      monitor: { duration: '5s', interval: '100ms', failureThreshold: 3 },
    });
    await waitForStatus(s.handle, (st) => st.phase === 'monitor');
    await sleep(500); // a few probes into the window
    await killAndReplace(ctx.expect, s);
    const result = await s.handle.result();
    expectSucceeded(ctx.expect, result, s.lab);
    ctx.expect(result.phases.find((p) => p.name === 'monitor')?.state).toBe('succeeded');
    await expectTakenOver(ctx.expect, s, 'monitorChecks');
  });

  it('during the rollback (the switch-back run in flight)', async (ctx) => {
    const s = await startScenario(ctx, 'rollback', {
      ...NO_APPROVAL,
      monitor: { duration: '30s', interval: '100ms', failureThreshold: 3 },
    });
    await waitForStatus(s.handle, (st) => st.phase === 'monitor');
    s.lab.github.setWorkflowBehavior('dns-update.yml', { queuedMs: 30, inProgressMs: 3000 });
    s.lab.apps.setHealthy('green', false);
    await until('the switch-back run to be polled', () => runIsPolled(s.lab, 'dns-update.yml', 2), 45_000);
    await killAndReplace(ctx.expect, s);
    const result = await s.handle.result();
    expectRolledBack(ctx.expect, result, s.lab);
    ctx.expect(result.error).toMatch(/3 consecutive failures/);
    await expectTakenOver(ctx.expect, s, 'waitForWorkflowRun');
  });

  // Issue 16: with the default heartbeat (20 s) and write spacing (1 s), the approval gate opens
  // within the heartbeat timeout plus Temporal's sticky-queue timeout (5 s) plus a few seconds
  // of work after the kill, whatever was in flight: a dispatch's wait, a Deployment record write.
  for (const [name, label, landed] of [
    ['after-dispatch', 'right after the deploy dispatch was answered', dispatchAnswered],
    ['after-record', 'right after the GitHub Deployment record was written', recordWritten],
  ] as const) {
    it(`${label}: the approval gate opens within 35 s of the kill (default heartbeat and write spacing)`, async (ctx) => {
      const s = await startScenario(ctx, name, { timeouts: { heartbeat: '20s' } });
      await until(label, () => landed(s.lab), 30_000);
      await killAndReplace(ctx.expect, s);
      const killedAt = Date.now();
      await waitForStatus(s.handle, waitingForApproval, 60_000);
      const gateAfterMs = Date.now() - killedAt;
      console.info(`worker kill ${label}: approval gate open ${(gateAfterMs / 1000).toFixed(1)} s after the kill`);
      ctx.expect(gateAfterMs).toBeLessThan(35_000);
      await approve(s);
      expectSucceeded(ctx.expect, await s.handle.result(), s.lab);
    });
  }

  it('during the bake (sync.after): the timer outlives the worker; the bake ends, sync runs, SUCCEEDED', async (ctx) => {
    const s = await startScenario(ctx, 'bake', { ...NO_APPROVAL, sync: { enabled: true, redeploy: true, after: '5s' } });
    const baking = await waitForStatus(s.handle, (st) => st.phase === 'bake');
    ctx.expect(baking.bake?.color).toBe('blue');
    await killAndReplace(ctx.expect, s);
    const result = await s.handle.result();
    expectSucceeded(ctx.expect, result, s.lab);
    ctx.expect(result.phases.find((p) => p.name === 'bake')?.state).toBe('succeeded');
    await expectTakenOver(ctx.expect, s, undefined);
  });

  it('during a retry dispatch (onFailure: ask): one run per correlation id, SUCCEEDED', async (ctx) => {
    const s = await startScenario(ctx, 'retry', { ...NO_APPROVAL, onFailure: { deploy: 'ask' } }, (lab) =>
      lab.github.failNextRun('deploy-green.yml'),
    );
    const failed = await waitForStatus(s.handle, (st) => st.stepFailure !== undefined, 45_000);
    s.lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 3000 });
    await s.handle.executeUpdate(messages.retryUpdate, { args: [{ by: 'frank' }] });
    await until('the retried deploy run to be polled', () => runIsPolled(s.lab, 'deploy-green.yml', 2));
    await killAndReplace(ctx.expect, s);
    const result = await s.handle.result();
    ctx.expect(result.outcome, result.error).toBe('SUCCEEDED');
    ctx.expect(result.attempts).toEqual({ deploy: 2 });
    const id = failed.deploymentId;
    ctx.expect(s.lab.github.dispatchCount('deploy-green.yml')).toBe(2);
    ctx.expect(s.lab.github.dispatchCount('deploy-green.yml', `${id}.deploy`)).toBe(1);
    ctx.expect(s.lab.github.dispatchCount('deploy-green.yml', `${id}.deploy.2`)).toBe(1);
    ctx.expect(s.lab.github.dispatchCount('dns-update.yml')).toBe(1);
    ctx.expect(s.lab.router.switches.map((sw) => sw.color)).toEqual(['green']);
    await expectTakenOver(ctx.expect, s, 'waitForWorkflowRun');
  });

  it('while waiting for a switch window (a freeze): the wait outlives the worker; an override reaches the new one', async (ctx) => {
    // A freeze far longer than any start-up on a busy machine; the approver's override ends it.
    const s = await startScenario(ctx, 'window', {
      ...NO_APPROVAL,
      freezes: [
        {
          from: new Date(Date.now() - 60_000).toISOString(),
          until: new Date(Date.now() + 3_600_000).toISOString(),
          reason: 'kill test freeze',
        },
      ],
    });
    const held = await waitForStatus(s.handle, (st) => st.phase === 'window', 45_000);
    ctx.expect(held.switchWindow?.why).toMatch(/kill test freeze/);
    await killAndReplace(ctx.expect, s);
    await s.handle.executeUpdate(messages.overrideWindowUpdate, { args: [{ by: 'alice', reason: 'after the kill' }] });
    const result = await s.handle.result();
    expectSucceeded(ctx.expect, result, s.lab);
    ctx.expect(result.switchWindow?.override).toMatchObject({ by: 'alice', reason: 'after the kill' });
    await expectTakenOver(ctx.expect, s, undefined);
  });

  // Issue 13: the gate run is held on GitHub; a new worker takes the wait over, QA approves with their own token.
  it('while the QA gate (approval via GitHub) waits for review: SUCCEEDED, one gate run, the verified login', async (ctx) => {
    const lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
    const processes: ManagedProcess[] = [];
    ctx.onTestFinished(async () => {
      await Promise.all(processes.map((p) => p.kill('SIGKILL')));
      await lab.close();
    });
    lab.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa'] });
    const taskQueue = taskQueueFor('kill-gate');
    const spawn = async (name: string) => {
      const worker = await spawnWorker({ taskQueue, temporalAddress: temporalAddress(), githubToken: lab.token, name });
      processes.push(worker);
      return worker;
    };
    const first = await spawn('worker 1');
    // A dead worker's wait for the gate run is retried after the heartbeat timeout: 2 s here.
    const overrides = {
      timeouts: { heartbeat: '2s' },
      verify: { interval: '100ms' },
      approval: { via: 'github', environment: 'qa', approvers: ['datatruck/qa'], timeout: '1h' },
      monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
      sync: { enabled: false },
    };
    const plan = await recordDeployerForPlan(labPlan(lab, 'svc-kill-gate', overrides), 'green', lab.github.branchHead('green'), {
      GITHUB_TOKEN: lab.github.reviews.tokenOf('dave'),
    });
    const handle = await startDeployment(client, plan, { taskQueue });
    const waiting = await waitForStatus(handle, (s) => s.phase === 'approval' && s.gate?.runId !== undefined && !!s.waitingFor);
    const gateRunId = waiting.gate!.runId!;
    ctx.expect(lab.github.run(gateRunId)!.status).toBe('waiting');
    // The kill lands while the first worker's waitForWorkflowRun polls the gate run (conditionally).
    const seen = lab.github.requests.length;
    const runPath = `/repos/${lab.owner}/${lab.repo}/actions/runs/${gateRunId}`;
    await until('the gate run to be polled', () =>
      lab.github.requests.slice(seen).some((r) => r.method === 'GET' && r.path === runPath && r.conditional),
    );

    ctx.expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
    const second = await spawn('worker 2');
    ctx
      .expect(
        await decideOnGitHub(waiting, waiting.gate!.github, 'approve', 'QA passed after the kill', {
          GITHUB_TOKEN: lab.github.reviews.tokenOf('alice'),
        }),
      )
      .toMatch(new RegExp(`approved gate run ${gateRunId} on GitHub`));

    const result = await handle.result();
    ctx.expect(result.outcome, result.error).toBe('SUCCEEDED');
    ctx.expect(result.phases.find((p) => p.name === 'approval')?.detail).toBe('approved by @alice (verified by GitHub)');
    ctx
      .expect(result.approvals)
      .toMatchObject([
        { by: 'alice', decision: 'approved', counted: true, verified: true, gateRunId, comment: 'QA passed after the kill' },
      ]);
    ctx.expect(lab.github.dispatchCount('qa-gate.yml')).toBe(1);
    ctx.expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
    ctx.expect(lab.router.switches.map((sw) => sw.color)).toEqual(['green']);
    // The kill landed while the gate was awaited: the second worker took the wait over.
    const work = await historyWork(handle);
    ctx.expect([...work.identities].sort()).toEqual([identityOf(first), identityOf(second)].sort());
    ctx.expect(work.retried).toEqual(['waitForWorkflowRun']);
  });

  it('a lost dispatch answer, in-process worker: each workflow dispatched once after a 500 or a reset connection', async (ctx) => {
    const lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
    const taskQueue = taskQueueFor('lost-dispatch-answer');
    const { stop } = await startWorker(lab, taskQueue);
    ctx.onTestFinished(async () => {
      await stop();
      await lab.close();
    });
    lab.github.injectFault({
      method: 'POST',
      path: '/actions/workflows/deploy-green\\.yml/dispatches$',
      afterProcessing: true,
      status: 500,
      times: 1,
    });
    lab.github.injectFault({
      method: 'POST',
      path: '/actions/workflows/dns-update\\.yml/dispatches$',
      afterProcessing: true,
      resetConnection: true,
      times: 1,
    });
    const handle = await startDeployment(client, labPlan(lab, 'svc-lost-answer', { ...FAST, ...NO_APPROVAL }), { taskQueue });
    expectSucceeded(ctx.expect, await handle.result(), lab);
    const faulted = lab.github.requests.filter((r) => r.fault).map((r) => [r.path.split('/').at(-2), r.status]);
    ctx.expect(faulted).toEqual([
      ['deploy-green.yml', 500],
      ['dns-update.yml', 0],
    ]);
    ctx.expect(lab.github.pendingFaults()).toEqual([]);
  });
});
