// The notification activities: send one event to one channel (rendered for its type, with the
// event's dedupe key in a header), and check that the channels a plan names exist on this worker
// with their secrets set. Built from the worker's channel list and secrets store.
import { activityInfo } from '@temporalio/activity';
import { eventKey, type NotificationEvent } from '../contract/notify-events.js';
import { messageFor } from './message.js';
import { heartbeat, keepAlive } from '../activities/heartbeat.js';
import { channelProblem, channelTypeOf, envSecrets, resolveChannel, type ChannelSpec, type SecretReader } from './channels.js';
import { rejected, type FetchLike } from './deliver.js';

export interface NotifyActivityOptions {
  /** The worker policy's channels (secret names, not values). @default {} */
  channels?: Record<string, ChannelSpec>;
  /** Where the named secrets are read. @default the worker's environment variables */
  secrets?: SecretReader;
  fetch?: FetchLike;
  /**
   * How long one attempt waits for a receiver's answer. A hanging receiver costs this much per
   * attempt, in the background: deployments never wait for it. @default 10_000
   */
  timeoutMs?: number;
  /** The deployment's page in the Temporal Web UI, for the message's link. */
  webUiUrl?: (namespace: string, workflowId: string) => string;
}

export interface SendNotificationInput {
  channel: string;
  event: NotificationEvent;
}

export interface SendNotificationResult {
  channel: string;
  key: string;
  /** HTTP status of the receiver's answer (200 for Slack's `ok`, 202 for Teams Workflows). */
  status: number;
}

export interface ChannelReference {
  channel: string;
  /** Where bluegreen.yaml names it, e.g. "notify.0.channel". */
  path: string;
}

export interface ChannelCheckProblem {
  path: string;
  message: string;
}

export interface NotifyActivities {
  sendNotification(input: SendNotificationInput): Promise<SendNotificationResult>;
  checkNotificationChannels(input: { references: ChannelReference[] }): Promise<ChannelCheckProblem[]>;
}

export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;

export function createNotifyActivities(options: NotifyActivityOptions = {}): NotifyActivities {
  const channels = options.channels ?? {};
  const secrets = options.secrets ?? envSecrets();
  const delivery = { fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS };
  return {
    async sendNotification({ channel, event }) {
      const resolved = resolveChannel(channel, channels, secrets);
      if (typeof resolved === 'string') throw rejected(resolved);
      const key = eventKey(event);
      const link = webUiLink(options.webUiUrl);
      const message = messageFor(event, link ? { webUiUrl: link } : {});
      const headers = {
        'user-agent': 'bluegreen-notify',
        'x-bluegreen-delivery': key,
        'x-bluegreen-event': event.type,
      };
      // The channel's sender is loaded on its first use, so it is loaded inside the heartbeats: a
      // slow load would otherwise miss the heartbeat timeout, and the retry would post again.
      const send = async () => {
        const deliver = await channelTypeOf(resolved.type)!.send();
        return deliver({ secrets: resolved.secrets, event, message, headers, options: delivery });
      };
      // Heartbeats while the receiver is slow: a worker that dies mid-send is noticed within the
      // heartbeat timeout and the send is retried elsewhere, with the same key.
      // The first beat at once: until an attempt has heartbeated, only startToCloseTimeout
      // (30s) would notice a worker that died in its first request.
      heartbeat({ channel, key });
      const status = await keepAlive(send);
      return { channel, key, status };
    },
    async checkNotificationChannels({ references }) {
      return references.flatMap(({ channel, path }) => {
        const problem = channelProblem(channel, channels, secrets);
        return problem ? [{ path, message: problem }] : [];
      });
    },
  };
}

/** The Web UI page of the workflow this activity runs for (none outside an activity). */
function webUiLink(webUiUrl: NotifyActivityOptions['webUiUrl']): string | undefined {
  if (!webUiUrl) return undefined;
  try {
    const info = activityInfo();
    const workflowId = info.workflowExecution?.workflowId;
    return info.workflowNamespace && workflowId ? webUiUrl(info.workflowNamespace, workflowId) : undefined;
  } catch {
    return undefined;
  }
}

export {
  CHANNEL_TYPES,
  channelsFromPolicy,
  envSecrets,
  type ChannelSpec,
  type ChannelType,
  type SecretReader,
} from './channels.js';
export { SIGNATURE_HEADER, signBody, cloudEventRequest } from './webhook/send.js';
export { NOTIFICATION_FAILED, NOTIFICATION_REJECTED } from './deliver.js';
