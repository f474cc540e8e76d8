// The notification activities against the lab's Slack-, Teams- and webhook-compatible
// receivers (real HTTP on loopback): what arrives, its signature and dedupe key, and what each
// kind of receiver failure becomes (a non-retryable answer, a retryable outage, a bounded hang).
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyActivities, type ChannelSpec, type NotifyActivities } from '../notify/activities.js';
import { eventKey, type NotificationEvent } from '../contract/notify-events.js';
import { NotificationReceivers, signatureMatches } from '../lab/notify/index.js';
import { activityEnv } from './activities-helpers.js';

const CHANNELS: Record<string, ChannelSpec> = {
  'qa-slack': { type: 'slack', secrets: { url: 'LAB_SLACK_WEBHOOK_URL' } },
  'ops-teams': { type: 'teams', secrets: { url: 'LAB_TEAMS_WEBHOOK_URL' } },
  audit: { type: 'webhook', secrets: { url: 'LAB_EVENTS_WEBHOOK_URL', signingKey: 'LAB_EVENTS_SIGNING_SECRET' } },
  'dead-slack': { type: 'slack', secrets: { url: 'DEAD_SLACK_URL' } },
  unset: { type: 'teams', secrets: { url: 'NOT_SET_ANYWHERE' } },
};

const event: NotificationEvent = {
  type: 'approval-waiting',
  service: 'svc-channels',
  deploymentId: 'svc-channels-20261201-210000-0001',
  from: 'blue',
  to: 'green',
  sha: 'abcdef0123456789',
  phase: 'approval',
  at: '2026-12-01T21:00:00.000Z',
  approvers: ['alice'],
  command: 'bluegreen approve svc-channels --by <name>',
};

let receivers: NotificationReceivers;
let notify: NotifyActivities;
const TIMEOUT_MS = 300;

beforeAll(async () => {
  receivers = new NotificationReceivers();
  await receivers.start();
  const env: Record<string, string> = { ...receivers.secretsEnv(), DEAD_SLACK_URL: `${receivers.slack.url}/services/T0/B0/gone` };
  notify = createNotifyActivities({
    channels: CHANNELS,
    secrets: (name) => env[name],
    timeoutMs: TIMEOUT_MS,
    webUiUrl: (ns, id) => `http://127.0.0.1:8233/namespaces/${ns}/workflows/${id}`,
  });
});
afterAll(() => receivers.close());

const send = (channel: string, e: NotificationEvent = event) =>
  activityEnv({ workflowExecution: { workflowId: 'bluegreen-svc-channels', runId: 'r1' }, workflowNamespace: 'default' }).run(
    notify.sendNotification,
    { channel, event: e },
  );

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('delivery to each kind of channel', () => {
  it('Slack: Block Kit arrives, Slack answers ok, the dedupe key rides in a header', async () => {
    const result = await send('qa-slack');
    expect(result).toEqual({ channel: 'qa-slack', key: eventKey(event), status: 200 });
    const got = receivers.slack.received.at(-1)!;
    expect([got.status, got.answer, got.deliveryKey, got.title]).toEqual([
      200,
      'ok',
      eventKey(event),
      'svc-channels: waiting for approval (blue → green @ abcdef0)',
    ]);
    const blocks = (got.json as { blocks: { type: string; elements?: { url: string }[] }[] }).blocks;
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions']);
    expect(blocks[2]!.elements!.map((e) => e.url)).toEqual([
      'http://127.0.0.1:8233/namespaces/default/workflows/bluegreen-svc-channels',
    ]);
  });

  it('Teams: the Adaptive Card arrives, Workflows answers 202, and the flow could post it', async () => {
    expect((await send('ops-teams')).status).toBe(202);
    const got = receivers.teams.received.at(-1)!;
    expect(got.problem).toBeUndefined();
    expect(got.title).toBe('svc-channels: waiting for approval (blue → green @ abcdef0)');
  });

  it('generic webhook: a signed structured CloudEvent; a retried send is a duplicate the consumer ignores', async () => {
    await send('audit');
    await send('audit');
    const [first, second] = receivers.webhook.received.slice(-2);
    expect(first!.signatureValid).toBe(true);
    expect(signatureMatches(first!.body, first!.headers['x-bluegreen-signature-256'], receivers.webhook.secret)).toBe(true);
    expect(first!.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    const ce = first!.json as Record<string, unknown>;
    expect([ce['id'], ce['type'], ce['source'], ce['subject']]).toEqual([
      eventKey(event),
      'dev.bluegreen.deployment.approval-waiting',
      '/bluegreen/svc-channels',
      event.deploymentId,
    ]);
    expect(second!.duplicate).toBe(true);
    expect(receivers.webhook.events.filter((e) => e['id'] === eventKey(event))).toHaveLength(1);
  });
});

describe('what a failing receiver becomes', () => {
  it('a deleted Slack hook: 404 no_service, not retried', async () => {
    const failure = await failureOf(send('dead-slack'));
    expect([failure.message, failure.nonRetryable]).toEqual(['404 no_service', true]);
  });

  it('a receiver answering 500: retried', async () => {
    receivers.teams.setBehavior({ mode: 'fail', status: 500, body: 'rollup_error', times: 1 });
    const failure = await failureOf(send('ops-teams'));
    expect([failure.message, failure.nonRetryable]).toEqual(['500 rollup_error', false]);
  });

  it('a hanging receiver costs one timeout per attempt, then a retryable failure', async () => {
    receivers.slack.setBehavior({ mode: 'hang', times: 1 });
    const started = Date.now();
    const failure = await failureOf(send('qa-slack'));
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
    expect([failure.message, failure.nonRetryable]).toEqual([`no answer within ${TIMEOUT_MS} ms`, false]);
  });

  it('a bad signature is refused by the consumer (401), never accepted', async () => {
    const forged = createNotifyActivities({
      channels: CHANNELS,
      secrets: (name) => (name === 'LAB_EVENTS_SIGNING_SECRET' ? 'wrong-key' : receivers.secretsEnv()[name]),
    });
    const failure = await failureOf(activityEnv().run(forged.sendNotification, { channel: 'audit', event }));
    expect(failure.message).toMatch(/^401 /);
    expect(receivers.webhook.received.at(-1)!.signatureValid).toBe(false);
  });

  it('an unknown channel or an unset secret: refused with its name, never a secret value', async () => {
    expect((await failureOf(send('qa-slak'))).message).toBe(
      'no channel "qa-slak" in the worker policy (known: qa-slack, ops-teams, audit, dead-slack, unset)',
    );
    expect((await failureOf(send('unset'))).message).toBe(
      'channel "unset": secret NOT_SET_ANYWHERE (its URL) is not set on the worker',
    );
    const problems = await activityEnv().run(notify.checkNotificationChannels, {
      references: [
        { channel: 'qa-slack', path: 'notify.0.channel' },
        { channel: 'qa-slak', path: 'notify.1.channel' },
        { channel: 'unset', path: 'approval.escalateTo.0' },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual(['notify.1.channel', 'approval.escalateTo.0']);
    expect(JSON.stringify(problems)).not.toContain(receivers.slack.url);
  });
});
