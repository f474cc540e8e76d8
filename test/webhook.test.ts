// The workflow_run webhook receiver: signature and replay checks over real HTTP, and full
// deployments on the dev server that react to the lab's webhooks instead of their (slow) polls.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { decideOnGitHub, recordDeployerForPlan } from '../client/github-identity.js';
import { startLab, type Lab } from '../lab/index.js';
import { parseRunCompletion, startWebhookServer, type WebhookReceiverOptions, type WebhookServer } from '../webhook/server.js';
import { it as deploymentIt, type Deployment } from './support/fixture.js';
import { labPlan, waitForStatus } from './support/harness.js';
import { startDeployment } from '../client/start-deployment.js';
import { finalStatus } from './support/final-status.js';

const SECRET = 'webhook-test-secret';
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const quiet = { info: () => undefined, warn: () => undefined };

/** The shared fixture plus `startReceiver`: a receiver on the file's client, stopped when the test ends. */
const it = deploymentIt.extend<{ startReceiver: (options?: Partial<WebhookReceiverOptions>) => Promise<WebhookServer> }>({
  startReceiver: async ({ client, own }, use) => {
    await use(async (options = {}) => own(await startWebhookServer({ secret: SECRET, client, log: quiet, ...options })));
  },
});

function runEvent(runId: number, title: string, conclusion = 'success') {
  return {
    action: 'completed',
    workflow_run: {
      id: runId,
      name: 'Deployment to Green',
      display_title: title,
      status: 'completed',
      conclusion,
      run_attempt: 1,
    },
    repository: { full_name: 'datatruck/backend' },
  };
}

async function post(receiver: WebhookServer, body: string, headers: Record<string, string>) {
  const response = await fetch(`${receiver.url}/`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Writes to the receiver over a raw socket: what it answered, and whether it closed the connection within 2 s. */
async function rawRequest(
  receiver: WebhookServer,
  write: (socket: Socket) => void,
): Promise<{ answer: string; closed: boolean }> {
  const { port } = new URL(receiver.url);
  const socket = connect(Number(port), '127.0.0.1');
  let answer = '';
  socket.on('data', (c: Buffer) => (answer += c.toString()));
  socket.on('error', () => undefined);
  const closing = new Promise<boolean>((resolve) => socket.on('close', () => resolve(true)));
  write(socket);
  const closed = await Promise.race([closing, new Promise<boolean>((r) => setTimeout(() => r(false), 2_000))]);
  socket.destroy();
  return { answer, closed };
}

describe('webhook receiver: checks', () => {
  it('accepts a validly signed delivery and refuses a bad or missing signature with 401', async ({ startReceiver }) => {
    const receiver = await startReceiver();
    const body = JSON.stringify(runEvent(1, 'Deployment to Green · nobody-20260101-000000-abcd.deploy'));
    const base = { 'x-github-event': 'workflow_run' };

    const valid = await post(receiver, body, { ...base, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(body) });
    expect(valid.status).toBe(202);
    expect(valid.body['ignored']).toMatch(/no running deployment for nobody-20260101-000000-abcd\.deploy/);

    const wrongSecret = await post(receiver, body, {
      ...base,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': sign(body, 'other'),
    });
    expect(wrongSecret.status).toBe(401);
    const tampered = await post(receiver, body.replace('success', 'failure'), {
      ...base,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': sign(body),
    });
    expect(tampered.status).toBe(401);
    const missing = await post(receiver, body, { ...base, 'x-github-delivery': randomUUID() });
    expect(missing.status).toBe(401);
    const notHex = await post(receiver, body, { ...base, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': 'sha256=zz' });
    expect(notHex.status).toBe(401);
    const sha1 = await post(receiver, body, {
      ...base,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': sign(body).replace('sha256=', 'sha1='),
    });
    expect(sha1.status).toBe(401);

    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(
      (
        await post(receiver, ping, {
          'x-github-event': 'ping',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': sign(ping),
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${receiver.url}/`, { method: 'PUT', body: 'x' })).status).toBe(405);
    const huge = 'x'.repeat(1024 * 1024 + 1);
    expect(
      (await post(receiver, huge, { ...base, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(huge) })).status,
    ).toBe(413);
  });

  it('ignores a replayed delivery id', async ({ startReceiver }) => {
    const receiver = await startReceiver();
    const body = JSON.stringify({ action: 'requested', workflow_run: { id: 7, display_title: 'x' } });
    const headers = { 'x-github-event': 'workflow_run', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(body) };
    const first = await post(receiver, body, headers);
    expect(first.status).toBe(202);
    expect(first.body['ignored']).toBe('not a completed workflow run');
    const replayed = await post(receiver, body, headers);
    expect(replayed.status).toBe(200);
    expect(replayed.body['ignored']).toMatch(/already handled/);
  });

  it('reads the run, its conclusion and the deployment from the event', () => {
    expect(parseRunCompletion(runEvent(42, 'Deployment to Green · api.v2-20261123-101112-0a1b.deploy', 'failure'))).toEqual({
      runId: 42,
      runAttempt: 1,
      conclusion: 'failure',
      title: 'Deployment to Green · api.v2-20261123-101112-0a1b.deploy',
      correlationId: 'api.v2-20261123-101112-0a1b.deploy',
      service: 'api.v2',
      repository: 'datatruck/backend',
    });
    expect(parseRunCompletion(runEvent(43, 'DNS Update · custom-id.preSwitch-migrate'))).toMatchObject({
      correlationId: 'custom-id.preSwitch-migrate',
    });
    // A retried verify test (onFailure.tests: ask): the attempt number is part of the id.
    expect(parseRunCompletion(runEvent(47, 'E2E tests · api-20261123-101112-0a1b.test-e2e.2'))).toMatchObject({
      correlationId: 'api-20261123-101112-0a1b.test-e2e.2',
      service: 'api',
    });
    expect(parseRunCompletion(runEvent(48, 'E2E tests · custom-id.test-e2e.3'))).toMatchObject({
      correlationId: 'custom-id.test-e2e.3',
    });
    // A QA gate run (qa-gate.yml's run-name), for a default id and for one of another shape.
    const sha = 'a'.repeat(40);
    expect(parseRunCompletion(runEvent(45, `QA gate · green @ ${sha} [api-20261123-101112-0a1b.approval-2]`))).toMatchObject({
      correlationId: 'api-20261123-101112-0a1b.approval-2',
      service: 'api',
    });
    expect(parseRunCompletion(runEvent(46, `QA gate · green @ ${sha} [release-42.approval-1]`))).toMatchObject({
      correlationId: 'release-42.approval-1',
    });
    expect(parseRunCompletion(runEvent(44, 'CI on main'))?.correlationId).toBeUndefined();
    expect(parseRunCompletion({ action: 'in_progress', workflow_run: { id: 1 } })).toBeUndefined();
    expect(parseRunCompletion({ action: 'completed', workflow_run: { id: '1' } })).toBeUndefined();
    expect(parseRunCompletion(null)).toBeUndefined();
  });
});

describe('webhook receiver: hardening', () => {
  const signedEvent = (runId: number, repository = 'datatruck/backend') => {
    const event = runEvent(runId, 'Deployment to Green · nobody-20260101-000000-abcd.deploy');
    const body = JSON.stringify({ ...event, repository: { full_name: repository } });
    return { body, headers: { 'x-github-event': 'workflow_run', 'x-hub-signature-256': sign(body) } };
  };

  it('refuses a body declared over the cap at once and closes the connection without reading it', async ({ startReceiver }) => {
    const receiver = await startReceiver({ maxBodyBytes: 1024 });
    const { answer, closed } = await rawRequest(receiver, (socket) =>
      socket.write(`POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10000000\r\n\r\n{`),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(closed).toBe(true);
  });

  it('a streamed body over the cap is cut off as soon as it passes the cap', async ({ startReceiver }) => {
    const receiver = await startReceiver({ maxBodyBytes: 64 * 1024 });
    const { answer, closed } = await rawRequest(receiver, (socket) => {
      socket.write('POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n');
      const chunk = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 8; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(closed).toBe(true);
  });

  it('caps concurrent connections', async ({ startReceiver }) => {
    const receiver = await startReceiver({ maxConnections: 3 });
    const { port } = new URL(receiver.url);
    const idle = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<ReturnType<typeof connect>>((resolve) => {
            const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    // Let the server count them before the next one.
    await new Promise((r) => setTimeout(r, 100));
    const refused = await fetch(`${receiver.url}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(refused).toBe('refused');
    for (const socket of idle) socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${receiver.url}/healthz`)).status).toBe(200);
  });

  it('remembers handled deliveries across a restart (stateFile)', async ({ startReceiver }) => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'bluegreen-webhook-')), 'deliveries');
    const body = JSON.stringify({ action: 'requested', workflow_run: { id: 7, display_title: 'x' } });
    const headers = { 'x-github-event': 'workflow_run', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(body) };
    const first = await startReceiver({ stateFile });
    expect((await post(first, body, headers)).status).toBe(202);
    await first.close();
    const receiver = await startReceiver({ stateFile });
    const replayed = await post(receiver, body, headers);
    expect(replayed.status).toBe(200);
    expect(replayed.body['ignored']).toMatch(/already handled/);
    // A delivery id that is not one safe token is not written as a line of its own.
    const forged = { ...headers, 'x-github-delivery': 'a\nb' };
    expect((await post(receiver, body, forged).catch(() => ({ status: 400 }))).status).toBeGreaterThanOrEqual(200);
  });

  it('ignores events of repositories it does not serve, without asking Temporal', async ({ startReceiver }) => {
    const receiver = await startReceiver({ repositories: ['datatruck/*'] });
    const foreign = signedEvent(5, 'evil/backend');
    const answer = await post(receiver, foreign.body, { ...foreign.headers, 'x-github-delivery': randomUUID() });
    expect(answer.status).toBe(202);
    expect(answer.body['ignored']).toBe('repository evil/backend is not served here');
    const served = signedEvent(6);
    const ok = await post(receiver, served.body, { ...served.headers, 'x-github-delivery': randomUUID() });
    expect(ok.body['ignored']).toMatch(/no running deployment/);
  });
});

describe('webhook receiver: deployments react to it', () => {
  /** The lab's webhooks go to a receiver; runs poll only every 60s, so only the webhook can make it quick. */
  // The lab is started here, not by the `lab` fixture: its webhooks go to this test's receiver.
  const reacting = it.extend<{
    receiver: WebhookServer;
    hookedLab: Lab;
    deployHooked: (service: string, overrides?: Record<string, unknown>) => Promise<Deployment>;
  }>({
    receiver: async ({ startReceiver }, use) => {
      await use(await startReceiver());
    },
    hookedLab: async ({ receiver, own }, use) => {
      const webhook = { url: `${receiver.url}/github`, secret: SECRET };
      await use(own(await startLab({ runTiming: { queuedMs: 30, inProgressMs: 300 }, webhook })));
    },
    deployHooked: async ({ hookedLab, startWorker, deployTo }, use) => {
      await startWorker(hookedLab);
      await use((service, overrides) => deployTo(hookedLab, service, overrides));
    },
  });
  /** A deployment whose deploy run takes `inProgressMs` (polled every 500 ms), once that run is known. */
  async function deployingRun(
    lab: Lab,
    deploy: (service: string, o?: Record<string, unknown>) => Promise<Deployment>,
    service: string,
    inProgressMs: number,
  ) {
    lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs });
    const { plan, handle } = await deploy(service, { ...SLOW_POLL, deploy: { pollInterval: '500ms', runTimeout: '5m' } });
    const status = await waitForStatus(handle, (s) => s.phases.some((p) => p.name === 'deploy' && p.url !== undefined));
    const runId = Number(/\/runs\/(\d+)/.exec(status.phases.find((p) => p.name === 'deploy')!.url!)![1]);
    return { plan, handle, runId };
  }
  /** Only the lab's own webhooks (for the runs the deployment waited on) reached it as runCompleted signals. */
  async function expectOnlyTheLabsWakeUps(handle: Deployment['handle'], lab: Lab) {
    const events = (await handle.fetchHistory()).events ?? [];
    const wakeUps = events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'runCompleted');
    expect(wakeUps.length).toBe(lab.github.webhookDeliveries.filter((d) => d.status === 200).length);
  }
  const SLOW_POLL = {
    deploy: { pollInterval: '60s', runTimeout: '5m' },
    approval: { required: false },
    monitor: { duration: 0 },
  };

  reacting(
    'ends each wait for a run within moments of the webhook, not at the next poll',
    async ({ hookedLab: lab, deployHooked: deploy }) => {
      const started = Date.now();
      const result = await finalStatus((await deploy('svc-webhook', SLOW_POLL)).handle);
      expect(result.outcome).toBe('SUCCEEDED');
      // Three runs (deploy, switch, sync redeploy) each polled every 60s: without the webhook this
      // takes minutes.
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(lab.github.webhookDeliveries.length).toBe(3);
      expect(lab.github.webhookDeliveries.every((d) => d.status === 200)).toBe(true);
      const deployPhase = result.phases.find((p) => p.name === 'deploy')!;
      const run = lab.github.runs.find((r) => r.workflow === 'deploy-green.yml')!;
      expect(Date.parse(deployPhase.endedAt!) - run.completedAtMs!).toBeLessThan(5_000);
    },
  );

  reacting(
    'takes the conclusion from GitHub, not from the event: a signed but false "completed" does not end the wait',
    async ({ hookedLab: lab, receiver, deployHooked: deploy }) => {
      const { plan, handle, runId } = await deployingRun(lab, deploy, 'svc-webhook-false', 4_000);
      const body = JSON.stringify(runEvent(runId, `Deployment to Green · ${plan.deploymentId}.deploy`, 'failure'));
      const forged = await post(receiver, body, {
        'x-github-event': 'workflow_run',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': sign(body),
      });
      expect(forged.status).toBe(200);
      const result = await finalStatus(handle);
      expect(result.outcome).toBe('SUCCEEDED');
      expect(lab.github.run(runId)?.conclusion).toBe('success');
    },
  );

  reacting(
    'wakes a deployment only for the run it waits on: a signed event of another run id is not signalled',
    async ({ hookedLab: lab, receiver, deployHooked: deploy }) => {
      const { plan, handle, runId } = await deployingRun(lab, deploy, 'svc-webhook-other', 1_500);
      for (const other of [runId + 1000, runId + 1001]) {
        const body = JSON.stringify(runEvent(other, `Deployment to Green · ${plan.deploymentId}.deploy`));
        const answer = await post(receiver, body, {
          'x-github-event': 'workflow_run',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': sign(body),
        });
        expect(answer.status).toBe(202);
      }
      expect((await finalStatus(handle)).outcome).toBe('SUCCEEDED');
      await expectOnlyTheLabsWakeUps(handle, lab);
    },
  );

  reacting(
    'wakes the QA gate (approval via GitHub) as soon as its qa-gate.yml run completes, not at the next poll',
    async ({ client, hookedLab: lab, taskQueue, startWorker }) => {
      await startWorker(lab);
      lab.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa'] });
      const viaGitHub = { approval: { via: 'github', environment: 'qa', approvers: ['datatruck/qa'], timeout: '1h' } };
      const plan = await recordDeployerForPlan(
        labPlan(lab, 'svc-webhook-gate', { ...SLOW_POLL, ...viaGitHub }),
        'green',
        lab.github.branchHead('green'),
        { GITHUB_TOKEN: lab.github.reviews.tokenOf('dave') },
      );
      const handle = await startDeployment(client, plan, { taskQueue });
      const waiting = await waitForStatus(handle, (s) => s.phase === 'approval' && s.gate?.runId !== undefined && !!s.waitingFor);
      const gateRunId = waiting.gate!.runId!;
      const reviewedAt = Date.now();
      await decideOnGitHub(waiting, waiting.gate!.github, 'approve', 'QA passed', {
        GITHUB_TOKEN: lab.github.reviews.tokenOf('alice'),
      });
      // The gate run is polled every 60 s: only the webhook explains a wake-up within seconds.
      await waitForStatus(handle, (s) => s.phases.find((p) => p.name === 'approval')?.state === 'succeeded', 20_000);
      expect(Date.now() - reviewedAt).toBeLessThan(15_000);
      const result = await finalStatus(handle);
      expect(result.outcome, result.error).toBe('SUCCEEDED');
      expect(result.approvals).toMatchObject([{ by: 'alice', verified: true, counted: true, gateRunId }]);
      // The receiver took the gate run's workflow_run event (workflow file .github/workflows/qa-gate.yml).
      const gateRun = lab.github.run(gateRunId)!;
      expect(gateRun.workflow).toBe('qa-gate.yml');
      expect(lab.github.webhookDeliveries.filter((d) => d.runId === gateRunId && d.status === 200)).toHaveLength(1);
      await expectOnlyTheLabsWakeUps(handle, lab);
    },
  );

  reacting(
    'finds a deployment whose id is not of the default shape among the running ones',
    async ({ client, hookedLab: lab, taskQueue, startWorker }) => {
      await startWorker(lab);
      const plan = { ...labPlan(lab, 'svc-custom', SLOW_POLL), deploymentId: 'svc-custom-release-42' };
      const started = Date.now();
      const result = await finalStatus(await startDeployment(client, plan, { taskQueue }));
      expect(result.outcome).toBe('SUCCEEDED');
      expect(Date.now() - started).toBeLessThan(30_000);
    },
  );
});
