// The generic webhook: the event as a CloudEvent in structured mode (the `cloudevents`
// library validates the attributes and serialises it), signed like GitHub signs its webhooks:
// `X-Bluegreen-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` (GitHub's is
// `X-Hub-Signature-256`). The CloudEvent `id` is the dedupe key, also in `X-Bluegreen-Delivery`.
import { createHmac } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import type { NotificationEvent } from '../../contract/notify-events.js';
import type { NotificationMessage } from '../message.js';
import { cloudEventFields } from './render.js';
import { post, type DeliveryOptions } from '../deliver.js';
import type { ChannelSend } from '../channel-type.js';

export const SIGNATURE_HEADER = 'x-bluegreen-signature-256';

/** `sha256=<hex>` over the exact bytes sent. */
export function signBody(body: string, key: string): string {
  return `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

/** The structured-mode request: headers (content type application/cloudevents+json) and body. */
export function cloudEventRequest(
  event: NotificationEvent,
  message: NotificationMessage,
): { headers: Record<string, string>; body: string } {
  const ce = new CloudEvent({ ...cloudEventFields(event, message) }, true);
  const binding = HTTP.structured(ce);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(binding.headers)) headers[name.toLowerCase()] = String(value);
  return { headers, body: typeof binding.body === 'string' ? binding.body : JSON.stringify(binding.body) };
}

export function sendToWebhook(
  url: string,
  signingKey: string,
  event: NotificationEvent,
  message: NotificationMessage,
  headers: Record<string, string>,
  options: DeliveryOptions,
): Promise<number> {
  const request = cloudEventRequest(event, message);
  return post(
    url,
    request.body,
    { ...request.headers, ...headers, [SIGNATURE_HEADER]: signBody(request.body, signingKey) },
    options,
  );
}

export const deliverToWebhook: ChannelSend = (d) =>
  sendToWebhook(d.secrets.url!, d.secrets.signingKey!, d.event, d.message, d.headers, d.options);
