// The lab's notification receivers: Slack-, Teams- and generic-webhook-compatible servers on
// loopback that record what arrives, started together by startLab().
import { SlackReceiver } from './slack.js';
import { TeamsReceiver } from './teams.js';
import { WebhookReceiver } from './webhook.js';
import type { ReceivedNotification } from './receiver.js';

export class NotificationReceivers {
  readonly slack = new SlackReceiver();
  readonly teams = new TeamsReceiver();
  readonly webhook = new WebhookReceiver();

  async start(): Promise<void> {
    await Promise.all([this.slack.start(), this.teams.start(), this.webhook.start()]);
  }

  /** Everything received, all receivers, in order of arrival. */
  get all(): ReceivedNotification[] {
    return [...this.slack.received, ...this.teams.received, ...this.webhook.received].sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Environment variables naming the lab's hook URLs and signing key, as a worker reads its secrets. */
  secretsEnv(prefix = 'LAB'): Record<string, string> {
    return {
      [`${prefix}_SLACK_WEBHOOK_URL`]: this.slack.hookUrl,
      [`${prefix}_TEAMS_WEBHOOK_URL`]: this.teams.hookUrl,
      [`${prefix}_EVENTS_WEBHOOK_URL`]: this.webhook.hookUrl,
      [`${prefix}_EVENTS_SIGNING_SECRET`]: this.webhook.secret,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.slack.close(), this.teams.close(), this.webhook.close()]);
  }
}

export { SlackReceiver, LAB_SLACK_HOOK_PATH } from './slack.js';
export { TeamsReceiver, LAB_TEAMS_HOOK_PATH } from './teams.js';
export { WebhookReceiver, LAB_WEBHOOK_SECRET, signatureMatches } from './webhook.js';
export type { ReceivedNotification, ReceiverBehavior, ReceiverKind } from './receiver.js';
