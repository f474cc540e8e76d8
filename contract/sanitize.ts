// Untrusted text made inert. Signal and update payloads, GitHub job/step names and
// messages, HTTP body snippets and error texts come from outside; before they reach a terminal,
// the Web UI's Markdown or a chat message they go through here:
//   inertText   one line, no control characters and no escape sequences (CSI, OSC incl. OSC 52
//               clipboard writes, DCS, SOS/PM/APC, 8-bit C1 forms), no bidi overrides;
//   checkName   a person's name in a safe alphabet, or the reason it is refused;
//   markdownText / markdownCode   the same text, escaped for Markdown or as a code span.
// Pure and deterministic: imported by the workflow (sandbox), the activities and the CLI.

/** Longest text kept by default; longer is cut with "…". */
export const MAX_INERT_LENGTH = 2_000;

// ESC-introduced string sequences (OSC "]", DCS "P", SOS "X", PM "^", APC "_") run to BEL or ST
// (ESC "\" or 0x9c), or to the end of the text when unterminated; their 8-bit forms likewise.
const STRING_SEQUENCE = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;
// CSI: ESC "[" (or 0x9b), parameter bytes, intermediate bytes, one final byte.
const CSI_SEQUENCE = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?/g;
// Any other escape: ESC, intermediates, one final byte (ESC c resets the terminal, ESC ( 0 …).
const OTHER_ESCAPE = /\x1b[ -/]*[0-~]?/g;
// Line breaks of every kind become one space, so nothing can start a line of its own.
const LINE_BREAKS = /[\r\n\t\v\f\u0085\u2028\u2029]+/g;
// What is left of C0, DEL and C1, plus bidi overrides/isolates (which reorder what the reader
// sees) and the zero-width characters that hide text.
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** The text as one inert line: no control characters, escape sequences or line breaks; cut at `max`. */
export function inertText(text: unknown, max = MAX_INERT_LENGTH): string {
  const value = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
  const clean = value
    .replace(STRING_SEQUENCE, '')
    .replace(CSI_SEQUENCE, '')
    .replace(OTHER_ESCAPE, '')
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROLS, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, Math.max(0, max - 1))}…` : clean;
}

/** Longest excerpt of an untrusted answer (an error body, a server's message) that reaches a status. */
export const EXCERPT_LENGTH = 120;

/**
 * An untrusted answer's text as it may be quoted: one inert line of at most EXCERPT_LENGTH
 * characters. Taken where the text is read, so no caller can forget it.
 */
export const excerpt = (text: unknown): string => inertText(text, EXCERPT_LENGTH);

/** A JSON value named by its type only ("a string", "an object"): its content is never quoted. */
export function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'nothing';
  return `a ${typeof value}`;
}

/** True when the text would be changed by inertText (apart from length and surrounding spaces). */
export const hasControlCharacters = (text: string): boolean => inertText(text, Infinity) !== text.trim().replace(/ {2,}/g, ' ');

/**
 * Names of people (`by` of a decision): GitHub logins, user names, `org/team` slugs, bot logins
 * ("github-actions[bot]"), e-mail-like names. Letters, digits and `. _ - @ /`, starting with a
 * letter or digit, at most 64.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?(?:\[bot\])?$/;

export type NameCheck = { ok: true; name: string } | { ok: false; why: string; shown: string };

/** A name in the safe alphabet, or why it is refused (with an inert, short form to show). */
export function checkName(raw: unknown): NameCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, why: 'no name given', shown: '' };
  const name = raw.trim();
  if (SAFE_NAME.test(name)) return { ok: true, name };
  return {
    ok: false,
    why: 'the name has characters outside letters, digits and . _ - @ / (or is longer than 64)',
    shown: inertText(name, 40),
  };
}

/**
 * Inert text escaped for Markdown: every character Markdown or HTML gives a meaning inside a
 * line is backslash-escaped (links, images, emphasis, code, headings, tables, HTML tags, entities),
 * so a comment shows as the words it is and cannot forge a paragraph or a link.
 */
export function markdownText(text: unknown, max = MAX_INERT_LENGTH): string {
  return (
    inertText(text, max)
      .replace(/[\\`*_{}[\]()<>#!|~&]/g, '\\$&')
      // A zero-width non-joiner after a scheme: no renderer's autolinking turns it into a link.
      .replace(/(https?|ftp|mailto|www)/gi, '$1\u200c')
  );
}

/** Inert text as a Markdown code span: a fence longer than any backtick run inside it. */
export function markdownCode(text: unknown, max = MAX_INERT_LENGTH): string {
  const inert = inertText(text, max);
  const longest = Math.max(0, ...(inert.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = inert.startsWith('`') || inert.endsWith('`') || inert === '' ? ' ' : '';
  return `${fence}${pad}${inert}${pad}${fence}`;
}

const inertCache = new WeakMap<object, unknown>();

/**
 * A copy of plain data (a status, a record) with every string made inert (`inertText`, up to
 * `max` characters each): what the CLI renders of a deployment can hold no escape sequence and
 * no line break, whichever field an outsider managed to fill.
 */
export function inertDeep<T>(value: T, max = 4_000): T {
  if (typeof value === 'string') return inertText(value, max) as T;
  if (value === null || typeof value !== 'object') return value;
  const cached = inertCache.get(value);
  if (cached !== undefined) return cached as T;
  const copy = Array.isArray(value)
    ? value.map((item) => inertDeep(item, max))
    : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inertDeep(item, max)]));
  inertCache.set(value, copy);
  return copy as T;
}
