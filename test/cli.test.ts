// The `bluegreen` CLI as operators and QA use it: every command run as a subprocess
// (`node bin/bluegreen.js …`) against the real dev server, a real lab and a worker started
// with `bluegreen worker` itself. Exit codes, --json output and the approval gate's answers.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { statusQuery, workflowIdFor } from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { cliEnv, runCli, startCliProcess, stopCliProcesses, waitForOutput, writeConfig } from './support/cli-runner.js';
import { pollStatus, taskQueueFor, temporalAddress } from './support/harness.js';
import { finalStatus } from './support/final-status.js';

let lab: Lab;
let client: Client;
let connection: Connection;
let taskQueue: string;
let worker: ReturnType<typeof startCliProcess>;

/** The lab's example config, with test timings; `extra` replaces whole sections. */
function config(service: string, extra: Record<string, unknown> = {}): string {
  const base = lab.exampleConfig(service);
  return writeConfig({
    ...base,
    deploy: { pollInterval: '100ms', runTimeout: '1m' },
    verify: { healthPath: '/health', successes: 2, interval: '100ms', timeout: '20s' },
    monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
    ...extra,
  });
}

// GITHUB_TOKEN lets `deploy` read the branch head for the Web UI summary, as an operator's would.
const deploy = (file: string, ...flags: string[]) =>
  runCli(['deploy', '-c', file, '--task-queue', taskQueue, ...flags], { env: cliEnv({ GITHUB_TOKEN: lab.token }) });
const FAST_RUNS = { queuedMs: 30, inProgressMs: 300 };
const resetRuns = () => {
  for (const file of ['deploy-green.yml', 'deploy-blue.yml', 'dns-update.yml']) lab.github.setWorkflowBehavior(file, FAST_RUNS);
};

async function statusOf(service: string): Promise<DeploymentStatus> {
  return client.workflow.getHandle(workflowIdFor(service)).query(statusQuery);
}

/** Like waitForStatus, by service name, while the CLI may not have started the deployment yet. */
const waitFor = (service: string, predicate: (s: DeploymentStatus) => boolean, timeoutMs?: number) =>
  pollStatus(() => statusOf(service).catch(() => undefined), predicate, timeoutMs, service);

function writeScript(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bluegreen-browser-')), 'browser');
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 50 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
}

const atApproval = (s: DeploymentStatus) => s.phase === 'approval' && s.waitingFor !== undefined;
const monitoring = (s: DeploymentStatus) =>
  s.phase === 'monitor' && s.phases.find((p) => p.name === 'monitor')?.state === 'running';

beforeAll(async () => {
  lab = await startLab({ runTiming: FAST_RUNS });
  connection = await Connection.connect({ address: temporalAddress() });
  client = new Client({ connection });
  taskQueue = taskQueueFor('cli');
  // The worker command itself, as in production: GITHUB_TOKEN from the environment.
  worker = startCliProcess(['worker', '--task-queue', taskQueue], cliEnv({ GITHUB_TOKEN: lab.token }));
  await waitForOutput(worker.output, /bluegreen worker: task queue/, 60_000);
}, 90_000);

afterAll(async () => {
  await stopCliProcesses();
  await connection?.close();
  await lab?.close();
});

describe('bluegreen --help', () => {
  const commands = [
    'deploy',
    'status',
    'list',
    'history',
    'approve',
    'reject',
    'rollback',
    'abort',
    'promote',
    'retry',
    'override-window',
    'revert',
    'worker',
    'validate',
    'init',
  ];

  it('lists every command, and each one documents itself with an example', async () => {
    const [top, deployHelp] = await Promise.all([runCli(['--help']), runCli(['deploy', '--help'])]);
    expect(top.code).toBe(0);
    for (const name of commands) expect(top.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(deployHelp.code).toBe(0);
    expect(deployHelp.stdout).toContain('--color <color>');
    expect(deployHelp.stdout).toContain('--dry-run');
    expect(deployHelp.stdout).toContain('bluegreen deploy -c bluegreen.yaml --wait');
    // The same help text each subprocess would print, read from the command table itself.
    const { buildProgram } = await import('../client/cli.js');
    const program = buildProgram();
    for (const name of commands) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      let help = '';
      cmd.configureOutput({ writeOut: (text) => (help += text) });
      cmd.outputHelp();
      expect(help, name).toMatch(/Examples?:\n\s+bluegreen /);
    }
  });
});

describe('validate and deploy --dry-run', () => {
  it('validates a good file, and previews the plan without starting anything', async () => {
    const file = config('cli-dry');
    const withToken = { env: cliEnv({ GITHUB_TOKEN: lab.token }) };
    const [valid, asJson, dry, dryJson] = await Promise.all([
      runCli(['validate', '-c', file]),
      runCli(['validate', '-c', file, '--json']),
      runCli(['deploy', '-c', file, '--dry-run'], withToken),
      runCli(['deploy', '-c', file, '--dry-run', '--json', '--color', 'green'], withToken),
    ]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('valid (service cli-dry, datatruck/backend)');
    expect(JSON.parse(asJson.stdout)).toMatchObject({ valid: true, config: { service: 'cli-dry', monitor: { duration: 1000 } } });

    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run: nothing started');
    expect(dry.stdout).toMatch(/active color\s+blue/);
    expect(dry.stdout).toMatch(/target color\s+green/);
    expect(dry.stdout).toMatch(new RegExp(`branch\\s+green @ ${lab.github.branchHead('green')!.slice(0, 7)}`));
    expect(dry.stdout).toMatch(/approval\s+alice or bob within 1h/);
    expect(JSON.parse(dryJson.stdout)).toMatchObject({
      plan: { service: 'cli-dry', requestedColor: 'green' },
      activeColor: 'blue',
      targetColor: 'green',
    });

    const listed = await runCli(['list', '--service', 'cli-dry', '--json']);
    // Nothing was started: Temporal knows no deployment of it at all.
    expect(listed).toMatchObject({ code: 2, stdout: '' });
    expect(listed.stderr).toContain('no deployment of "cli-dry" found');
  });
});

describe('a deployment through the QA gate', () => {
  it('answers each decision at once, keeps the approvals, and ends SUCCEEDED', async () => {
    const service = 'cli-gate';
    lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 4000 });
    const file = config(service, { monitor: { duration: '1m', interval: '200ms', failureThreshold: 3 } });

    const started = await deploy(file, '--json', '--by', 'olivia');
    expect(started.code).toBe(0);
    const startInfo = JSON.parse(started.stdout) as { workflowId: string; deploymentId: string; webUi: string };
    expect(startInfo.workflowId).toBe('bluegreen-cli-gate');
    expect(startInfo.webUi).toMatch(/\/namespaces\/default\/workflows\/bluegreen-cli-gate$/);

    // Too early (the deploy run takes 4 s), and busy: both refused, with the reason.
    const [early, busy] = await Promise.all([runCli(['approve', service, '--by', 'alice']), deploy(file)]);
    expect(early.code).toBe(7);
    expect(early.stderr.trim()).toMatch(
      /^bluegreen: approve refused for cli-gate: not waiting for approval \(phase: (plan|deploy)\)$/,
    );
    expect(busy.code).toBe(7);
    expect(busy.stderr).toContain(`already running: ${startInfo.deploymentId}`);

    // The Web UI summary says what was attempted, with the commit filled in by `deploy`.
    const description = await client.workflow.getHandle(startInfo.workflowId).describe();
    expect(await description.staticSummary()).toBe(
      `cli-gate: deploy ${lab.github.branchHead('green')!.slice(0, 7)} to green, by olivia`,
    );

    await waitFor(service, atApproval);
    const [text, stranger, promoteTooEarly] = await Promise.all([
      runCli(['status', service]),
      runCli(['approve', service, '--by', 'mallory', '--comment', 'lgtm']),
      runCli(['promote', service, '--by', 'alice']),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/✓ plan/);
    expect(text.stdout).toMatch(/✓ deploy/);
    expect(text.stdout).toMatch(/▸ approval/);
    expect(text.stdout).toContain('alice or bob may approve');
    expect(text.stdout).toContain('bluegreen approve cli-gate --by <name>');
    expect(stranger.code).toBe(7);
    expect(stranger.stderr.trim()).toBe(
      'bluegreen: approve refused for cli-gate: mallory is not on the approvers list (alice, bob)',
    );
    expect(promoteTooEarly.code).toBe(7);
    expect(promoteTooEarly.stderr).toContain('not monitoring');

    const approved = await runCli(['approve', service, '--by', 'alice', '--comment', 'QA passed']);
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`approve by alice counted for ${startInfo.deploymentId} ("QA passed")`);

    const [again] = await Promise.all([runCli(['approve', service, '--by', 'bob']), waitFor(service, monitoring)]);
    expect(again.code).toBe(7);
    expect(again.stderr).toContain('the approval was already decided');

    const lateAbort = await runCli(['abort', service, '--by', 'dave', '--reason', 'too late']);
    expect(lateAbort.code).toBe(7);
    expect(lateAbort.stderr).toContain('use rollback instead of abort');
    const promoted = await runCli(['promote', service, '--by', 'erin']);
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain('the monitor window ends now');

    await finalStatus(client.workflow.getHandle(startInfo.workflowId));
    const [final, finished] = await Promise.all([
      runCli(['status', service, '--json']),
      runCli(['approve', service, '--by', 'alice']),
    ]);
    expect(final.code).toBe(0);
    const status = JSON.parse(final.stdout) as DeploymentStatus;
    expect(status.outcome).toBe('SUCCEEDED');
    expect(status.requestedBy).toBe('olivia');
    expect(status.approvals).toEqual([
      { by: 'alice', decision: 'approved', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), comment: 'QA passed', counted: true },
    ]);
    expect(status.phases.find((p) => p.name === 'monitor')?.detail).toBe('promoted early by erin');
    expect(finished.code).toBe(7);
    expect(finished.stderr).toContain('already ended SUCCEEDED: there is nothing to approve');
  });
  afterAll(resetRuns);
});

describe('deploy --wait: the exit code tells the outcome', () => {
  it('0 for SUCCEEDED, with one JSON object per change', async () => {
    const file = config('cli-wait-ok', { approval: { required: false } });
    const result = await deploy(file, '--wait', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DeploymentStatus);
    expect(lines.length).toBeGreaterThan(3);
    // Fast phases may pass between two readings; the final status has them all.
    expect(lines.at(-1)).toMatchObject({ service: 'cli-wait-ok', outcome: 'SUCCEEDED', phase: 'done' });
    expect(lines.at(-1)!.phases.map((p) => `${p.name}:${p.state}`)).toEqual([
      'plan:succeeded',
      'deploy:succeeded',
      'verify:succeeded',
      'approval:skipped',
      'switch:succeeded',
      'monitor:succeeded',
      'sync:succeeded',
    ]);
  });

  it('3 for FAILED, naming the failed step and the run', async () => {
    const target = lab.router.activeColor === 'blue' ? 'green' : 'blue';
    lab.github.failNextRun(`deploy-${target}.yml`, { job: 'deploy', step: 'Run migrations' });
    const result = await deploy(config('cli-wait-failed'), '--wait');
    expect(result.code).toBe(3);
    const last = result.stdout.trim().split('\n').at(-1)!;
    expect(last).toMatch(
      /cli-wait-failed ✗ FAILED in \S+ — deploy run ended failure at job "deploy", step "Run migrations": http:\/\/127\.0\.0\.1:\d+\/.*\/actions\/runs\/\d+/,
    );
  });

  it('5 for ABORTED when QA rejects, 4 for ROLLED_BACK when someone rolls back', async () => {
    // Two deployments at once (different services): the rejected one never moves traffic.
    const rejected = deploy(config('cli-wait-rejected'), '--wait');
    const rolled = deploy(
      config('cli-wait-rollback', {
        approval: { required: false },
        monitor: { duration: '1m', interval: '200ms', failureThreshold: 3 },
      }),
      '--wait',
    );
    await Promise.all([
      waitFor('cli-wait-rejected', atApproval).then(async () => {
        const reject = await runCli(['reject', 'cli-wait-rejected', '--by', 'bob', '--reason', 'checkout broken']);
        expect(reject.code).toBe(0);
      }),
      waitFor('cli-wait-rollback', monitoring).then(async () => {
        const rollback = await runCli(['rollback', 'cli-wait-rollback', '--by', 'carol', '--reason', 'error rate up']);
        expect(rollback.code).toBe(0);
      }),
    ]);
    const rejectedResult = await rejected;
    expect(rejectedResult.code).toBe(5);
    expect(rejectedResult.stdout).toContain('✗ bob (self-declared) rejected at');
    expect(rejectedResult.stdout).toMatch(
      /⊘ ABORTED in \S+ — rejected by bob \(self-declared\): checkout broken; traffic untouched/,
    );
    const rolledResult = await rolled;
    expect(rolledResult.code).toBe(4);
    expect(rolledResult.stdout).toMatch(
      /↺ ROLLED_BACK in \S+: traffic is back on (blue|green) — rollback requested by carol: error rate up/,
    );
    const statusRejected = await runCli(['status', 'cli-wait-rejected']);
    expect(statusRejected.code).toBe(5);
    expect(statusRejected.stdout).toMatch(/✗ approval\s+\S+\s+rejected by bob/);
  });

  it('5 for ABORTED by abort before the switch; the active color itself is refused (7)', async () => {
    lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 2000 });
    lab.github.setWorkflowBehavior('deploy-blue.yml', { queuedMs: 30, inProgressMs: 2000 });
    const active = lab.router.activeColor;
    const same = await deploy(config('cli-abort'), '--color', active);
    expect(same.code).toBe(7);
    expect(same.stderr.trim()).toBe(
      `bluegreen: ${active} is the active color of cli-abort: deploy to ${active === 'blue' ? 'green' : 'blue'} instead`,
    );

    const started = await deploy(config('cli-abort'));
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('follow it:  bluegreen status cli-abort --watch');
    await waitFor('cli-abort', (s) => s.phase === 'deploy');
    const abort = await runCli(['abort', 'cli-abort', '--by', 'dave', '--reason', 'wrong branch']);
    expect(abort.code).toBe(0);
    const watched = await runCli(['status', 'cli-abort', '--watch', '--json']);
    expect(watched.code).toBe(5);
    const last = JSON.parse(watched.stdout.trim().split('\n').at(-1)!) as DeploymentStatus;
    expect(last).toMatchObject({ outcome: 'ABORTED', error: expect.stringContaining('aborted by dave: wrong branch') });
    resetRuns();
  });
});

describe('list and history', () => {
  it('lists deployments from visibility, filtered, as a table or JSON', async () => {
    // Visibility is eventually consistent: give it a moment to catch up with the closes above.
    const deadline = Date.now() + 10_000;
    let rows: Array<{ service: string; status: string; outcome: string; phase: string }> = [];
    while (Date.now() < deadline) {
      const result = await runCli(['list', '--json', '--limit', '100']);
      expect(result.code).toBe(0);
      rows = JSON.parse(result.stdout);
      if (rows.filter((r) => r.service.startsWith('cli-') && r.outcome !== '').length >= 6) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const outcomes = Object.fromEntries(rows.filter((r) => r.service.startsWith('cli-')).map((r) => [r.service, r.outcome]));
    expect(outcomes).toMatchObject({
      'cli-gate': 'SUCCEEDED',
      'cli-wait-ok': 'SUCCEEDED',
      'cli-wait-failed': 'FAILED',
      'cli-wait-rejected': 'ABORTED',
      'cli-wait-rollback': 'ROLLED_BACK',
      'cli-abort': 'ABORTED',
    });

    const [oneResult, runningResult, table, history, historyJsonResult] = await Promise.all([
      runCli(['list', '--service', 'cli-gate', '--json']),
      runCli(['list', '--running', '--json']),
      runCli(['list', '--service', 'cli-gate']),
      runCli(['history', 'cli-gate', '--limit', '5']),
      runCli(['history', 'cli-gate', '--json']),
    ]);
    const one = JSON.parse(oneResult.stdout);
    expect(one[0]).toEqual(
      expect.objectContaining({
        service: 'cli-gate',
        status: 'COMPLETED',
        phase: 'done',
        targetColor: 'green',
        outcome: 'SUCCEEDED',
      }),
    );
    const running = JSON.parse(runningResult.stdout) as Array<{ service: string }>;
    expect(running.filter((r) => r.service.startsWith('cli-'))).toEqual([]);

    expect(table.stdout).toMatch(/^SERVICE\s+STATE\s+LIVE\s+ROUTE\s+SHA\s+BY\s+STARTED\s+TOOK\n/);
    // Piped: ISO times; the SHA and who started it read from the final status.
    expect(table.stdout).toMatch(
      /cli-gate\s+SUCCEEDED\s+green\s+blue → green\s+[0-9a-f]{7}\s+olivia\s+\d{4}-\d\d-\d\dT[\d:]{8}Z/,
    );

    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/olivia\s+blue → green\s+green\s+[0-9a-f]{7}\s+SUCCEEDED/);
    expect(one[0]).toMatchObject({ liveColor: 'green', by: 'olivia', sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const historyJson = JSON.parse(historyJsonResult.stdout) as DeploymentStatus[];
    expect(historyJson[0]).toMatchObject({
      service: 'cli-gate',
      outcome: 'SUCCEEDED',
      approvals: [{ by: 'alice', comment: 'QA passed' }],
    });

    // A rollback's traffic is back on its active color: LIVE says so, not the target.
    const rolledBack = await runCli(['list', '--service', 'cli-wait-rollback', '-o', 'jsonl']);
    const rolledBackRow = JSON.parse(rolledBack.stdout.trim().split('\n')[0]!) as { liveColor: string; targetColor: string };
    expect(rolledBackRow.liveColor).not.toBe(rolledBackRow.targetColor);
    expect(rolledBackRow).toMatchObject({ outcome: 'ROLLED_BACK', liveColor: expect.stringMatching(/^(blue|green)$/) });
  });

  it('a service with no deployment is "not found" (exit 2) for every command that names one', async () => {
    const results = await Promise.all([
      runCli(['status', 'cli-nosuch']),
      runCli(['history', 'cli-nosuch']),
      runCli(['list', '--service', 'cli-nosuch']),
      runCli(['approve', 'cli-nosuch', '--by', 'alice']),
      runCli(['status', 'cli-nosuch', '--web']),
    ]);
    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('bluegreen: no deployment of "cli-nosuch" found (workflow id bluegreen-cli-nosuch)');
    }
    // Nothing running is not "not found": an empty list, exit 0.
    const running = await runCli(['list', '--service', 'cli-gate', '--running']);
    expect(running).toMatchObject({ code: 0, stdout: 'no running deployments\n' });
  });

  it('status --web prints the page and hands it to $BROWSER; --address and --namespace win over TEMPORAL_*', async () => {
    const opened = join(mkdtempSync(join(tmpdir(), 'bluegreen-web-')), 'opened');
    const browser = writeScript(`#!/bin/sh\necho "$1" > ${opened}\n`);
    const web = await runCli(['status', 'cli-gate', '--web', '--ui-url', 'http://ui.example:8080/'], {
      env: cliEnv({ BROWSER: browser }),
    });
    expect(web.code).toBe(0);
    expect(web.stdout).toBe('http://ui.example:8080/namespaces/default/workflows/bluegreen-cli-gate\n');
    await waitForFile(opened);
    expect(readFileSync(opened, 'utf8').trim()).toBe('http://ui.example:8080/namespaces/default/workflows/bluegreen-cli-gate');

    // The environment points nowhere; the flag reaches the test server.
    const nowhere = cliEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const flagged = await runCli(['status', 'cli-gate', '--address', temporalAddress(), '-o', 'json'], { env: nowhere });
    expect(flagged.code).toBe(0);
    expect(JSON.parse(flagged.stdout)).toMatchObject({ service: 'cli-gate', outcome: 'SUCCEEDED' });
    const unreachable = await runCli(['history', 'cli-gate'], { env: nowhere });
    expect(unreachable.code).toBe(6);
    expect(unreachable.stderr).toContain('cannot reach Temporal at 127.0.0.1:1');
    const otherNamespace = await runCli(['status', 'cli-gate', '--namespace', 'bluegreen-no-such-namespace']);
    expect(otherNamespace.code).toBe(2);
    expect(otherNamespace.stderr).toContain('has no namespace "bluegreen-no-such-namespace"');
  });
});
