// The config of bake, retry and switch windows, shared by bluegreen.yaml and the
// worker policy (bluegreen-worker.yaml):
//
//   bake:     { duration: 2h }                 # the old color stays untouched 2h after monitoring
//   onFailure:
//     deploy: ask                              # a failed deploy run waits for retry/abort
//     verify: { action: ask, retryTimeout: 30m, default: abort, maxRetries: 3 }
//   windows:                                   # switch only then (all other phases run any time)
//     - { days: mon-fri, hours: "09:00-17:00", timeZone: Europe/Berlin }
//   freezes:                                   # and never then
//     - { from: 2026-12-24, until: 2026-12-26, reason: "holidays", timeZone: Europe/Berlin }
//
// Days, hours and dates become the plain form of contract/windows.ts (instants in ISO-8601),
// checked with that module's own rules, so the workflow never meets a window it cannot read.
import { z } from 'zod';
import {
  instantAtOrAfterLocal,
  isTimeZone,
  WEEKDAYS,
  type Freeze,
  type SwitchWindow,
  type Weekday,
} from '../contract/windows.js';

const timeZone = z
  .string({ error: 'expected an IANA time zone like "Europe/Berlin" or "UTC"' })
  .refine(isTimeZone, 'expected an IANA time zone like "Europe/Berlin", "America/New_York" or "UTC"')
  .default('UTC');

/** "mon-fri", ["mon", "wed-fri"], "sat,sun" → the listed days, Monday first. */
function expandDays(input: string | string[], ctx: z.RefinementCtx): Weekday[] {
  const parts = (Array.isArray(input) ? input : [input]).flatMap((p) => p.split(',')).map((p) => p.trim().toLowerCase());
  const days = new Set<number>();
  for (const part of parts) {
    const range = /^([a-z]{3})(?:\s*-\s*([a-z]{3}))?$/.exec(part);
    const from = range ? WEEKDAYS.indexOf(range[1] as Weekday) : -1;
    const to = range?.[2] !== undefined ? WEEKDAYS.indexOf(range[2] as Weekday) : from;
    if (from < 0 || to < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not a day or range: use ${WEEKDAYS.join(', ')} or ranges like "mon-fri"`,
      });
      continue;
    }
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  if (parts.length === 0) ctx.addIssue({ code: 'custom', message: 'list at least one day, like "mon-fri"' });
  return [...days].sort((a, b) => a - b).map((d) => WEEKDAYS[d]!);
}

export const switchWindowEntry = z
  .strictObject({
    /**
     * Days the window opens on: names or ranges, as one text or a list; a range may wrap ("fri-mon").
     * @example "mon-fri"
     */
    days: z
      .union([z.string(), z.array(z.string()).min(1, 'list at least one day')], {
        error: 'expected days like "mon-fri" or ["mon", "wed"]',
      })
      .transform(expandDays),
    /**
     * Local wall-clock hours, "HH:MM-HH:MM". One that ends before it starts runs over midnight
     * ("22:00-02:00" opens on the listed day); "00:00-24:00" is the whole day.
     * @example "09:00-17:00"
     */
    hours: z
      .string({ error: 'expected hours like "09:00-17:00"' })
      .regex(
        /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/,
        'expected hours like "09:00-17:00" (24-hour clock, "24:00" ends a day)',
      )
      .refine((h) => h.slice(0, 5) !== h.slice(6), 'the window starts and ends at the same time: it would be empty'),
    /** IANA time zone of the hours; windows follow its DST changes. @default "UTC" */
    timeZone,
  })
  .transform((w): SwitchWindow => {
    const [from, to] = w.hours.split('-') as [string, string];
    return { days: w.days, from, to, timeZone: w.timeZone };
  });

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * A freeze end as an instant: a date-time with an offset is taken as it is; one without is
 * local to `timeZone`; a plain date is that day's start (`from`) or, for `until`, the end of
 * that day, so `until: 2026-12-26` includes the 26th.
 */
function freezeInstant(value: string, zone: string, end: boolean): number | undefined {
  const text = value.trim();
  if (INSTANT.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  const date = DATE.exec(text);
  const local = LOCAL_DATE_TIME.exec(text);
  const [y, mo, d, h = '0', mi = '0'] = (date ?? local)?.slice(1) ?? [];
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  if (date && end) return instantAtOrAfterLocal(Number(y), Number(mo), Number(d) + 1, 0, zone);
  if (Number(h) > 23 || Number(mi) > 59) return undefined;
  return instantAtOrAfterLocal(Number(y), Number(mo), Number(d), Number(h) * 60 + Number(mi), zone);
}

/** YAML may hand over a date already read as a Date (explicit !!timestamp): keep it as text. */
const dateText = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString() : v),
  z.string({ error: 'expected a date like "2026-12-24" or a time like "2026-12-24T18:00:00+01:00"' }),
);

export const freezeEntry = z
  .strictObject({
    /** First moment of the freeze: a date (its start) or a date-time. @example "2026-12-24" */
    from: dateText,
    /** End of the freeze: a date includes that whole day; a date-time is the exact end. @example "2026-12-26" */
    until: dateText,
    /** Shown to whoever waits, and in the status. @example "year-end closing" */
    reason: z.string({ error: 'expected a reason, shown to whoever waits' }).trim().min(1, 'say why').max(300),
    /** Zone of plain dates and local date-times. @default "UTC" */
    timeZone,
  })
  .transform((f, ctx): Freeze => {
    const from = freezeInstant(f.from, f.timeZone, false);
    const until = freezeInstant(f.until, f.timeZone, true);
    const expected =
      'is not a date like "2026-12-24", a local time like "2026-12-24T18:00" or an instant like "2026-12-24T17:00:00Z"';
    if (from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: `"${f.from}" ${expected}` });
    if (until === undefined) ctx.addIssue({ code: 'custom', path: ['until'], message: `"${f.until}" ${expected}` });
    if (from !== undefined && until !== undefined) {
      if (until <= from)
        ctx.addIssue({ code: 'custom', path: ['until'], message: 'ends before it starts: until must be after from' });
      else if (until - from > 366 * 86_400_000)
        ctx.addIssue({ code: 'custom', path: ['until'], message: 'a freeze is at most a year long' });
    }
    if (from === undefined || until === undefined) return z.NEVER;
    return { from: new Date(from).toISOString(), until: new Date(until).toISOString(), reason: f.reason };
  });

/** Allowed switch times; empty: any time. Alternatives: one open window is enough. */
export const switchWindowsList = z.array(switchWindowEntry).max(50, 'at most 50 windows').default([]);
/** Times no switch happens, whatever the windows say. */
export const freezesList = z.array(freezeEntry).max(200, 'at most 200 freezes').default([]);

export const FAILURE_STEPS = ['deploy', 'tests', 'hooks', 'verify'] as const;
export type FailureStep = (typeof FAILURE_STEPS)[number];

type Duration = (max?: string) => z.ZodType<number, string>;

/**
 * `onFailure`: what a failed step does. `fail` (the default) ends the deployment;
 * `ask` waits for `bluegreen retry` or `bluegreen abort`, up to `retryTimeout`, then takes `default`.
 */
export function onFailureSection(duration: Duration) {
  // The short form ("ask") is the long form with defaults: one schema, one set of messages.
  const policy = z.preprocess(
    (value) => (typeof value === 'string' ? { action: value } : value),
    z.strictObject(
      {
        /** `ask`: wait for a decision; `fail`: end the deployment. @default "ask" */
        action: z.enum(['fail', 'ask'], { error: 'expected "fail" or "ask"' }).default('ask'),
        /** How long the failed step waits for a decision before `default` is taken. @default "1h" */
        retryTimeout: duration('7d').prefault('1h'),
        /** Taken when nobody decides in time: `abort` ends it as `fail` would; `retry` tries again. @default "abort" */
        default: z.enum(['abort', 'retry'], { error: 'expected "abort" or "retry"' }).default('abort'),
        /** Retries at most (then a failure ends the deployment). @default 3 */
        maxRetries: z.int().min(1).max(20).default(3),
      },
      { error: 'expected "fail", "ask" or a mapping { action, retryTimeout, default, maxRetries }' },
    ),
  );
  return z
    .strictObject({
      deploy: policy.optional(),
      tests: policy.optional(),
      hooks: policy.optional(),
      verify: policy.optional(),
    })
    .prefault({});
}
