// "3 min ago" for people at a terminal; scripts get the ISO time (see list.ts, `-o json`).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago `iso` was, in the largest unit that fits: "just now", "42 s ago", "3 min ago", "5 h ago", "2 d ago". */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  if (ms < 0) return 'in the future';
  if (ms < 5_000) return 'just now';
  if (ms < MINUTE) return `${Math.floor(ms / 1000)} s ago`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  if (ms < 60 * DAY) return `${Math.floor(ms / DAY)} d ago`;
  // Beyond two months the date says more than a count of days.
  return iso.slice(0, 10);
}

/** The time as a table shows it: relative on a terminal, else ISO 8601 to the second (UTC). */
export function tableTime(iso: string, tty: boolean, now: number = Date.now()): string {
  return tty ? relativeTime(iso, now) : `${iso.slice(0, 19)}Z`;
}
