// The package as users get it: `npm pack` (which builds dist/ and the workflow bundle), the
// tarball installed into an empty prefix with production dependencies only, and its
// `bluegreen` binary run from outside this checkout — --version, validate, a worker and a
// deployment on the lab to SUCCEEDED — with no TypeScript and no tsx anywhere in the install.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { cliEnv, ROOT, runCli, startCliProcess, stopCliProcesses, waitForOutput, writeConfig } from './support/cli-runner.js';
import { taskQueueFor } from './support/harness.js';

const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

let work: string;
let prefix: string;
let installed: string;
let bin: string;
let lab: Lab | undefined;

/** Every file under `dir`, relative to it. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bluegreen-package-'));
  prefix = join(work, 'prefix');
  // prepack builds: tsc -p tsconfig.build.json, then the workflow bundle.
  const packed = await run('npm', ['pack', '--pack-destination', work, '--json'], { cwd: ROOT, maxBuffer: 64 << 20 });
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string }];
  // From npm's cache when it holds the dependencies (it does after `npm ci`), as a user's install would.
  await run(
    'npm',
    ['install', '--prefix', prefix, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', join(work, filename)],
    { cwd: work, maxBuffer: 64 << 20 },
  );
  installed = join(prefix, 'node_modules', ...manifest.name.split('/'));
  bin = join(prefix, 'node_modules', '.bin', 'bluegreen');
}, 600_000);

afterAll(async () => {
  await stopCliProcesses();
  await lab?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the built JavaScript and the workflow bundle, and no TypeScript, tests or lab', () => {
    const files = filesUnder(installed);
    expect(files).toContain('bin/bluegreen.js');
    expect(files).toContain('dist/client/main.js');
    expect(files).toContain('dist/workflow-bundle.js');
    expect(files).toContain('examples/bluegreen.yaml');
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
    expect(files.filter((file) => /^(test|lab|bench|scripts)\//.test(file) || file.startsWith('dist/lab/'))).toEqual([]);
    // Runtime dependencies only: the TypeScript runner and the lab's metrics library stay behind.
    for (const devOnly of ['tsx', 'typescript', 'prom-client', 'vitest'])
      expect(existsSync(join(prefix, 'node_modules', devOnly)), devOnly).toBe(false);
  });

  it('prints its version, several at once', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => runCli(['--version'], { bin, cwd: work })));
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(manifest.version);
      expect(result.code).toBe(0);
    }
  });

  it('validates the example config it ships', async () => {
    const result = await runCli(['validate', '-c', join(installed, 'examples', 'bluegreen.yaml')], { bin, cwd: work });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('valid (service datatruck-api, datatruck/backend)');
    expect(result.code).toBe(0);
  });

  it('runs a worker on its prebuilt bundle and a deployment on the lab to SUCCEEDED', async () => {
    lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 300 } });
    const taskQueue = taskQueueFor('package');
    const env = cliEnv({ GITHUB_TOKEN: lab.token });
    delete env['BLUEGREEN_WORKFLOW_BUNDLE'];
    const worker = startCliProcess(['worker', '--task-queue', taskQueue], env, { bin, cwd: work });
    await waitForOutput(worker.output, /bluegreen worker: task queue/, 60_000);
    const file = writeConfig({
      ...lab.exampleConfig('package-installed'),
      deploy: { pollInterval: '100ms', runTimeout: '1m' },
      verify: { healthPath: '/health', successes: 2, interval: '100ms', timeout: '20s' },
      monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
      approval: { required: false },
    });
    const deployed = await runCli(['deploy', '-c', file, '--task-queue', taskQueue, '--wait'], {
      bin,
      cwd: work,
      env,
      timeoutMs: 120_000,
    });
    expect(deployed.stdout, deployed.stderr).toContain('SUCCEEDED');
    expect(deployed.code, deployed.stderr).toBe(0);
    // The worker loaded dist/workflow-bundle.js: webpack never ran.
    expect(worker.output()).not.toMatch(/webpack|Workflow bundle created/);
  }, 180_000);
});
