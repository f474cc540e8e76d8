// One message per event across a worker SIGKILL. Real `bluegreen worker` processes
// read their channels from a worker policy file and the secrets it names (the lab's receivers).
// Killed between sends, nothing is lost or repeated. Killed while a send's answer is in flight,
// the send is retried elsewhere with the same key: the deduplicating consumer acts once, and a
// receiver without dedupe (Slack) shows the message twice, as docs/notifications.md says.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { startDeployment } from '../client/start-deployment.js';
import type { Lab } from '../lab/index.js';
import * as messages from '../contract/messages.js';
import { test } from './support/fixture.js';
import { labPlan, waitForStatus, waitingForApproval } from './support/harness.js';
import { runIsPolled, tempDir, until, type ManagedProcess } from './support/processes.js';
import { finalStatus } from './support/final-status.js';

const POLICY = `
github:
  apiRoots: ["{{github}}"]
  repositories: ["*/*"]
notifications:
  - { name: qa-slack, type: slack, secretEnv: LAB_SLACK_WEBHOOK_URL }
  - { name: ops-teams, type: teams, secretEnv: LAB_TEAMS_WEBHOOK_URL }
  - { name: audit, type: webhook, secretEnv: LAB_EVENTS_WEBHOOK_URL, signingSecretEnv: LAB_EVENTS_SIGNING_SECRET }
egress:
  - { match: "*", urls: ["http://127.0.0.1:*"] }
# The lab's compressed time: probes every 100 ms (the default floor is 1 s).
limits: { minProbeIntervalMs: 10, minPollIntervalMs: 10 }
`;
const OVERRIDES = {
  timeouts: { heartbeat: '2s' },
  verify: { interval: '100ms' },
  monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 },
  notify: [
    { channel: 'qa-slack', events: ['approval-waiting', 'approved'] },
    { channel: 'ops-teams', events: 'all' },
    { channel: 'audit', events: 'all' },
  ],
};
const EVENTS = ['started', 'approval-waiting', 'approved', 'switched', 'succeeded'];

/** The test's lab, its receivers named in a worker policy, a worker process reading it, and a started deployment. */
const it = test.extend<{
  start: (
    name: string,
    prepare?: (lab: Lab) => void,
  ) => Promise<{ lab: Lab; first: ManagedProcess; spawn: Spawn; handle: Handle }>;
}>({
  start: async ({ lab, client, taskQueue, spawnWorker }, use) => {
    await use(async (name, prepare = () => undefined) => {
      prepare(lab);
      const dir = tempDir('bluegreen-notify-kill-');
      const policy = join(dir, 'bluegreen-worker.yaml');
      writeFileSync(policy, POLICY.replace('{{github}}', lab.githubUrl));
      const spawn = (label: string) =>
        spawnWorker({
          githubToken: lab.token,
          name: label,
          env: { BLUEGREEN_WORKER_POLICY: policy, ...lab.notifications.secretsEnv() },
        });
      const first = await spawn('worker 1');
      const handle = await startDeployment(client, labPlan(lab, `svc-notify-kill-${name}`, OVERRIDES), { taskQueue });
      return { lab, first, spawn, handle };
    });
  },
});
type Spawn = (label: string) => Promise<ManagedProcess>;
type Handle = Awaited<ReturnType<typeof startDeployment>>;

const typesOf = (lab: Lab) => lab.notifications.webhook.events.map((e) => String(e['type']).split('.').at(-1));
const keysOf = (records: { deliveryKey?: string }[]) => records.map((r) => r.deliveryKey);

// Per test: a test of `test.extend` does not take the timeout of its describe block (vitest 3.2).
const SLOW = { timeout: 120_000 };

describe.concurrent('notifications across a worker SIGKILL', () => {
  it('killed between sends (deploy run in flight): each event arrives once on every channel', SLOW, async ({ start, expect }) => {
    const s = await start('between', (lab) =>
      lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 3000 }),
    );
    await until(
      'started to arrive and the deploy run to be polled',
      () => s.lab.notifications.webhook.events.length === 1 && runIsPolled(s.lab, 'deploy-green.yml'),
    );
    await s.first.kill('SIGKILL');
    await s.spawn('worker 2');
    await waitForStatus(s.handle, waitingForApproval, 45_000);
    await s.handle.signal(messages.approveSignal, { by: 'alice' });
    const result = await finalStatus(s.handle);
    expect(result.outcome, result.error).toBe('SUCCEEDED');
    const { slack, teams, webhook } = s.lab.notifications;
    expect(typesOf(s.lab)).toEqual(EVENTS);
    expect(webhook.received.map((r) => r.duplicate ?? false)).toEqual(EVENTS.map(() => false)); // no retry at all
    expect(new Set(keysOf(teams.received)).size).toBe(EVENTS.length);
    expect(teams.received).toHaveLength(EVENTS.length);
    expect(keysOf(slack.received)).toEqual([`${result.deploymentId}.approval-waiting`, `${result.deploymentId}.approved`]);
    expect(result.notifications).toEqual({ sent: 2 + 2 * EVENTS.length, failed: [] });
  });

  it(
    'killed while a send waits for its answer: retried with the same key; the consumer dedupes, Slack shows it twice',
    SLOW,
    async ({ start, expect }) => {
      // The approval-waiting POSTs are taken, then their answers never come (the worker dies waiting).
      const s = await start('mid-send', (lab) => {
        lab.notifications.slack.setBehavior({ mode: 'accept-then-hang', times: 1 });
        lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 1000 });
      });
      await until('started to be accepted', () => s.lab.notifications.webhook.events.length === 1);
      s.lab.notifications.webhook.setBehavior({ mode: 'accept-then-hang', times: 1 });
      await until(
        'approval-waiting to reach Slack and the webhook',
        () => s.lab.notifications.slack.received.length === 1 && s.lab.notifications.webhook.received.length === 2,
      );
      await s.first.kill('SIGKILL');
      await s.spawn('worker 2');
      await until(
        'the retried sends to arrive',
        () => s.lab.notifications.slack.received.length >= 2 && s.lab.notifications.webhook.received.length >= 3,
        30_000,
      );
      await waitForStatus(s.handle, waitingForApproval);
      await s.handle.signal(messages.approveSignal, { by: 'alice' });
      const result = await finalStatus(s.handle);
      expect(result.outcome, result.error).toBe('SUCCEEDED');
      const { slack, webhook } = s.lab.notifications;
      const waitingKey = `${result.deploymentId}.approval-waiting`;
      // The same key both times: what a receiver needs to act once.
      expect(keysOf(slack.received.slice(0, 2))).toEqual([waitingKey, waitingKey]);
      expect(slack.delivered.filter((r) => r.deliveryKey === waitingKey)).toHaveLength(2); // Slack does not dedupe
      const waitingPosts = webhook.received.filter((r) => r.deliveryKey === waitingKey);
      expect(waitingPosts.map((r) => [r.answerLost ?? false, r.duplicate ?? false])).toEqual([
        [true, false],
        [false, true],
      ]);
      expect(typesOf(s.lab).filter((t) => t === 'approval-waiting')).toHaveLength(1);
      expect(result.notifications?.failed).toEqual([]);
    },
  );
});
