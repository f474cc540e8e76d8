// Untrusted text on its way into a chat message: comments, reasons, run names, error texts.
// Control characters, bidi overrides and zero-width marks go (they reorder or hide what a reader
// sees); length is bounded. Markup escaping is per channel (render-slack.ts, render-teams.ts).
// TODO(trust): delegate the character rules to workflows/sanitize.ts once it lands, so the CLI,
// the Web UI and notifications share one definition.

// C0/C1 controls except \n, bidi embeddings/overrides/isolates, zero-width and BOM.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Text of at most `max` characters (an ellipsis marks a cut), newlines kept (at most 2 in a row). */
export function cleanText(text: string, max: number): string {
  const cleaned = String(text)
    .replace(/\r\n?/g, '\n')
    .replace(UNSAFE, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return cut(cleaned, max);
}

/** One line of at most `max` characters. */
export function cleanLine(text: string, max: number): string {
  return cut(String(text).replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim(), max);
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
