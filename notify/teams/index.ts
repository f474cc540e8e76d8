// The `teams` channel: a Microsoft Teams Workflows (or legacy incoming) webhook. The URL itself is the credential.
import { z } from 'zod';
import { envName } from '../../config/policy-fields.js';
import { defineChannel } from '../channel-type.js';

export const teamsChannel = defineChannel({
  type: 'teams',
  what: 'a Microsoft Teams Workflows webhook (Adaptive Card)',
  entry: z.strictObject({
    /** Variable holding the webhook URL. */
    secretEnv: envName('OPS_TEAMS_WEBHOOK_URL'),
  }),
  secrets: { url: { field: 'secretEnv', what: 'its URL' } },
  send: () => import('./send.js').then((m) => m.deliverToTeams),
});
