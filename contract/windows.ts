// Switch windows and freezes: when a deployment may move traffic. Pure calendar logic on
// `Intl.DateTimeFormat` (IANA time zones, DST included) and plain numbers: no Node built-ins,
// no clock of its own, so the workflow sandbox runs it with workflow time and the client and
// the worker policy validate with the very same rules.
//
// A window is a weekly recurring span of wall-clock time in a time zone ("mon-fri 09:00-17:00
// Europe/Berlin"); one that ends before it starts runs over midnight. Windows of one source
// (the worker policy, bluegreen.yaml) are alternatives: one of them open is enough. Sources are
// all required: a switch needs a window open in every source that lists any, and no freeze of
// any source covering the moment. So a deployer's file can only narrow what the policy allows.
//
// The answer is exact at every boundary, DST changes included: the candidates where the answer
// may change are the windows' local start and end times of each day (both instants of an
// ambiguous autumn wall time), every UTC-offset change (where a spring gap swallows a window's
// start) and every freeze's ends; the verdict is evaluated at each in order.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A weekly allowed switch time. `from`/`to` are "HH:MM" wall-clock times; `to` may be "24:00". */
export interface SwitchWindow {
  days: Weekday[];
  from: string;
  to: string;
  /** IANA time zone, e.g. "Europe/Berlin"; "UTC" for UTC. */
  timeZone: string;
  /** Who set it ("policy", "bluegreen.yaml"): windows of one source are alternatives. */
  source?: string;
}

/** No switch from `from` (inclusive) to `until` (exclusive), ISO-8601 instants. */
export interface Freeze {
  from: string;
  until: string;
  reason: string;
  source?: string;
}

export interface SwitchVerdict {
  allowedNow: boolean;
  /**
   * Not allowed now: when it will be (undefined: not within the search horizon). Allowed now:
   * when that ends, a window closing or a freeze starting (undefined: nothing ahead).
   */
  until?: Date;
  /** One sentence: which freeze or which windows, and until when. */
  why: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far one scan looks ahead; a blocked scan continues from its end. */
const SCAN_DAYS = 8;
/** Nothing is searched beyond this: a year and a bit (freezes are at most a year long). */
const HORIZON_MS = 400 * DAY;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
  /** Minutes since local midnight, seconds as a fraction. */
  minutes: number;
  /** Local wall time minus UTC, in ms. */
  offsetMs: number;
}

const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const year = Number(parts['year']);
  const month = Number(parts['month']);
  const day = Number(parts['day']);
  const hour = Number(parts['hour']) % 24;
  const minute = Number(parts['minute']);
  const second = Number(parts['second']);
  const wholeSeconds = Math.floor(ms / 1000) * 1000;
  const offsetMs = Date.UTC(year, month - 1, day, hour, minute, second) - wholeSeconds;
  return {
    year,
    month,
    day,
    weekday: WEEKDAY_INDEX[parts['weekday'] ?? ''] ?? 0,
    minutes: hour * 60 + minute + (ms - wholeSeconds + second * 1000) / MINUTE,
    offsetMs,
  };
}

const offsetAt = (ms: number, timeZone: string) => localTime(ms, timeZone).offsetMs;

/** "09:30" → 570; "24:00" → 1440; anything else → undefined. */
export function parseClock(text: string): number | undefined {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 1440 ? minutes : undefined;
}

/**
 * The instants whose wall time in `timeZone` is that date and minute: one normally, two in an
 * autumn fold, none in a spring gap (the offset change is a candidate of its own then).
 */
function instantsAtLocal(year: number, month: number, day: number, minutes: number, timeZone: string): number[] {
  const wall = Date.UTC(year, month - 1, day) + minutes * MINUTE;
  const found = new Set<number>();
  // The instant lies within 14 hours of the wall time read as UTC; offsets change weeks apart.
  const offsets = new Set([-18, -6, 6, 18].map((h) => offsetAt(wall + h * 3_600_000, timeZone)));
  for (const offset of offsets) {
    const t = wall - offset;
    if (offsetAt(t, timeZone) === offset) found.add(t);
  }
  return [...found].sort((a, b) => a - b);
}

/** The first instant at or after that local date and minute (the end of a spring gap if it falls in one). */
export function instantAtOrAfterLocal(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const exact = instantsAtLocal(year, month, day, minutes, timeZone);
  if (exact.length > 0) return exact[0]!;
  const wall = Date.UTC(year, month - 1, day) + minutes * MINUTE;
  return offsetChangeBetween(wall - DAY, wall + DAY, timeZone) ?? wall - offsetAt(wall, timeZone);
}

/** The first instant in (lo, hi] with an offset other than at lo, to the minute; undefined if none. */
function offsetChangeBetween(lo: number, hi: number, timeZone: string): number | undefined {
  lo = Math.floor(lo / MINUTE) * MINUTE;
  hi = Math.ceil(hi / MINUTE) * MINUTE;
  const before = offsetAt(lo, timeZone);
  if (offsetAt(hi, timeZone) === before) return undefined;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.max(1, Math.floor((hi - lo) / 2 / MINUTE)) * MINUTE;
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Problems of a window, in words; empty when it is usable. */
export function windowProblems(w: SwitchWindow): string[] {
  const problems: string[] = [];
  if (!Array.isArray(w.days) || w.days.length === 0) problems.push('days: list at least one day');
  else if (w.days.some((d) => !(WEEKDAYS as readonly string[]).includes(d))) problems.push(`days: use ${WEEKDAYS.join(', ')}`);
  const from = parseClock(w.from);
  const to = parseClock(w.to);
  if (from === undefined || from === 1440) problems.push(`from: "${w.from}" is not a time like "09:00"`);
  if (to === undefined) problems.push(`to: "${w.to}" is not a time like "17:00" (or "24:00")`);
  if (from !== undefined && to !== undefined && from === to) {
    problems.push('from and to are the same time: the window would be empty (use 00:00-24:00 for a whole day)');
  }
  if (!isTimeZone(w.timeZone)) problems.push(`timeZone: "${w.timeZone}" is not an IANA time zone like "Europe/Berlin" or "UTC"`);
  return problems;
}

/** Problems of a freeze, in words; empty when it is usable. */
export function freezeProblems(f: Freeze): string[] {
  const problems: string[] = [];
  const from = Date.parse(f.from);
  const until = Date.parse(f.until);
  if (Number.isNaN(from)) problems.push(`from: "${f.from}" is not a date`);
  if (Number.isNaN(until)) problems.push(`until: "${f.until}" is not a date`);
  if (!Number.isNaN(from) && !Number.isNaN(until)) {
    if (until <= from) problems.push('until must be after from');
    else if (until - from > 366 * DAY) problems.push('a freeze is at most a year long');
  }
  if (typeof f.reason !== 'string' || f.reason.trim() === '') problems.push('reason: say why (it is shown to whoever waits)');
  return problems;
}

interface Rule {
  days: Set<number>;
  from: number;
  to: number;
  timeZone: string;
  source: string;
  text: string;
}

function compile(w: SwitchWindow): Rule | undefined {
  if (windowProblems(w).length > 0) return undefined;
  return {
    days: new Set(w.days.map((d) => WEEKDAYS.indexOf(d))),
    from: parseClock(w.from)!,
    to: parseClock(w.to)!,
    timeZone: w.timeZone,
    source: w.source ?? 'config',
    text: describeWindow(w),
  };
}

function isOpen(rule: Rule, ms: number): boolean {
  const t = localTime(ms, rule.timeZone);
  if (rule.from < rule.to) return rule.days.has(t.weekday) && t.minutes >= rule.from && t.minutes < rule.to;
  // Over midnight: the evening of a listed day, or the early hours after one.
  return (rule.days.has(t.weekday) && t.minutes >= rule.from) || (rule.days.has((t.weekday + 6) % 7) && t.minutes < rule.to);
}

interface CompiledFreeze {
  from: number;
  until: number;
  reason: string;
  source: string;
}

interface Schedule {
  /** One list per source: each needs one open window. */
  sources: Array<{ source: string; rules: Rule[] }>;
  freezes: CompiledFreeze[];
}

function compileSchedule(windows: readonly SwitchWindow[], freezes: readonly Freeze[]): Schedule {
  const bySource = new Map<string, Rule[]>();
  for (const w of windows) {
    const rule = compile(w);
    if (!rule) continue;
    bySource.set(rule.source, [...(bySource.get(rule.source) ?? []), rule]);
  }
  const compiled: CompiledFreeze[] = [];
  for (const f of freezes) {
    if (freezeProblems(f).length > 0) continue;
    compiled.push({ from: Date.parse(f.from), until: Date.parse(f.until), reason: f.reason, source: f.source ?? 'config' });
  }
  return { sources: [...bySource].map(([source, rules]) => ({ source, rules })), freezes: compiled };
}

type Blocker = { kind: 'freeze'; freeze: CompiledFreeze } | { kind: 'window'; source: string; rules: Rule[] };

/** What blocks a switch at `ms`, or undefined when it is allowed. */
function blockerAt(s: Schedule, ms: number): Blocker | undefined {
  const freeze = s.freezes.find((f) => ms >= f.from && ms < f.until);
  if (freeze) return { kind: 'freeze', freeze };
  for (const { source, rules } of s.sources) {
    if (!rules.some((r) => isOpen(r, ms))) return { kind: 'window', source, rules };
  }
  return undefined;
}

/** Every instant in (start, end] where the verdict may change, sorted. */
function candidates(s: Schedule, start: number, end: number): number[] {
  const found = new Set<number>();
  for (const f of s.freezes) for (const t of [f.from, f.until]) if (t > start && t <= end) found.add(t);
  const zones = new Set(s.sources.flatMap((src) => src.rules.map((r) => r.timeZone)));
  for (const timeZone of zones) {
    const rules = s.sources.flatMap((src) => src.rules.filter((r) => r.timeZone === timeZone));
    // Every local calendar date from the day before start to the day after end (calendar
    // arithmetic on the date itself: stepping 24 h of real time could skip a date at a DST change).
    const first = localTime(start - DAY, timeZone);
    const days = Math.ceil((end - start) / DAY) + 3;
    for (let k = 0; k < days; k++) {
      const date = new Date(Date.UTC(first.year, first.month - 1, first.day + k));
      const weekday = (date.getUTCDay() + 6) % 7;
      const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      for (const r of rules) {
        if (!r.days.has(weekday) && !r.days.has((weekday + 6) % 7)) continue;
        for (const minutes of [r.from, r.to]) {
          for (const i of instantsAtLocal(year, month, day, minutes, timeZone)) if (i > start && i <= end) found.add(i);
        }
      }
    }
    // Offset changes (a spring gap may swallow a window's start): at most one per 12 hours.
    for (let t = start; t < end; t += DAY / 2) {
      const change = offsetChangeBetween(t, Math.min(t + DAY / 2, end), timeZone);
      if (change !== undefined && change > start && change <= end) found.add(change);
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** The first instant after `now` where `wanted(blocker)` holds, searched up to the horizon. */
function firstAfter(s: Schedule, now: number, wanted: 'allowed' | 'blocked'): number | undefined {
  for (let start = now; start < now + HORIZON_MS;) {
    // Looking for an opening, a freeze covering the whole scan is skipped to its end at once.
    const covering = wanted === 'allowed' ? s.freezes.filter((f) => f.from <= start && f.until > start + 1) : [];
    if (covering.length > 0) {
      start = Math.max(...covering.map((f) => f.until)) - 1;
      continue;
    }
    const end = start + SCAN_DAYS * DAY;
    for (const t of candidates(s, start, end)) if ((blockerAt(s, t) === undefined) === (wanted === 'allowed')) return t;
    start = end;
  }
  return undefined;
}

/**
 * Whether a switch may happen at `now` under these windows and freezes, and until when that
 * holds (or when it will hold). Windows or freezes that fail validation are left out here:
 * the config and policy loaders refuse them before a deployment starts.
 */
export function nextAllowedSwitchTime(now: Date, windows: readonly SwitchWindow[], freezes: readonly Freeze[]): SwitchVerdict {
  const s = compileSchedule(windows, freezes);
  const at = now.getTime();
  const blocker = blockerAt(s, at);
  if (s.sources.length === 0 && s.freezes.length === 0) return { allowedNow: true, why: 'no switch windows or freezes apply' };
  if (!blocker) {
    const ends = firstAfter(s, at, 'blocked');
    const zone = s.sources[0]?.rules[0]?.timeZone ?? 'UTC';
    const open = s.sources.map((src) => src.rules.find((r) => isOpen(r, at))!.text).join(' and ');
    const inside = open ? `inside the switch window ${open}` : 'no freeze applies';
    return {
      allowedNow: true,
      ...(ends !== undefined ? { until: new Date(ends) } : {}),
      why: ends !== undefined ? `${inside} until ${describeInstant(ends, zone)}` : inside,
    };
  }
  const opens = firstAfter(s, at, 'allowed');
  const zone = blocker.kind === 'window' ? blocker.rules[0]!.timeZone : (s.sources[0]?.rules[0]?.timeZone ?? 'UTC');
  const why =
    blocker.kind === 'freeze'
      ? `freeze (${blocker.freeze.source}) until ${describeInstant(blocker.freeze.until, zone)}: ${blocker.freeze.reason}`
      : `outside the switch windows of ${blocker.source} (${blocker.rules.map((r) => r.text).join(' or ')})`;
  const next =
    opens !== undefined
      ? `; the next switch is allowed at ${describeInstant(opens, zone)}`
      : '; no switch is allowed within a year';
  return { allowedNow: false, ...(opens !== undefined ? { until: new Date(opens) } : {}), why: `${why}${next}` };
}

/** "mon-fri 09:00-17:00 Europe/Berlin" */
export function describeWindow(w: Pick<SwitchWindow, 'days' | 'from' | 'to' | 'timeZone'>): string {
  return `${describeDays(w.days)} ${w.from}-${w.to} ${w.timeZone}`;
}

/** ['mon','tue','wed'] → "mon-wed"; ['mon','wed'] → "mon,wed". */
export function describeDays(days: readonly Weekday[]): string {
  const idx = [...new Set(days.map((d) => WEEKDAYS.indexOf(d)))].filter((i) => i >= 0).sort((a, b) => a - b);
  if (idx.length === 7) return 'every day';
  const runs: string[] = [];
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    runs.push(
      j - i >= 2
        ? `${WEEKDAYS[idx[i]!]}-${WEEKDAYS[idx[j]!]}`
        : idx
            .slice(i, j + 1)
            .map((k) => WEEKDAYS[k])
            .join(','),
    );
    i = j + 1;
  }
  return runs.join(',');
}

/** "Mon 2026-12-28 09:00 Europe/Berlin (08:00Z)" */
export function describeInstant(ms: number, timeZone: string): string {
  const t = localTime(ms, timeZone);
  const two = (n: number) => String(Math.floor(n)).padStart(2, '0');
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][t.weekday];
  const local = `${day} ${t.year}-${two(t.month)}-${two(t.day)} ${two(t.minutes / 60)}:${two(t.minutes % 60)}`;
  const utc = new Date(ms).toISOString();
  return timeZone === 'UTC' ? `${local} UTC` : `${local} ${timeZone} (${utc.slice(11, 16)}Z)`;
}
