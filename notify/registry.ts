// The notification channel types: one line per type, its manifest (notify/<type>/index.ts). The
// worker policy's `notifications` entries (type enum, fields, secret variables), the channel
// checks and the delivery follow from this list.
import { slackChannel } from './slack/index.js';
import { teamsChannel } from './teams/index.js';
import { webhookChannel } from './webhook/index.js';

export const CHANNELS = [slackChannel, teamsChannel, webhookChannel] as const;
