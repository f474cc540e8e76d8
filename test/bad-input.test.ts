// Bad input from operators and from anyone who can reach Temporal: broken config files are
// refused before anything starts, with every problem and the field it is about; hostile
// signal payloads are ignored (and noted in the status), hostile updates are refused with a
// sentence, and the deployment they were aimed at carries on.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfigFile, MAX_CONFIG_BYTES, type ConfigProblem } from '../client/config.js';
import type { Lab } from '../lab/index.js';
import * as messages from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { waitForStatus, waitingForApproval } from './support/harness.js';
import { deepMerge, sharedLabWorker, uniqueService } from './support/lab-deployments.js';
import { MINIMAL_CONFIG } from './support/configs.js';
import { finalStatus } from './support/final-status.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const BASE = {
  ...MINIMAL_CONFIG,
  service: 'datatruck-api',
  github: { owner: 'datatruck', repo: 'backend' },
  approval: { approvers: ['alice'] },
};

const yamlWith = (overrides: Record<string, unknown>, remove: string[] = []): string => {
  const config = deepMerge(structuredClone(BASE), overrides);
  for (const path of remove) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, config);
    delete parent[keys.at(-1)!];
  }
  return stringify(config);
};

interface BrokenFile {
  name: string;
  content: string | Buffer;
  /** Every problem expected, in any order: [field path, what the message says]. */
  problems: Array<[string, RegExp]>;
}

const BROKEN: BrokenFile[] = [
  {
    name: 'wrong types',
    content: yamlWith({
      service: 12,
      github: 'datatruck/backend',
      verify: { successes: 'three' },
      approval: { required: 'yes' },
    }),
    problems: [
      ['service', /expected the service name.*got the number 12/],
      ['github', /expected a mapping, got the text "datatruck\/backend"/],
      ['verify.successes', /expected a number, got the text "three"/],
      ['approval.required', /expected true or false, got the text "yes"/],
    ],
  },
  {
    name: 'missing fields',
    content: yamlWith({}, ['publicUrl', 'environments.green.url', 'github.repo']),
    problems: [
      ['publicUrl', /is required \(expected a URL/],
      ['environments.green.url', /is required/],
      ['github.repo', /is required \(expected the repository name as text\)/],
    ],
  },
  {
    name: 'same branch for both colors, reported with the other problems',
    content: yamlWith({ environments: { blue: { branch: 'green' } }, verify: { timeout: '5 minutes' } }),
    problems: [
      ['environments.blue.branch', /green and blue use the same branch "green"/],
      ['verify.timeout', /"5 minutes" is not a duration/],
    ],
  },
  {
    name: 'same URL and workflow for both colors',
    content: yamlWith({ environments: { blue: { url: 'https://green.example.com/', deployWorkflow: 'deploy-green.yml' } } }),
    problems: [
      ['environments.blue.url', /same URL/],
      ['environments.blue.deployWorkflow', /same workflow "deploy-green.yml"/],
    ],
  },
  {
    name: 'unknown keys',
    content: yamlWith({ verfy: { successes: 3 }, monitor: { treshold: 3 } }),
    problems: [
      ['verfy', /^unknown key, did you mean "verify"\?$/],
      ['monitor.treshold', /^unknown key, did you mean "failureThreshold"\?$|^unknown key \(known here: .*failureThreshold/],
    ],
  },
  {
    name: 'bad durations',
    content: yamlWith({ verify: { interval: 5 }, monitor: { duration: '1y', interval: '-5s' }, approval: { timeout: '31d' } }),
    problems: [
      ['verify.interval', /expected a duration like "30s", "15m" or "24h"/],
      ['monitor.duration', /"1y" is not a duration|expected a duration/],
      ['monitor.interval', /"-5s" is not a duration/],
      ['approval.timeout', /"31d" is longer than the maximum of 30d/],
    ],
  },
  {
    name: 'an environment variable that is not set',
    content: yamlWith({ github: { owner: '${BLUEGREEN_TEST_NOT_SET}' } }),
    problems: [
      ['github.owner', /environment variable BLUEGREEN_TEST_NOT_SET is not set/],
      ['github.owner', /must not be empty/],
    ],
  },
  {
    name: 'bad URLs and names',
    content: yamlWith({
      publicUrl: 'ftp://api.example.com',
      service: 'Datatruck API',
      environments: { green: { deployWorkflow: 'deploy green' } },
    }),
    problems: [
      ['publicUrl', /expected an http\(s\) URL/],
      ['service', /service names are lowercase letters/],
      ['environments.green.deployWorkflow', /ending in \.yml or \.yaml/],
    ],
  },
  {
    name: 'approval required with nobody allowed to approve',
    content: yamlWith({ approval: { approvers: [] } }),
    problems: [['approval.approvers', /nobody may approve/]],
  },
  {
    name: 'bad YAML',
    content: 'service: api\ngithub: { owner: datatruck\n',
    problems: [['', /^YAML: .+/]],
  },
  {
    name: 'a duplicated key',
    content: `${yamlWith({})}service: other\n`,
    problems: [['', /^YAML: Map keys must be unique$/]],
  },
  { name: 'a list instead of a mapping', content: '- service: api\n', problems: [['', /expected a YAML mapping/]] },
  { name: 'an empty file', content: '', problems: [['', /expected a YAML mapping/]] },
  {
    name: 'an alias bomb',
    content: `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(', ')}]\nc: &c [${Array(10).fill('*b').join(', ')}]\nd: [${Array(100).fill('*c').join(', ')}]\n`,
    problems: [['', /YAML: cannot read the file: Excessive alias count/]],
  },
  {
    name: 'nesting too deep',
    content: `a: ${'['.repeat(50_000)}`,
    problems: [['', /YAML: cannot read the file: nested too deeply/]],
  },
  {
    name: 'a huge file',
    content: `${yamlWith({})}# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`,
    problems: [['', new RegExp(`is \\d+ bytes; a config file is at most ${MAX_CONFIG_BYTES}`)]],
  },
  {
    name: 'non-UTF-8 bytes',
    content: Buffer.concat([Buffer.from('service: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    problems: [['', /is not valid UTF-8 text/]],
  },
];

describe('broken config files are refused, every problem named with its field', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bluegreen-bad-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(BROKEN)('$name', async ({ name, content, problems }) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    await writeFile(file, content);
    const error = await loadConfigFile(file, {}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const found = (error as ConfigError).problems.map(({ path, message }) => ({ path, message }));
    for (const [path, message] of problems) {
      expect(found, `a problem at "${path}" matching ${message}`).toContainEqual({
        path,
        message: expect.stringMatching(message),
      } satisfies ConfigProblem);
    }
    expect(found, 'no other problems').toHaveLength(problems.length);
    expect((error as ConfigError).message).toContain(file);
    // A YAML error in the text says where it is.
    const unlocated = (error as ConfigError).problems.filter(
      (p) => p.line === undefined && /^YAML: (?!cannot read)/.test(p.message),
    );
    expect(unlocated, 'problems without a line').toEqual([]);
  });

  it('the CLI refuses them with exit code 2, the field paths, and no stack trace', async () => {
    const picks = ['wrong types', 'same branch for both colors, reported with the other problems', 'non-UTF-8 bytes', 'bad YAML'];
    const runs = await Promise.all(
      picks.map(async (name) => {
        const broken = BROKEN.find((b) => b.name === name)!;
        const file = join(dir, `cli-${name.replace(/\W+/g, '-')}.yaml`);
        await writeFile(file, broken.content);
        return { broken, file, ...(await runCli(['validate', '-c', file])) };
      }),
    );
    const good = join(dir, 'good.yaml');
    await writeFile(good, yamlWith({}));
    const valid = await runCli(['validate', '-c', good]);

    for (const { broken, file, code, stdout, stderr } of runs) {
      expect(code, broken.name).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.startsWith(`bluegreen: ${file}`), stderr).toBe(true);
      for (const [path, message] of broken.problems) {
        if (path) expect(stderr).toMatch(new RegExp(`^  \\d+:\\d+ +${path.replace(/\./g, '\\.')}: `, 'm'));
        expect(stderr).toMatch(new RegExp(message.source.replace(/^\^/, ''), 'm'));
      }
      expect(stderr).not.toMatch(/^\s+at /m);
    }
    expect(valid).toMatchObject({ code: 0, stderr: '' });
    expect(valid.stdout).toContain('valid (service datatruck-api, datatruck/backend)');
  });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/bluegreen.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('hostile signals and updates aimed at a running deployment', () => {
  const shared = sharedLabWorker('bad-input');
  let lab: Lab;
  beforeAll(async () => {
    lab = await shared.newLab();
  });

  const MB = 'x'.repeat(1024 * 1024);
  const OBJECT = /the payload must be an object like \{"by":"alice"\}/;
  const BY = /"by" must be a non-empty string/;

  /** [signal, payload(s), the reason the status must give]; `none` sends no argument at all. */
  const SIGNALS: Array<[string, unknown[], RegExp]> = [
    ['approve', [], OBJECT],
    ['approve', [null], OBJECT],
    ['approve', [['alice']], OBJECT],
    ['approve', ['alice'], OBJECT],
    ['approve', [42], OBJECT],
    ['approve', [{}], BY],
    ['approve', [{ by: 42 }], BY],
    ['approve', [{ by: '   ' }], BY],
    ['approve', [{ ['__proto__']: { by: 'alice' } }], BY],
    ['approve', [{ by: 'alice', comment: { text: 'ok' } }], /"comment" must be a string/],
    [
      'approve',
      [{ by: `mallory${MB}` }],
      // Names outside the safe alphabet (or over 64 characters) are refused, shown cut and inert.
      /^approve: "by" "malloryx+…" is refused: the name has characters outside/,
    ],
    ['reject', [{ by: 'mallory', reason: MB }], /mallory is not on the approvers list/],
    ['reject', [{ by: 'alice' }], /"reason" is required/],
    ['abort', [{ by: 'eve', reason: 42 }], /"reason" must be a string/],
    ['rollback', [{ by: 'alice', reason: 'now' }], /traffic has not moved yet: use abort/],
    ['promote', [{ by: 'alice' }], /not monitoring \(phase: approval\)/],
  ];

  it('ignores each hostile signal with a note in the status; the deployment still succeeds', async () => {
    const { handle } = await shared.deploy(lab, uniqueService('hostile-signals'), {
      approval: { required: true, approvers: ['alice', 'bob'], timeout: '5m' },
    });
    await waitForStatus(handle, waitingForApproval);

    for (const [name, args] of SIGNALS) await handle.signal(name, ...args);
    await handle.signal('aprove', { by: 'alice' }); // no such signal: buffered by Temporal, never handled
    const after = await waitForStatus(handle, (s) => (s.ignoredSignals?.length ?? 0) === SIGNALS.length);

    expect(after.phase).toBe('approval');
    expect(after.outcome).toBeUndefined();
    expect(after.waitingFor).toContain('bluegreen approve');
    SIGNALS.forEach(([name, , reason], i) => {
      expect(after.ignoredSignals![i], `${name} #${i}`).toMatchObject({ signal: name, reason: expect.stringMatching(reason) });
    });
    // Names and texts are cut to size: a 1 MB payload never lands in the status whole.
    expect(JSON.stringify(after).length).toBeLessThan(20_000);
    // A refused name is not kept as a name at all.
    expect(after.ignoredSignals![10]!.by).toBeUndefined();
    // Approvals from names off the list are recorded as not counted, with the reason.
    expect(after.approvals).toMatchObject([
      {
        by: 'mallory',
        decision: 'rejected',
        counted: false,
        comment: expect.any(String),
        note: expect.stringContaining('not on the approvers list'),
      },
    ]);
    expect(after.approvals[0]!.comment).toHaveLength(messages.MAX_TEXT_LENGTH);

    await handle.signal(messages.approveSignal, { by: 'alice', comment: 'QA passed' });
    const result: DeploymentStatus = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    expect(result.approvals.filter((a) => a.counted)).toMatchObject([{ by: 'alice', comment: 'QA passed' }]);
    expect(lab.router.activeColor).toBe('green');
  });

  it('refuses each hostile update with a clear message; the deployment still succeeds', async () => {
    lab.router.setActive('blue');
    const { handle } = await shared.deploy(lab, uniqueService('hostile-updates'), {
      approval: { required: true, approvers: ['alice', 'bob'], timeout: '5m' },
    });
    await waitForStatus(handle, waitingForApproval);

    const UPDATES: Array<
      [typeof messages.approveUpdate | typeof messages.rejectUpdate | typeof messages.promoteUpdate, unknown, RegExp]
    > = [
      [messages.approveUpdate, null, OBJECT],
      [messages.approveUpdate, ['alice'], OBJECT],
      [messages.approveUpdate, 'alice', OBJECT],
      [messages.approveUpdate, { by: 7 }, BY],
      [messages.approveUpdate, { by: 'alice', comment: 1 }, /"comment" must be a string/],
      [messages.approveUpdate, { by: `mallory${MB}` }, /^approve: "by" "malloryx+…" is refused/],
      [messages.rejectUpdate, { by: 'alice', reason: '' }, /"reason" is required/],
      [messages.abortUpdate, { by: 'alice' }, /"reason" is required/],
      [messages.rollbackUpdate, { by: 'alice', reason: 'now' }, /traffic has not moved yet/],
      [messages.promoteUpdate, { by: 'alice' }, /not monitoring/],
    ];
    for (const [update, payload, reason] of UPDATES) {
      const refusal = await handle.executeUpdate(update as never, { args: [payload] as never }).then(
        (answer) => new Error(`accepted: ${JSON.stringify(answer)}`),
        (err: unknown) => err,
      );
      expect(refusal, `${String((update as { name: string }).name)} ${JSON.stringify(payload)?.slice(0, 60)}`).toBeInstanceOf(
        WorkflowUpdateFailedError,
      );
      expect((refusal as WorkflowUpdateFailedError).cause?.message).toMatch(reason);
    }
    const status = await handle.query(messages.statusQuery);
    expect(status.phase).toBe('approval');
    // A refused update leaves no trace in the deployment: not an approval, not a note.
    expect(status.approvals).toEqual([]);
    expect(status.ignoredSignals ?? []).toEqual([]);

    const answer = await handle.executeUpdate(messages.approveUpdate, { args: [{ by: 'bob' }] });
    expect(answer).toMatchObject({ accepted: true });
    const result = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
  });
});
