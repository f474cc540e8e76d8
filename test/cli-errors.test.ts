// Every failure a user can cause ends with one clear sentence on stderr and a non-zero exit
// code, never a stack trace: no config, unreadable or broken files, bad flags, an unknown
// service, Temporal down, no worker, a decision sent to a finished deployment. The CLI runs
// as a subprocess against the real dev server and a real lab.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab } from '../lab/index.js';
import { freePort } from '../lab/temporal-dev-server.js';
import { cliEnv, expectCleanFailure, runCli, stopCliProcesses, writeConfig, type CliResult } from './support/cli-runner.js';
import { connectClient, labPlan, startWorker, taskQueueFor } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

let lab: Lab;
let client: Client;
let connection: Connection;
let taskQueue: string;
let stopWorker: () => Promise<void>;
const cleanUp: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
  ({ client, connection } = await connectClient());
  taskQueue = taskQueueFor('cli-errors');
  ({ stop: stopWorker } = await startWorker(lab, taskQueue));
}, 60_000);

afterAll(async () => {
  await stopCliProcesses();
  for (const step of cleanUp) await step().catch(() => undefined);
  await stopWorker?.();
  await connection?.close();
  await lab?.close();
});

/** One line on stderr, nothing on stdout, the given exit code; returns the line. */
function oneSentence(result: CliResult, code: number): string {
  const text = expectCleanFailure(result);
  expect(result.code, text).toBe(code);
  expect(text.split('\n'), text).toHaveLength(1);
  expect(text).toMatch(/^bluegreen( \w+)?: /);
  return text;
}

describe('config files', () => {
  it('no config, a missing file, a directory, binary bytes, broken YAML: exit 2 with the reason', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bluegreen-empty-'));
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-files-'));
    mkdirSync(join(dir, 'a-directory'));
    writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x0a]));
    writeFileSync(join(dir, 'broken.yaml'), 'service: api\nenvironments: [green\n');
    const [noConfig, noConfigValidate, missing, directory, binary, broken] = await Promise.all([
      runCli(['deploy'], { cwd: empty }),
      runCli(['validate'], { cwd: empty }),
      runCli(['deploy', '-c', join(dir, 'nope.yaml')]),
      runCli(['validate', '-c', join(dir, 'a-directory')]),
      runCli(['validate', '-c', join(dir, 'binary.yaml')]),
      runCli(['validate', '-c', join(dir, 'broken.yaml')]),
    ]);
    expect(oneSentence(noConfig, 2)).toBe(
      'bluegreen: no config file: pass one with -c <file>, or run where a bluegreen.yaml is (start from examples/bluegreen.yaml)',
    );
    expect(oneSentence(noConfigValidate, 2)).toContain('no config file');
    expect(oneSentence(missing, 2)).toBe(`bluegreen: ${join(dir, 'nope.yaml')}: cannot read the config file: no such file`);
    expect(oneSentence(directory, 2)).toBe(`bluegreen: ${join(dir, 'a-directory')}: is not a file`);
    expect(oneSentence(binary, 2)).toContain('is not valid UTF-8 text');
    expect(oneSentence(broken, 2)).toMatch(/broken\.yaml:\d+:\d+: YAML: .+/);
  });

  it('validate reports every problem with its field; ${VAR} comes from the environment', async () => {
    const base = lab.exampleConfig('err-config');
    const file = writeConfig({
      ...base,
      publicUrl: '${ERR_PUBLIC_URL}',
      verify: { healthPath: '/health', interval: '5 minutes', timeout: '20s' },
      monitor: { duration: '1m', interval: '2m', failureThreshold: 3 },
      approval: { required: true, approvers: ['alice'], timeout: '1h', approvrs: ['bob'] },
      rollbak: { automatic: true },
    });
    const [bad, badJson, good] = await Promise.all([
      runCli(['validate', '-c', file]),
      runCli(['validate', '-c', file, '--json']),
      runCli(['validate', '-c', file], { env: cliEnv({ ERR_PUBLIC_URL: lab.publicUrl }) }),
    ]);
    const text = expectCleanFailure(bad);
    expect(bad.code).toBe(2);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^bluegreen: .*bluegreen\.yaml is not a valid config \(\d+ problems; nothing was started\):$/);
    const problems = lines.slice(1).join('\n');
    // In file order, each with its line and column; an unknown key with the one meant.
    expect(problems).toMatch(/\d+:\d+ +publicUrl: environment variable ERR_PUBLIC_URL is not set/);
    expect(problems).toMatch(/\d+:\d+ +verify\.interval: "5 minutes" is not a duration: .*"30s"/);
    expect(problems).toMatch(/\d+:\d+ +approval\.approvrs: unknown key, did you mean "approvers"\?/);
    expect(problems).toMatch(/\d+:\d+ +rollbak: unknown key, did you mean "rollback"\?/);
    const lineNumbers = lines.slice(1).map((l) => Number(/^ +(\d+):/.exec(l)?.[1]));
    expect(lineNumbers).toEqual([...lineNumbers].sort((a, b) => a - b));

    expect(badJson.code).toBe(2);
    const report = JSON.parse(badJson.stdout) as {
      valid: boolean;
      problems: Array<{ path: string; message: string; line: number; column: number }>;
    };
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['publicUrl', 'verify.interval', 'approval.approvrs', 'rollbak']),
    );
    expect(report.problems.every((p) => p.line > 0 && p.column > 0)).toBe(true);

    // With the variable set, only the real mistakes remain.
    expect(good.code).toBe(2);
    expect(good.stderr).not.toContain('ERR_PUBLIC_URL');
    expect(good.stderr).toContain('verify.interval');
  });
});

describe('flags and arguments', () => {
  it('bad flags, values and names: exit 2, one line that points at --help', async () => {
    const file = writeConfig(lab.exampleConfig('err-flags'));
    const results = await Promise.all([
      runCli(['deploy', '-c', file, '--bogus']),
      runCli(['deploy', '-c', file, '--color', 'red']),
      runCli(['reject', 'err-flags', '--by', 'bob']),
      runCli(['list', '--limit', '0']),
      runCli(['status', 'Not A Service']),
      runCli(['frobnicate']),
    ]);
    const [bogus, color, noReason, limit, badName, unknownCommand] = results.map((r) => oneSentence(r, 2));
    expect(bogus).toBe("bluegreen deploy: unknown option '--bogus' (see `bluegreen deploy --help`)");
    expect(color).toBe(
      "bluegreen deploy: option '--color <color>' argument 'red' is invalid. Allowed choices are blue, green. (see `bluegreen deploy --help`)",
    );
    expect(noReason).toBe("bluegreen reject: required option '--reason <text>' not specified (see `bluegreen reject --help`)");
    expect(limit).toContain("option '--limit <n>' argument '0' is invalid. expected a whole number ≥ 1");
    expect(badName).toContain('"Not A Service" is not a service name');
    expect(unknownCommand).toBe("bluegreen: unknown command 'frobnicate' (see `bluegreen --help`)");
  });

  it('an unknown service: exit 2, naming the workflow id it looked for', async () => {
    const [status, approve] = await Promise.all([
      runCli(['status', 'err-nobody']),
      runCli(['approve', 'err-nobody', '--by', 'alice']),
    ]);
    const expected =
      'bluegreen: no deployment of "err-nobody" found (workflow id bluegreen-err-nobody): check the service name, or list them with `bluegreen list`';
    expect(oneSentence(status, 2)).toBe(expected);
    expect(oneSentence(approve, 2)).toBe(expected);
  });
});

describe('Temporal and its workers', () => {
  it('Temporal down: exit 6 with the address tried and how to start one', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const env = cliEnv({ TEMPORAL_ADDRESS: address, GITHUB_TOKEN: lab.token });
    const file = writeConfig(lab.exampleConfig('err-down'));
    const [status, deploy, list] = await Promise.all([
      runCli(['status', 'err-down'], { env }),
      runCli(['deploy', '-c', file], { env }),
      runCli(['list'], { env }),
    ]);
    for (const result of [status, deploy, list]) {
      const line = oneSentence(result, 6);
      expect(line).toContain(`cannot reach Temporal at ${address}`);
      expect(line).toContain(
        'start one the way bluegreen needs it with `temporal server start-dev --search-attribute BlueGreenService=Keyword ' +
          '--search-attribute BlueGreenPhase=Keyword --search-attribute BlueGreenTargetColor=Keyword ' +
          '--search-attribute BlueGreenOutcome=Keyword` (any other server: `bluegreen setup` once), or pass --address (or set TEMPORAL_ADDRESS)',
      );
    }
    const badSettings = await runCli(['status', 'err-down'], {
      env: cliEnv({ TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' }),
    });
    expect(oneSentence(badSettings, 2)).toContain('TEMPORAL_CONFIG_FILE /nonexistent/temporal.toml does not exist');
  });

  it('a running deployment nobody serves: exit 6 naming the task queue and the command to start a worker', async () => {
    const orphanQueue = taskQueueFor('nobody-serves');
    const handle = await startDeployment(client, labPlan(lab, 'err-orphan'), { taskQueue: orphanQueue });
    cleanUp.push(() => handle.terminate('test clean-up'));
    const [status, approve] = await Promise.all([
      runCli(['status', 'err-orphan']),
      runCli(['approve', 'err-orphan', '--by', 'alice']),
    ]);
    const expected = `bluegreen: bluegreen-err-orphan is running (phase plan) but no worker is polling its task queue "${orphanQueue}": start one with \`bluegreen worker --task-queue ${orphanQueue}\``;
    expect(oneSentence(status, 6)).toBe(expected);
    expect(oneSentence(approve, 6)).toBe(expected);

    // Ended by hand in Temporal: no final status to show, said so.
    await handle.terminate('test: ended by hand');
    const terminated = await runCli(['status', 'err-orphan']);
    expect(oneSentence(terminated, 3)).toContain(
      'the last deployment of err-orphan was terminated in Temporal, so it has no final status',
    );
  });

  it('a decision sent to a finished deployment: exit 7, saying how it ended', async () => {
    lab.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Run migrations' });
    const handle = await startDeployment(client, labPlan(lab, 'err-finished'), { taskQueue });
    const final = await finalStatus(handle);
    expect(final.outcome).toBe('FAILED');
    const [approve, rollback, status] = await Promise.all([
      runCli(['approve', 'err-finished', '--by', 'alice']),
      runCli(['rollback', 'err-finished', '--by', 'carol', '--reason', 'oops']),
      runCli(['status', 'err-finished']),
    ]);
    expect(oneSentence(approve, 7)).toBe(
      `bluegreen: the last deployment of err-finished (${final.deploymentId}) already ended FAILED: there is nothing to approve`,
    );
    expect(oneSentence(rollback, 7)).toContain('already ended FAILED: there is nothing to roll back');
    // status of a FAILED deployment: the phase list, and exit 3.
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/✗ deploy/);
    expect(status.stdout).toMatch(/✗ FAILED in \S+ — deploy run ended failure at job "deploy", step "Run migrations"/);
  });
});
