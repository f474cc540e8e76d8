// A Temporal that says no: a plain dev server without bluegreen's search attributes (as
// `temporal server start-dev` runs by default) and a namespace that does not exist. Each command
// ends with one sentence naming what is missing and the command that creates it; `bluegreen
// setup` creates it, idempotently, after which deployments start.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../contract/search-attributes.js';
import { startLab, type Lab } from '../lab/index.js';
import { startDevServer, TEMPORAL_CLI, type DevServer } from '../lab/temporal-dev-server.js';
import { cliEnv, expectCleanFailure, runCli, stopCliProcesses, writeConfig, type CliResult } from './support/cli-runner.js';
import { taskQueueFor } from './support/harness.js';

let server: DevServer;
let lab: Lab;

const env = (extra: NodeJS.ProcessEnv = {}) => cliEnv({ TEMPORAL_ADDRESS: server.address, GITHUB_TOKEN: lab.token, ...extra });

/** A user-caused failure: this exit code, one line, no stack trace. */
function oneLine(result: CliResult, code: number): string {
  const text = expectCleanFailure(result);
  expect(result.code, text).toBe(code);
  expect(text.split('\n'), text).toHaveLength(1);
  expect(text).not.toContain('unexpected error');
  return text;
}

const ALL_MISSING = `has no search attribute ${SEARCH_ATTRIBUTES.join(', ')}; bluegreen needs`;

beforeAll(async () => {
  [server, lab] = await Promise.all([startDevServer({ cli: TEMPORAL_CLI, searchAttributes: false }), startLab()]);
}, 120_000);

afterAll(async () => {
  await stopCliProcesses();
  await lab?.close();
  await server?.stop();
});

describe('a namespace without the search attributes', () => {
  it('deploy --no-preflight, list and worker name every missing attribute and `bluegreen setup`', async () => {
    const file = writeConfig(lab.exampleConfig('setup-missing'));
    const [deploy, list, worker] = await Promise.all([
      runCli(['deploy', '-c', file, '--task-queue', taskQueueFor('setup-missing'), '--no-preflight'], { env: env() }),
      runCli(['list', '--service', 'setup-missing'], { env: env() }),
      runCli(['worker', '--task-queue', taskQueueFor('setup-missing')], { env: env(), timeoutMs: 90_000 }),
    ]);
    for (const [name, result] of Object.entries({ deploy, list, worker })) {
      const line = oneLine(result, 2);
      expect(line, name).toContain(`Temporal namespace "default" ${ALL_MISSING}`);
      expect(line, name).toContain('register them with `bluegreen setup`');
    }
  }, 120_000);

  it("deploy's preflight refuses with the ✗ lines and their fixes, the same exit code (2), nothing started", async () => {
    const file = writeConfig(lab.exampleConfig('setup-preflight'));
    const result = await runCli(['deploy', '-c', file, '--task-queue', taskQueueFor('setup-preflight')], { env: env() });
    const text = expectCleanFailure(result);
    expect(result.code, text).toBe(2);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^bluegreen: setup-preflight: not deployed, 2 preflight checks failed \(nothing was started;/);
    expect(lines.filter((l) => l.startsWith('  ✗'))).toEqual([
      `  ✗ search attributes: missing ${SEARCH_ATTRIBUTES.join(', ')}`,
      expect.stringMatching(/^  ✗ worker polling task queue \S+: no worker polled it/),
    ]);
    expect(text).toContain('fix: run `bluegreen setup`');
    const connection = await Connection.connect({ address: server.address });
    try {
      const describe = new Client({ connection }).workflow.getHandle('bluegreen-setup-preflight').describe();
      await expect(describe).rejects.toThrow(/not found/i);
    } finally {
      await connection.close();
    }
  }, 120_000);
});

describe('a namespace that does not exist', () => {
  it('names it and says how to create it', async () => {
    const file = writeConfig(lab.exampleConfig('setup-nowhere'));
    const nowhere = env({ TEMPORAL_NAMESPACE: 'no-such-namespace' });
    const [deploy, status, worker] = await Promise.all([
      runCli(['deploy', '-c', file], { env: nowhere }),
      runCli(['status', 'setup-nowhere'], { env: nowhere }),
      runCli(['worker'], { env: nowhere, timeoutMs: 90_000 }),
    ]);
    for (const [name, result] of Object.entries({ deploy, status, worker })) {
      const line = oneLine(result, 2);
      expect(line, name).toContain(`Temporal at ${server.address} has no namespace "no-such-namespace"`);
      expect(line, name).toContain('`bluegreen setup`');
      expect(line, name).toContain('`temporal operator namespace create --namespace no-such-namespace`');
    }
  }, 120_000);
});

describe('bluegreen setup', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: server.address });
  });
  afterAll(async () => {
    await connection?.close();
  });

  /**
   * Starts a deployment with the CLI, checks it started, and ends it. No worker serves it, which
   * the preflight rightly refuses: --no-preflight, since what is shown is that Temporal accepts it.
   */
  async function deployStarts(service: string, namespace: string): Promise<void> {
    const file = writeConfig(lab.exampleConfig(service));
    const started = await runCli(['deploy', '-c', file, '--task-queue', taskQueueFor(service), '--no-preflight'], {
      env: env({ TEMPORAL_NAMESPACE: namespace }),
    });
    expect(started.code, started.stderr).toBe(0);
    const handle = new Client({ connection, namespace }).workflow.getHandle(`bluegreen-${service}`);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
  }

  it('registers the missing search attributes once, and says so again without changing anything', async () => {
    const first = await runCli(['setup'], { env: env(), timeoutMs: 120_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('namespace default: exists');
    for (const name of SEARCH_ATTRIBUTES) expect(first.stdout).toContain(`search attribute ${name} (Keyword): registered`);
    expect(first.stdout).toContain('ready: deployments can start in namespace default');

    const again = await runCli(['setup'], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    for (const name of SEARCH_ATTRIBUTES)
      expect(again.stdout).toContain(`search attribute ${name} (Keyword): already registered`);
    expect(again.stdout).not.toContain('waiting');

    await deployStarts('setup-default', 'default');
    const list = await runCli(['list', '--service', 'setup-default'], { env: env() });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('setup-default');
  }, 180_000);

  it('creates a namespace that does not exist, with the search attributes', async () => {
    const created = await runCli(['setup', '--retention', '3d'], {
      env: env({ TEMPORAL_NAMESPACE: 'bluegreen-fresh' }),
      timeoutMs: 120_000,
    });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('namespace bluegreen-fresh: created (retention 3d)');
    for (const name of SEARCH_ATTRIBUTES) expect(created.stdout).toContain(`search attribute ${name} (Keyword): registered`);
    await deployStarts('setup-fresh', 'bluegreen-fresh');
  }, 180_000);

  it('refuses a retention it cannot use', async () => {
    const result = await runCli(['setup', '--retention', '5m'], { env: env() });
    expect(oneLine(result, 2)).toContain('--retention "5m" is not a duration of a day or more');
  });
});
