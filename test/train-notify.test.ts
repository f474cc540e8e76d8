// A release train speaks once: on the lab with a real worker whose channels are the lab's Slack-
// and webhook-compatible receivers, a train of three services sends one approval-waiting, one
// approved, one switched and one succeeded (each listing the three services), not one per
// service; a train rolled back sends one rolled-back naming the failing service.
import { describe, expect } from 'vitest';
import * as messages from '../contract/messages.js';
import { trainStatusQuery } from '../contract/train-messages.js';
import type { ChannelSpec } from '../notify/activities.js';
import type { Lab } from '../lab/index.js';
import {
  approveAndWaitForWebGreen,
  finalTrain,
  it,
  publicColor,
  ROLES,
  startTrain,
  trainPlan,
  until,
  type Labs,
  type Role,
} from './support/train-lab.js';

const CHANNELS: Record<string, ChannelSpec> = {
  'qa-slack': { type: 'slack', secrets: { url: 'LAB_SLACK_WEBHOOK_URL' } },
  audit: { type: 'webhook', secrets: { url: 'LAB_EVENTS_WEBHOOK_URL', signingKey: 'LAB_EVENTS_SIGNING_SECRET' } },
};

/** api and web tell both channels, worker only the webhook: the train tells each channel once. */
const NOTIFY: Record<Role, { notify: { channel: string; events: string }[] }> = {
  api: {
    notify: [
      { channel: 'qa-slack', events: 'all' },
      { channel: 'audit', events: 'all' },
    ],
  },
  web: { notify: [{ channel: 'qa-slack', events: 'all' }] },
  worker: { notify: [{ channel: 'audit', events: 'all' }] },
};

const notifyingWorker = (labs: Labs) => {
  const secrets = labs.api.notifications.secretsEnv();
  return { notify: { channels: CHANNELS, secrets: (n: string) => secrets[n], timeoutMs: 2_000 } };
};

const types = (lab: Lab) =>
  lab.notifications.webhook.events.map((e) => String(e['type']).replace('dev.bluegreen.deployment.', ''));
const count = (list: string[], type: string) => list.filter((t) => t === type).length;
const dataOf = (lab: Lab, type: string) =>
  lab.notifications.webhook.events
    .filter((e) => String(e['type']).endsWith(`.${type}`))
    .map((e) => e['data'] as Record<string, unknown>);
const slackTitles = (lab: Lab) => lab.notifications.slack.delivered.map((r) => r.title ?? '');

describe('a release train notifies once for its services', () => {
  it(
    'a train of three: one approval-waiting, approved, switched and succeeded per channel, listing the services',
    { timeout: 60_000 },
    async ({ client, labs, startWorker }) => {
      const worker = await startWorker(labs.api, notifyingWorker(labs));
      const { plan, names } = trainPlan(labs, NOTIFY);
      const handle = await startTrain(client, worker.taskQueue, plan);
      await until(
        () => handle.query(trainStatusQuery),
        (s) => s.phase === 'approval' || !!s.outcome,
        'approval',
      );
      await handle.signal(messages.approveSignal, { by: 'qa-lead', comment: 'QA <!channel> ok' });
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('SUCCEEDED');
      for (const role of ROLES) expect(await publicColor(labs[role])).toBe('green');
      const lab = labs.api;
      await until(
        () => types(lab),
        (t) => t.includes('succeeded'),
        'succeeded at the webhook',
        5_000,
      );
      await until(
        () => slackTitles(lab),
        (t) => t.some((x) => x.includes('SUCCEEDED')),
        'succeeded at Slack',
        5_000,
      );

      const events = types(lab);
      for (const type of ['approval-waiting', 'approved', 'switched', 'succeeded'])
        expect(count(events, type), `${type}: ${events.join(', ')}`).toBe(1);
      // Each service still says it started (api and worker subscribe the webhook).
      expect(count(events, 'started')).toBe(2);
      expect(events.filter((t) => t === 'failed' || t === 'aborted' || t === 'rolled-back')).toEqual([]);
      const succeeded = dataOf(lab, 'succeeded')[0]!;
      expect(succeeded['train']).toBe(plan.train);
      expect((succeeded['services'] as { service: string; outcome: string }[]).map((s) => [s.service, s.outcome])).toEqual(
        ROLES.map((r) => [names[r], 'SUCCEEDED']),
      );
      expect(lab.notifications.webhook.received.every((r) => r.signatureValid && !r.duplicate)).toBe(true);

      const titles = slackTitles(lab);
      expect(titles.filter((t) => t.includes('waiting for approval'))).toEqual([
        `release train ${plan.train}: waiting for approval (the new colors)`,
      ]);
      expect(titles.filter((t) => t.includes('SUCCEEDED'))).toHaveLength(1);
      expect(titles.filter((t) => t.includes('traffic switched'))).toHaveLength(1);
      expect(titles.filter((t) => t.includes('approved by'))).toEqual([`release train ${plan.train}: approved by qa-lead`]);
      // The Slack message lists the three services in one Services field; the comment's markup is escaped.
      const body = lab.notifications.slack.delivered.find((r) => r.title?.includes('SUCCEEDED'))!.body;
      const services = JSON.stringify(body).match(/\*Services\*\\\\n([^"]*)/)?.[1] ?? '';
      for (const role of ROLES) expect(services, body).toContain(names[role]);
      const approved = lab.notifications.slack.delivered.find((r) => r.title?.includes('approved by'))!.body;
      // Free text goes to Slack as plain_text, never as mrkdwn (no mention can be written).
      const blocks = (JSON.parse(approved) as { blocks: { text?: { type: string; text: string } }[] }).blocks;
      expect(blocks.find((b) => b.text?.text.includes('<!channel>'))?.text?.type).toBe('plain_text');
      expect(end.notifications).toEqual({ sent: 8, failed: [] });
    },
  );

  it(
    'a train rolled back: one rolled-back naming the failing service and why',
    { timeout: 60_000 },
    async ({ client, labs, startWorker }) => {
      const worker = await startWorker(labs.api, notifyingWorker(labs));
      const watching = { monitor: { duration: '20s', interval: '100ms', failureThreshold: 3 } };
      const { plan, names } = trainPlan(labs, {
        api: { ...NOTIFY.api, ...watching },
        web: { ...NOTIFY.web, ...watching },
        worker: { ...NOTIFY.worker, ...watching },
      });
      const handle = await startTrain(client, worker.taskQueue, plan);
      await approveAndWaitForWebGreen(handle, labs);
      labs.api.apps.setHealthy('green', false);
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('ROLLED_BACK');
      const lab = labs.api;
      await until(
        () => types(lab),
        (t) => t.includes('rolled-back'),
        'rolled-back at the webhook',
        5_000,
      );
      const events = types(lab);
      expect(count(events, 'rolled-back'), events.join(', ')).toBe(1);
      expect(count(events, 'succeeded')).toBe(0);
      const rolledBack = dataOf(lab, 'rolled-back')[0]!;
      expect(String(rolledBack['detail'])).toContain(`${names.api}:`);
      expect((rolledBack['services'] as { service: string; outcome: string }[]).map((s) => [s.service, s.outcome])).toEqual(
        ROLES.map((r) => [names[r], 'ROLLED_BACK']),
      );
      await until(
        () => slackTitles(lab),
        (t) => t.some((x) => x.includes('rolled back')),
        'rolled back at Slack',
        5_000,
      );
      expect(slackTitles(lab).filter((t) => t.includes('rolled back'))).toEqual([
        `release train ${plan.train}: rolled back to the old colors`,
      ]);
    },
  );
});
