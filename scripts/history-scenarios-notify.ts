// Notification paths for scripts/record-histories.ts: notifications at every decision point with
// a reminder and an escalation at the gate (signal approval), approval via GitHub with its
// notices and a rejection, and a plan refused for a channel the worker does not declare. The
// worker's channels point at the lab's receivers of the scenario being recorded.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ChannelSpec } from '../notify/activities.js';
import { decideOnGitHub, recordDeployerForPlan } from '../client/github-identity.js';
import type { Lab } from '../lab/index.js';
import type { blueGreenDeployment } from '../workflows/blue-green-deployment.js';
import * as messages from '../contract/messages.js';
import type { DeploymentPlan, DeploymentStatus } from '../contract/types.js';
import type { Scenario } from './record-histories.js';

type Handle = WorkflowHandle<typeof blueGreenDeployment>;

export const NOTIFY_CHANNELS: Record<string, ChannelSpec> = {
  'qa-slack': { type: 'slack', secrets: { url: 'LAB_SLACK_WEBHOOK_URL' } },
  'ops-teams': { type: 'teams', secrets: { url: 'LAB_TEAMS_WEBHOOK_URL' } },
  audit: { type: 'webhook', secrets: { url: 'LAB_EVENTS_WEBHOOK_URL', signingKey: 'LAB_EVENTS_SIGNING_SECRET' } },
};

const NOTIFY = [
  { channel: 'qa-slack', events: ['approval-waiting', 'approved', 'rejected'] },
  { channel: 'ops-teams', events: 'all' },
  { channel: 'audit', events: 'all' },
];

export async function waitFor(handle: Handle, predicate: (s: DeploymentStatus) => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate(await handle.query(messages.statusQuery))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`status did not reach the expected state within ${timeoutMs} ms`);
}

/** Until the lab's Slack receiver has taken `n` messages (the reminders went out). */
async function slackGot(lab: Lab, n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (lab.notifications.slack.delivered.length < n) {
    if (Date.now() > deadline)
      throw new Error(`the lab's Slack receiver got ${lab.notifications.slack.delivered.length} of ${n} messages`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const NOTIFY_SCENARIOS: Scenario[] = [
  {
    name: 'notified',
    outcome: 'SUCCEEDED',
    overrides: {
      notify: NOTIFY,
      approval: { remindEvery: '1s', escalateAfter: '1500ms', escalateTo: ['audit'] },
    },
    async drive(handle, lab) {
      await waitFor(handle, (s) => s.phase === 'approval' && s.waitingFor !== undefined);
      await slackGot(lab, 3); // approval-waiting and two reminders
      await handle.executeUpdate(messages.approveUpdate, { args: [{ by: 'alice', comment: 'QA passed' }] });
    },
  },
  {
    name: 'notified-github-rejected',
    outcome: 'ABORTED',
    overrides: {
      notify: NOTIFY,
      approval: { via: 'github', environment: 'qa', approvers: ['datatruck/qa', 'dave'], timeout: '1h', remindEvery: '1s' },
    },
    async prepare(_client: Client, lab: Lab, plan: DeploymentPlan) {
      lab.github.reviews.addQaGate('qa', { reviewers: ['datatruck/qa', 'dave'] });
      const recorded = await recordDeployerForPlan(plan, 'green', lab.github.branchHead('green'), {
        GITHUB_TOKEN: lab.github.reviews.tokenOf('dave'),
      });
      return { deployer: recorded.deployer! };
    },
    async drive(handle, lab) {
      await waitFor(handle, (s) => s.gate?.runId !== undefined && s.waitingFor !== undefined);
      await slackGot(lab, 2); // approval-waiting with the gate run's link, one reminder
      const status = await handle.query(messages.statusQuery);
      await decideOnGitHub(status, status.gate!.github, 'reject', 'checkout page broken', {
        GITHUB_TOKEN: lab.github.reviews.tokenOf('bob'),
      });
    },
  },
  {
    name: 'notify-refused',
    outcome: 'FAILED',
    overrides: { notify: [{ channel: 'audit' }, { channel: 'qa-slak' }] },
    async drive() {},
  },
];
