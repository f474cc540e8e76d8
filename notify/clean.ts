// Untrusted text on its way into a chat message: comments, reasons, run names, error texts.
// Each becomes one line: control characters, line breaks, escape sequences, bidi overrides and
// zero-width marks go (they reorder or hide what a reader sees, or forge a line of their own);
// length is bounded. Markup escaping is per channel (render-slack.ts, render-teams.ts).
// The character rules are contract/sanitize.ts's, so the CLI, the Web UI and notifications
// share one definition (escape sequences go whole, not just their ESC byte).
import { inertText } from '../contract/sanitize.js';

/** One line of at most `max` characters. */
export function cleanLine(text: string, max: number): string {
  return cut(inertText(text, Infinity), max);
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** An http(s) URL without spaces or control characters, else undefined (never a javascript: link). */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url || url.length > 2000 || /[\s\u0000-\u001f\u007f<>"]/.test(url)) return undefined;
  return /^https?:\/\/[^/]/i.test(url) ? url : undefined;
}
