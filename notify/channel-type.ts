// The shape of a notification channel type (notify/<type>/index.ts): its entry in the worker
// policy's `notifications` list beyond `name` and `type` (zod), the entry fields that name the
// worker's secret variables (the URL and any other credential), and its delivery (renderer and
// sender, loaded only when a message is sent). notify/registry.ts lists them; the policy schema's
// type enum, the secret variables, the channel checks and the error texts derive from that list.
import type { z } from 'zod';
import type { NotificationEvent } from '../contract/notify-events.js';
import { definePolicyPart, NO_TOUCHES } from '../contract/plugin.js';
import type { DeliveryOptions } from './deliver.js';
import type { NotificationMessage } from './message.js';

/** One secret a channel reads on the worker: the entry field naming its variable, and what it holds. */
export interface ChannelSecret<F extends string = string> {
  /** The policy entry's field holding the variable's name, e.g. "signingSecretEnv". */
  field: F;
  /** What the value is, for error texts: "its URL", "its signing key". */
  what: string;
}

/** One message to deliver, the channel's secrets resolved (by role: `url`, and the type's own). */
export interface ChannelDelivery {
  secrets: Record<string, string>;
  event: NotificationEvent;
  message: NotificationMessage;
  /** bluegreen's delivery headers (dedupe key, event type). */
  headers: Record<string, string>;
  options: DeliveryOptions;
}

export type ChannelSend = (delivery: ChannelDelivery) => Promise<number>;

export interface ChannelManifest<T extends string = string, E extends z.ZodType = z.ZodType> {
  type: T;
  /** What it is, for docs and error texts: "a Slack incoming webhook". */
  what: string;
  /** Its policy entry's fields beyond `name` and `type` (a strict object: unknown keys are refused). */
  entry: E;
  /** Its secrets by role; `url` (where it posts) is always one. */
  secrets: { url: ChannelSecret } & Record<string, ChannelSecret>;
  /** Renders and sends one message (Node only: loaded where it runs). */
  send: () => Promise<ChannelSend>;
}

/** Declares a channel type (keeps its literal type, checks its shape). */
export const defineChannel = <const T extends string, E extends z.ZodType>(channel: ChannelManifest<T, E>) => channel;

/** The worker part of a channel type in the plug-in shape: its entry re-checked, the credentials it sends. */
export const channelPolicyPart = (channel: ChannelManifest) =>
  definePolicyPart<Record<string, unknown>>()({
    type: channel.type,
    plan: channel.entry,
    bounds: {},
    problems: () => [],
    touches: (entry) => ({
      ...NO_TOUCHES,
      credentials: Object.values(channel.secrets).flatMap((s) =>
        typeof entry[s.field] === 'string' ? [entry[s.field] as string] : [],
      ),
    }),
  });
