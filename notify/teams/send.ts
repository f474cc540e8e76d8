// Microsoft Teams webhooks (a Workflows "When a Teams webhook request is received" URL, or a
// legacy incoming webhook): the Adaptive Card message as JSON. Workflows answers 202 Accepted
// and runs the flow afterwards, so a card the flow cannot post fails in the flow's run history,
// not in this answer: the card is built to the documented shape (render-teams.ts) for that reason.
import type { NotificationMessage } from '../message.js';
import { teamsMessage } from './render.js';
import { post, type DeliveryOptions } from '../deliver.js';
import type { ChannelSend } from '../channel-type.js';

export function sendToTeams(
  url: string,
  message: NotificationMessage,
  headers: Record<string, string>,
  options: DeliveryOptions,
): Promise<number> {
  return post(url, JSON.stringify(teamsMessage(message)), { 'content-type': 'application/json', ...headers }, options);
}

export const deliverToTeams: ChannelSend = (d) => sendToTeams(d.secrets.url!, d.message, d.headers, d.options);
