// `list` and `history` as a person reads them: columns as wide as their content, long names
// whole, a rollback's live color, relative times on a terminal and ISO times when piped.
import { describe, expect, it } from 'vitest';
import { historyTable, listTable } from '../client/commands/list.js';
import type { DeploymentRow } from '../client/deployment-rows.js';
import { liveColor } from '../views/live-color.js';
import { relativeTime } from '../client/relative-time.js';
import { renderTable } from '../client/table.js';
import type { DeploymentStatus, PhaseStatus } from '../contract/types.js';

const NOW = Date.parse('2026-05-04T12:00:00Z');
const row = (over: Partial<DeploymentRow>): DeploymentRow => ({
  workflowId: 'bluegreen-datatruck-api',
  runId: 'run',
  service: 'datatruck-api',
  status: 'COMPLETED',
  phase: 'done',
  outcome: 'SUCCEEDED',
  activeColor: 'blue',
  targetColor: 'green',
  liveColor: 'green',
  sha: '1a2b3c4d5e6f',
  by: 'olivia',
  byVerified: false,
  startTime: '2026-05-04T11:57:00.000Z',
  closeTime: '2026-05-04T11:59:30.000Z',
  deploymentId: 'datatruck-api-20260504-115700-ab12',
  ...over,
});

const rows: DeploymentRow[] = [
  row({
    status: 'RUNNING',
    phase: 'approval',
    outcome: '',
    liveColor: 'blue',
    startTime: '2026-05-04T11:59:58.000Z',
    closeTime: undefined,
  }),
  row({ outcome: 'ROLLED_BACK', liveColor: 'blue', by: 'demo-operator-with-a-long-name', startTime: '2026-05-04T09:00:00.000Z' }),
  row({ service: 'a-service-with-a-rather-long-name', outcome: 'FAILED', failedPhase: 'deploy', liveColor: 'blue' }),
  row({ outcome: 'ABORTED', liveColor: 'blue', by: 'qa-lead', byVerified: true, startTime: '2026-05-01T12:00:00.000Z' }),
  row({ status: 'TERMINATED', outcome: '', sha: undefined, by: undefined, liveColor: undefined, activeColor: undefined }),
];

describe('list and history tables', () => {
  it('list on a terminal: relative times, whole names, ROLLED_BACK apart from the next column, the live color', () => {
    expect(
      `\n${listTable(rows, { tty: true, now: NOW })
        .join('\n')
        .replace(/\x1b\[[0-9;]*m/g, '')}\n`,
    ).toMatchInlineSnapshot(`
      "
      SERVICE                            STATE              LIVE  ROUTE         SHA      BY                              STARTED         TOOK
      datatruck-api                      running: approval  blue  blue → green  1a2b3c4  olivia                          just now          2s
      datatruck-api                      ROLLED_BACK        blue  blue → green  1a2b3c4  demo-operator-with-a-long-name  3 h ago     2h59m30s
      a-service-with-a-rather-long-name  FAILED in deploy   blue  blue → green  1a2b3c4  olivia                          3 min ago      2m30s
      datatruck-api                      ABORTED            blue  blue → green  1a2b3c4  @qa-lead                        3 d ago    71h59m30s
      datatruck-api                      terminated         ?     → green       -        -                               3 min ago      2m30s
      "
    `);
  });

  it('list when piped: ISO times to the second', () => {
    expect(`\n${listTable(rows.slice(0, 2), { tty: false, now: NOW }).join('\n')}\n`).toMatchInlineSnapshot(`
      "
      SERVICE        STATE              LIVE  ROUTE         SHA      BY                              STARTED                   TOOK
      datatruck-api  running: approval  blue  blue → green  1a2b3c4  olivia                          2026-05-04T11:59:58Z        2s
      datatruck-api  ROLLED_BACK        blue  blue → green  1a2b3c4  demo-operator-with-a-long-name  2026-05-04T09:00:00Z  2h59m30s
      "
    `);
  });

  it('history: BY is never cut, a verified deployer reads @login', () => {
    expect(`\n${historyTable(rows.slice(1, 4), { tty: false, now: NOW }).join('\n')}\n`).toMatchInlineSnapshot(`
      "
      STARTED               BY                              ROUTE         LIVE  SHA      OUTCOME                TOOK  DEPLOYMENT
      2026-05-04T09:00:00Z  demo-operator-with-a-long-name  blue → green  blue  1a2b3c4  ROLLED_BACK        2h59m30s  datatruck-api-20260504-115700-ab12
      2026-05-04T11:57:00Z  olivia                          blue → green  blue  1a2b3c4  FAILED in deploy      2m30s  datatruck-api-20260504-115700-ab12
      2026-05-01T12:00:00Z  @qa-lead                        blue → green  blue  1a2b3c4  ABORTED           71h59m30s  datatruck-api-20260504-115700-ab12
      "
    `);
  });

  it('colors on a terminal do not shift the columns', () => {
    const [header, first] = listTable(rows.slice(1, 2), { tty: true, now: NOW });
    expect(first).toContain('\x1b[33mROLLED_BACK\x1b[0m');
    const plain = first!.replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain.indexOf('blue ')).toBe(header!.indexOf('LIVE'));
  });

  it('a cell with a line break stays on one line', () => {
    expect(renderTable([{ header: 'A', cell: (r: string) => r }], ['x\ny'])).toEqual(['A', 'x y']);
  });
});

describe('relativeTime', () => {
  it.each([
    ['2026-05-04T11:59:58Z', 'just now'],
    ['2026-05-04T11:59:18Z', '42 s ago'],
    ['2026-05-04T11:57:00Z', '3 min ago'],
    ['2026-05-04T07:00:00Z', '5 h ago'],
    ['2026-05-01T12:00:00Z', '3 d ago'],
    ['2026-01-01T12:00:00Z', '2026-01-01'],
  ])('%s → %s', (iso, text) => expect(relativeTime(iso, NOW)).toBe(text));
});

describe('liveColor', () => {
  const phases = (states: Partial<Record<string, PhaseStatus['state']>>): PhaseStatus[] =>
    ['plan', 'deploy', 'verify', 'approval', 'switch', 'monitor', 'rollback'].map((name) => ({
      name,
      state: states[name] ?? 'pending',
    })) as PhaseStatus[];
  const status = (over: Partial<DeploymentStatus>) =>
    ({ activeColor: 'blue', targetColor: 'green', phase: 'done', phases: phases({}), ...over }) as DeploymentStatus;

  it('is the target after a success, the active color after a rollback or when traffic never moved', () => {
    expect(liveColor(status({ outcome: 'SUCCEEDED', phases: phases({ switch: 'succeeded' }) }))).toBe('green');
    expect(liveColor(status({ outcome: 'ROLLED_BACK', phases: phases({ switch: 'succeeded', rollback: 'succeeded' }) }))).toBe(
      'blue',
    );
    expect(liveColor(status({ outcome: 'ABORTED' }))).toBe('blue');
    expect(liveColor(status({ outcome: 'FAILED', phases: phases({ deploy: 'failed' }) }))).toBe('blue');
    expect(liveColor(status({ phase: 'approval', phases: phases({ approval: 'running' }) }))).toBe('blue');
    expect(liveColor(status({ phase: 'monitor', phases: phases({ switch: 'succeeded', monitor: 'running' }) }))).toBe('green');
    expect(liveColor(status({ phase: 'rollback', phases: phases({ switch: 'succeeded', rollback: 'running' }) }))).toBe(
      undefined,
    );
  });
});
