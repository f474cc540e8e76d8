// `bluegreen status` shows both colors side by side, read from the service's deployments on the
// real dev server: a success to green, then a deployment to blue rolled back. Terminal and JSON.
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { statusQuery, workflowIdFor } from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import type { ColorsView } from '../views/colors.js';
import { cliEnv, runCli, stopCliProcesses, writeConfig } from './support/cli-runner.js';
import { connectClient, pollStatus, startWorker, taskQueueFor } from './support/harness.js';

const SERVICE = 'colors-shop';
let lab: Lab;
let client: Client;
let connection: Connection;
let taskQueue: string;
let stopWorker: (() => Promise<void>) | undefined;

const config = (monitor: string) =>
  writeConfig({
    ...lab.exampleConfig(SERVICE),
    deploy: { pollInterval: '100ms', runTimeout: '1m' },
    verify: { healthPath: '/health', successes: 2, interval: '100ms', timeout: '20s' },
    approval: { required: false },
    monitor: { duration: monitor, interval: '100ms', failureThreshold: 3 },
  });
const deploy = (file: string, ...flags: string[]) =>
  runCli(['deploy', '-c', file, '--task-queue', taskQueue, '--by', 'olivia', ...flags], {
    env: cliEnv({ GITHUB_TOKEN: lab.token }),
  });

beforeAll(async () => {
  lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 300 } });
  ({ client, connection } = await connectClient());
  taskQueue = taskQueueFor('cli-colors');
  ({ stop: stopWorker } = await startWorker(lab, taskQueue));
}, 90_000);

afterAll(async () => {
  await stopCliProcesses();
  await stopWorker?.();
  await connection?.close();
  await lab?.close();
});

describe('bluegreen status: both colors side by side', () => {
  it('which SHA each color runs, which takes traffic since when, and the last deployment of each', async () => {
    const first = await deploy(config('1s'), '--wait');
    expect(first.code).toBe(0);
    const greenSha = lab.github.branchHead('green')!;

    const blueSha = lab.github.pushCommit(lab.branches.blue, 'feature: faster checkout');
    const second = deploy(config('1m'), '--wait');
    const handle = client.workflow.getHandle(workflowIdFor(SERVICE));
    await pollStatus(
      () => handle.query(statusQuery).catch(() => undefined),
      (s: DeploymentStatus) => s.targetColor === 'blue' && s.phases.find((p) => p.name === 'monitor')?.state === 'running',
      60_000,
      SERVICE,
    );
    const rolled = await runCli(['rollback', SERVICE, '--by', 'carol', '--reason', 'error rate up']);
    expect(rolled.code).toBe(0);
    expect((await second).code).toBe(4);

    const [json, text] = await Promise.all([runCli(['status', SERVICE, '--json']), runCli(['status', SERVICE])]);
    expect(json.code).toBe(4);
    const status = JSON.parse(json.stdout) as DeploymentStatus & { colors: ColorsView };
    expect(status.outcome).toBe('ROLLED_BACK');
    const firstSwitch = status.colors.green.since;
    expect(status.colors).toMatchObject({
      live: 'green',
      green: { live: true, sha: greenSha, last: { outcome: 'SUCCEEDED', sha: greenSha, by: 'olivia' } },
      // The rolled-back target keeps the new SHA (for inspection); traffic went back to green.
      blue: { live: false, sha: blueSha, last: { deploymentId: status.deploymentId, outcome: 'ROLLED_BACK', sha: blueSha } },
    });
    // Since the rollback that brought traffic back, not since the first deployment's switch.
    const rollbackEnd = status.phases.find((p) => p.name === 'rollback')?.endedAt;
    expect(firstSwitch).toBe(rollbackEnd);
    expect(status.colors.green.last?.deploymentId).not.toBe(status.deploymentId);

    // Piped: ISO times; the live color first.
    const lines = text.stdout.split('\n');
    const header = lines.findIndex((l) => l.trim() === 'Colors:');
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toMatch(/^\s+COLOR\s+TRAFFIC\s+RUNS\s+LAST DEPLOYMENT$/);
    expect(lines[header + 2]).toMatch(
      new RegExp(
        `● green\\s+takes traffic since \\d{4}-\\d\\d-\\d\\dT[\\d:]{8}Z\\s+${greenSha.slice(0, 7)}\\s+\\S+ \\(SUCCEEDED, ended`,
      ),
    );
    expect(lines[header + 3]).toMatch(
      new RegExp(`○ blue\\s+no traffic\\s+${blueSha.slice(0, 7)}\\s+this deployment \\(ROLLED_BACK, ended .*, by olivia\\)`),
    );
  });
});
