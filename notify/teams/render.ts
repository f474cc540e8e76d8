// A notification as a Microsoft Teams webhook message: one Adaptive Card in a `message` with
// `attachments`, the shape Microsoft documents for Teams incoming webhooks and for the Workflows
// app's "When a Teams webhook request is received" trigger, which replaces the retired Office 365
// connectors and accepts Adaptive Cards only (learn.microsoft.com/microsoftteams/platform/
// webhooks-and-connectors/how-to/connectors-using, "Send Adaptive Cards using an Incoming
// Webhook"; the older MessageCard format is not accepted by Workflows).
// TextBlock and FactSet values render a Markdown subset (links, emphasis, lists): untrusted text
// is escaped so a comment cannot write a link.
import type { NotificationMessage, Tone } from '../message.js';

/** Power Automate's "Post card in a chat or channel" renders Adaptive Cards up to 1.4. */
export const ADAPTIVE_CARD_VERSION = '1.4';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Breaks the Markdown that could mislead: links (`[text](url)`), emphasis and code. Backslash
 * escapes are CommonMark; where a client showed them literally, the text is still no link.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]~<>])/g, '\\$1');
}

const TONE_COLOR: Record<Tone, string> = { info: 'Default', good: 'Good', warning: 'Warning', danger: 'Attention' };

export interface TeamsMessage {
  type: 'message';
  attachments: { contentType: string; contentUrl: null; content: Record<string, unknown> }[];
}

export function teamsMessage(message: NotificationMessage): TeamsMessage {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: escapeTeamsMarkdown(message.title),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      color: TONE_COLOR[message.tone],
    },
    { type: 'FactSet', facts: message.facts.map((f) => ({ title: f.label, value: escapeTeamsMarkdown(f.value) })) },
  ];
  if (message.detail) body.push({ type: 'TextBlock', text: escapeTeamsMarkdown(message.detail), wrap: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          body,
          actions: message.links.map((link) => ({ type: 'Action.OpenUrl', title: link.label, url: link.url })),
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}
