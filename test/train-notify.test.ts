// A release train speaks once: on the lab with a real worker whose channels are the lab's Slack-
// and webhook-compatible receivers, a train of three services sends one started, approval-waiting,
// approved, switched and succeeded (each listing the three services), not one per service; a
// train rolled back sends one rolled-back naming the failing service; a train whose service fails
// before any switch one failed, the train's, naming it and where each service's traffic is; the
// train's gate verified by GitHub is announced by the train with its Services line.
import { describe, expect } from 'vitest';
import * as messages from '../contract/messages.js';
import { trainStatusQuery } from '../contract/train-messages.js';
import type { ChannelSpec } from '../notify/activities.js';
import type { Lab } from '../lab/index.js';
import {
  approveAndWaitForWebGreen,
  finalTrain,
  gitHubGatedTrainPlan,
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
/** Until the webhook has an event of `type` (5 s at most). */
const untilAtWebhook = (lab: Lab, type: string) =>
  until(
    () => types(lab),
    (t) => t.includes(type),
    `${type} at the webhook`,
    5_000,
  );
/** Until Slack has a message whose title contains `part` (5 s at most). */
const untilAtSlack = (lab: Lab, part: string) =>
  until(
    () => slackTitles(lab),
    (t) => t.some((x) => x.includes(part)),
    `${part} at Slack`,
    5_000,
  );

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
      await untilAtWebhook(lab, 'succeeded');
      await untilAtSlack(lab, 'SUCCEEDED');

      const events = types(lab);
      for (const type of ['started', 'approval-waiting', 'approved', 'switched', 'succeeded'])
        expect(count(events, type), `${type}: ${events.join(', ')}`).toBe(1);
      // The train says it started (not api and worker, which subscribe the webhook), naming every
      // service, with the route and SHA of those it starts at once (api, worker).
      const started = dataOf(lab, 'started')[0]!;
      expect(started['train']).toBe(plan.train);
      const listed = started['services'] as { service: string; sha?: string; from?: string; to?: string; live?: string }[];
      expect(listed.map((s) => s.service)).toEqual(ROLES.map((r) => names[r]));
      for (const role of ['api', 'worker'] as const) {
        expect(
          listed.find((s) => s.service === names[role]),
          role,
        ).toMatchObject({
          sha: labs[role].github.branchHead('green'),
          from: 'blue',
          to: 'green',
          live: 'blue',
        });
      }
      expect(events.filter((t) => t === 'failed' || t === 'aborted' || t === 'rolled-back')).toEqual([]);
      const succeeded = dataOf(lab, 'succeeded')[0]!;
      expect(succeeded['train']).toBe(plan.train);
      expect((succeeded['services'] as { service: string; outcome: string }[]).map((s) => [s.service, s.outcome])).toEqual(
        ROLES.map((r) => [names[r], 'SUCCEEDED']),
      );
      expect(lab.notifications.webhook.received.every((r) => r.signatureValid && !r.duplicate)).toBe(true);

      const titles = slackTitles(lab);
      expect(titles.filter((t) => t.includes('deploying'))).toEqual([`release train ${plan.train}: deploying the new colors`]);
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
      expect(end.notifications).toEqual({ sent: 10, failed: [] });
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
      await untilAtWebhook(lab, 'rolled-back');
      const events = types(lab);
      expect(count(events, 'rolled-back'), events.join(', ')).toBe(1);
      expect(count(events, 'succeeded')).toBe(0);
      const rolledBack = dataOf(lab, 'rolled-back')[0]!;
      expect(String(rolledBack['detail'])).toContain(`${names.api}:`);
      expect((rolledBack['services'] as { service: string; outcome: string }[]).map((s) => [s.service, s.outcome])).toEqual(
        ROLES.map((r) => [names[r], 'ROLLED_BACK']),
      );
      await untilAtSlack(lab, 'rolled back');
      expect(slackTitles(lab).filter((t) => t.includes('rolled back'))).toEqual([
        `release train ${plan.train}: rolled back to the old colors`,
      ]);
    },
  );

  it(
    "a deploy failure in worker before any switch: one failed per channel, the train's, naming worker and why and where every service's traffic is",
    { timeout: 60_000 },
    async ({ client, labs, startWorker }) => {
      const worker = await startWorker(labs.api, notifyingWorker(labs));
      const { plan, names } = trainPlan(labs, NOTIFY);
      labs.worker.github.failNextRun('deploy-green.yml', { job: 'deploy', step: 'Run migrations' });
      const handle = await startTrain(client, worker.taskQueue, plan);
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('FAILED');
      const lab = labs.api;
      await untilAtWebhook(lab, 'failed');
      await untilAtSlack(lab, 'FAILED');
      // Let a second message (the service's own) arrive if one were sent.
      await new Promise((r) => setTimeout(r, 1_000));
      const events = types(lab);
      expect(count(events, 'failed'), events.join(', ')).toBe(1);
      expect(events.filter((t) => t === 'aborted' || t === 'rolled-back' || t === 'succeeded')).toEqual([]);
      const failed = dataOf(lab, 'failed')[0]!;
      expect(failed['train']).toBe(plan.train);
      expect(String(failed['detail'])).toMatch(new RegExp(`^${names.worker}: FAILED: .*traffic untouched`));
      const listed = failed['services'] as { service: string; outcome?: string; from?: string; live?: string }[];
      expect(listed.find((s) => s.service === names.worker)).toMatchObject({ outcome: 'FAILED', live: 'blue' });
      // Every service that read its colors says where its traffic is: still blue.
      for (const line of listed.filter((s) => s.from)) expect(line.live, line.service).toBe('blue');
      expect(JSON.stringify(failed['links'])).toContain('/actions/runs/');
      const titles = slackTitles(lab).filter((t) => t.includes('FAILED'));
      expect(titles).toEqual([`release train ${plan.train}: FAILED in deploy`]);
      const body = lab.notifications.slack.delivered.find((r) => r.title?.includes('FAILED'))!.body;
      expect(body).toContain(`${names.worker} blue → green`);
      expect(body).toContain('traffic on blue');
    },
  );

  it(
    "the train's gate verified by GitHub: one approval-waiting (the review link) and one approved (the verified login), the train's, listing the services",
    { timeout: 60_000 },
    async ({ client, labs, startWorker }) => {
      const worker = await startWorker(labs.api, notifyingWorker(labs));
      const { plan, names } = await gitHubGatedTrainPlan(labs, NOTIFY);
      const handle = await startTrain(client, worker.taskQueue, plan);
      const gate = await until(
        () => handle.query(trainStatusQuery),
        (s) => (s.phase === 'approval' && s.gate?.runId !== undefined && s.gate.url !== undefined) || !!s.outcome,
        'the gate run on GitHub',
      );
      expect(gate.outcome, gate.error).toBeUndefined();
      const lab = labs.api;
      await untilAtWebhook(lab, 'approval-waiting');
      labs.api.github.reviews.review(gate.gate!.runId!, 'alice', 'approved', 'QA passed on green');
      const end = await finalTrain(handle);
      expect(end.outcome, end.error).toBe('SUCCEEDED');
      await untilAtSlack(lab, 'SUCCEEDED');
      const events = types(lab);
      for (const type of ['approval-waiting', 'approved']) expect(count(events, type), `${type}: ${events.join(', ')}`).toBe(1);
      const waiting = dataOf(lab, 'approval-waiting')[0]!;
      expect(waiting['train']).toBe(plan.train);
      expect(waiting['reviewUrl']).toBe(gate.gate!.url);
      expect((waiting['services'] as { service: string }[]).map((s) => s.service)).toEqual(ROLES.map((r) => names[r]));
      const approved = dataOf(lab, 'approved')[0]!;
      expect(approved['train']).toBe(plan.train);
      expect(approved['by']).toBe('@alice (verified by GitHub)');
      expect((approved['services'] as { service: string }[]).map((s) => s.service)).toEqual(ROLES.map((r) => names[r]));
      const titles = slackTitles(lab);
      expect(titles.filter((t) => t.includes('waiting for approval'))).toEqual([
        `release train ${plan.train}: waiting for approval (the new colors)`,
      ]);
      expect(titles.filter((t) => t.includes('approved by'))).toEqual([
        `release train ${plan.train}: approved by @alice (verified by GitHub)`,
      ]);
      const body = lab.notifications.slack.delivered.find((r) => r.title?.includes('approved by'))!.body;
      for (const role of ROLES) expect(body, role).toContain(names[role]);
    },
  );
});
