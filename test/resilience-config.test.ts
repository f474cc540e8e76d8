// bluegreen.yaml's bake, onFailure, windows and freezes: what they become in the plan,
// and one clear problem per mistake, named by its field path.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { MINIMAL_CONFIG } from './support/configs.js';

const BASE = MINIMAL_CONFIG;

const plan = (extra: Record<string, unknown>) =>
  resolvePlan(parseConfigText(stringify({ ...BASE, ...extra }), 'bluegreen.yaml', {}), {
    requestedBy: 'test',
    deploymentId: 'api-1',
  });

function problems(extra: Record<string, unknown>): string[] {
  try {
    parseConfigText(stringify({ ...BASE, ...extra }), 'bluegreen.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('config of bake, retry and switch windows', () => {
  it('defaults leave the plan as it was: no bake, no onFailure, no windows', () => {
    const p = plan({});
    expect(p.sync).toEqual({ enabled: true, redeploy: true });
    expect(p.onFailure).toBeUndefined();
    expect(p.switchWindows).toBeUndefined();
  });

  it('bake.duration, onFailure (short and long form), windows and freezes reach the plan', () => {
    const p = plan({
      bake: { duration: '2h' },
      onFailure: { deploy: 'ask', hooks: 'fail', verify: { retryTimeout: '30m', default: 'retry', maxRetries: 2 } },
      windows: [
        { days: 'mon-fri', hours: '09:00-17:00', timeZone: 'Europe/Berlin' },
        { days: ['sat', 'sun'], hours: '22:00-02:00' },
      ],
      freezes: [
        { from: '2026-12-24', until: '2026-12-26', reason: 'holidays', timeZone: 'Europe/Berlin' },
        { from: '2026-12-31T18:00', until: '2027-01-01T06:00:00Z', reason: 'new year' },
      ],
    });
    expect(p.sync).toEqual({ enabled: true, redeploy: true, afterMs: 7_200_000 });
    expect(p.onFailure).toEqual({
      deploy: { action: 'ask', retryTimeoutMs: 3_600_000, default: 'abort', maxRetries: 3 },
      verify: { action: 'ask', retryTimeoutMs: 1_800_000, default: 'retry', maxRetries: 2 },
    });
    expect(p.switchWindows).toEqual({
      windows: [
        {
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          from: '09:00',
          to: '17:00',
          timeZone: 'Europe/Berlin',
          source: 'bluegreen.yaml',
        },
        { days: ['sat', 'sun'], from: '22:00', to: '02:00', timeZone: 'UTC', source: 'bluegreen.yaml' },
      ],
      freezes: [
        // Berlin midnight of the 24th (UTC+1) to the end of the 26th
        { from: '2026-12-23T23:00:00.000Z', until: '2026-12-26T23:00:00.000Z', reason: 'holidays', source: 'bluegreen.yaml' },
        { from: '2026-12-31T18:00:00.000Z', until: '2027-01-01T06:00:00.000Z', reason: 'new year', source: 'bluegreen.yaml' },
      ],
    });
  });

  it('the renamed fields still read under their old names, with a notice naming the new one', () => {
    const notices: string[] = [];
    const config = parseConfigText(
      stringify({
        ...BASE,
        sync: { after: '2h' },
        metrics: { 'error-rate': { prometheus: { url: 'http://prom:9090' }, query: 'x', pass: { max: 1 }, noData: 'pass' } },
        monitor: { analysis: { metrics: ['error-rate'], failureLimit: 4 } },
      }),
      'bluegreen.yaml',
      {},
      (notice) => notices.push(notice),
    );
    const p = resolvePlan(config, { requestedBy: 'test', deploymentId: 'api-1' });
    expect(p.sync.afterMs).toBe(7_200_000);
    expect(p.analysis?.monitor?.failureLimit).toBe(4);
    expect(notices).toEqual([
      'bluegreen.yaml: sync.after is now called bake.duration: it still reads, rename it before a later release drops the old name',
      'bluegreen.yaml: monitor.analysis.failureLimit is now called monitor.analysis.failureThreshold: it still reads, rename it before a later release drops the old name',
    ]);
    expect(problems({ sync: { after: '1h' }, bake: { duration: '2h' } })).toEqual([
      'sync.after: is the old name of bake.duration, which is set too: keep bake.duration only',
    ]);
  });

  it('a wrapping day range and a list of ranges', () => {
    expect(plan({ windows: [{ days: 'fri-mon', hours: '00:00-24:00' }] }).switchWindows?.windows[0]?.days).toEqual([
      'mon',
      'fri',
      'sat',
      'sun',
    ]);
    expect(plan({ windows: [{ days: ['mon-tue', 'thu'], hours: '08:00-09:00' }] }).switchWindows?.windows[0]?.days).toEqual([
      'mon',
      'tue',
      'thu',
    ]);
  });

  it('every mistake is one problem with its field path', () => {
    expect(
      problems({
        sync: { after: 'soon' },
        onFailure: { deploy: 'maybe', verify: { action: 'ask', default: 'shrug' }, build: 'ask' },
        windows: [
          { days: 'mon-fry', hours: '9-17', timeZone: 'Europe/Berlinn' },
          { days: [], hours: '10:00-10:00' },
        ],
        freezes: [
          { from: '2026-02-30', until: '2026-03-01', reason: 'x' },
          { from: '2026-03-02', until: '2026-03-01', reason: '' },
          { from: '2026-01-01', until: '2028-01-01', reason: 'forever', note: 1 },
        ],
      }),
    ).toEqual([
      'sync.after: "soon" is not a duration: use a number and a unit, like "30s", "15m" or "24h"',
      'onFailure.deploy.action: expected "fail" or "ask" (got the text "maybe")',
      'onFailure.verify.default: expected "abort" or "retry" (got the text "shrug")',
      'onFailure.build: unknown key (known here: deploy, tests, hooks, verify)',
      'windows.0.days: "mon-fry" is not a day or range: use mon, tue, wed, thu, fri, sat, sun or ranges like "mon-fri"',
      'windows.0.hours: expected hours like "09:00-17:00" (24-hour clock, "24:00" ends a day) (got the text "9-17")',
      'windows.0.timeZone: expected an IANA time zone like "Europe/Berlin", "America/New_York" or "UTC"',
      'windows.1.days: list at least one day',
      'windows.1.hours: the window starts and ends at the same time: it would be empty',
      'freezes.0.from: "2026-02-30" is not a date like "2026-12-24", a local time like "2026-12-24T18:00" or an instant like "2026-12-24T17:00:00Z"',
      'freezes.1.reason: say why',
      'freezes.2.until: a freeze is at most a year long',
      'freezes.2.note: unknown key (known here: from, until, reason, timeZone)',
    ]);
  });

  it('onFailure.tests without verify.tests is a problem naming the field, in a valid file and a refused one', () => {
    const message =
      'onFailure.tests: is set, but verify.tests lists no test workflow it could apply to: add verify.tests, or remove onFailure.tests';
    expect(problems({ onFailure: { tests: 'ask' } })).toEqual([message]);
    expect(problems({ onFailure: { tests: 'ask' }, verify: { tests: [] } })).toEqual([message]);
    // Reported beside the schema's own problems when the file is refused for something else.
    expect(problems({ onFailure: { tests: 'ask', deploy: 'maybe' } })).toEqual([
      message,
      'onFailure.deploy.action: expected "fail" or "ask" (got the text "maybe")',
    ]);
    expect(problems({ onFailure: { tests: 'ask' }, verify: { tests: [{ workflow: 'e2e.yml' }] } })).toEqual([]);
  });

  it('a bad day and an inverted freeze are named too', () => {
    expect(problems({ windows: [{ days: 'mon-fry', hours: '09:00-17:00' }] })).toEqual([
      'windows.0.days: "mon-fry" is not a day or range: use mon, tue, wed, thu, fri, sat, sun or ranges like "mon-fri"',
    ]);
    expect(problems({ freezes: [{ from: '2026-03-02', until: '2026-03-01', reason: 'x' }] })).toEqual([
      'freezes.0.until: ends before it starts: until must be after from',
    ]);
    expect(problems({ freezes: [{ from: '2026-01-01', until: '2028-01-01', reason: 'x' }] })).toEqual([
      'freezes.0.until: a freeze is at most a year long',
    ]);
  });
});
