// The worker dies. A real `bluegreen worker` process is SIGKILLed at each phase
// of a deployment, a new one is started, and the deployment ends as it would have without the
// kill: exactly one dispatch of each GitHub workflow, no extra switch of the router.
import type { WorkflowHandle } from '@temporalio/client';
import { describe, type ExpectStatic } from 'vitest';
import { decideOnGitHub, recordDeployerForPlan } from '../client/github-identity.js';
import { startDeployment } from '../client/start-deployment.js';
import type { Lab } from '../lab/index.js';
import type { blueGreenDeployment } from '../workflows/blue-green-deployment.js';
import * as messages from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { test } from './support/fixture.js';
import { labPlan, waitForStatus, waitingForApproval } from './support/harness.js';
import { historyWork, identityOf, runIsPolled, until, type ManagedProcess } from './support/processes.js';
import { finalStatus } from './support/final-status.js';

/** A dead worker's activity is retried after the heartbeat timeout: seconds here, 20s by default. */
const FAST = {
  timeouts: { heartbeat: '2s' },
  verify: { interval: '100ms' },
  monitor: { duration: '2s', interval: '100ms', failureThreshold: 3 },
};
const NO_APPROVAL = { approval: { required: false } };

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
 * The test's lab, a worker process on the test's task queue and a started deployment. The cases
 * run concurrently (most of their time is spent waiting for Temporal to notice a dead worker);
 * the fixture kills each one's processes and closes its lab when it finishes.
 */
const it = test.extend<{
  scenario: (name: string, overrides: Record<string, unknown>, prepare?: (lab: Lab) => void) => Promise<Scenario>;
}>({
  scenario: async ({ lab, client, taskQueue, spawnWorker }, use) => {
    await use(async (name, overrides, prepare = () => undefined) => {
      prepare(lab);
      const spawn = (label: string) => spawnWorker({ githubToken: lab.token, name: label });
      const worker = await spawn('worker 1');
      const plan = labPlan(lab, `svc-kill-${name}`, { ...FAST, ...overrides });
      const handle = await startDeployment(client, plan, { taskQueue });
      return { lab, first: worker, worker, handle, spawn };
    });
  },
});

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

// Per test: a test of `test.extend` does not take the timeout of its describe block (vitest 3.2).
const SLOW = { timeout: 120_000 };

describe.concurrent('a worker process SIGKILLed mid-deployment, then replaced', () => {
  it('without a kill: SUCCEEDED (the reference outcome)', SLOW, async ({ scenario, expect }) => {
    const s = await scenario('none', NO_APPROVAL);
    expectSucceeded(expect, await finalStatus(s.handle), s.lab);
    const work = await historyWork(s.handle);
    expect([...work.identities]).toEqual([identityOf(s.first)]);
    expect(work.retried).toEqual([]);
  });

  it('while the deploy run is in flight', SLOW, async ({ scenario, expect }) => {
    const s = await scenario('deploy-run', {}, (lab) =>
      lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 3000 }),
    );
    await until('the deploy run to be polled', () => runIsPolled(s.lab, 'deploy-green.yml'));
    await killAndReplace(expect, s);
    await waitForStatus(s.handle, waitingForApproval, 45_000);
    await approve(s);
    expectSucceeded(expect, await finalStatus(s.handle), s.lab);
    await expectTakenOver(expect, s, 'waitForWorkflowRun');
  });

  it('right after the dispatch request was processed, before its answer arrived', SLOW, async ({ scenario, expect }) => {
    // GitHub creates the run, then the answer is held back: the worker dies waiting for it.
    const s = await scenario('dispatch-sent', {}, (lab) =>
      lab.github.injectFault({
        method: 'POST',
        path: '/actions/workflows/deploy-green\\.yml/dispatches$',
        afterProcessing: true,
        delayMs: 15_000,
        times: 1,
      }),
    );
    await until('the lab to receive the dispatch', () => s.lab.github.dispatchCount('deploy-green.yml') === 1);
    await killAndReplace(expect, s);
    await waitForStatus(s.handle, waitingForApproval, 45_000);
    await approve(s);
    expectSucceeded(expect, await finalStatus(s.handle), s.lab);
    // The retried dispatch found the run of the first attempt instead of dispatching again.
    await expectTakenOver(expect, s, 'dispatchWorkflow');
  });

  it(
    'while looking for the run of a dispatch whose answer was lost (listed 14 s late, a 20 s window): no second dispatch',
    SLOW,
    async ({ scenario, expect }) => {
      const s = await scenario('lost-window', { ...NO_APPROVAL, deploy: { dispatchWindow: '20s' } }, (lab) => {
        lab.github.setListLag(14_000);
        lab.github.injectFault({
          method: 'POST',
          path: '/actions/workflows/deploy-green\\.yml/dispatches$',
          afterProcessing: true,
          status: 502,
          times: 1,
        });
      });
      await until('the dispatch answer to be lost', () =>
        s.lab.github.requests.some((r) => r.fault && r.method === 'POST' && r.path.endsWith('deploy-green.yml/dispatches')),
      );
      // Past the heartbeat throttle (0.8 × 2 s): the window is in the heartbeat Temporal holds.
      await sleep(3_000);
      await killAndReplace(expect, s);
      const result = await finalStatus(s.handle);
      expectSucceeded(expect, result, s.lab);
      expect(
        s.lab.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('deploy-green.yml/dispatches')),
      ).toHaveLength(1);
      await expectTakenOver(expect, s, 'dispatchWorkflow');
    },
  );

  it('while waiting for approval (the approval arrives while no worker runs)', SLOW, async ({ scenario, expect }) => {
    const s = await scenario('approval', {});
    await waitForStatus(s.handle, waitingForApproval);
    await s.worker.kill('SIGKILL');
    await approve(s);
    await killAndReplace(expect, s);
    expectSucceeded(expect, await finalStatus(s.handle), s.lab);
    await expectTakenOver(expect, s, undefined);
  });

  it('during the switch (DNS Update run in flight)', SLOW, async ({ scenario, expect }) => {
    const s = await scenario('switch', NO_APPROVAL, (lab) =>
      lab.github.setWorkflowBehavior('dns-update.yml', { queuedMs: 30, inProgressMs: 3000 }),
    );
    await until('the DNS Update run to be polled', () => runIsPolled(s.lab, 'dns-update.yml'));
    await killAndReplace(expect, s);
    expectSucceeded(expect, await finalStatus(s.handle), s.lab);
    await expectTakenOver(expect, s, 'waitForWorkflowRun');
  });

  it('during monitoring', SLOW, async ({ scenario, expect }) => {
    const s = await scenario('monitor', {
      ...NO_APPROVAL,
      monitor: { duration: '5s', interval: '100ms', failureThreshold: 3 },
    });
    await waitForStatus(s.handle, (st) => st.phase === 'monitor');
    await sleep(500); // a few probes into the window
    await killAndReplace(expect, s);
    const result = await finalStatus(s.handle);
    expectSucceeded(expect, result, s.lab);
    expect(result.phases.find((p) => p.name === 'monitor')?.state).toBe('succeeded');
    await expectTakenOver(expect, s, 'monitorChecks');
  });

  it('during the rollback (the switch-back run in flight)', SLOW, async ({ scenario, expect }) => {
    const s = await scenario('rollback', {
      ...NO_APPROVAL,
      monitor: { duration: '30s', interval: '100ms', failureThreshold: 3 },
    });
    await waitForStatus(s.handle, (st) => st.phase === 'monitor');
    s.lab.github.setWorkflowBehavior('dns-update.yml', { queuedMs: 30, inProgressMs: 3000 });
    s.lab.apps.setHealthy('green', false);
    await until('the switch-back run to be polled', () => runIsPolled(s.lab, 'dns-update.yml', 2), 45_000);
    await killAndReplace(expect, s);
    const result = await finalStatus(s.handle);
    expectRolledBack(expect, result, s.lab);
    expect(result.error).toMatch(/3 consecutive failures/);
    await expectTakenOver(expect, s, 'waitForWorkflowRun');
  });

  // With the default heartbeat (20 s) and write spacing (1 s), the approval gate opens
  // within the heartbeat timeout plus Temporal's sticky-queue timeout (5 s) plus a few seconds
  // of work after the kill, whatever was in flight: a dispatch's wait, a Deployment record write.
  // Killed right after the record, the deploy dispatch's first attempt has only looked for an
  // earlier run (nothing was sent), but its heartbeats are throttled, so the next attempt cannot
  // know that and looks for a run for the dispatch window before sending: a short window here
  // (5 s instead of 90 s) keeps that wait inside the bound without changing what is checked.
  for (const [name, label, landed] of [
    ['after-dispatch', 'right after the deploy dispatch was answered', dispatchAnswered],
    ['after-record', 'right after the GitHub Deployment record was written', recordWritten],
  ] as const) {
    it(
      `${label}: the approval gate opens within 35 s of the kill (default heartbeat and write spacing)`,
      SLOW,
      async ({ scenario, expect }) => {
        const s = await scenario(name, { timeouts: { heartbeat: '20s' }, deploy: { dispatchWindow: '5s' } });
        await until(label, () => landed(s.lab), 30_000);
        await killAndReplace(expect, s);
        const killedAt = Date.now();
        await waitForStatus(s.handle, waitingForApproval, 60_000);
        const gateAfterMs = Date.now() - killedAt;
        console.info(`worker kill ${label}: approval gate open ${(gateAfterMs / 1000).toFixed(1)} s after the kill`);
        expect(gateAfterMs).toBeLessThan(35_000);
        await approve(s);
        expectSucceeded(expect, await finalStatus(s.handle), s.lab);
      },
    );
  }

  it(
    'during the bake (bake.duration): the timer outlives the worker; the bake ends, sync runs, SUCCEEDED',
    SLOW,
    async ({ scenario, expect }) => {
      const s = await scenario('bake', { ...NO_APPROVAL, sync: { enabled: true, redeploy: true }, bake: { duration: '5s' } });
      const baking = await waitForStatus(s.handle, (st) => st.phase === 'bake');
      expect(baking.bake?.color).toBe('blue');
      await killAndReplace(expect, s);
      const result = await finalStatus(s.handle);
      expectSucceeded(expect, result, s.lab);
      expect(result.phases.find((p) => p.name === 'bake')?.state).toBe('succeeded');
      // The bake watches the old color (the hot standby) in an activity: the new worker takes it over.
      await expectTakenOver(expect, s, 'monitorChecks');
    },
  );

  it('during a retry dispatch (onFailure: ask): one run per correlation id, SUCCEEDED', SLOW, async ({ scenario, expect }) => {
    const s = await scenario('retry', { ...NO_APPROVAL, onFailure: { deploy: 'ask' } }, (lab) =>
      lab.github.failNextRun('deploy-green.yml'),
    );
    const failed = await waitForStatus(s.handle, (st) => st.stepFailure !== undefined, 45_000);
    s.lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 3000 });
    await s.handle.executeUpdate(messages.retryUpdate, { args: [{ by: 'frank' }] });
    await until('the retried deploy run to be polled', () => runIsPolled(s.lab, 'deploy-green.yml', 2));
    await killAndReplace(expect, s);
    const result = await finalStatus(s.handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(result.attempts).toEqual({ deploy: 2 });
    const id = failed.deploymentId;
    expect(s.lab.github.dispatchCount('deploy-green.yml')).toBe(2);
    expect(s.lab.github.dispatchCount('deploy-green.yml', `${id}.deploy`)).toBe(1);
    expect(s.lab.github.dispatchCount('deploy-green.yml', `${id}.deploy.2`)).toBe(1);
    expect(s.lab.github.dispatchCount('dns-update.yml')).toBe(1);
    expect(s.lab.router.switches.map((sw) => sw.color)).toEqual(['green']);
    await expectTakenOver(expect, s, 'waitForWorkflowRun');
  });

  it(
    'while waiting for a switch window (a freeze): the wait outlives the worker; an override reaches the new one',
    SLOW,
    async ({ scenario, expect }) => {
      // A freeze far longer than any start-up on a busy machine; the approver's override ends it.
      const s = await scenario('window', {
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
      expect(held.switchWindow?.why).toMatch(/kill test freeze/);
      await killAndReplace(expect, s);
      await s.handle.executeUpdate(messages.overrideWindowUpdate, { args: [{ by: 'alice', reason: 'after the kill' }] });
      const result = await finalStatus(s.handle);
      expectSucceeded(expect, result, s.lab);
      expect(result.switchWindow?.override).toMatchObject({ by: 'alice', reason: 'after the kill' });
      await expectTakenOver(expect, s, undefined);
    },
  );

  // The gate run is held on GitHub; a new worker takes the wait over, QA approves with their own token.
  it(
    'while the QA gate (approval via GitHub) waits for review: SUCCEEDED, one gate run, the verified login',
    SLOW,
    async ({ lab, client, taskQueue, spawnWorker, expect }) => {
      lab.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa'] });
      const spawn = (name: string) => spawnWorker({ githubToken: lab.token, name });
      const first = await spawn('worker 1');
      // A dead worker's wait for the gate run is retried after the heartbeat timeout: 2 s here.
      const overrides = {
        timeouts: { heartbeat: '2s' },
        verify: { interval: '100ms' },
        approval: { via: 'github', environment: 'qa', approvers: ['datatruck/qa'], timeout: '1h' },
        monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
        sync: { enabled: false },
      };
      const plan = await recordDeployerForPlan(
        labPlan(lab, 'svc-kill-gate', overrides),
        'green',
        lab.github.branchHead('green'),
        {
          GITHUB_TOKEN: lab.github.reviews.tokenOf('dave'),
        },
      );
      const handle = await startDeployment(client, plan, { taskQueue });
      const waiting = await waitForStatus(handle, (s) => s.phase === 'approval' && s.gate?.runId !== undefined && !!s.waitingFor);
      const gateRunId = waiting.gate!.runId!;
      expect(lab.github.run(gateRunId)!.status).toBe('waiting');
      // The kill lands while the first worker's waitForWorkflowRun polls the gate run (conditionally).
      const seen = lab.github.requests.length;
      const runPath = `/repos/${lab.owner}/${lab.repo}/actions/runs/${gateRunId}`;
      await until('the gate run to be polled', () =>
        lab.github.requests.slice(seen).some((r) => r.method === 'GET' && r.path === runPath && r.conditional),
      );

      expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
      const second = await spawn('worker 2');
      expect(
        await decideOnGitHub(waiting, waiting.gate!.github, 'approve', 'QA passed after the kill', {
          GITHUB_TOKEN: lab.github.reviews.tokenOf('alice'),
        }),
      ).toMatch(new RegExp(`approved gate run ${gateRunId} on GitHub`));

      const result = await finalStatus(handle);
      expect(result.outcome, result.error).toBe('SUCCEEDED');
      expect(result.phases.find((p) => p.name === 'approval')?.detail).toBe('approved by @alice (verified by GitHub)');
      expect(result.approvals).toMatchObject([
        { by: 'alice', decision: 'approved', counted: true, verified: true, gateRunId, comment: 'QA passed after the kill' },
      ]);
      expect(lab.github.dispatchCount('qa-gate.yml')).toBe(1);
      expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
      expect(lab.router.switches.map((sw) => sw.color)).toEqual(['green']);
      // The kill landed while the gate was awaited: the second worker took the wait over.
      const work = await historyWork(handle);
      expect([...work.identities].sort()).toEqual([identityOf(first), identityOf(second)].sort());
      expect(work.retried).toEqual(['waitForWorkflowRun']);
    },
  );

  it(
    'a lost dispatch answer, in-process worker: each workflow dispatched once after a 500 or a reset connection',
    SLOW,
    async ({ lab, deployPlan, expect }) => {
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
      const handle = await deployPlan(labPlan(lab, 'svc-lost-answer', { ...FAST, ...NO_APPROVAL }));
      expectSucceeded(expect, await finalStatus(handle), lab);
      const faulted = lab.github.requests.filter((r) => r.fault).map((r) => [r.path.split('/').at(-2), r.status]);
      expect(faulted).toEqual([
        ['deploy-green.yml', 500],
        ['dns-update.yml', 0],
      ]);
      expect(lab.github.pendingFaults()).toEqual([]);
    },
  );
});
