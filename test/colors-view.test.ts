// Both colors side by side (views/colors.ts), from fixed deployment statuses, newest first: what
// each color runs, which one takes traffic and since when, the last deployment of each. The
// same words in the Web UI's details and memo (one status) and in `bluegreen status` (several).
import { describe, expect, it } from 'vitest';
import { colorTableLines } from '../client/render-colors.js';
import type { Color, DeploymentStatus, Outcome, PhaseStatus } from '../contract/types.js';
import { colorSentence, colorsSideBySide, utcTime } from '../views/colors.js';
import { currentDetails } from '../views/current-details.js';
import { finalMemo } from '../views/final-memo.js';

const T0 = Date.parse('2026-05-04T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const SHA = { a: 'aaaaaaa1111', b: 'bbbbbbb2222', c: 'ccccccc3333' };

type State = PhaseStatus['state'];
function deployment(
  id: string,
  start: number,
  from: Color,
  to: Color,
  sha: string,
  previousSha: string,
  states: { deploy: State; switch?: State; sync?: State; rollback?: State },
  outcome?: Outcome,
): DeploymentStatus {
  const phase = (name: string, state: State | undefined, offset: number): PhaseStatus => ({
    name: name as PhaseStatus['name'],
    state: state ?? 'pending',
    ...(state && state !== 'pending' ? { startedAt: at(start + offset) } : {}),
    ...(state === 'succeeded' || state === 'failed' ? { endedAt: at(start + offset + 1) } : {}),
  });
  const phases = [
    phase('plan', 'succeeded', 0),
    phase('deploy', states.deploy, 1),
    phase('switch', states.switch, 3),
    phase('monitor', states.switch === 'succeeded' ? 'succeeded' : undefined, 4),
    phase('sync', states.sync, 5),
    ...(states.rollback ? [phase('rollback', states.rollback, 6)] : []),
  ];
  return {
    service: 'shop',
    deploymentId: id,
    phase: outcome ? 'done' : (phases.find((p) => p.state === 'running')?.name ?? 'plan'),
    activeColor: from,
    targetColor: to,
    sha,
    requestedBy: 'olivia',
    startedAt: at(start),
    ...(outcome ? { endedAt: at(start + 8), outcome } : {}),
    phases,
    approvals: [],
    approvers: [],
    previous: { color: from, sha: previousSha, warm: states.sync !== 'succeeded' && states.sync !== 'running' },
  };
}

// d1: blue → green SUCCEEDED at 10:00 (synced blue); d2: green → blue ROLLED_BACK at 11:00; d3: green → blue deploying at 12:00.
const d1 = deployment(
  'd1',
  0,
  'blue',
  'green',
  SHA.a,
  SHA.c,
  { deploy: 'succeeded', switch: 'succeeded', sync: 'succeeded' },
  'SUCCEEDED',
);
const d2 = deployment(
  'd2',
  60,
  'green',
  'blue',
  SHA.b,
  SHA.a,
  { deploy: 'succeeded', switch: 'succeeded', rollback: 'succeeded' },
  'ROLLED_BACK',
);
const d3 = deployment('d3', 120, 'green', 'blue', SHA.c, SHA.a, { deploy: 'running' });

describe('both colors side by side', () => {
  it('a success: the target takes traffic since the switch ended, the old color runs the merged code after sync', () => {
    expect(colorsSideBySide([d1])).toEqual({
      live: 'green',
      green: {
        color: 'green',
        sha: SHA.a,
        live: true,
        since: at(4),
        last: { deploymentId: 'd1', outcome: 'SUCCEEDED', sha: SHA.a, by: 'olivia', startedAt: at(0), endedAt: at(8) },
      },
      blue: {
        color: 'blue',
        sha: SHA.a,
        synced: true,
        live: false,
        syncedBy: { deploymentId: 'd1', outcome: 'SUCCEEDED', sha: SHA.a, by: 'olivia', startedAt: at(0), endedAt: at(8) },
      },
    });
  });

  it('a color redeployed by sync says so, with that deployment', () => {
    const view = colorsSideBySide([d1])!;
    expect(colorSentence(view.blue, view, { time: utcTime, current: 'd1' })).toBe(
      'blue: no traffic; runs aaaaaaa (merged by sync); redeployed by the sync of this deployment (SUCCEEDED, ended 2026-05-04 10:08:00 UTC, by olivia)',
    );
  });

  it('a rollback: traffic back on the old color since the rollback ended; the target keeps the new SHA for inspection', () => {
    const view = colorsSideBySide([d2, d1])!;
    expect(view.live).toBe('green');
    expect(view.green).toMatchObject({
      live: true,
      since: at(67),
      sha: SHA.a,
      last: { deploymentId: 'd1', outcome: 'SUCCEEDED' },
    });
    expect(view.blue).toMatchObject({ live: false, sha: SHA.b, last: { deploymentId: 'd2', outcome: 'ROLLED_BACK' } });
  });

  it('a deployment in its deploy phase: the target runs what it ran and is being deployed; traffic stays', () => {
    const view = colorsSideBySide([d3, d2, d1])!;
    expect(view.live).toBe('green');
    expect(view.blue).toMatchObject({ live: false, sha: SHA.b, deploying: SHA.c, last: { deploymentId: 'd3' } });
    expect(view.blue.last?.outcome).toBeUndefined();
    // Aborted or running deployments that never moved traffic do not change "since".
    expect(view.green.since).toBe(at(67));
  });

  it('a deploy run that failed leaves its color unknown; an abort before the switch keeps traffic where it was', () => {
    const failed = deployment('d4', 180, 'green', 'blue', SHA.c, SHA.a, { deploy: 'failed' }, 'FAILED');
    const view = colorsSideBySide([failed, d2, d1])!;
    expect(view.live).toBe('green');
    expect(view.blue.sha).toBeUndefined();
    expect(view.blue.last).toMatchObject({ deploymentId: 'd4', outcome: 'FAILED' });
    expect(view.green.since).toBe(at(67));
  });

  it('the Web UI details and the memo say both colors from the deployment alone, in absolute UTC times', () => {
    const view = colorsSideBySide([d2])!;
    const words = { time: utcTime, current: 'd2' };
    expect(colorSentence(view.green, view, words)).toBe(
      'green: takes traffic since 2026-05-04 11:07:00 UTC; runs aaaaaaa; deployed before this deployment',
    );
    expect(colorSentence(view.blue, view, words)).toBe(
      'blue: no traffic; runs bbbbbbb; last deployment: this deployment (ROLLED_BACK, ended 2026-05-04 11:08:00 UTC, by olivia)',
    );
    const details = currentDetails(d2);
    expect(details).toContain(
      '● green: takes traffic since 2026-05-04 11:07:00 UTC; runs aaaaaaa; deployed before this deployment',
    );
    expect(details).toContain('○ blue: no traffic; runs bbbbbbb; last deployment: this deployment \\(ROLLED\\_BACK, ended');
    expect(finalMemo(d2)).toMatchObject({
      green: 'green: takes traffic since 2026-05-04 11:07:00 UTC; runs aaaaaaa; deployed before this deployment',
      blue: expect.stringMatching(/^blue: no traffic; runs bbbbbbb; last deployment: this deployment \(ROLLED_BACK/),
    });
  });

  it('at a terminal: a table, the live color first, times relative on a TTY and ISO when piped', () => {
    const view = colorsSideBySide([d2, d1])!;
    expect(colorTableLines(view, { tty: true, now: Date.parse(at(70)), current: 'd2' })).toEqual([
      '  Colors:',
      '    COLOR    TRAFFIC                        RUNS     LAST DEPLOYMENT',
      '    ● green  takes traffic since 3 min ago  aaaaaaa  d1 (SUCCEEDED, ended 1 h ago, by olivia)',
      '    ○ blue   no traffic                     bbbbbbb  this deployment (ROLLED_BACK, ended 2 min ago, by olivia)',
    ]);
    expect(colorTableLines(view, { tty: false })[2]).toContain('takes traffic since 2026-05-04T11:07:00Z');
  });
});
