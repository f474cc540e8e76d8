// The `slack` channel: a Slack incoming webhook. The URL itself is the credential.
import { z } from 'zod';
import { envName } from '../../config/policy-fields.js';
import { defineChannel } from '../channel-type.js';

export const slackChannel = defineChannel({
  type: 'slack',
  what: 'a Slack incoming webhook (Block Kit message)',
  entry: z.strictObject({
    /** Variable holding the incoming-webhook URL. */
    secretEnv: envName('QA_SLACK_WEBHOOK_URL'),
  }),
  secrets: { url: { field: 'secretEnv', what: 'its URL' } },
  send: () => import('./send.js').then((m) => m.deliverToSlack),
});
