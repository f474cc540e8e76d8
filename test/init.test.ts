// `bluegreen init` on the lab's GitHub: a repository with its own deploy and DNS workflows gets
// the exact changes per file and branch; one without workflows gets the templates; the lab's own
// workflows need nothing and the written config passes validate and doctor; existing files are
// never replaced unasked; bad flags are named.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { BLUEGREEN, cliEnv, ROOT, runCli, stopCliProcesses, type CliResult } from './support/cli-runner.js';
import { startWorker, taskQueueFor } from './support/harness.js';

let lab: Lab;
let taskQueue: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  lab = await startLab();
  taskQueue = taskQueueFor('init');
  ({ stop: stopWorker } = await startWorker(lab, taskQueue));
}, 60_000);

afterAll(async () => {
  await stopCliProcesses();
  await stopWorker?.();
  await lab?.close();
});

const env = () => cliEnv({ GITHUB_TOKEN: lab.token });

/** `bluegreen init` in a directory of its own (no terminal: flags only). */
function init(dir: string, branches: { green: string; blue: string }, extra: string[] = []): Promise<CliResult> {
  return runCli(
    [
      'init',
      '--no-input',
      ...['--repo', `${lab.owner}/${lab.repo}`, '--github-url', lab.githubUrl],
      ...['--green-branch', branches.green, '--blue-branch', branches.blue],
      ...['--public-url', lab.publicUrl, '--green-url', lab.appUrls.green, '--blue-url', lab.appUrls.blue],
      ...['--approvers', 'alice,bob'],
      ...extra,
    ],
    { env: env(), cwd: dir },
  );
}

const freshDir = () => mkdtempSync(join(tmpdir(), 'bluegreen-init-'));
const writtenConfig = (dir: string) => parse(readFileSync(join(dir, 'bluegreen.yaml'), 'utf8')) as Record<string, any>;
const validate = (dir: string) => runCli(['validate', '-c', join(dir, 'bluegreen.yaml')], { env: env(), timeoutMs: 30_000 });
const doctor = (dir: string) =>
  runCli(['doctor', '-c', join(dir, 'bluegreen.yaml'), '--task-queue', taskQueue], { env: env(), timeoutMs: 60_000 });

/** Two branches of the lab's repository with none of its registered workflows on them. */
function emptyBranches(prefix: string): { green: string; blue: string } {
  const branches = { green: `${prefix}-green`, blue: `${prefix}-production` };
  lab.github.createBranch(branches.green, 'green');
  lab.github.createBranch(branches.blue, 'production');
  lab.github.removeWorkflowFilesOn(branches.green);
  lab.github.removeWorkflowFilesOn(branches.blue);
  return branches;
}

describe('bluegreen init on the lab', () => {
  it("a team's own workflows: the exact changes per file and branch, no template, a config that validates", async () => {
    const branches = emptyBranches('team');
    // Green's deploy lacks the sha input; blue's runs on push only; the DNS update is ready.
    lab.github.setWorkflowFileOn(
      branches.green,
      'deploy-to-green.yml',
      [
        'name: Deployment to Green',
        'run-name: "Green [${{ inputs.deployment_id }}]"',
        'on:',
        '  workflow_dispatch:',
        '    inputs:',
        '      deployment_id: { required: true, type: string }',
        '      color: { required: true, type: string }',
        'jobs: { deploy: { runs-on: ubuntu-latest, steps: [{ run: ./deploy.sh green }] } }',
        '',
      ].join('\n'),
    );
    lab.github.setWorkflowFileOn(
      branches.blue,
      'deploy-to-blue.yml',
      'name: Deployment to Blue\non: push\njobs: { deploy: { runs-on: ubuntu-latest, steps: [{ run: ./deploy.sh blue }] } }\n',
    );
    lab.github.setWorkflowFileOn(
      branches.blue,
      'dns.yml',
      [
        'name: DNS Update',
        'run-name: "DNS to ${{ inputs.color }} [${{ inputs.deployment_id }}]"',
        'on:',
        '  workflow_dispatch:',
        '    inputs: { deployment_id: { required: true }, color: { required: true } }',
        'concurrency: { group: dns, cancel-in-progress: false }',
        'jobs: { dns: { runs-on: ubuntu-latest, steps: [{ run: ./dns.sh }] } }',
        '',
      ].join('\n'),
    );
    for (const branch of [branches.green, branches.blue])
      lab.github.setWorkflowFileOn(
        branch,
        'ci.yml',
        'name: CI\non: [push]\njobs: { test: { runs-on: ubuntu-latest, steps: [] } }\n',
      );

    const dir = freshDir();
    const result = await init(dir, branches);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const out = result.stdout;
    expect(out).toContain(
      `✗ deploy green: .github/workflows/deploy-to-green.yml on ${branches.green} ("Deployment to Green"): needs 1 change (and 1 recommended):\n` +
        '  1. under `on.workflow_dispatch.inputs`, add sha:\n' +
        '       sha:\n' +
        '         description: Full SHA of the commit to deploy\n' +
        '         required: true\n' +
        '         type: string\n' +
        '  2. (recommended) add a concurrency group, so that one deploy per color runs at a time and none is cancelled half-way:\n' +
        '       concurrency:\n' +
        '         group: bluegreen-deploy-green\n' +
        '         cancel-in-progress: false',
    );
    expect(out).toContain(
      `✗ deploy blue: .github/workflows/deploy-to-blue.yml on ${branches.blue} ("Deployment to Blue"): needs 2 changes (and 1 recommended):\n` +
        '  1. replace `on: push` with the trigger bluegreen dispatches, with its inputs:\n' +
        '       on:\n' +
        '         push:\n' +
        '         workflow_dispatch:\n' +
        '           inputs:\n' +
        '             deployment_id:\n',
    );
    expect(out).toMatch(/ {13}sha:\n {15}description: Full SHA of the commit to deploy/);
    expect(out).toContain('             color:\n               description: Color to deploy; this workflow only deploys blue\n');
    expect(out).toContain(
      '  2. add `run-name` so that it carries the deployment id (bluegreen finds its run by it, so a retried dispatch never deploys twice):\n' +
        '       run-name: "Deployment to Blue @ ${{ inputs.sha }} [${{ inputs.deployment_id }}]"\n' +
        '  3. (recommended) add a concurrency group',
    );
    expect(out).toContain(`✓ switch: .github/workflows/dns.yml on ${branches.blue} ("DNS Update"): ready\n`);
    expect(out).not.toContain('ci.yml');
    expect(out).not.toContain('from the template');
    expect(existsSync(join(dir, '.github'))).toBe(false);

    const text = readFileSync(join(dir, 'bluegreen.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/unpkg\.com\/@bluegreen-dev\/bluegreen@[\w.-]+\/schema\/bluegreen\.schema\.json$/,
    );
    const config = writtenConfig(dir);
    expect(config['environments']).toEqual({
      green: { branch: branches.green, url: lab.appUrls.green, deployWorkflow: 'deploy-to-green.yml' },
      blue: { branch: branches.blue, url: lab.appUrls.blue, deployWorkflow: 'deploy-to-blue.yml' },
    });
    expect(config['switch']).toEqual({ type: 'workflow', workflow: 'dns.yml', ref: branches.blue });
    const valid = await validate(dir);
    expect(valid.code, valid.stderr).toBe(0);

    // doctor finds exactly what init showed, and nothing else.
    const checked = await doctor(dir);
    const failed = checked.stdout.split('\n').filter((line) => line.startsWith('✗'));
    expect(failed, checked.stdout + checked.stderr).toHaveLength(2);
    expect(failed[0]).toContain(
      `deploy blue: .github/workflows/deploy-to-blue.yml on ${branches.blue}: has no workflow_dispatch trigger`,
    );
    expect(failed[1]).toContain(
      `deploy green: .github/workflows/deploy-to-green.yml on ${branches.green}: workflow_dispatch lacks input sha`,
    );
  }, 120_000);

  it('the lab’s own workflows need nothing: the written config and policy pass validate and doctor', async () => {
    const dir = freshDir();
    const result = await init(dir, lab.branches);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(
      /✓ deploy green: \.github\/workflows\/deploy-green\.yml on green \("[^"]+"\): ready; 1 recommended change/,
    );
    expect(result.stdout).toMatch(/✓ switch: \.github\/workflows\/dns-update\.yml on production/);
    expect(result.stdout).not.toContain('✗');
    const policy = parse(readFileSync(join(dir, 'bluegreen-worker.yaml'), 'utf8')) as Record<string, any>;
    expect(policy['github']).toEqual({ apiRoots: [lab.githubUrl], repositories: [`${lab.owner}/${lab.repo}`] });
    const config = writtenConfig(dir);
    expect(policy['egress']).toEqual([
      {
        match: config['service'],
        urls: [...new Set([lab.publicUrl, lab.appUrls.green, lab.appUrls.blue].map((u) => new URL(u).origin))],
      },
    ]);
    expect(policy['services']).toEqual([
      { match: config['service'], approval: { required: true, approvers: ['alice', 'bob'], allowSelfApproval: false } },
    ]);
    const checked = await doctor(dir);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toContain('all checks passed');
  }, 120_000);

  it('no workflows: writes the templates, names them in the config; never overwrites without --force', async () => {
    const branches = emptyBranches('bare');
    const dir = freshDir();
    const result = await init(dir, branches);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    for (const [label, file, branch] of [
      ['deploy green', 'deploy-green.yml', branches.green],
      ['deploy blue', 'deploy-blue.yml', branches.blue],
      ['switch', 'dns-update.yml', branches.blue],
    ] as const) {
      const path = join(dir, '.github', 'workflows', file);
      expect(result.stdout).toContain(
        `✗ ${label}: .github/workflows/${file} on ${branch}: no such workflow on ${branch}; wrote ${path} from the template: replace its PLACEHOLDER step, commit it to ${branch}`,
      );
      expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(ROOT, 'examples', 'github-workflows', file), 'utf8'));
    }
    const config = writtenConfig(dir);
    expect(config['environments'].green.deployWorkflow).toBe('deploy-green.yml');
    expect(config['switch'].workflow).toBe('dns-update.yml');
    expect((await validate(dir)).code).toBe(0);

    // Again, with the config edited meanwhile: refused, nothing written, the files named.
    writeFileSync(join(dir, 'bluegreen.yaml'), `${readFileSync(join(dir, 'bluegreen.yaml'), 'utf8')}# my edit\n`);
    const again = await init(dir, branches);
    expect(again.code).toBe(7);
    expect(again.stderr).toContain(
      `${join(dir, 'bluegreen.yaml')}, ${join(dir, 'bluegreen-worker.yaml')}, ${join(dir, '.github', 'workflows', 'deploy-green.yml')}`,
    );
    expect(again.stderr).toContain('already exist: nothing was written; pass --force to overwrite');
    expect(readFileSync(join(dir, 'bluegreen.yaml'), 'utf8')).toContain('# my edit');

    const forced = await init(dir, branches, ['--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, 'bluegreen.yaml'), 'utf8')).not.toContain('# my edit');
  }, 120_000);

  it('bad or missing flags are named, and nothing is read or written', async () => {
    const dir = freshDir();
    const result = await runCli(['init', '--no-input', '--repo', 'nope', '--public-url', 'ftp://x', '--switch', 'consul'], {
      env: env(),
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--repo "nope": expected owner/name, like "datatruck/backend"');
    expect(result.stderr).toContain('--public-url "ftp://x": expected an http(s) URL');
    expect(result.stderr).toContain('--green-url is required');
    expect(result.stderr).toContain('--switch "consul": init writes the workflow and http switches');
    expect(result.stderr).toContain('no terminal to ask on: pass them as flags');
    expect(existsSync(join(dir, 'bluegreen.yaml'))).toBe(false);

    const { GITHUB_TOKEN: _, ...withoutToken } = env();
    const tokenless = await runCli(['init', '--no-input', '--repo', 'a/b'], { env: withoutToken, cwd: dir });
    expect(tokenless.code).toBe(2);
    expect(tokenless.stderr).toMatch(/GITHUB_TOKEN.*\(init reads the repository with your own token/);

    const branch = await init(dir, { green: 'green', blue: 'no-such-branch' });
    expect(branch.code).toBe(2);
    expect(branch.stderr).toContain('branch "no-such-branch" does not exist');
    expect(branch.stderr).toContain('--blue-branch');
    expect(existsSync(join(dir, 'bluegreen.yaml'))).toBe(false);
  }, 60_000);

  // util-linux `script` gives the command a terminal (a pty), as a person running init has.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)(
    'on a terminal: asks, asks again after a bad answer, asks before replacing a file',
    async () => {
      const dir = freshDir();
      writeFileSync(join(dir, 'bluegreen-worker.yaml'), '# our own policy\n');
      const command = `${process.execPath} ${BLUEGREEN} init --github-url ${lab.githubUrl}`;
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: dir, env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const answers = [
        `${lab.owner}/${lab.repo}`,
        'Not A Service', // asked again
        'tty-service',
        '', // green branch: the default
        lab.branches.blue,
        lab.publicUrl,
        '', // color path: the default
        lab.appUrls.green,
        lab.appUrls.blue,
        '', // switch: workflow
        '', // switch ref: the blue branch
        'alice, bob',
        'n', // keep the existing policy
      ];
      child.stdin.write(`${answers.join('\n')}\n`);
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code, out).toBe(0);
      expect(out).toContain('Service name [backend]:   service names are lowercase letters');
      expect(out).toMatch(/bluegreen-worker\.yaml exists \(the worker policy\): overwrite it\? \[y\/N\]/);
      expect(out).toContain(`kept ${join(dir, 'bluegreen-worker.yaml')} as it was`);
      expect(readFileSync(join(dir, 'bluegreen-worker.yaml'), 'utf8')).toBe('# our own policy\n');
      const config = writtenConfig(dir);
      expect(config['service']).toBe('tty-service');
      expect(config['environments'].green.branch).toBe('green');
      expect(config['approval']).toEqual({ required: true, approvers: ['alice', 'bob'] });
      expect((await validate(dir)).code).toBe(0);
    },
    60_000,
  );
});
