// What the demo prints beside the CLI's live view: its own narration (kept under the redrawn
// phase list on a terminal, one timed line per event on a pipe), the worker's log in a file
// instead of the screen, the notifications as one short block, and commands that run as printed.
import { appendFileSync, writeFileSync } from 'node:fs';
import type { LogEntry } from '@temporalio/worker';
import { NOTIFY_EVENTS } from '../contract/notify-events.js';
import type { ReceivedNotification } from '../lab/notify/receiver.js';

/** The terminal the demo writes to: colors only on a TTY without NO_COLOR (as the CLI decides). */
export const tty = process.stdout.isTTY === true && process.env['TERM'] !== 'dumb';
const colors = tty && !process.env['NO_COLOR'];
const dim = (text: string) => (colors ? `\x1b[2m${text}\x1b[0m` : text);

/**
 * `bluegreen` is this package's own bin: `npx bluegreen` runs it from this folder without an
 * install (npm runs a project's own bin), a bare `bluegreen` only after `npm link`. The live
 * view's commands (next steps, the manual approval) are rewritten to the form that works here.
 */
const COMMAND = /(^|[\s`'"(])bluegreen (?=[a-z])/g;
export const runnable = (text: string): string => text.replace(COMMAND, '$1npx bluegreen ');

/** stdout for the CLI's live view, with runnable commands; four columns narrower for the `npx ` a line may gain. */
export function liveViewOut(): NodeJS.WriteStream {
  const out = process.stdout;
  return new Proxy(out, {
    get(target, key) {
      if (key === 'columns') return Math.max(40, (target.columns ?? 100) - 4);
      if (key === 'isTTY') return tty;
      if (key === 'write') return (chunk: string) => target.write(runnable(String(chunk)));
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The demo's own lines while the live view runs. On a terminal they join the view's footer (a
 * line printed between two redraws would be drawn over); on a pipe they are timed lines like
 * the view's own, in order with them.
 */
export class Narrator {
  readonly footer: string[] = [];
  /** True while the live view runs. */
  live = false;

  say(text: string): void {
    if (this.live && tty) this.footer.push(dim(`demo: ${text}`));
    else if (this.live) console.log(`${new Date().toISOString().slice(11, 19)} demo: ${text}`);
    else console.log(`demo: ${text}`);
  }
}

/** A Temporal runtime logger into `path` (one line per entry, task tokens left out), created empty. */
export function fileLogFunction(path: string): (entry: LogEntry) => void {
  writeFileSync(path, '');
  return (entry) => {
    const { taskToken: _token, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
    const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta, errorText)}` : '';
    appendFileSync(path, `${at} [${entry.level}] ${entry.message}${rest}\n`);
  };
}

const errorText = (_key: string, value: unknown) => (value instanceof Error ? `${value.name}: ${value.message}` : value);

/** The notifications as one block: a line per event with the receivers that got it, and how they answered. */
export function notificationBlock(received: readonly ReceivedNotification[]): string[] {
  if (received.length === 0) return ['notifications: none sent'];
  const byEvent = new Map<string, Set<string>>();
  for (const r of received) {
    const event = r.deliveryKey?.split('.').slice(1).join('.') ?? r.title ?? '?';
    byEvent.set(event, (byEvent.get(event) ?? new Set()).add(r.receiver));
  }
  const order = (event: string) => {
    const i = NOTIFY_EVENTS.indexOf(event.split('.')[0] as (typeof NOTIFY_EVENTS)[number]);
    return i < 0 ? NOTIFY_EVENTS.length : i;
  };
  const events = [...byEvent.keys()].sort((a, b) => order(a) - order(b));
  const answers = [...new Set(received.map((r) => r.status || 'no answer'))].join(', ');
  const signed = received.filter((r) => r.signatureValid !== undefined);
  const signatures =
    signed.length === 0 ? '' : signed.every((r) => r.signatureValid) ? ', webhook signatures valid' : ', BAD webhook signature';
  const width = Math.max(...events.map((e) => e.length));
  return [
    `notifications: ${received.length} sent (answered HTTP ${answers}${signatures}):`,
    ...events.map((e) => `  ${e.padEnd(width)}  ${[...byEvent.get(e)!].sort().join(', ')}`),
  ];
}
