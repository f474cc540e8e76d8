// The whole lifecycle on the real dev server, with real activities talking to a real lab.
import { describe, expect } from 'vitest';
import { DeploymentBusyError, startDeployment } from '../client/start-deployment.js';
import * as messages from '../contract/messages.js';
import { it } from './support/fixture.js';
import { labPlan, waitForStatus, waitingForApproval } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const QUICK_MONITOR = { monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 } };

describe('blueGreenDeployment', () => {
  it('deploys green, waits for approval, switches, monitors, syncs: SUCCEEDED', async ({ lab, deploy }) => {
    lab.github.pushCommit('green', 'feature: new checkout');
    const greenBefore = lab.apps.version('green');
    const { handle } = await deploy('svc-happy', QUICK_MONITOR);
    const waiting = await waitForStatus(handle, waitingForApproval);
    expect(waiting.targetColor).toBe('green');
    expect(waiting.waitingFor).toContain('bluegreen approve svc-happy');
    expect(lab.router.activeColor).toBe('blue');

    await handle.signal(messages.approveSignal, { by: 'alice', comment: 'QA passed' });
    const result = await finalStatus(handle);

    expect(result.outcome).toBe('SUCCEEDED');
    expect(lab.router.activeColor).toBe('green');
    const answer = await fetch(`${lab.publicUrl}/deployment/color/`).then((r) => r.json());
    expect(answer).toEqual({ color: 'green' });
    expect(lab.apps.version('green')).toBe(result.sha);
    expect(greenBefore).not.toBe(result.sha);
    expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
    // sync: production merged with green and blue redeployed from it
    expect(lab.github.dispatchCount('deploy-blue.yml')).toBe(1);
    expect(result.phases.map((p) => [p.name, p.state])).toEqual([
      ['plan', 'succeeded'],
      ['deploy', 'succeeded'],
      ['verify', 'succeeded'],
      ['approval', 'succeeded'],
      ['switch', 'succeeded'],
      ['monitor', 'succeeded'],
      ['sync', 'succeeded'],
    ]);
    expect(result.approvals).toMatchObject([{ by: 'alice', decision: 'approved', comment: 'QA passed', counted: true }]);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(searchKey('BlueGreenOutcome'))).toBe('SUCCEEDED');
    expect(description.typedSearchAttributes.get(searchKey('BlueGreenService'))).toBe('svc-happy');
  });

  it('ends FAILED with the run URL when the deploy run fails, traffic untouched', async ({ lab, deploy }) => {
    lab.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Run migrations' });
    const { handle } = await deploy('svc-deploy-fails');
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    const deployPhase = result.phases.find((p) => p.name === 'deploy');
    expect(deployPhase?.state).toBe('failed');
    expect(deployPhase?.url).toMatch(/\/actions\/runs\/\d+/);
    expect(result.error).toContain('Run migrations');
    expect(result.error).toContain(deployPhase?.url);
    expect(lab.router.activeColor).toBe('blue');
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(0);
  });

  it('ends FAILED when the new color never becomes healthy', async ({ lab, deploy }) => {
    lab.apps.setHealthy('green', false);
    const { handle } = await deploy('svc-verify-fails', { verify: { timeout: '1s', interval: '100ms' } });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.phases.find((p) => p.name === 'verify')?.state).toBe('failed');
    expect(result.error).toMatch(/verify failed/);
    expect(result.error).toMatch(/503/);
    expect(lab.router.activeColor).toBe('blue');
  });

  it('ends ABORTED when QA rejects', async ({ lab, deploy }) => {
    const { handle } = await deploy('svc-rejected');
    await waitForStatus(handle, waitingForApproval);
    await handle.signal(messages.rejectSignal, { by: 'bob', reason: 'checkout page broken' });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    expect(result.error).toContain('checkout page broken');
    expect(result.approvals).toMatchObject([{ by: 'bob', decision: 'rejected', counted: true }]);
    expect(lab.router.activeColor).toBe('blue');
  });

  it('ends ABORTED when nobody approves in time', async ({ lab, deploy }) => {
    const { handle } = await deploy('svc-approval-timeout', { approval: { timeout: '1500ms' } });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    expect(result.error).toMatch(/no approval within 2s|no approval within 1/);
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(0);
  });

  it('records and ignores approvals from names outside the approvers list', async ({ lab, deploy }) => {
    const { handle } = await deploy('svc-not-approver', QUICK_MONITOR);
    await waitForStatus(handle, waitingForApproval);
    await handle.signal(messages.approveSignal, { by: 'mallory' });
    const after = await waitForStatus(handle, (s) => s.approvals.length === 1);
    expect(after.phase).toBe('approval');
    expect(after.approvals[0]).toMatchObject({ by: 'mallory', counted: false });
    expect(after.approvals[0]?.note).toContain('not on the approvers list');
    await handle.signal(messages.approveSignal, { by: 'alice' });
    expect((await finalStatus(handle)).outcome).toBe('SUCCEEDED');
  });

  it('rolls back automatically when the new color fails under traffic: ROLLED_BACK', async ({ lab, deploy }) => {
    const { handle } = await deploy('svc-auto-rollback', {
      approval: { required: false },
      monitor: { duration: '20s', interval: '100ms', failureThreshold: 3 },
    });
    await waitForStatus(handle, (s) => s.phase === 'monitor');
    lab.apps.setHealthy('green', false);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ROLLED_BACK');
    expect(result.error).toMatch(/3 consecutive failures/);
    expect(lab.router.activeColor).toBe('blue');
    const answer = await fetch(`${lab.publicUrl}/deployment/color/`).then((r) => r.json());
    expect(answer).toEqual({ color: 'blue' });
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(2);
    expect(lab.github.dispatchCount('deploy-blue.yml')).toBe(0);
  });

  it('rolls back on a rollback signal during monitoring', async ({ lab, deploy }) => {
    const { handle } = await deploy('svc-manual-rollback', {
      approval: { required: false },
      monitor: { duration: '60s', interval: '200ms' },
    });
    await waitForStatus(handle, (s) => s.phase === 'monitor');
    await handle.signal(messages.rollbackSignal, { by: 'carol', reason: 'error rate up' });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ROLLED_BACK');
    expect(result.error).toContain('carol');
    expect(result.phases.find((p) => p.name === 'monitor')?.state).toBe('cancelled');
    expect(lab.router.activeColor).toBe('blue');
  });

  it('aborts before the switch on an abort signal, traffic never moved', async ({ lab, deploy }) => {
    const { handle } = await deploy('svc-abort');
    await waitForStatus(handle, waitingForApproval);
    await handle.signal(messages.abortSignal, { by: 'dave', reason: 'wrong branch' });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    expect(result.error).toContain('wrong branch');
    expect(lab.github.dispatchCount('dns-update.yml')).toBe(0);
    expect(lab.router.switches).toHaveLength(0);
  });

  it('ends the monitor window early on promote', async ({ lab, deploy }) => {
    const { handle } = await deploy('svc-promote', {
      approval: { required: false },
      monitor: { duration: '10m', interval: '200ms' },
      sync: { enabled: false },
    });
    await waitForStatus(handle, (s) => s.phase === 'monitor');
    const started = Date.now();
    await handle.signal(messages.promoteSignal, { by: 'erin' });
    const result = await finalStatus(handle);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.phases.find((p) => p.name === 'monitor')?.detail).toContain('promoted early by erin');
    expect(lab.router.activeColor).toBe('green');
  });

  it('refuses a second deployment of a busy service, naming the running one', async ({ lab, deploy, client, taskQueue }) => {
    const { plan, handle } = await deploy('svc-busy');
    await waitForStatus(handle, waitingForApproval);
    const second = labPlan(lab, 'svc-busy');
    const refusal = await startDeployment(client, second, { taskQueue }).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(DeploymentBusyError);
    expect((refusal as Error).message).toContain(plan.deploymentId);
    await handle.signal(messages.abortSignal, { by: 'test', reason: 'cleanup' });
    expect((await finalStatus(handle)).outcome).toBe('ABORTED');
  });
});

function searchKey(name: string) {
  return { name, type: 'KEYWORD' as const };
}
