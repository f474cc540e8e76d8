// A notification as a Slack incoming-webhook message: Block Kit (header, facts, the status
// wording, buttons to the Web UI and the GitHub run) plus a plain `text` fallback for previews.
// Untrusted text never becomes markup: &, < and > are escaped as Slack asks
// (https://docs.slack.dev/messaging/formatting-message-text#escaping), so a comment cannot
// write a link, a <!channel> mention or a user mention; free text goes in plain_text objects.
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { NotificationMessage } from '../message.js';

/** Slack's limits: header text 150, a field 2000, section text 3000, a button label 75. */
const HEADER_MAX = 150;
const FIELD_MAX = 2000;

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number) => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`);

export function slackMessage(message: NotificationMessage): IncomingWebhookSendArguments {
  const fields = message.facts.slice(0, 10).map((fact) => ({
    type: 'mrkdwn' as const,
    text: clip(
      fact.label === 'Command'
        ? `*${fact.label}*\n\`${escapeSlack(fact.value.replace(/`/g, "'"))}\``
        : `*${fact.label}*\n${escapeSlack(fact.value)}`,
      FIELD_MAX,
    ),
  }));
  const blocks: NonNullable<IncomingWebhookSendArguments['blocks']> = [
    { type: 'header', text: { type: 'plain_text', text: clip(message.title, HEADER_MAX), emoji: false } },
    { type: 'section', fields },
  ];
  if (message.detail) blocks.push({ type: 'section', text: { type: 'plain_text', text: message.detail, emoji: false } });
  if (message.links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: message.links.map((link, i) => ({
        type: 'button',
        action_id: `bluegreen-link-${i}`,
        text: { type: 'plain_text', text: clip(link.label, 75), emoji: false },
        url: link.url,
        ...(i === 0 ? { style: 'primary' as const } : {}),
      })),
    });
  }
  return { text: escapeSlack(message.title), blocks, unfurl_links: false, unfurl_media: false };
}
