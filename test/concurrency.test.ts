// Concurrency. Two deploys of one service at the same moment: exactly one
// runs, the other is refused naming it. Deploys of different services run side by side.
import { afterEach, describe, expect } from 'vitest';
import { EXIT } from '../client/errors.js';
import { DeploymentBusyError, startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab } from '../lab/index.js';
import * as messages from '../contract/messages.js';
import { FAST_LAB, it } from './support/fixture.js';
import { labPlan, temporalAddress, waitForStatus, waitingForApproval } from './support/harness.js';
import { expectSwitchedToGreenOnce } from './support/lab-deployments.js';
import { killStartedProcesses, runCli, tempDir, writeConfigFile } from './support/processes.js';
import { finalStatus } from './support/final-status.js';

const FAST = {
  deploy: { pollInterval: '100ms' },
  timeouts: { heartbeat: '2s' },
  verify: { interval: '100ms' },
  monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
};

afterEach(async () => {
  await killStartedProcesses();
});

/** A bluegreen.yaml for `service` on `lab`, written to a temporary directory. */
function configFile(lab: Lab, service: string, overrides: Record<string, unknown> = {}): string {
  const config = { ...lab.exampleConfig(service), ...FAST, ...overrides };
  return writeConfigFile(tempDir('bluegreen-config-'), config, `${service}.yaml`);
}

const cliEnv = (lab: Lab) => ({
  TEMPORAL_ADDRESS: temporalAddress(),
  GITHUB_TOKEN: lab.token,
  BLUEGREEN_USER: 'ci',
  NO_COLOR: '1',
});

describe('two deploys of the same service at the same moment', () => {
  it(
    'CLI: one starts, the other exits 7 naming the running deployment; only one deployment touches GitHub',
    { timeout: 90_000 },
    async ({ lab, worker, client, taskQueue }) => {
      void worker;
      const file = configFile(lab, 'svc-race');
      const deploy = () => runCli(['deploy', '-c', file, '--task-queue', taskQueue], cliEnv(lab));

      const results = await Promise.all([deploy(), deploy()]);

      const codes = results.map((r) => r.code).sort();
      expect(codes, JSON.stringify(results)).toEqual([EXIT.RUNNING, EXIT.REFUSED]);
      const winner = results.find((r) => r.code === EXIT.RUNNING)!;
      const loser = results.find((r) => r.code === EXIT.REFUSED)!;
      const deploymentId = /started (\S+)/.exec(winner.stdout)?.[1];
      expect(deploymentId).toMatch(/^svc-race-/);
      expect(loser.stderr).toContain(`svc-race: a deployment of this service is already running: ${deploymentId}`);
      expect(loser.stdout).toBe('');

      // The one that runs is the winner's, and it finishes alone: one dispatch of each workflow.
      const handle = client.workflow.getHandle(messages.workflowIdFor('svc-race'));
      const waiting = await waitForStatus(handle, waitingForApproval);
      expect(waiting.deploymentId).toBe(deploymentId);
      await handle.signal(messages.approveSignal, { by: 'alice' });
      const result = await finalStatus(handle);
      expect(result.outcome).toBe('SUCCEEDED');
      expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
      expect(lab.github.dispatchCount('dns-update.yml')).toBe(1);
      expect(lab.github.dispatchCount('deploy-blue.yml')).toBe(1);
      expect(lab.router.switches.map((s) => s.color)).toEqual(['green']);
      expect(new Set(lab.github.dispatches.map((d) => d.inputs['deployment_id']?.replace(/\.[a-z]+$/, '')))).toEqual(
        new Set([deploymentId]),
      );
    },
  );

  it(
    'API: of five startDeployment calls in parallel exactly one starts; the four others name it',
    { timeout: 60_000 },
    async ({ lab, worker, client, taskQueue }) => {
      void worker;
      const plans = Array.from({ length: 5 }, () => labPlan(lab, 'svc-api-race', FAST));
      expect(new Set(plans.map((p) => p.deploymentId)).size).toBe(5);

      const settled = await Promise.allSettled(plans.map((plan) => startDeployment(client, plan, { taskQueue })));

      const started = settled.filter((s) => s.status === 'fulfilled');
      const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      expect(started).toHaveLength(1);
      expect(refused).toHaveLength(4);
      const handle = started[0]!.value;
      const running = await waitForStatus(handle, waitingForApproval);
      for (const err of refused) {
        expect(err).toBeInstanceOf(DeploymentBusyError);
        expect((err as DeploymentBusyError).message).toContain(`already running: ${running.deploymentId}`);
        expect((err as DeploymentBusyError).runningDeploymentId).toBe(running.deploymentId);
      }
      await handle.signal(messages.abortSignal, { by: 'test', reason: 'race test done' });
      expect((await finalStatus(handle)).outcome).toBe('ABORTED');
      expect(lab.github.dispatchCount('deploy-green.yml')).toBe(1);
      expect(lab.router.switches).toHaveLength(0);
    },
  );
});

describe('deploys of different services', () => {
  it(
    'run side by side (two labs, two CLI deploys --wait at once) and both succeed',
    { timeout: 90_000 },
    async ({ lab: labA, own, worker, client, taskQueue }) => {
      const labB = own(await startLab(FAST_LAB));
      // One worker (labA's) serves both services (the GitHub client is chosen per API root).
      void worker;
      const noApproval = { approval: { required: false }, monitor: { duration: '2s', interval: '100ms', failureThreshold: 3 } };
      const fileA = configFile(labA, 'svc-side-a', noApproval);
      const fileB = configFile(labB, 'svc-side-b', noApproval);

      const [a, b] = await Promise.all([
        runCli(['deploy', '-c', fileA, '--task-queue', taskQueue, '--wait'], cliEnv(labA)),
        runCli(['deploy', '-c', fileB, '--task-queue', taskQueue, '--wait'], cliEnv(labB)),
      ]);

      expect(a.code, a.stderr + a.stdout).toBe(EXIT.SUCCEEDED);
      expect(b.code, b.stderr + b.stdout).toBe(EXIT.SUCCEEDED);
      for (const lab of [labA, labB]) expectSwitchedToGreenOnce(expect, lab);
      // They really overlapped: each started before the other ended.
      const [da, db] = await Promise.all(
        ['svc-side-a', 'svc-side-b'].map((service) => client.workflow.getHandle(messages.workflowIdFor(service)).describe()),
      );
      expect(da!.startTime.getTime()).toBeLessThan(db!.closeTime!.getTime());
      expect(db!.startTime.getTime()).toBeLessThan(da!.closeTime!.getTime());
    },
  );
});
