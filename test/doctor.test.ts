// `bluegreen doctor` on the lab: a healthy setup passes every check (exit 0); each seeded
// misconfiguration shows exactly its ✗ with the fix, and a non-zero exit code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { startDevServer, TEMPORAL_CLI, type DevServer } from '../lab/temporal-dev-server.js';
import { cliEnv, runCli, stopCliProcesses, writeConfig, type CliResult } from './support/cli-runner.js';
import { startWorker, taskQueueFor } from './support/harness.js';

let lab: Lab;
let taskQueue: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  lab = await startLab();
  taskQueue = taskQueueFor('doctor');
  ({ stop: stopWorker } = await startWorker(lab, taskQueue));
}, 60_000);

afterAll(async () => {
  await stopCliProcesses();
  await stopWorker?.();
  await lab?.close();
});

interface ServiceConfig {
  environments: Record<'blue' | 'green', { branch: string; deployWorkflow: string }>;
  [key: string]: unknown;
}

const doctor = (config: Record<string, unknown>, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runCli(['doctor', '-c', writeConfig(config), '--task-queue', taskQueue, ...extra], {
    env: cliEnv({ GITHUB_TOKEN: lab.token, ...env }),
    timeoutMs: 60_000,
  });

const failures = (result: CliResult) => result.stdout.split('\n').filter((line) => line.startsWith('✗'));

/** The deploy workflow as a team might have it: `inputs` lists which inputs it declares. */
const deployText = (inputs: string[], on = 'workflow_dispatch') =>
  [
    'name: Deployment',
    'run-name: "Deploy [${{ inputs.deployment_id }}]"',
    'on:',
    on === 'workflow_dispatch' ? '  workflow_dispatch:' : `  ${on}:`,
    ...(on === 'workflow_dispatch'
      ? ['    inputs:', ...inputs.flatMap((name) => [`      ${name}:`, '        required: true'])]
      : []),
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    steps: [{ run: "true" }]',
    '',
  ].join('\n');

describe('bluegreen doctor on the lab', () => {
  it('a healthy lab: every check passes, exit 0', async () => {
    const result = await doctor(await lab.addService('doctor-ok'));
    expect(failures(result), result.stdout + result.stderr).toEqual([]);
    expect(result.code).toBe(0);
    for (const line of [
      '✓ Temporal reachable',
      '✓ search attributes',
      `✓ worker polling task queue ${taskQueue}`,
      '✓ token may dispatch workflows',
      '✓ color endpoint',
    ])
      expect(result.stdout).toContain(line);
    expect(result.stdout).toMatch(
      /✓ deploy blue: \.github\/workflows\/deploy-blue-doctor-ok\.yml on \S+: workflow_dispatch with deployment_id, color, sha/,
    );
    expect(result.stdout).toContain('✓ switch: .github/workflows/dns-update-doctor-ok.yml');
    expect(result.stdout).toContain('all checks passed');
  }, 90_000);

  it('each seeded misconfiguration shows exactly its ✗ and exits non-zero', async () => {
    const [input, trigger] = (await Promise.all([
      lab.addService('doctor-input'),
      lab.addService('doctor-trigger'),
    ])) as ServiceConfig[];
    const blue = input!.environments.blue;
    lab.github.setWorkflowFileOn(blue.branch, blue.deployWorkflow, deployText(['deployment_id', 'color']));
    const green = trigger!.environments.green;
    lab.github.setWorkflowFileOn(green.branch, green.deployWorkflow, deployText([], 'push'));
    const colorless = { ...(await lab.addService('doctor-color')), colorPath: '/not-a-color-endpoint' };
    const [missingInput, missingTrigger, noWorker, wrongColor] = await Promise.all([
      doctor(input!),
      doctor(trigger!),
      doctor(await lab.addService('doctor-worker'), ['--task-queue', `${taskQueue}-nobody`]),
      doctor(colorless),
    ]);
    const only = (result: CliResult, pattern: RegExp) => {
      const lines = failures(result);
      expect(lines, result.stdout + result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(result.code).toBe(3);
      expect(result.stdout).toContain('fix: ');
    };
    only(
      missingInput,
      new RegExp(`✗ deploy blue: .*${blue.deployWorkflow} on ${blue.branch}: workflow_dispatch lacks input sha`),
    );
    only(
      missingTrigger,
      new RegExp(`✗ deploy green: .*${green.deployWorkflow} on ${green.branch}: has no workflow_dispatch trigger`),
    );
    only(noWorker, /✗ worker polling task queue .*-nobody: no worker polled it/);
    expect(noWorker.stdout).toContain('bluegreen worker --task-queue');
    only(wrongColor, /✗ color endpoint http:\/\/.*\/not-a-color-endpoint/);
  }, 120_000);
});

describe('a Temporal without the search attributes', () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({ cli: TEMPORAL_CLI, searchAttributes: false });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('shows the missing attributes and `bluegreen setup`', async () => {
    const result = await doctor(await lab.addService('doctor-attributes'), [], { TEMPORAL_ADDRESS: server.address });
    const line = failures(result).find((l) => l.startsWith('✗ search attributes'));
    expect(line, result.stdout).toContain('missing BlueGreenService, BlueGreenPhase, BlueGreenTargetColor, BlueGreenOutcome');
    expect(result.stdout).toContain('run `bluegreen setup`');
    expect(result.code).toBe(3);
  }, 90_000);
});
