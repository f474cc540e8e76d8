// Bake, revert, retry and switch windows on the lab with a real Temporal dev server and the real CLI: the bake window and
// revert (back on the old color within one switch run, no redeploy), a failed deploy run
// retried (two dispatches, one per correlation id), a deployment held at the switch by a
// freeze (reason shown, proceeds when it ends, or when an approver overrides), and the history
// cost of a wait (a handful of events, however long).
import { afterAll, describe, expect, it } from 'vitest';
import * as messages from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { waitForStatus } from './support/harness.js';
import { cliEnv, runCli, stopCliProcesses } from './support/cli-runner.js';
import { sharedLabWorker } from './support/lab-deployments.js';
import { finalStatus } from './support/final-status.js';

const shared = sharedLabWorker('resilience');
// CLI runs end before the worker and the labs stop (afterAll hooks run last registered first).
afterAll(stopCliProcesses);

const { newLab: lab, deploy } = shared;

const service = (name: string) => `svc-res-${name}-${Date.now().toString(36)}`;

const cli = (args: string[]) => runCli(args, { env: cliEnv({ BLUEGREEN_USER: 'carol' }), timeoutMs: 60_000 });
const phaseOf = (s: DeploymentStatus, name: string) => s.phases.find((p) => p.name === name);

describe.concurrent('bake, revert, retry and switch windows on the lab', { timeout: 90_000 }, () => {
  it('bake: the old color stays warm; revert during the bake is one switch run back, no redeploy, ROLLED_BACK', async () => {
    const l = await lab();
    const name = service('bake');
    const { handle } = await deploy(l, name, { sync: { enabled: true, redeploy: true }, bake: { duration: '10m' } });
    const baking = await waitForStatus(handle, (s) => s.phase === 'bake');
    expect(l.router.activeColor).toBe('green');
    expect(Date.parse(baking.bake!.until) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(baking.waitingFor).toMatch(/instant rollback to blue possible until/);
    expect(l.github.dispatchCount('deploy-blue.yml')).toBe(0); // blue untouched: no sync yet

    const reverted = await cli(['revert', name, '--reason', 'checkout errors', '--wait']);
    expect(reverted.stderr).toBe('');
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toMatch(/in its bake window: instant rollback to blue by carol counted/);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ROLLED_BACK');
    expect(result.error).toMatch(/rollback requested by carol: revert: checkout errors/);
    expect(phaseOf(result, 'bake')?.state).toBe('cancelled');
    expect(l.router.activeColor).toBe('blue');
    expect(l.github.dispatchCount('dns-update.yml')).toBe(2); // the switch, and one switch run back
    expect(l.github.dispatchCount('deploy-blue.yml')).toBe(0);
    expect(l.github.dispatchCount('deploy-green.yml')).toBe(1);
  });

  it('promote ends the bake early; sync then runs and the deployment SUCCEEDS', async () => {
    const l = await lab();
    const name = service('promote');
    const { handle } = await deploy(l, name, { sync: { enabled: true, redeploy: true }, bake: { duration: '10m' } });
    await waitForStatus(handle, (s) => s.phase === 'bake');
    const promoted = await cli(['promote', name, '--by', 'erin']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toMatch(/the bake ends now, sync goes ahead/);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(phaseOf(result, 'bake')).toMatchObject({ state: 'succeeded', detail: 'ended early by erin' });
    expect(l.github.dispatchCount('deploy-blue.yml')).toBe(1);
  });

  it('revert after SUCCEEDED: a revert deployment switches back to the warm old color, no redeploy, in history', async () => {
    const l = await lab();
    const name = service('revert');
    const { handle } = await deploy(l, name, {});
    const first = await finalStatus(handle);
    expect(first.outcome).toBe('SUCCEEDED');
    expect(first.previous).toMatchObject({ color: 'blue', warm: true });
    const dry = await cli(['revert', name, '--reason', 'bad release', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /switch traffic back to blue, which still runs [0-9a-f]{7}: verify blue, switch, monitor \(no redeploy\)/,
    );

    const reverted = await cli(['revert', name, '--reason', 'bad release', '--wait']);
    expect(reverted.code, reverted.stderr).toBe(0);
    const revert = await finalStatus(shared.client.workflow.getHandle(`bluegreen-${name}`));
    expect(revert).toMatchObject({
      outcome: 'SUCCEEDED',
      revertOf: first.deploymentId,
      activeColor: 'green',
      targetColor: 'blue',
    });
    expect(phaseOf(revert, 'deploy')).toMatchObject({ state: 'skipped' });
    expect(l.router.activeColor).toBe('blue');
    expect(l.github.dispatchCount('deploy-blue.yml')).toBe(0);
    expect(l.github.dispatchCount('deploy-green.yml')).toBe(1);
    expect(l.github.dispatchCount('dns-update.yml')).toBe(2);
    const history = await cli(['history', name, '--json']);
    expect((JSON.parse(history.stdout) as DeploymentStatus[]).map((d) => d.deploymentId).sort()).toEqual(
      [first.deploymentId, revert.deploymentId].sort(),
    );
    // Nothing left to revert to: traffic is on blue, which the revert itself replaced green with.
    const again = await cli(['revert', name, '--reason', 'again', '--dry-run']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/revert of .* \(blue → green\)/);
  });

  it('onFailure: ask — a deploy run failing once waits; retry dispatches again with a new correlation id; SUCCEEDED', async () => {
    const l = await lab();
    const name = service('retry');
    l.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Smoke test' });
    const { plan, handle } = await deploy(l, name, { onFailure: { deploy: { action: 'ask', retryTimeout: '5m' } } });
    const failed = await waitForStatus(handle, (s) => s.stepFailure !== undefined);
    expect(failed.stepFailure).toMatchObject({ step: 'deploy', attempt: 1, otherwise: 'abort' });
    expect(failed.stepFailure!.error).toMatch(/deploy run ended failure at job "deploy", step "Smoke test"/);
    expect(failed.waitingFor).toMatch(new RegExp(`bluegreen retry ${name} --by <name>`));
    const early = await cli(['override-window', name, '--by', 'alice', '--reason', 'x']);
    expect(early.code).toBe(7);
    expect(early.stderr).toMatch(/not waiting for a switch window/);

    const retried = await cli(['retry', name, '--by', 'frank', '--reason', 'runner flaked']);
    expect(retried.code, retried.stderr).toBe(0);
    const result = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(result.attempts).toEqual({ deploy: 2 });
    expect(l.github.dispatchCount('deploy-green.yml')).toBe(2);
    expect(l.github.dispatchCount('deploy-green.yml', `${plan.deploymentId}.deploy`)).toBe(1);
    expect(l.github.dispatchCount('deploy-green.yml', `${plan.deploymentId}.deploy.2`)).toBe(1);
    const late = await cli(['retry', name, '--by', 'frank']);
    expect(late.code).toBe(7);
  });

  it('onFailure.tests: ask — a test run failing once waits; retry dispatches a new run with a new correlation id; SUCCEEDED', async () => {
    const l = await lab();
    l.github.addWorkflow({
      file: 'e2e.yml',
      name: 'E2E tests',
      inputs: { deployment_id: { required: true }, base_url: { required: true } },
      jobs: [{ name: 'e2e', steps: ['Set up job', 'Run checkout flow', 'Complete job'] }],
    });
    const name = service('tests');
    l.github.failNextRun('e2e.yml', { job: 'e2e', step: 'Run checkout flow' });
    const { plan, handle } = await deploy(l, name, {
      verify: { tests: [{ workflow: 'e2e.yml', inputs: { base_url: '{{url}}' } }] },
      onFailure: { tests: { action: 'ask', retryTimeout: '5m' } },
    });
    const failed = await waitForStatus(handle, (s) => s.stepFailure !== undefined);
    expect(failed.stepFailure).toMatchObject({ step: 'test-e2e', attempt: 1, otherwise: 'abort' });
    expect(failed.stepFailure!.error).toMatch(/test e2e \(e2e\.yml\) ended failure at job "e2e", step "Run checkout flow"/);
    expect(failed.tests).toEqual([expect.objectContaining({ name: 'e2e', state: 'failed' })]);
    expect(l.router.activeColor).toBe('blue');

    const retried = await cli(['retry', name, '--by', 'frank', '--reason', 'flaky browser']);
    expect(retried.code, retried.stderr).toBe(0);
    const result = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(result.attempts).toEqual({ 'test-e2e': 2 });
    expect(result.tests).toEqual([expect.objectContaining({ name: 'e2e', state: 'succeeded' })]);
    expect(l.github.dispatchCount('e2e.yml')).toBe(2);
    expect(l.github.dispatchCount('e2e.yml', `${plan.deploymentId}.test-e2e`)).toBe(1);
    expect(l.github.dispatchCount('e2e.yml', `${plan.deploymentId}.test-e2e.2`)).toBe(1);
  });

  it('abort gives up a failed step (ABORTED, traffic untouched)', async () => {
    const l = await lab();
    const name = service('abort');
    l.github.failNextRun('deploy-green.yml');
    const { handle } = await deploy(l, name, { onFailure: { deploy: 'ask' } });
    await waitForStatus(handle, (s) => s.stepFailure !== undefined);
    await handle.executeUpdate(messages.abortUpdate, { args: [{ by: 'frank', reason: 'real bug' }] });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    expect(l.router.activeColor).toBe('blue');
    expect(l.github.dispatchCount('deploy-green.yml')).toBe(1);
  });

  it('a freeze holds the switch, saying why and until when, and the deployment proceeds when it ends', async () => {
    const l = await lab();
    const name = service('freeze');
    const until = new Date(Date.now() + 15_000).toISOString(); // outlasts a busy machine's CLI start
    const { handle } = await deploy(l, name, {
      freezes: [{ from: new Date(Date.now() - 60_000).toISOString(), until, reason: 'database maintenance' }],
    });
    const held = await waitForStatus(handle, (s) => s.phase === 'window');
    expect(held.switchWindow?.why).toMatch(/^freeze \(bluegreen.yaml\) until .*: database maintenance/);
    expect(held.switchWindow?.until).toBe(until);
    expect(held.waitingFor).toMatch(/database maintenance/);
    expect(phaseOf(held, 'verify')?.state).toBe('succeeded'); // deploy and verify ran anyway
    expect(l.router.activeColor).toBe('blue');
    const status = await cli(['status', name]);
    expect(status.stdout).toMatch(/database maintenance/);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(Date.parse(phaseOf(result, 'switch')!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(until));
    expect(l.router.activeColor).toBe('green');
  });

  it('an approver overrides a closed window with a reason (recorded); others are refused', async () => {
    const l = await lab();
    const name = service('override');
    const { handle } = await deploy(l, name, {
      approval: { required: true, approvers: ['alice'] },
      freezes: [{ from: '2026-01-01', until: '2026-12-31', reason: 'the long freeze' }],
      windows: [{ days: 'mon-sun', hours: '00:00-24:00' }],
    });
    await waitForStatus(handle, (s) => s.phase === 'approval' && s.waitingFor !== undefined);
    await handle.executeUpdate(messages.approveUpdate, { args: [{ by: 'alice' }] });
    await waitForStatus(handle, (s) => s.phase === 'window');
    const mallory = await cli(['override-window', name, '--by', 'mallory', '--reason', 'because']);
    expect(mallory.code).toBe(7);
    expect(mallory.stderr).toMatch(/mallory is not on the approvers list \(alice\)/);
    const alice = await cli(['override-window', name, '--by', 'alice', '--reason', 'hotfix for incident 4711']);
    expect(alice.code, alice.stderr).toBe(0);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.switchWindow?.override).toMatchObject({ by: 'alice', reason: 'hotfix for incident 4711' });
    expect(phaseOf(result, 'window')?.detail).toMatch(/overridden by alice: hotfix for incident 4711/);
  });

  it('a wait costs a handful of history events: within 10% of the same deployment without one', async () => {
    const l = await lab();
    // The same schedule with nothing closed: the one difference is the wait itself.
    const plain = await deploy(l, service('events-plain'), {
      windows: [{ days: 'mon-sun', hours: '00:00-24:00', timeZone: 'Europe/Berlin' }],
    });
    expect((await finalStatus(plain.handle)).outcome).toBe('SUCCEEDED');
    const l2 = await lab();
    const waiting = await deploy(l2, service('events-wait'), {
      // A window open every day but the one closed stretch just ahead, and a freeze on top.
      freezes: [
        { from: new Date(Date.now() - 60_000).toISOString(), until: new Date(Date.now() + 3_000).toISOString(), reason: 'short' },
      ],
      windows: [{ days: 'mon-sun', hours: '00:00-24:00', timeZone: 'Europe/Berlin' }],
    });
    expect((await finalStatus(waiting.handle)).outcome).toBe('SUCCEEDED');
    const count = async (h: typeof plain.handle) => (await h.fetchHistory()).events?.length ?? 0;
    const [a, b] = [await count(plain.handle), await count(waiting.handle)];
    expect(b).toBeGreaterThan(a);
    expect((b - a) / a).toBeLessThanOrEqual(0.1);
  });
});
