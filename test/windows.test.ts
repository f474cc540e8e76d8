// Switch windows and freezes (contract/windows.ts) as pure functions: table tests at the DST
// changes of three hemispheres' zones, and fast-check properties against a minute-by-minute
// oracle that reads wall time through a different Intl path (toLocaleString per minute).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeDays,
  freezeProblems,
  nextAllowedSwitchTime,
  WEEKDAYS,
  windowProblems,
  type Freeze,
  type SwitchWindow,
  type Weekday,
} from '../contract/windows.js';

const weekdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const office = (timeZone: string, from = '09:00', to = '17:00', days = weekdays): SwitchWindow => ({ days, from, to, timeZone });
const at = (iso: string) => new Date(iso);
const verdict = (now: string, windows: SwitchWindow[], freezes: Freeze[] = []) =>
  nextAllowedSwitchTime(at(now), windows, freezes);

describe('nextAllowedSwitchTime: tables', () => {
  it('nothing configured: always allowed, nothing ahead', () => {
    expect(verdict('2026-05-01T03:00:00Z', [])).toEqual({ allowedNow: true, why: 'no switch windows or freezes apply' });
  });

  it.each([
    // Europe/Berlin, spring forward on Sun 2026-03-29 02:00 → 03:00 (UTC+1 → UTC+2)
    ['Fri after hours, CET', '2026-03-27T16:00:00Z', false, '2026-03-30T07:00:00.000Z'],
    ['Mon 08:59 CEST', '2026-03-30T06:59:00Z', false, '2026-03-30T07:00:00.000Z'],
    ['Mon 09:00 CEST', '2026-03-30T07:00:00Z', true, '2026-03-30T15:00:00.000Z'],
    ['Fri 16:59 CET', '2026-03-27T15:59:00Z', true, '2026-03-27T16:00:00.000Z'],
    // fall back on Sun 2026-10-25 03:00 → 02:00 (UTC+2 → UTC+1)
    ['Fri 17:00 CEST', '2026-10-23T15:00:00Z', false, '2026-10-26T08:00:00.000Z'],
    ['Mon 10:00 CET', '2026-10-26T09:00:00Z', true, '2026-10-26T16:00:00.000Z'],
  ])('Europe/Berlin office hours: %s', (_name, now, allowed, until) => {
    const v = verdict(now, [office('Europe/Berlin')]);
    expect(v.allowedNow).toBe(allowed);
    expect(v.until?.toISOString()).toBe(until);
  });

  it('America/New_York: the window follows the wall clock across the March change (14:00Z, then 13:00Z)', () => {
    const before = verdict('2026-03-06T23:00:00Z', [office('America/New_York')]); // Fri 18:00 EST
    expect(before.until?.toISOString()).toBe('2026-03-09T13:00:00.000Z'); // Mon 09:00 EDT
    const friday = verdict('2026-03-05T22:00:00Z', [office('America/New_York')]); // Thu 17:00 EST
    expect(friday.until?.toISOString()).toBe('2026-03-06T14:00:00.000Z'); // Fri 09:00 EST
  });

  it('Australia/Sydney: southern-hemisphere change on Sun 2026-04-05 (AEDT → AEST)', () => {
    const v = verdict('2026-04-03T07:00:00Z', [office('Australia/Sydney')]); // Fri 18:00 AEDT
    expect(v.allowedNow).toBe(false);
    expect(v.until?.toISOString()).toBe('2026-04-05T23:00:00.000Z'); // Mon 09:00 AEST
  });

  it('a window whose start falls into the spring gap opens when the clock jumps', () => {
    const v = verdict('2026-03-28T12:00:00Z', [{ days: ['sun'], from: '02:30', to: '04:00', timeZone: 'Europe/Berlin' }]);
    expect(v.until?.toISOString()).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST, the first wall time ≥ 02:30
  });

  it('a window in the autumn fold is open in both occurrences of its wall time', () => {
    const fold: SwitchWindow[] = [{ days: ['sun'], from: '02:30', to: '02:45', timeZone: 'Europe/Berlin' }];
    expect(verdict('2026-10-24T12:00:00Z', fold).until?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(verdict('2026-10-25T00:40:00Z', fold)).toMatchObject({ allowedNow: true, until: at('2026-10-25T00:45:00Z') });
    expect(verdict('2026-10-25T00:50:00Z', fold)).toMatchObject({ allowedNow: false, until: at('2026-10-25T01:30:00Z') });
  });

  it('an overnight window runs into the next day', () => {
    const night: SwitchWindow[] = [{ days: ['fri'], from: '22:00', to: '02:00', timeZone: 'UTC' }];
    expect(verdict('2026-06-06T01:00:00Z', night)).toMatchObject({ allowedNow: true, until: at('2026-06-06T02:00:00Z') }); // Sat 01:00
    expect(verdict('2026-06-06T03:00:00Z', night)).toMatchObject({ allowedNow: false, until: at('2026-06-12T22:00:00Z') });
  });

  it('a freeze wins over an open window and says why; the window after it is the answer', () => {
    const freeze: Freeze = { from: '2026-12-20T00:00:00Z', until: '2027-01-04T00:00:00Z', reason: 'holidays', source: 'policy' };
    const v = verdict('2026-12-21T10:00:00Z', [office('UTC')], [freeze]);
    expect(v.allowedNow).toBe(false);
    expect(v.until?.toISOString()).toBe('2027-01-04T09:00:00.000Z');
    expect(v.why).toMatch(
      /^freeze \(policy\) until Mon 2027-01-04 00:00 UTC: holidays; the next switch is allowed at Mon 2027-01-04 09:00 UTC$/,
    );
    const open = verdict('2026-12-18T10:00:00Z', [office('UTC')], [freeze]);
    expect(open).toMatchObject({ allowedNow: true, until: at('2026-12-18T17:00:00Z') });
  });

  it('an open window ends early where a freeze starts', () => {
    const freeze: Freeze = { from: '2026-06-01T12:00:00Z', until: '2026-06-01T13:00:00Z', reason: 'maintenance' };
    expect(verdict('2026-06-01T10:00:00Z', [office('UTC')], [freeze]).until?.toISOString()).toBe('2026-06-01T12:00:00.000Z');
  });

  it('windows of two sources must both be open; one source alone is alternatives', () => {
    const policy = { ...office('UTC', '08:00', '18:00'), source: 'policy' };
    const config = [
      { ...office('UTC', '06:00', '09:00'), source: 'bluegreen.yaml' },
      { ...office('UTC', '16:00', '20:00'), source: 'bluegreen.yaml' },
    ];
    expect(verdict('2026-06-01T07:00:00Z', [policy, ...config])).toMatchObject({
      allowedNow: false,
      until: at('2026-06-01T08:00:00Z'),
    });
    expect(verdict('2026-06-01T08:30:00Z', [policy, ...config])).toMatchObject({
      allowedNow: true,
      until: at('2026-06-01T09:00:00Z'),
    });
    expect(verdict('2026-06-01T10:00:00Z', [policy, ...config])).toMatchObject({
      allowedNow: false,
      until: at('2026-06-01T16:00:00Z'),
    });
    expect(verdict('2026-06-01T10:00:00Z', [policy, ...config]).why).toMatch(/outside the switch windows of bluegreen.yaml/);
  });

  it('a freeze of a year is searched through in one go', () => {
    const started = performance.now();
    const v = verdict(
      '2026-01-02T00:00:00Z',
      [office('Europe/Berlin')],
      [{ from: '2026-01-01T00:00:00Z', until: '2026-12-31T00:00:00Z', reason: 'year' }],
    );
    expect(v.until?.toISOString()).toBe('2026-12-31T08:00:00.000Z');
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('validation in words', () => {
  it('windows', () => {
    expect(windowProblems(office('Europe/Berlin'))).toEqual([]);
    expect(windowProblems({ days: [], from: '9:00', to: '25:00', timeZone: 'Mars/Olympus' })).toEqual([
      'days: list at least one day',
      'from: "9:00" is not a time like "09:00"',
      'to: "25:00" is not a time like "17:00" (or "24:00")',
      'timeZone: "Mars/Olympus" is not an IANA time zone like "Europe/Berlin" or "UTC"',
    ]);
    expect(windowProblems(office('UTC', '00:00', '24:00'))).toEqual([]);
    expect(windowProblems(office('UTC', '10:00', '10:00'))[0]).toMatch(/the same time/);
  });
  it('freezes', () => {
    expect(freezeProblems({ from: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z', reason: ' ' })).toEqual([
      'until must be after from',
      'reason: say why (it is shown to whoever waits)',
    ]);
  });
  it('days in words', () => {
    expect(describeDays(['mon', 'tue', 'wed', 'thu', 'fri'])).toBe('mon-fri');
    expect(describeDays(['mon', 'wed', 'thu', 'sun'])).toBe('mon,wed,thu,sun');
    expect(describeDays([...WEEKDAYS])).toBe('every day');
  });
});

// ---- properties -------------------------------------------------------------------------

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'America/St_Johns'];
const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 7))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const windowArb: fc.Arbitrary<SwitchWindow> = fc
  .record({
    days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }),
    from: clock,
    to: fc.oneof(clock, fc.constant('24:00')),
    timeZone: fc.constantFrom(...ZONES),
    source: fc.constantFrom('policy', 'bluegreen.yaml'),
  })
  .filter((w) => windowProblems(w).length === 0);
// Around the 2026 DST changes of the zones above, to the minute.
const nowArb = fc
  .constantFrom(
    Date.parse('2026-03-06T00:00:00Z'),
    Date.parse('2026-03-27T00:00:00Z'),
    Date.parse('2026-04-03T00:00:00Z'),
    Date.parse('2026-10-23T00:00:00Z'),
    Date.parse('2026-10-30T00:00:00Z'),
  )
  .chain((base) => fc.integer({ min: 0, max: 4 * 24 * 60 }).map((minutes) => base + minutes * 60_000));
const freezeArb = (base: number): fc.Arbitrary<Freeze> =>
  fc
    .tuple(fc.integer({ min: -2 * 24 * 60, max: 3 * 24 * 60 }), fc.integer({ min: 1, max: 2 * 24 * 60 }))
    .map(([start, length]) => ({
      from: new Date(base + start * 60_000).toISOString(),
      until: new Date(base + (start + length) * 60_000).toISOString(),
      reason: 'test',
    }));
const caseArb = nowArb.chain((now) =>
  fc.record({
    now: fc.constant(now),
    windows: fc.array(windowArb, { minLength: 0, maxLength: 3 }),
    freezes: fc.array(freezeArb(now), { maxLength: 2 }),
  }),
);

/** The oracle: wall time from toLocaleString, windows checked minute by minute. */
function oracleAllowed(ms: number, windows: SwitchWindow[], freezes: Freeze[]): boolean {
  if (freezes.some((f) => ms >= Date.parse(f.from) && ms < Date.parse(f.until))) return false;
  const sources = new Set(windows.map((w) => w.source));
  return [...sources].every((source) =>
    windows
      .filter((w) => w.source === source)
      .some((w) => {
        const text = new Date(ms).toLocaleString('en-GB', {
          timeZone: w.timeZone,
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        });
        const [dayName, hm] = text.split(' ') as [string, string];
        const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(dayName.replace(',', ''));
        const [h, m] = hm.split(':').map(Number) as [number, number];
        const minutes = h * 60 + m;
        const [from, to] = [w.from, w.to].map((c) => Number(c.slice(0, 2)) * 60 + Number(c.slice(3))) as [number, number];
        const listed = (d: number) => w.days.includes(WEEKDAYS[(d + 7) % 7]!);
        return from < to
          ? listed(day) && minutes >= from && minutes < to
          : (listed(day) && minutes >= from) || (listed(day - 1) && minutes < to);
      }),
  );
}

describe('nextAllowedSwitchTime: properties', () => {
  it('agrees with the oracle now, and the answer holds every minute until `until`, which flips it', () => {
    fc.assert(
      fc.property(caseArb, ({ now, windows, freezes }) => {
        const v = nextAllowedSwitchTime(new Date(now), windows, freezes);
        expect(v.allowedNow).toBe(oracleAllowed(now, windows, freezes));
        // Walk minute by minute for up to 3 days (or to `until`): no flip before it, a flip at it.
        const end = Math.min(v.until?.getTime() ?? Infinity, now + 3 * 86_400_000);
        for (let t = Math.ceil(now / 60_000) * 60_000; t < end; t += 60_000) {
          if (oracleAllowed(t, windows, freezes) !== v.allowedNow) {
            throw new Error(`flips at ${new Date(t).toISOString()} before until ${v.until?.toISOString()}`);
          }
        }
        if (v.until) {
          expect(oracleAllowed(v.until.getTime(), windows, freezes)).toBe(!v.allowedNow);
          expect(v.until.getTime()).toBeGreaterThan(now);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is a function of its input: the same answer however often it is asked (no state leaks between calls)', () => {
    fc.assert(
      fc.property(caseArb, ({ now, windows, freezes }) => {
        const first = nextAllowedSwitchTime(new Date(now), windows, freezes);
        expect(nextAllowedSwitchTime(new Date(now), windows, freezes)).toEqual(first);
      }),
      { numRuns: 30 },
    );
  });

  it('asking again at `until` when blocked answers allowed: a waiting workflow wakes once per blocked stretch', () => {
    fc.assert(
      fc.property(caseArb, ({ now, windows, freezes }) => {
        const v = nextAllowedSwitchTime(new Date(now), windows, freezes);
        if (v.allowedNow || !v.until) return;
        expect(nextAllowedSwitchTime(v.until, windows, freezes).allowedNow).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the wait a workflow does: one timer per closed stretch', () => {
  it('a week-long freeze, then the next office hours: the wait loop sets one timer', () => {
    const windows = [office('Europe/Berlin')];
    const freezes: Freeze[] = [{ from: '2026-11-30T00:00:00Z', until: '2026-12-07T00:00:00Z', reason: 'a week' }];
    let now = Date.parse('2026-11-30T10:00:00Z');
    let timers = 0;
    for (;;) {
      const v = nextAllowedSwitchTime(new Date(now), windows, freezes);
      if (v.allowedNow) break;
      timers++;
      now = v.until!.getTime(); // the timer fires at `until`
    }
    expect(timers).toBe(1);
    expect(new Date(now).toISOString()).toBe('2026-12-07T08:00:00.000Z'); // Mon 09:00 CET
  });
});
