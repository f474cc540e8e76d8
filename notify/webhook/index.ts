// The `webhook` channel: the event as a signed CloudEvent POST (X-Bluegreen-Signature-256).
import { z } from 'zod';
import { envName } from '../../config/policy-fields.js';
import { defineChannel } from '../channel-type.js';

const SIGNED = 'a webhook channel is signed: name the variable with its key, like "AUDIT_WEBHOOK_SECRET"';

export const webhookChannel = defineChannel({
  type: 'webhook',
  what: 'a signed CloudEvent POST to any receiver',
  entry: z.strictObject({
    /** Variable holding the receiver's URL. */
    secretEnv: envName('AUDIT_WEBHOOK_URL'),
    /** Variable holding the HMAC-SHA256 key of `X-Bluegreen-Signature-256`. */
    signingSecretEnv: z.string({ error: SIGNED }).pipe(envName('AUDIT_WEBHOOK_SECRET')),
  }),
  secrets: {
    url: { field: 'secretEnv', what: 'its URL' },
    signingKey: { field: 'signingSecretEnv', what: 'its signing key' },
  },
  send: () => import('./send.js').then((m) => m.deliverToWebhook),
});
