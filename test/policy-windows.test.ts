// The worker policy's windows section: validated with field paths like bluegreen.yaml's, every
// matching entry applies (windows of each entry are a source of their own), freezes add up.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../client/config.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import { policySwitchSchedule } from '../worker/policy-windows.js';
import { nextAllowedSwitchTime } from '../contract/windows.js';
import { ROOT } from './support/cli-runner.js';

const policy = (text: string) => parseWorkerPolicy(text, 'bluegreen-worker.yaml');

describe('worker policy: windows and freezes', () => {
  it('the example policy parses and yields a schedule for datatruck-api only', () => {
    const p = parseWorkerPolicy(readFileSync(`${ROOT}/examples/bluegreen-worker.yaml`, 'utf8'), 'example');
    const schedule = policySwitchSchedule(p.windows, 'datatruck-api');
    expect(schedule.windows.map((w) => `${w.days.join(',')} ${w.from}-${w.to}`)).toEqual([
      'mon,tue,wed,thu 08:00-18:00',
      'fri 08:00-12:00',
    ]);
    expect(schedule.freezes).toEqual([
      { from: '2026-12-20T23:00:00.000Z', until: '2027-01-03T23:00:00.000Z', reason: 'year-end freeze', source: 'worker policy' },
    ]);
    expect(policySwitchSchedule(p.windows, 'other-service')).toEqual({ windows: [], freezes: [] });
    // Friday 13:00 in Berlin: outside; the next opening is Monday 08:00.
    const v = nextAllowedSwitchTime(new Date('2026-06-05T11:00:00Z'), schedule.windows, schedule.freezes);
    expect(v).toMatchObject({ allowedNow: false, until: new Date('2026-06-08T06:00:00Z') });
    expect(v.why).toMatch(/^outside the switch windows of the worker policy \(windows\[0\], datatruck-\*\)/);
  });

  it('two matching entries both apply; a bluegreen.yaml window narrows further', () => {
    const p = policy(`
windows:
  - match: "*"
    windows: [{ days: mon-fri, hours: "06:00-20:00" }]
  - match: api
    windows: [{ days: mon-sun, hours: "10:00-12:00" }]
    freezes: [{ from: "2026-06-01T10:30:00Z", until: "2026-06-01T11:00:00Z", reason: "db maintenance" }]
`);
    const s = policySwitchSchedule(p.windows, 'api');
    const deployer = [{ days: ['mon' as const], from: '11:30', to: '18:00', timeZone: 'UTC', source: 'bluegreen.yaml' }];
    const at = (iso: string) => nextAllowedSwitchTime(new Date(iso), [...s.windows, ...deployer], s.freezes);
    expect(at('2026-06-01T10:40:00Z')).toMatchObject({ allowedNow: false, until: new Date('2026-06-01T11:30:00Z') });
    expect(at('2026-06-01T10:40:00Z').why).toMatch(/^freeze \(worker policy\) until .*: db maintenance/);
    expect(at('2026-06-01T11:40:00Z')).toMatchObject({ allowedNow: true, until: new Date('2026-06-01T12:00:00Z') });
  });

  it('mistakes are named with their field path', () => {
    try {
      policy(`
windows:
  - match: "API!"
    windows: [{ days: weekdays, hours: "9-5" }]
    freezes: [{ from: 2026-12-24, reason: "x" }]
`);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
        'windows.0.match: expected a service name or pattern (lowercase, digits, ".", "_", "-", "*", "?"), like "datatruck-*" (got the text "API!")',
        'windows.0.windows.0.days: "weekdays" is not a day or range: use mon, tue, wed, thu, fri, sat, sun or ranges like "mon-fri"',
        'windows.0.windows.0.hours: expected hours like "09:00-17:00" (24-hour clock, "24:00" ends a day) (got the text "9-5")',
        'windows.0.freezes.0.until: is required (expected a date like "2026-12-24" or a time like "2026-12-24T18:00:00+01:00")',
      ]);
    }
  });
});
