// `bluegreen doctor` on the lab: a healthy setup passes every check (exit 0); each seeded
// misconfiguration shows exactly its ✗ with the fix, and the exit code every command gives that
// problem (2 set-up, 6 Temporal or workers unreachable, 7 not ready).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { startDevServer, TEMPORAL_CLI, type DevServer } from '../lab/temporal-dev-server.js';
import { cliEnv, runCli, stopCliProcesses, writeConfig, type CliResult } from './support/cli-runner.js';
import { connectClient, startWorker, taskQueueFor } from './support/harness.js';

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
    const only = (result: CliResult, pattern: RegExp, code = 7) => {
      const lines = failures(result);
      expect(lines, result.stdout + result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(result.code).toBe(code);
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
    only(noWorker, /✗ worker polling task queue .*-nobody: no worker polled it/, 6);
    expect(noWorker.stdout).toContain('bluegreen worker --task-queue');
    only(wrongColor, /✗ color endpoint http:\/\/.*\/not-a-color-endpoint/);
  }, 120_000);
});

describe('a workflow switch with switch.steps', () => {
  /** The switch workflow as a team on the seed's path has it: no `weight` input. */
  const switchText = (inputs: string[]) =>
    [
      'name: DNS Update',
      'run-name: "DNS Update [${{ inputs.deployment_id }}]"',
      'on:',
      '  workflow_dispatch:',
      '    inputs:',
      ...inputs.flatMap((name) => [`      ${name}:`, `        required: ${name === 'weight' ? 'false' : 'true'}`]),
      'jobs:',
      '  switch:',
      '    runs-on: ubuntu-latest',
      '    steps: [{ run: "true" }]',
      '',
    ].join('\n');

  it('its workflow declares the weight input: ✓ switch, exit 0; without it: ✗ saying steps need weight, exit 7', async () => {
    const [withWeight, without, noSteps] = await Promise.all([
      lab.addService('doctor-steps-ok'),
      lab.addService('doctor-steps-noweight'),
      lab.addService('doctor-nosteps-noweight'),
    ]);
    const stepped = (config: Record<string, unknown>) => ({
      ...config,
      switch: { ...(config['switch'] as object), steps: [10, 50, 100], stepPause: '1m' },
    });
    for (const config of [without, noSteps]) {
      const sw = config['switch'] as { workflow: string; ref: string };
      lab.github.setWorkflowFileOn(sw.ref, sw.workflow, switchText(['deployment_id', 'color']));
    }
    const [ok, missing, unstepped] = await Promise.all([doctor(stepped(withWeight)), doctor(stepped(without)), doctor(noSteps)]);
    expect(failures(ok), ok.stdout + ok.stderr).toEqual([]);
    expect(ok.stdout).toMatch(
      /✓ switch: \.github\/workflows\/dns-update-doctor-steps-ok\.yml on \S+: workflow_dispatch with deployment_id, color, weight/,
    );
    expect(ok.code).toBe(0);
    const sw = without['switch'] as { workflow: string; ref: string };
    expect(failures(missing)).toEqual([
      `✗ switch: .github/workflows/${sw.workflow} on ${sw.ref}: workflow_dispatch has no input weight: with switch.steps [10, 50, 100] each step dispatches it with the percent of the traffic the new color gets, and GitHub refuses an input the workflow does not declare`,
    ]);
    expect(missing.stdout).toContain('fix: on ');
    expect(missing.stdout).toContain('weight: { required: false, type: string }');
    expect(missing.code).toBe(7);
    // Without steps the same file is fine: weight is optional.
    expect(failures(unstepped), unstepped.stdout).toEqual([]);
  }, 120_000);
});

describe('the token on the repository', () => {
  it('a token whose owner may only read: ✗ it may not dispatch, exit 7', async () => {
    const config = await lab.addService('doctor-reader');
    const reader = lab.github.reviews.addUser({ login: 'doctor-reader', role: 'read' });
    const result = await doctor(config, [], { GITHUB_TOKEN: reader.token });
    const lines = failures(result);
    expect(lines, result.stdout + result.stderr).toEqual([
      "✗ token may dispatch workflows: the token's owner has read access only to the repository",
    ]);
    expect(result.code).toBe(7);
  }, 60_000);

  it('a classic token without the repo scope cannot see the private repository: ✗ repository', async () => {
    const config = await lab.addService('doctor-scope');
    const scopeless = lab.github.reviews.addUser({ login: 'doctor-scopeless', grant: { kind: 'classic', scopes: ['read:org'] } });
    const result = await doctor(config, [], { GITHUB_TOKEN: scopeless.token });
    expect(failures(result), result.stdout).toEqual([expect.stringMatching(/^✗ repository datatruck\/backend: 404 Not Found/)]);
    expect(result.code).toBe(7);
  }, 60_000);

  it('fine-grained tokens: without Actions write ✗ (GitHub answers its probe 403), with it ✓', async () => {
    const config = await lab.addService('doctor-fine');
    const readOnly = lab.github.reviews.addUser({ login: 'doctor-fg-read', grant: { kind: 'fine-grained', actions: 'read' } });
    const writer = lab.github.reviews.addUser({ login: 'doctor-fg-write', grant: { kind: 'fine-grained', actions: 'write' } });
    const [withoutWrite, withWrite] = await Promise.all([
      doctor(config, [], { GITHUB_TOKEN: readOnly.token }),
      doctor(config, [], { GITHUB_TOKEN: writer.token }),
    ]);
    expect(failures(withoutWrite), withoutWrite.stdout).toEqual([
      '✗ token may dispatch workflows: the fine-grained token may not dispatch workflows (403 without Actions: write)',
    ]);
    expect(withoutWrite.stdout).toContain('fix: give the token Actions: read and write');
    expect(withoutWrite.code).toBe(7);
    expect(failures(withWrite), withWrite.stdout).toEqual([]);
    expect(withWrite.stdout).toContain('✓ token may dispatch workflows: fine-grained token, a dispatch is allowed');
    // The probe dispatched nothing: its ref cannot exist.
    expect(lab.github.dispatches.filter((d) => d.ref.includes('..'))).toEqual([]);
  }, 60_000);
});

describe('metric sources', () => {
  let source: Server;
  let base: string;
  beforeAll(async () => {
    source = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/error-rate')) res.end(JSON.stringify({ errors: 0.002 }));
      else if (req.url?.startsWith('/down')) res.writeHead(503).end('{}');
      else res.end(JSON.stringify({ errors: 'many' }));
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => source?.close(() => resolve())));

  const withMetrics = async (service: string, urls: Record<string, string>) => {
    const config = await lab.addService(service);
    return {
      ...config,
      metrics: Object.fromEntries(
        Object.entries(urls).map(([name, url]) => [
          name,
          { json: { url, pointer: '/errors' }, unit: 'ratio', pass: { max: 0.01 }, noData: 'inconclusive' },
        ]),
      ),
      verify: { ...(config['verify'] as object), analysis: { metrics: Object.keys(urls), count: 1, interval: '1s' } },
    };
  };

  it("each source is asked once through the worker's reader: a number ✓; something else or no answer ✗", async () => {
    const result = await doctor(
      await withMetrics('doctor-metrics', {
        'error-rate': `${base}/error-rate?color={{color}}`,
        'not-a-number': `${base}/words`,
        down: `${base}/down`,
      }),
    );
    expect(result.stdout).toMatch(
      /✓ metric error-rate \(json\): answers 0\.002 \(http:\/\/127\.0\.0\.1:\d+\/error-rate\?color=blue \/errors\)/,
    );
    expect(failures(result), result.stdout).toEqual([
      expect.stringMatching(/^✗ metric not-a-number \(json\): answers a string, not a number/),
      expect.stringMatching(/^✗ metric down \(json\): no answer: HTTP 503/),
    ]);
    expect(result.code).toBe(7);
  }, 60_000);
});

describe("connection flags, with the Temporal CLI's meaning", () => {
  it('--namespace names the namespace checked; --address the server', async () => {
    const config = await lab.addService('doctor-flags');
    const [namespace, address] = await Promise.all([
      doctor(config, ['--namespace', 'doctor-no-such-namespace']),
      doctor(config, ['--address', '127.0.0.1:1']),
    ]);
    expect(failures(namespace), namespace.stdout).toEqual(['✗ namespace doctor-no-such-namespace: does not exist']);
    expect(namespace.code).toBe(2);
    expect(failures(address)[0], address.stdout).toMatch(/^✗ Temporal reachable: cannot reach Temporal at 127\.0\.0\.1:1/);
    expect(address.code).toBe(6);
  }, 60_000);
});

describe('deploy runs the checks first', () => {
  const deploy = (config: Record<string, unknown>, extra: string[] = []) =>
    runCli(['deploy', '-c', writeConfig(config), '--task-queue', taskQueue, ...extra], {
      env: cliEnv({ GITHUB_TOKEN: lab.token }),
      timeoutMs: 60_000,
    });

  it('a ✗ refuses it with the lines and their fixes, exit 7, nothing started; --no-preflight starts it', async () => {
    // Its own name per run: the shared server keeps the workflows of earlier runs.
    const service = `preflight-${taskQueue.split('-').at(-1)}`;
    const config = (await lab.addService(service)) as ServiceConfig;
    const green = config.environments.green;
    lab.github.setWorkflowFileOn(green.branch, green.deployWorkflow, deployText(['deployment_id', 'color']));
    const refused = await deploy(config);
    expect(refused.code, refused.stdout + refused.stderr).toBe(7);
    expect(refused.stdout).toBe('');
    const lines = refused.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `bluegreen: ${service}: not deployed, 1 preflight check failed (nothing was started; \`bluegreen doctor\` shows every check, --no-preflight skips them):`,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^  ✗ deploy green: .*${green.deployWorkflow} on ${green.branch}: workflow_dispatch lacks input sha$`),
    );
    expect(lines[2]).toMatch(/^ {6}fix: on \S+, give it `on: workflow_dispatch` with inputs deployment_id, color, sha/);
    const { client, connection } = await connectClient();
    try {
      await expect(client.workflow.getHandle(`bluegreen-${service}`).describe()).rejects.toThrow(/not found/i);
      const started = await deploy(config, ['--no-preflight']);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toMatch(new RegExp(`^started ${service}-`));
      await client.workflow.getHandle(`bluegreen-${service}`).terminate('test over');
    } finally {
      await connection.close();
    }
  }, 90_000);
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
    // --address wins over TEMPORAL_ADDRESS (the shared server, which has them).
    const result = await doctor(await lab.addService('doctor-attributes'), ['--address', server.address]);
    const line = failures(result).find((l) => l.startsWith('✗ search attributes'));
    expect(line, result.stdout).toContain('missing BlueGreenService, BlueGreenPhase, BlueGreenTargetColor, BlueGreenOutcome');
    expect(result.stdout).toContain('run `bluegreen setup`');
    expect(result.code).toBe(2);
  }, 90_000);
});
