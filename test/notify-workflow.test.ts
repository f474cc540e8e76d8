// Issue 15, end to end: real deployments on the lab with all three channels (the lab's Slack-,
// Teams- and webhook-compatible receivers): each subscribed event arrives once, in order, with
// its links; the reminder and the escalation arrive on schedule at a gate left waiting; a
// receiver answering 500 shows in the status and a hanging one does not slow the deployment.
import { NativeConnection } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, it, type ExpectStatic, type TestContext } from 'vitest';
import { createActivities } from '../activities/index.js';
import type { ChannelSpec } from '../activities/notify/index.js';
import { createGitHubClientCache } from '../activities/octokit.js';
import { startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab } from '../lab/index.js';
import { LAB_WORKER_POLICY } from '../lab/worker-policy.js';
import { eventKey } from '../notify/events.js';
import { createBlueGreenWorker } from '../worker/worker.js';
import * as messages from '../workflows/messages.js';
import { FINAL_NOTIFICATION_WAIT_MS } from '../workflows/notifier.js';
import type { DeploymentStatus } from '../workflows/types.js';
import {
  connectClient,
  labPlan,
  taskQueueFor,
  temporalAddress,
  waitForStatus,
  waitingForApproval,
  workflowBundle,
} from './support/harness.js';

const CHANNELS: Record<string, ChannelSpec> = {
  'qa-slack': { type: 'slack', urlSecret: 'LAB_SLACK_WEBHOOK_URL' },
  'ops-teams': { type: 'teams', urlSecret: 'LAB_TEAMS_WEBHOOK_URL' },
  audit: { type: 'webhook', urlSecret: 'LAB_EVENTS_WEBHOOK_URL', signingSecret: 'LAB_EVENTS_SIGNING_SECRET' },
};
const NOTIFY = {
  notify: [
    { channel: 'qa-slack', events: ['approval-waiting', 'approved', 'rejected'] },
    { channel: 'ops-teams', events: 'all' },
    { channel: 'audit', events: 'all' },
  ],
};
const FAST = {
  timeouts: { heartbeat: '2s' },
  verify: { interval: '100ms' },
  monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
};
const NO_APPROVAL = { approval: { required: false } };
/** Per-attempt wait for a receiver's answer in these tests (10s by default). */
const SEND_TIMEOUT_MS = 500;

let client: Client;
let connection: Connection;
beforeAll(async () => {
  ({ client, connection } = await connectClient());
});
afterAll(() => connection.close());

interface Scenario {
  lab: Lab;
  run(service: string, overrides: Record<string, unknown>): ReturnType<typeof startDeployment>;
}

/** A lab and an in-process worker whose channels point at the lab's receivers. */
async function scenario(ctx: TestContext, name: string): Promise<Scenario> {
  const lab = await startLab({ runTiming: { queuedMs: 30, inProgressMs: 150 } });
  const taskQueue = taskQueueFor(`notify-${name}`);
  const secrets = lab.notifications.secretsEnv();
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await createBlueGreenWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      github: createGitHubClientCache({ auth: { kind: 'token', token: lab.token }, retries: 2 }),
      policy: LAB_WORKER_POLICY,
      notify: {
        channels: CHANNELS,
        secrets: (n) => secrets[n],
        timeoutMs: SEND_TIMEOUT_MS,
        webUiUrl: (ns, id) => `http://127.0.0.1:8233/namespaces/${ns}/workflows/${id}`,
      },
    }),
  });
  const running = worker.run();
  ctx.onTestFinished(async () => {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await lab.close();
  });
  return {
    lab,
    run: (service, overrides) =>
      startDeployment(client, labPlan(lab, service, { ...FAST, ...NOTIFY, ...overrides }), { taskQueue }),
  };
}

/** The CloudEvent types the webhook consumer accepted, without the prefix. */
const webhookTypes = (lab: Lab) =>
  lab.notifications.webhook.events.map((e) => String(e['type']).replace('dev.bluegreen.deployment.', ''));
const titles = (records: { title?: string }[]) => records.map((r) => r.title);

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

function expectNoFailures(expect: ExpectStatic, status: DeploymentStatus, sent: number) {
  expect(status.notifications, JSON.stringify(status.notifications)).toEqual({ sent, failed: [] });
}

describe.concurrent('notifications during real deployments', { timeout: 90_000 }, () => {
  it('a full deployment: every subscribed event once, in order, with its links, on all three channels', async (ctx) => {
    const { expect } = ctx;
    const s = await scenario(ctx, 'full');
    const handle = await s.run('svc-notify-full', {});
    const waiting = await waitForStatus(handle, waitingForApproval);
    await handle.signal(messages.approveSignal, { by: 'alice', comment: 'QA passed <!channel>' });
    const result = await handle.result();
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    const { slack, teams, webhook } = s.lab.notifications;

    expect(titles(slack.delivered)).toEqual([
      'svc-notify-full: waiting for approval (blue → green @ ' + result.sha!.slice(0, 7) + ')',
      'svc-notify-full: approved by alice',
    ]);
    const all = ['started', 'approval-waiting', 'approved', 'switched', 'succeeded'];
    expect(webhookTypes(s.lab)).toEqual(all);
    expect(teams.delivered).toHaveLength(all.length);
    expect(teams.received.every((r) => r.status === 202 && r.problem === undefined)).toBe(true);
    expect(webhook.received.every((r) => r.signatureValid && !r.duplicate)).toBe(true);
    // One dedupe key per event, the same on every channel.
    const keys = webhook.events.map((e) => e['id']);
    expect(keys).toEqual(all.map((type) => eventKey({ deploymentId: result.deploymentId, type: type as 'started' })));
    expect(slack.delivered.map((r) => r.deliveryKey)).toEqual([keys[1], keys[2]]);

    // The links: the Web UI page, the deploy run at the gate, the DNS Update run at the switch.
    const data = (type: string) =>
      webhook.events.find((e) => String(e['type']).endsWith(type))!['data'] as Record<string, unknown>;
    const deployRun = result.phases.find((p) => p.name === 'deploy')!.url;
    const switchRun = result.phases.find((p) => p.name === 'switch')!.url;
    expect(data('approval-waiting')['runUrl']).toBe(deployRun);
    expect(data('approval-waiting')['command']).toBe('npx bluegreen approve svc-notify-full --by <name> [--comment "..."]');
    expect(data('approval-waiting')['approvers']).toEqual(waiting.approvers);
    expect(data('switched')['runUrl']).toBe(switchRun);
    expect(data('approved')['by']).toBe('alice');
    expect(data('succeeded')['durationMs']).toBeGreaterThan(0);
    const buttons = (slack.delivered[0]!.json as { blocks: { type: string; elements?: { url: string }[] }[] }).blocks
      .find((b) => b.type === 'actions')!
      .elements!.map((e) => e.url);
    expect(buttons).toEqual([`http://127.0.0.1:8233/namespaces/default/workflows/${handle.workflowId}`, deployRun]);
    // The approver's comment cannot mention the channel in Slack's mrkdwn.
    expect(JSON.stringify(slack.delivered[1]!.json)).not.toContain('"type":"mrkdwn","text":"<!channel>');
    expectNoFailures(expect, result, 2 + all.length * 2);
  });

  it('a gate left waiting: reminders every remindEvery and one escalation, on schedule; none after the decision', async (ctx) => {
    const { expect } = ctx;
    const s = await scenario(ctx, 'remind');
    const handle = await s.run('svc-notify-remind', {
      notify: [{ channel: 'qa-slack', events: ['approval-waiting', 'rejected'] }],
      // Seconds: the dev server fires timers with about a second's precision.
      approval: { approvers: ['alice'], remindEvery: '1s', escalateAfter: '2500ms', escalateTo: ['audit'] },
    });
    await waitForStatus(handle, waitingForApproval);
    const { slack, webhook } = s.lab.notifications;
    const deadline = Date.now() + 15_000;
    while (slack.delivered.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await handle.signal(messages.rejectSignal, { by: 'alice', reason: 'not today' });
    const result = await handle.result();
    expect(result.outcome).toBe('ABORTED');
    await new Promise((r) => setTimeout(r, 1000)); // a reminder timer left running would fire here

    expect(titles(slack.delivered)).toEqual(
      [
        'svc-notify-remind: waiting for approval (blue → green @ ' + result.sha!.slice(0, 7) + ')',
        'Reminder: svc-notify-remind still waiting for 1s for approval',
        'Reminder: svc-notify-remind still waiting for 2s for approval',
        'Reminder: svc-notify-remind still waiting for 3s for approval',
        'svc-notify-remind: rejected by alice; traffic untouched on blue',
      ].slice(0, slack.delivered.length),
    );
    expect(slack.delivered.length).toBeGreaterThanOrEqual(4);
    expect(slack.delivered.at(-1)!.title).toMatch(/rejected by alice/);
    // On schedule: reminder n at n × remindEvery after the gate opened, the escalation at
    // escalateAfter. A workflow timer never fires early; the dev server fires it within about a
    // second, more on a loaded machine, so the check is "not early, at most 1.5s late".
    const at = slack.delivered.map((r) => Date.parse(r.at));
    const onTime = (what: string, delta: number, due: number) => {
      expect(delta, `${what}: ${delta} ms after the gate opened, due at ${due}`).toBeGreaterThanOrEqual(due - 150);
      expect(delta, `${what}: ${delta} ms after the gate opened, due at ${due}`).toBeLessThan(due + 1500);
    };
    for (let i = 1; i < 4; i++) onTime(`reminder ${i}`, at[i]! - at[0]!, i * 1000);
    expect(webhook.events.map((e) => e['id'])).toEqual([`${result.deploymentId}.approval-waiting.escalation`]);
    onTime('escalation', Date.parse(webhook.delivered[0]!.at) - at[0]!, 2500);
  });

  it('a receiver answering 500: reported in the status, and the deployment ends as fast as its twin with working receivers', async (ctx) => {
    const { expect } = ctx;
    const [broken, twin] = await Promise.all([scenario(ctx, 'broken'), scenario(ctx, 'twin-500')]);
    broken.lab.notifications.teams.setBehavior({ mode: 'fail', status: 500, body: 'rollup_error' });
    const [hb, ht] = await Promise.all([broken.run('svc-notify-500', {}), twin.run('svc-notify-500-twin', {})]);
    // The gate waits until the failure of "started" is in the status (4 attempts over ~7s).
    const seen = await waitForStatus(hb, (st) => (st.notifications?.failed.length ?? 0) > 0, 30_000);
    expect(seen.notifications!.failed[0]).toMatchObject({ channel: 'ops-teams', event: 'started', error: '500 rollup_error' });
    await waitForStatus(ht, waitingForApproval);
    const [rb, rt] = await Promise.all([
      timed(async () => (await hb.signal(messages.approveSignal, { by: 'alice' }), hb.result())),
      timed(async () => (await ht.signal(messages.approveSignal, { by: 'alice' }), ht.result())),
    ]);
    expect(rb.result.outcome, rb.result.error).toBe('SUCCEEDED');
    expect(rt.result.outcome).toBe('SUCCEEDED');
    expect(rb.ms - rt.ms, `broken ${rb.ms} ms, twin ${rt.ms} ms`).toBeLessThan(FINAL_NOTIFICATION_WAIT_MS + 1500);
    // Everything else arrived; the failures name the channel and the answer.
    expect(webhookTypes(broken.lab)).toEqual(['started', 'approval-waiting', 'approved', 'switched', 'succeeded']);
    expect(rb.result.notifications!.failed.map((f) => `${f.channel} ${f.event}: ${f.error}`)).toContain(
      'ops-teams started: 500 rollup_error',
    );
  });

  it('dead and hanging receivers do not slow the deployment', async (ctx) => {
    const { expect } = ctx;
    const [stuck, twin] = await Promise.all([scenario(ctx, 'hang'), scenario(ctx, 'twin-hang')]);
    stuck.lab.notifications.slack.setBehavior({ mode: 'hang' });
    stuck.lab.notifications.teams.setBehavior({ mode: 'hang' });
    await stuck.lab.notifications.webhook.close(); // dead: connection refused
    const [rs, rt] = await Promise.all([
      timed(async () => (await stuck.run('svc-notify-hang', NO_APPROVAL)).result()),
      timed(async () => (await twin.run('svc-notify-hang-twin', NO_APPROVAL)).result()),
    ]);
    expect(rs.result.outcome, rs.result.error).toBe('SUCCEEDED');
    expect(rt.result.outcome).toBe('SUCCEEDED');
    expect(rs.ms - rt.ms, `stuck ${rs.ms} ms, twin ${rt.ms} ms`).toBeLessThan(FINAL_NOTIFICATION_WAIT_MS + 1500);
    expect(stuck.lab.notifications.teams.received.length).toBeGreaterThan(0); // the sends did go out
  });

  it('a rollback and a failed deploy: analysis-failed, rolled-back (how long on green), failed (where, the run)', async (ctx) => {
    const { expect } = ctx;
    const [back, broken] = await Promise.all([scenario(ctx, 'rollback'), scenario(ctx, 'failed')]);
    broken.lab.github.setWorkflowBehavior('deploy-green.yml', {
      conclusion: 'failure',
      failJob: 'build',
      failStep: 'Push image',
    });
    const hb = await back.run('svc-notify-back', {
      ...NO_APPROVAL,
      monitor: { duration: '20s', interval: '100ms', failureThreshold: 3 },
    });
    const hf = await broken.run('svc-notify-failed', NO_APPROVAL);
    await waitForStatus(hb, (st) => st.phase === 'monitor');
    back.lab.apps.setHealthy('green', false);
    const [rb, rf] = await Promise.all([hb.result(), hf.result()]);
    expect([rb.outcome, rf.outcome]).toEqual(['ROLLED_BACK', 'FAILED']);

    expect(webhookTypes(back.lab)).toEqual(['started', 'switched', 'analysis-failed', 'rolled-back']);
    const rolled = back.lab.notifications.webhook.events.at(-1)!['data'] as Record<string, unknown>;
    expect(rolled['detail']).toMatch(/^3 consecutive failures on /);
    expect(rolled['durationMs']).toBeGreaterThan(0);
    expect(back.lab.notifications.teams.delivered.at(-1)!.title).toMatch(
      /^svc-notify-back: rolled back to blue \(green had traffic for \d/,
    );

    expect(webhookTypes(broken.lab)).toEqual(['started', 'failed']);
    const failed = broken.lab.notifications.webhook.events.at(-1)!['data'] as Record<string, unknown>;
    const deployRun = rf.phases.find((p) => p.name === 'deploy')!.url;
    expect([failed['phase'], failed['runUrl']]).toEqual(['deploy', deployRun]);
    expect(failed['detail']).toMatch(/job "build", step "Push image"/);
    expect(broken.lab.notifications.slack.delivered).toEqual([]); // qa-slack hears of approvals only
  });
});
