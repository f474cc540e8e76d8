// Notifications end to end: real deployments on the lab with all three channels (the lab's Slack-,
// Teams- and webhook-compatible receivers): each subscribed event arrives once, in order, with
// its links; the reminder and the escalation arrive on schedule at a gate left waiting; a
// receiver answering 500 shows in the status and a hanging one does not slow the deployment.
import { NativeConnection } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, it, type ExpectStatic, type TestContext } from 'vitest';
import { createActivities } from '../worker/activities.js';
import { renderPhaseList } from '../client/render.js';
import type { ChannelSpec } from '../notify/activities.js';
import { createGitHubClientCache } from '../activities/octokit.js';
import { decideOnGitHub, recordDeployerForPlan } from '../client/github-identity.js';
import { startDeployment } from '../client/start-deployment.js';
import { startLab, type Lab } from '../lab/index.js';
import { LAB_WORKER_POLICY } from '../lab/worker-policy.js';
import { eventKey } from '../contract/notify-events.js';
import { createBlueGreenWorker } from '../worker/worker.js';
import * as messages from '../contract/messages.js';
import { markdownText } from '../contract/sanitize.js';
import { FINAL_NOTIFICATION_WAIT_MS } from '../workflows/notifier.js';
import type { DeploymentPlan, DeploymentStatus } from '../contract/types.js';
import {
  connectClient,
  labPlan,
  taskQueueFor,
  temporalAddress,
  waitForStatus,
  waitingForApproval,
  workflowBundle,
} from './support/harness.js';
import { finalStatus } from './support/final-status.js';

const CHANNELS: Record<string, ChannelSpec> = {
  'qa-slack': { type: 'slack', secrets: { url: 'LAB_SLACK_WEBHOOK_URL' } },
  'ops-teams': { type: 'teams', secrets: { url: 'LAB_TEAMS_WEBHOOK_URL' } },
  audit: { type: 'webhook', secrets: { url: 'LAB_EVENTS_WEBHOOK_URL', signingKey: 'LAB_EVENTS_SIGNING_SECRET' } },
  // Declared, but its secret is not set on this worker.
  pager: { type: 'webhook', secrets: { url: 'LAB_PAGER_WEBHOOK_URL', signingKey: 'LAB_PAGER_SIGNING_SECRET' } },
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
  /** A plan of the test's own (approval via GitHub records the deployer first). */
  start(plan: DeploymentPlan): ReturnType<typeof startDeployment>;
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
    start: (plan) => startDeployment(client, plan, { taskQueue }),
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
    const result = await finalStatus(handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    const { slack, teams, webhook } = s.lab.notifications;

    expect(titles(slack.delivered)).toEqual([
      'svc-notify-full: waiting for approval (blue → green @ ' + result.sha!.slice(0, 7) + ')',
      'svc-notify-full: approved by alice (self-declared)',
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
    expect(data('approval-waiting')['command']).toBe('bluegreen approve svc-notify-full --by <name> [--comment "..."]');
    expect(data('approval-waiting')['approvers']).toEqual(waiting.approvers);
    expect(data('switched')['runUrl']).toBe(switchRun);
    expect(data('approved')['by']).toBe('alice (self-declared)');
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
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ABORTED');
    await new Promise((r) => setTimeout(r, 1000)); // a reminder timer left running would fire here

    expect(titles(slack.delivered)).toEqual(
      [
        'svc-notify-remind: waiting for approval (blue → green @ ' + result.sha!.slice(0, 7) + ')',
        'Reminder: svc-notify-remind still waiting for 1s for approval',
        'Reminder: svc-notify-remind still waiting for 2s for approval',
        'Reminder: svc-notify-remind still waiting for 3s for approval',
        'svc-notify-remind: rejected by alice (self-declared); traffic untouched on blue',
      ].slice(0, slack.delivered.length),
    );
    expect(slack.delivered.length).toBeGreaterThanOrEqual(4);
    expect(slack.delivered.at(-1)!.title).toMatch(/rejected by alice/);
    // On schedule: reminder n at n × remindEvery after the gate opened (the approval phase's
    // start, workflow time), the escalation at escalateAfter. A workflow timer never fires early;
    // the dev server fires it within about a second, and the send takes a moment more on a loaded
    // machine, so the check is "not early, at most 2s late". (Measured from the gate's opening,
    // not from the first message's arrival: that send can itself be late under load.)
    const opened = Date.parse(result.phases.find((p) => p.name === 'approval')!.startedAt!);
    const onTime = (what: string, arrived: string, due: number) => {
      const delta = Date.parse(arrived) - opened;
      expect(delta, `${what}: ${delta} ms after the gate opened, due at ${due}`).toBeGreaterThanOrEqual(due - 150);
      expect(delta, `${what}: ${delta} ms after the gate opened, due at ${due}`).toBeLessThan(due + 2000);
    };
    for (let i = 1; i < 4; i++) onTime(`reminder ${i}`, slack.delivered[i]!.at, i * 1000);
    expect(webhook.events.map((e) => e['id'])).toEqual([`${result.deploymentId}.approval-waiting.escalation`]);
    onTime('escalation', webhook.delivered[0]!.at, 2500);
  });

  it('a receiver answering 500: reported in the status, and the deployment ends as fast as its twin with working receivers', async (ctx) => {
    const { expect } = ctx;
    const [broken, twin] = await Promise.all([scenario(ctx, 'broken'), scenario(ctx, 'twin-500')]);
    broken.lab.notifications.teams.setBehavior({ mode: 'fail', status: 500, body: 'rollup_error' });
    broken.lab.notifications.slack.setBehavior({ mode: 'fail', status: 404, body: 'no_service' }); // a deleted hook
    const [hb, ht] = await Promise.all([broken.run('svc-notify-500', {}), twin.run('svc-notify-500-twin', {})]);
    // The gate waits until the failure of "started" is in the status (4 attempts over ~7s).
    const seen = await waitForStatus(hb, (st) => st.notifications?.failed.some((f) => f.event === 'started') ?? false, 30_000);
    expect(seen.notifications!.failed.find((f) => f.event === 'started')).toMatchObject({
      channel: 'ops-teams',
      error: '500 rollup_error',
    });
    // `bluegreen status` and the Web UI's current details (republished when a send fails) say so.
    const failure = 'notification to ops-teams failed: 500 rollup_error (started)';
    expect(renderPhaseList(seen)).toContain(`⚠ ${failure}`);
    const metadata = await hb.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain(`⚠ ${markdownText(failure, 4_000)}`);
    const atGate = await waitForStatus(hb, (st) => st.notifications?.failed.some((f) => f.channel === 'qa-slack') ?? false);
    expect(renderPhaseList(atGate)).toContain('⚠ notification to qa-slack failed: 404 no_service (approval-waiting)');
    await waitForStatus(ht, waitingForApproval);
    const [rb, rt] = await Promise.all([
      timed(async () => (await hb.signal(messages.approveSignal, { by: 'alice' }), finalStatus(hb))),
      timed(async () => (await ht.signal(messages.approveSignal, { by: 'alice' }), finalStatus(ht))),
    ]);
    expect(rb.result.outcome, rb.result.error).toBe('SUCCEEDED');
    expect(rt.result.outcome).toBe('SUCCEEDED');
    expect(rb.ms - rt.ms, `broken ${rb.ms} ms, twin ${rt.ms} ms`).toBeLessThan(FINAL_NOTIFICATION_WAIT_MS + 1500);
    // Everything else arrived; the failures name the channel and the answer.
    expect(webhookTypes(broken.lab)).toEqual(['started', 'approval-waiting', 'approved', 'switched', 'succeeded']);
    expect(rb.result.notifications!.failed.map((f) => `${f.channel} ${f.event}: ${f.error}`)).toEqual(
      expect.arrayContaining(['ops-teams started: 500 rollup_error', 'qa-slack approved: 404 no_service']),
    );
  });

  it('dead and hanging receivers do not slow the deployment', async (ctx) => {
    const { expect } = ctx;
    const [stuck, twin] = await Promise.all([scenario(ctx, 'hang'), scenario(ctx, 'twin-hang')]);
    stuck.lab.notifications.slack.setBehavior({ mode: 'hang' });
    stuck.lab.notifications.teams.setBehavior({ mode: 'hang' });
    await stuck.lab.notifications.webhook.close(); // dead: connection refused
    const [rs, rt] = await Promise.all([
      timed(async () => finalStatus(await stuck.run('svc-notify-hang', NO_APPROVAL))),
      timed(async () => finalStatus(await twin.run('svc-notify-hang-twin', NO_APPROVAL))),
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
    const [rb, rf] = await Promise.all([finalStatus(hb), finalStatus(hf)]);
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

  it('a channel this worker does not declare, or whose secret is missing: FAILED in plan with the field paths, nothing deployed', async (ctx) => {
    const { expect } = ctx;
    const s = await scenario(ctx, 'bad-channel');
    const handle = await s.run('svc-notify-bad-channel', {
      ...NO_APPROVAL,
      notify: [{ channel: 'audit' }, { channel: 'qa-slak', events: ['started'] }, { channel: 'pager' }],
    });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.phases.find((p) => p.name === 'plan')).toMatchObject({ state: 'failed' });
    expect(result.error).toBe(
      'the worker cannot notify as bluegreen.yaml asks: ' +
        'notify.1.channel: no channel "qa-slak" in the worker policy (known: qa-slack, ops-teams, audit, pager); ' +
        'notify.2.channel: channel "pager": secret LAB_PAGER_WEBHOOK_URL (its URL) is not set on the worker',
    );
    // Before anything was deployed or switched; the channels that work hear that it failed.
    expect(s.lab.github.dispatchCount('deploy-green.yml')).toBe(0);
    expect(s.lab.router.activeColor).toBe('blue');
    expect(webhookTypes(s.lab)).toEqual(['failed']);
  });

  it('approval via GitHub: approval-waiting with the gate run to review and who may; approved / rejected by the verified login', async (ctx) => {
    const { expect } = ctx;
    const [ok, no] = await Promise.all([scenario(ctx, 'gh-approve'), scenario(ctx, 'gh-reject')]);
    const viaGitHub = async (s: Scenario, service: string) => {
      s.lab.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa', 'dave'] });
      const plan = labPlan(s.lab, service, {
        ...FAST,
        notify: [{ channel: 'qa-slack', events: ['approval-waiting', 'approved', 'rejected'] }, { channel: 'audit' }],
        approval: { via: 'github', environment: 'qa', approvers: ['datatruck/qa', 'dave'], timeout: '1h', remindEvery: '1s' },
        sync: { enabled: false },
      });
      // What `bluegreen deploy` does: records the deployment as dave, with dave's token.
      const recorded = await recordDeployerForPlan(plan, 'green', s.lab.github.branchHead('green'), {
        GITHUB_TOKEN: s.lab.github.reviews.tokenOf('dave'),
      });
      const handle = await s.start(recorded);
      const waiting = await waitForStatus(handle, (st) => st.gate?.runId !== undefined && st.waitingFor !== undefined);
      // The first reminder, with the same review link, then a decision with the reviewer's own token.
      const deadline = Date.now() + 10_000;
      while (s.lab.notifications.slack.delivered.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return { handle, waiting };
    };
    const [a, r] = await Promise.all([viaGitHub(ok, 'svc-notify-gh-ok'), viaGitHub(no, 'svc-notify-gh-no')]);
    const decide = (s: Scenario, st: DeploymentStatus, login: string, decision: 'approve' | 'reject', text: string) =>
      decideOnGitHub(st, st.gate!.github, decision, text, { GITHUB_TOKEN: s.lab.github.reviews.tokenOf(login) });
    await decide(ok, a.waiting, 'alice', 'approve', 'QA passed <!channel>');
    await decide(no, r.waiting, 'bob', 'reject', 'checkout page broken');
    const [approved, rejected] = await Promise.all([finalStatus(a.handle), finalStatus(r.handle)]);
    expect([approved.outcome, rejected.outcome]).toEqual(['SUCCEEDED', 'ABORTED']);

    for (const [s, result] of [
      [ok, approved],
      [no, rejected],
    ] as const) {
      const data = (type: string) =>
        s.lab.notifications.webhook.events.find((e) => String(e['type']).endsWith(type))!['data'] as Record<string, unknown>;
      const gateRun = result.approvals[0]!.gateRunId;
      const gateUrl = s.lab.github.run(gateRun!)!.htmlUrl;
      expect(data('approval-waiting')).toMatchObject({
        reviewUrl: gateUrl,
        approvers: ['datatruck/qa', 'dave'],
        command: `bluegreen approve ${result.service} [--comment "..."] (with your own GITHUB_TOKEN)`,
        runUrl: result.phases.find((p) => p.name === 'deploy')!.url,
      });
      const first = s.lab.notifications.slack.delivered[0]!.json as { blocks: { type: string; elements?: { url: string }[] }[] };
      const buttons = first.blocks.find((b) => b.type === 'actions')!.elements!.map((e) => e.url);
      expect(buttons[0]).toBe(gateUrl); // "Review on GitHub" first
      const reminder = s.lab.notifications.slack.delivered[1]!;
      expect([reminder.title, reminder.deliveryKey]).toEqual([
        `Reminder: ${result.service} still waiting for 1s for approval`,
        `${result.deploymentId}.approval-waiting.reminder-1`,
      ]);
      expect(JSON.stringify(reminder.json)).toContain(gateUrl);
      expect(result.notifications?.failed).toEqual([]);
    }
    // Each event once, in order (the audit channel hears the reminders too: left out here).
    const firsts = (lab: Lab) =>
      lab.notifications.webhook.events.filter((e) => (e['data'] as { reminder?: number }).reminder === undefined);
    const typesOf = (lab: Lab) => firsts(lab).map((e) => String(e['type']).replace('dev.bluegreen.deployment.', ''));
    expect(typesOf(ok.lab)).toEqual(['started', 'approval-waiting', 'approved', 'switched', 'succeeded']);
    expect(ok.lab.notifications.slack.delivered.at(-1)!.title).toBe('svc-notify-gh-ok: approved by @alice (verified by GitHub)');
    expect(firsts(ok.lab)[2]!['data']).toMatchObject({ by: '@alice (verified by GitHub)', detail: 'QA passed <!channel>' });
    // A rejection is `rejected` (by whom, why), not also `aborted`.
    expect(typesOf(no.lab)).toEqual(['started', 'approval-waiting', 'rejected']);
    expect(no.lab.notifications.slack.delivered.at(-1)!.title).toBe(
      'svc-notify-gh-no: rejected by @bob (verified by GitHub); traffic untouched on blue',
    );
    expect(firsts(no.lab).at(-1)!['data']).toMatchObject({ by: '@bob (verified by GitHub)', detail: 'checkout page broken' });
  });
});
