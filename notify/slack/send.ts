// Slack incoming webhooks through @slack/webhook (Slack's own client): it posts the Block Kit
// message, and reports Slack's answer (`ok`, or e.g. 404 `no_service`, 400 `invalid_payload`).
// Retries are Temporal's, so the library's own are off (retries: 0).
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError, type FetchFunction } from '@slack/webhook';
import type { NotificationMessage } from '../message.js';
import { slackMessage } from './render.js';
import { answerFailure, transportFailure, type DeliveryOptions } from '../deliver.js';
import type { ChannelSend } from '../channel-type.js';

export async function sendToSlack(
  url: string,
  message: NotificationMessage,
  headers: Record<string, string>,
  options: DeliveryOptions,
): Promise<number> {
  let status = 200;
  // Our delivery headers ride along; Slack ignores them, a Slack-compatible receiver may use them.
  const fetchWithHeaders: FetchFunction = async (target, init) => {
    const response = await options.fetch(target, { ...init, headers: { ...init?.headers, ...headers } } as RequestInit);
    status = response.status;
    return response;
  };
  const hook = new IncomingWebhook(url, { fetch: fetchWithHeaders, timeout: options.timeoutMs, retryConfig: { retries: 0 } });
  try {
    await hook.send(slackMessage(message));
    return status;
  } catch (err) {
    if (err instanceof IncomingWebhookHTTPError) throw answerFailure(err.statusCode, err.body);
    if (err instanceof IncomingWebhookRequestError) throw transportFailure(err.original, options.timeoutMs);
    throw transportFailure(err, options.timeoutMs);
  }
}

export const deliverToSlack: ChannelSend = (d) => sendToSlack(d.secrets.url!, d.message, d.headers, d.options);
