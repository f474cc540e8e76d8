// Every decision branch of blueGreenDeployment on the time-skipping test server, with recorded
// activity results (test/support/time-skipping.ts): approval (approve, reject, timeout), abort
// in each phase before traffic moves, rollback by the monitor's threshold and by request,
// promote, bake (by time, promote, revert), switch windows (wait, override), step retry (by a
// human, by the timeout's default) and the failures that end a deployment. Timers of hours and
// days fire as soon as the workflow has nothing else to do, so no assertion is about time: each
// says which outcome and which phase states a branch ends in. What crosses a process or the
// network stays with the lab tests (workflow.test.ts, approvals-workflow.test.ts, resilience.test.ts …).
import { describe, expect } from 'vitest';
import type { WorkflowRunResult } from '../activities/types.js';
import {
  abortSignal,
  abortUpdate,
  rollbackUpdate,
  approveSignal,
  overrideWindowSignal,
  promoteSignal,
  rejectSignal,
  retrySignal,
  rollbackSignal,
} from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ACTIVE, HEAD_SHA, it, phaseOf, phaseStates, untilCancelled } from './support/time-skipping.js';

const APPROVAL = { approval: { required: true, approvers: ['alice'], timeout: '24h' } };
/** Who may promote: the recorded policy lets the plan's approvers promote. */
const PROMOTERS = { approval: { approvers: ['alice'] } };
const waitingForApproval = (s: DeploymentStatus) => s.phase === 'approval' && s.waitingFor !== undefined;
const inPhase = (phase: string) => (s: DeploymentStatus) => s.phase === phase;
/** The monitor's checks failing `failureThreshold` (3) rounds in a row. */
const unhealthyMonitor = async () => ({
  verdict: 'unhealthy' as const,
  rounds: 4,
  failedRounds: 3,
  checks: [],
  lastFailure: 'GET /health answered 503',
});
/** Colors the public endpoint was waited for, in order: the switch's, then a rollback's. */
const colorsWaitedFor = (inputs: { color: string }[]) => inputs.map((i) => i.color);

describe('the whole way', () => {
  it('a deployment nobody stops switches, monitors and syncs: SUCCEEDED', async ({ deploy }) => {
    const d = await deploy();
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseStates(status)).toEqual({
      plan: 'succeeded',
      deploy: 'succeeded',
      verify: 'succeeded',
      approval: 'skipped',
      switch: 'succeeded',
      monitor: 'succeeded',
      sync: 'succeeded',
    });
    expect(status.activeColor).toBe(ACTIVE);
    expect(status.targetColor).toBe('green');
    expect(colorsWaitedFor(d.inputsOf('waitForPublicColor'))).toEqual(['green']);
  });
});

describe('approval', () => {
  it('nobody decides within 24h: ABORTED, traffic untouched', async ({ deploy }) => {
    const d = await deploy(APPROVAL);
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(status.error).toMatch(/^no approval within .*traffic untouched$/);
    expect(phaseOf(status, 'approval')).toMatchObject({ state: 'failed', detail: 'timed out' });
    expect(phaseOf(status, 'switch').state).toBe('skipped');
    expect(d.inputsOf('waitForPublicColor')).toEqual([]);
  });

  it('an approver approves: the switch goes ahead, SUCCEEDED', async ({ deploy }) => {
    const d = await deploy(APPROVAL);
    await d.statusWhen(waitingForApproval);
    await d.handle.signal(approveSignal, { by: 'alice', comment: 'QA passed' });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseOf(status, 'approval')).toMatchObject({ state: 'succeeded' });
    expect(phaseOf(status, 'approval').detail).toMatch(/^approved by alice .*: QA passed$/);
    expect(status.approvals).toMatchObject([{ by: 'alice', decision: 'approved', counted: true }]);
  });

  it('someone not on the approvers list is recorded and ignored; the gate still times out', async ({ deploy }) => {
    const d = await deploy(APPROVAL);
    await d.statusWhen(waitingForApproval);
    await d.handle.signal(approveSignal, { by: 'mallory' });
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(phaseOf(status, 'approval').detail).toBe('timed out');
    expect(status.approvals).toMatchObject([{ by: 'mallory', decision: 'approved', counted: false }]);
  });

  it('an approver rejects: ABORTED, traffic untouched', async ({ deploy }) => {
    const d = await deploy(APPROVAL);
    await d.statusWhen(waitingForApproval);
    await d.handle.signal(rejectSignal, { by: 'alice', reason: 'checkout is broken' });
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(status.error).toMatch(/^rejected by alice .*: checkout is broken; traffic untouched$/);
    expect(phaseOf(status, 'approval').state).toBe('failed');
    expect(phaseOf(status, 'switch').state).toBe('skipped');
  });
});

describe('abort, in each phase before traffic moves', () => {
  const abort = { by: 'alice', reason: 'wrong build' };

  it('in plan: ABORTED before anything was dispatched', async ({ deploy }) => {
    const d = await deploy({}, {}, { signalWithStart: { signal: abortSignal, args: [abort] } });
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(status.error).toBe('aborted by alice: wrong build (traffic never moved)');
    expect(phaseStates(status)).toMatchObject({ plan: 'cancelled', deploy: 'skipped', switch: 'skipped' });
    expect(d.inputsOf('dispatchWorkflow')).toEqual([]);
  });

  it('in deploy: the running deploy run is cancelled on GitHub, ABORTED', async ({ deploy }) => {
    const d = await deploy({}, { waitForWorkflowRun: untilCancelled });
    await d.called('waitForWorkflowRun');
    await d.handle.signal(abortSignal, abort);
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(status.error).toMatch(
      /^aborted by alice: wrong build \(traffic never moved; deploy-green\.yml run 1000 cancelled on GitHub\)$/,
    );
    expect(phaseStates(status)).toMatchObject({ plan: 'succeeded', deploy: 'cancelled', verify: 'skipped' });
    expect(d.inputsOf('cancelWorkflowRun')).toMatchObject([{ runId: 1000 }]);
  });

  it('in verify: the checks are cancelled, ABORTED', async ({ deploy }) => {
    const d = await deploy({}, { verifyChecks: untilCancelled });
    await d.called('verifyChecks');
    await d.handle.signal(abortSignal, abort);
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(phaseStates(status)).toMatchObject({ deploy: 'succeeded', verify: 'cancelled', switch: 'skipped' });
  });

  it('in approval: the gate closes, ABORTED', async ({ deploy }) => {
    const d = await deploy(APPROVAL);
    await d.statusWhen(waitingForApproval);
    await d.handle.signal(abortSignal, abort);
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(phaseStates(status)).toMatchObject({ verify: 'succeeded', approval: 'cancelled', switch: 'skipped' });
  });

  it('while a freeze holds the switch: ABORTED', async ({ deploy, env }) => {
    const d = await deploy(freezeAround(await env.currentTimeMs()));
    await d.statusWhen(inPhase('window'));
    await d.handle.signal(abortSignal, abort);
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(status.error).toBe('aborted by alice: wrong build (traffic never moved)');
    expect(phaseOf(status, 'window')).toMatchObject({ state: 'cancelled', detail: 'aborted by alice' });
    expect(phaseOf(status, 'switch').state).toBe('skipped');
    expect(d.inputsOf('waitForPublicColor')).toEqual([]);
  });

  it('after the switch an abort is ignored (rollback is the way back)', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: untilCancelled });
    await d.called('monitorChecks');
    await d.handle.signal(abortSignal, abort);
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'errors up' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.ignoredSignals).toMatchObject([
      { signal: 'abort', by: 'alice', reason: 'traffic may already have moved: use rollback instead of abort' },
    ]);
  });
});

describe('updates (the CLI decides through them; their validators refuse at once)', () => {
  it('an abort after the switch is refused with the reason, and nothing changes', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: untilCancelled });
    await d.called('monitorChecks');
    await expect(d.handle.executeUpdate(abortUpdate, { args: [{ by: 'alice', reason: 'too late' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/traffic may already have moved: use rollback instead of abort/) },
    });
    const accepted = await d.handle.executeUpdate(rollbackUpdate, { args: [{ by: 'alice', reason: 'errors up' }] });
    expect(accepted.accepted).toBe(true);
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.error).toBe('rollback requested by alice: errors up');
  });
});

describe('monitor: rollback and promote', () => {
  it('failureThreshold failures in a row roll back automatically: ROLLED_BACK', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: unhealthyMonitor });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(phaseOf(status, 'monitor')).toMatchObject({ state: 'failed' });
    expect(phaseOf(status, 'monitor').detail).toMatch(/^3 consecutive failures on .*: GET \/health answered 503$/);
    expect(phaseStates(status)).toMatchObject({ rollback: 'succeeded', sync: 'skipped' });
    expect(colorsWaitedFor(d.inputsOf('waitForPublicColor'))).toEqual(['green', ACTIVE]);
    expect(d.inputsOf('syncBranch')).toEqual([]);
  });

  it('without automatic rollback a failed window waits for a human; promote keeps the new color', async ({ deploy }) => {
    const d = await deploy({ ...PROMOTERS, rollback: { automatic: false } }, { monitorChecks: unhealthyMonitor });
    await d.statusWhen((s) => s.waitingFor?.startsWith('a decision: monitoring failed') === true);
    await d.handle.signal(promoteSignal, { by: 'alice' });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseStates(status)).toMatchObject({ monitor: 'failed', sync: 'succeeded' });
    expect(status.phases.some((p) => p.name === 'rollback' && p.state !== 'skipped' && p.state !== 'pending')).toBe(false);
  });

  it('without automatic rollback a failed window waits for a human; rollback switches back', async ({ deploy }) => {
    const d = await deploy({ rollback: { automatic: false } }, { monitorChecks: unhealthyMonitor });
    await d.statusWhen((s) => s.waitingFor?.startsWith('a decision: monitoring failed') === true);
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'not worth the risk' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.error).toBe('rollback requested by alice: not worth the risk');
    expect(phaseStates(status)).toMatchObject({ monitor: 'failed', rollback: 'succeeded', sync: 'skipped' });
  });

  it('a rollback request during the window ends it and switches back: ROLLED_BACK', async ({ deploy }) => {
    let monitorCancelled = false;
    const d = await deploy(
      {},
      {
        monitorChecks: async () => {
          try {
            return await untilCancelled();
          } finally {
            monitorCancelled = true;
          }
        },
      },
    );
    await d.called('monitorChecks');
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'latency doubled' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.error).toBe('rollback requested by alice: latency doubled');
    expect(phaseOf(status, 'monitor')).toMatchObject({ state: 'cancelled', detail: 'rollback requested by alice' });
    expect(phaseStates(status)).toMatchObject({ rollback: 'succeeded', sync: 'skipped' });
    expect(colorsWaitedFor(d.inputsOf('waitForPublicColor'))).toEqual(['green', ACTIVE]);
    await expect.poll(() => monitorCancelled).toBe(true);
  });

  it('promote ends the window early: SUCCEEDED', async ({ deploy }) => {
    const d = await deploy(PROMOTERS, { monitorChecks: untilCancelled });
    await d.called('monitorChecks');
    await d.handle.signal(promoteSignal, { by: 'alice' });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseOf(status, 'monitor')).toMatchObject({ state: 'succeeded', detail: 'promoted early by alice' });
    expect(phaseOf(status, 'sync').state).toBe('succeeded');
  });

  it('a promote from someone who may not promote is ignored', async ({ deploy }) => {
    const d = await deploy(PROMOTERS, { monitorChecks: untilCancelled });
    await d.called('monitorChecks');
    await d.handle.signal(promoteSignal, { by: 'mallory' });
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'stop here' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.ignoredSignals).toMatchObject([{ signal: 'promote', by: 'mallory' }]);
  });
});

describe('bake', () => {
  const BAKE = { ...PROMOTERS, bake: { duration: '2h' } };

  it('the old color stays warm for the bake, then sync goes ahead: SUCCEEDED', async ({ deploy }) => {
    const d = await deploy(BAKE);
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseOf(status, 'bake')).toMatchObject({ state: 'succeeded', detail: `${ACTIVE} kept warm for 2h` });
    expect(phaseStates(status)).toMatchObject({ monitor: 'succeeded', sync: 'succeeded' });
  });

  it('a rollback during the bake switches back without a redeploy: ROLLED_BACK', async ({ deploy }) => {
    const d = await deploy(BAKE);
    await d.statusWhen(inPhase('bake'));
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'orders failing' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(phaseOf(status, 'bake')).toMatchObject({ state: 'cancelled', detail: 'rollback requested by alice' });
    expect(phaseStates(status)).toMatchObject({ rollback: 'succeeded', sync: 'skipped' });
    // One deploy and two switches (there and back): the old color was never redeployed.
    expect(d.inputsOf('dispatchWorkflow').map((i) => i.workflow)).toEqual([
      'deploy-green.yml',
      'dns-update.yml',
      'dns-update.yml',
    ]);
    expect(d.inputsOf('syncBranch')).toEqual([]);
  });

  it('promote ends the bake early: SUCCEEDED', async ({ deploy }) => {
    const d = await deploy(BAKE);
    await d.statusWhen(inPhase('bake'));
    await d.handle.signal(promoteSignal, { by: 'alice' });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseOf(status, 'bake')).toMatchObject({ state: 'succeeded', detail: 'ended early by alice' });
  });
});

describe('switch windows', () => {
  it('a freeze holds the switch until it ends, then the deployment goes on: SUCCEEDED', async ({ deploy, env }) => {
    const d = await deploy(freezeAround(await env.currentTimeMs()));
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseOf(status, 'window')).toMatchObject({ state: 'succeeded' });
    expect(phaseOf(status, 'window').detail).toMatch(/^switch allowed since /);
    expect(status.switchWindow?.why).toMatch(/release freeze/);
    expect(status.switchWindow?.override).toBeUndefined();
    expect(status.phases.map((p) => p.name)).toEqual([
      'plan',
      'deploy',
      'verify',
      'approval',
      'window',
      'switch',
      'monitor',
      'sync',
    ]);
  });

  it('an approver overrides the freeze with a reason: SUCCEEDED, the override recorded', async ({ deploy, env }) => {
    const d = await deploy({ ...PROMOTERS, ...freezeAround(await env.currentTimeMs()) });
    await d.statusWhen(inPhase('window'));
    await d.handle.signal(overrideWindowSignal, { by: 'alice', reason: 'security fix' });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseOf(status, 'window')).toMatchObject({ state: 'succeeded', detail: 'overridden by alice: security fix' });
    expect(status.switchWindow?.override).toMatchObject({ by: 'alice', reason: 'security fix' });
  });

  it("the worker policy's windows hold the switch too", async ({ deploy, env }) => {
    const now = await env.currentTimeMs();
    const freeze = {
      from: new Date(now - 3_600_000).toISOString(),
      until: new Date(now + 86_400_000).toISOString(),
      reason: 'policy freeze',
      source: 'policy',
    };
    const d = await deploy({}, { readSwitchSchedule: async () => ({ windows: [], freezes: [freeze] }) });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(phaseOf(status, 'window').state).toBe('succeeded');
    expect(status.switchWindow?.why).toMatch(/policy freeze/);
  });
});

describe('step retry (onFailure: ask)', () => {
  const failedOnce = () => {
    let runs = 0;
    return async ({ runId }: { runId: number }): Promise<WorkflowRunResult> => ({
      runId,
      url: `https://github.com/acme/api/actions/runs/${runId}`,
      conclusion: ++runs === 1 ? 'failure' : 'success',
      failedJob: 'build',
      failedStep: 'npm test',
    });
  };
  const ask = (otherwise: 'abort' | 'retry') => ({
    onFailure: { deploy: { action: 'ask', retryTimeout: '1h', default: otherwise, maxRetries: 2 } },
  });

  it('a failed deploy waits; retry dispatches it again: SUCCEEDED on attempt 2', async ({ deploy }) => {
    const d = await deploy(ask('abort'), { waitForWorkflowRun: failedOnce() });
    const waiting = await d.statusWhen((s) => s.stepFailure !== undefined);
    expect(waiting.stepFailure).toMatchObject({ step: 'deploy', attempt: 1, otherwise: 'abort' });
    await d.handle.signal(retrySignal, { by: 'alice' });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(status.attempts).toEqual({ deploy: 2 });
    expect(d.inputsOf('dispatchWorkflow').map((i) => i.workflow)).toEqual([
      'deploy-green.yml',
      'deploy-green.yml',
      'dns-update.yml',
      'deploy-blue.yml',
    ]);
  });

  it('nobody decides within retryTimeout: the default (retry) runs it again', async ({ deploy }) => {
    const d = await deploy(ask('retry'), { waitForWorkflowRun: failedOnce() });
    const status = await d.result();
    expect(status.outcome).toBe('SUCCEEDED');
    expect(status.attempts).toEqual({ deploy: 2 });
  });

  it('nobody decides within retryTimeout: the default (abort) ends it FAILED', async ({ deploy }) => {
    const d = await deploy(ask('abort'), { waitForWorkflowRun: failedOnce() });
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(status.error).toMatch(/^deploy run ended failure at job "build", step "npm test": .*; traffic untouched on blue$/);
    expect(d.inputsOf('dispatchWorkflow')).toHaveLength(1);
  });

  it('abort instead of retry: ABORTED, traffic untouched', async ({ deploy }) => {
    const d = await deploy(ask('retry'), { waitForWorkflowRun: failedOnce() });
    await d.statusWhen((s) => s.stepFailure !== undefined);
    await d.handle.signal(abortSignal, { by: 'alice', reason: 'needs a fix first' });
    const status = await d.result();
    expect(status.outcome).toBe('ABORTED');
    expect(status.error).toMatch(/^aborted by alice: needs a fix first \(after deploy failed: /);
    expect(d.inputsOf('dispatchWorkflow')).toHaveLength(1);
  });
});

describe('failures', () => {
  it("the worker's policy refuses the plan: FAILED in plan before any side effect", async ({ deploy }) => {
    const d = await deploy(
      {},
      {
        readPlan: async ({ plan }) => ({
          allowed: false,
          policy: {
            problems: ['github.owner "acme" is not among the allowed repositories'],
            approval: { ...plan.approval, minApprovals: 1, allowSelfApproval: false, promoters: [], via: ['signal'] },
          },
        }),
      },
    );
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(status.error).toMatch(/^the worker's policy refuses this plan: github\.owner "acme"/);
    expect(phaseOf(status, 'plan').state).toBe('failed');
    expect(d.inputsOf('dispatchWorkflow')).toEqual([]);
    expect(d.inputsOf('createGitHubDeployment')).toEqual([]);
  });

  it('a failed deploy run without onFailure: FAILED, traffic untouched', async ({ deploy }) => {
    const d = await deploy(
      {},
      {
        waitForWorkflowRun: async ({ runId }) => ({
          runId,
          url: 'https://github.com/acme/api/actions/runs/1',
          conclusion: 'failure',
        }),
      },
    );
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(phaseStates(status)).toMatchObject({ deploy: 'failed', verify: 'skipped', switch: 'skipped' });
  });

  it('verify never healthy: FAILED, traffic untouched', async ({ deploy }) => {
    const d = await deploy(
      {},
      { verifyChecks: async () => ({ ok: false, rounds: 9, checks: [], lastFailure: 'GET /health answered 500' }) },
    );
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(status.error).toMatch(
      /^verify failed: green not healthy after .*: GET \/health answered 500; traffic untouched on blue$/,
    );
    expect(phaseStates(status)).toMatchObject({ verify: 'failed', switch: 'skipped' });
  });

  it('a switch run that fails with traffic still on the old color: FAILED, no rollback', async ({ deploy }) => {
    const d = await deploy({}, { waitForWorkflowRun: switchRunFails });
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(status.error).toMatch(/traffic still on blue$/);
    expect(phaseStates(status)).toMatchObject({ switch: 'failed', monitor: 'skipped' });
    expect(status.phases.find((p) => p.name === 'rollback')?.state ?? 'absent').not.toBe('succeeded');
  });

  it('a switch run that fails after traffic moved anyway: switched back, ROLLED_BACK', async ({ deploy }) => {
    const d = await deploy({}, { waitForWorkflowRun: switchRunFails, readActiveColor: async () => 'green' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.error).toMatch(/^switch not confirmed: /);
    expect(phaseStates(status)).toMatchObject({ switch: 'failed', monitor: 'skipped', rollback: 'succeeded' });
  });
});

/** The deploy run succeeds; the switch run (the second dispatch, run 1001) fails. */
async function switchRunFails({ runId }: { runId: number }): Promise<WorkflowRunResult> {
  return { runId, url: `https://github.com/acme/api/actions/runs/${runId}`, conclusion: runId === 1001 ? 'failure' : 'success' };
}

/** A bluegreen.yaml freeze from an hour before `nowMs` (the test server's clock) to three days after it. */
function freezeAround(nowMs: number) {
  return {
    freezes: [
      {
        from: new Date(nowMs - 3_600_000).toISOString(),
        until: new Date(nowMs + 3 * 86_400_000).toISOString(),
        reason: 'release freeze',
      },
    ],
  };
}

describe('how it ends in Temporal (the Web UI list, the memo)', () => {
  const described = async (d: {
    handle: { describe(): Promise<{ status: { name: string }; memo?: Record<string, unknown> }> };
  }) => d.handle.describe();

  it('SUCCEEDED completes; the memo says where traffic is, the SHA and what to do next', async ({ deploy }) => {
    const d = await deploy();
    expect((await d.result()).outcome).toBe('SUCCEEDED');
    const { status, memo } = await described(d);
    expect(status.name).toBe('COMPLETED');
    expect(memo).toMatchObject({ outcome: 'SUCCEEDED', live: 'green', target: 'green', sha: HEAD_SHA });
    expect(memo?.previous).toMatch(new RegExp(`^${ACTIVE}`));
    expect(memo?.next).toMatch(/revert/);
  });

  it('ROLLED_BACK fails the workflow with DeploymentRolledBack carrying the final status', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: unhealthyMonitor });
    const failure = await d.handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'DeploymentRolledBack', nonRetryable: true });
    expect(cause?.message).toMatch(/^ROLLED_BACK \(traffic on blue\): 3 consecutive failures/);
    expect((cause as ApplicationFailure).details?.[0]).toMatchObject({ outcome: 'ROLLED_BACK', sha: HEAD_SHA });
    const { status, memo } = await described(d);
    expect(status.name).toBe('FAILED');
    expect(memo).toMatchObject({ outcome: 'ROLLED_BACK', live: ACTIVE, target: 'green', sha: HEAD_SHA });
    expect(memo?.reason).toMatch(/^3 consecutive failures/);
    expect(memo?.next).toMatch(/green still runs the new version/);
  });

  it('ABORTED fails the workflow with DeploymentAborted; the status is read back the same way', async ({ deploy }) => {
    const d = await deploy(APPROVAL);
    await d.statusWhen(waitingForApproval);
    await d.handle.signal(rejectSignal, { by: 'alice', reason: 'checkout is broken' });
    expect((await d.result()).outcome).toBe('ABORTED');
    const { status, memo } = await described(d);
    expect(status.name).toBe('FAILED');
    expect(memo).toMatchObject({ outcome: 'ABORTED', live: ACTIVE });
  });
});
