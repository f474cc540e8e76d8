// The text a person reads: the CLI's phase list and change lines, and the Web UI's current
// details, for fixed statuses (no server needed). Inline snapshots are the user-facing text.
import { describe, expect, it } from 'vitest';
import {
  changeKey,
  nextStepLines,
  renderChangeLine,
  renderLogLines,
  renderPhaseList,
  visibleLength,
  wrapToWidth,
} from '../client/render.js';
import { currentDetails } from '../views/current-details.js';
import { renderTrainView } from '../client/train-view.js';
import type { TrainStatus } from '../contract/train.js';
import type { CheckSummary } from '../analysis/types.js';
import { currentShape, type OlderStatus } from '../client/status-shape.js';
import type { AnalysisStatus, DeploymentStatus, PhaseName } from '../contract/types.js';

const T0 = Date.parse('2026-05-04T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function atGate(): DeploymentStatus {
  return {
    service: 'datatruck-api',
    deploymentId: 'datatruck-api-20260504-100000-ab12',
    phase: 'approval',
    activeColor: 'blue',
    targetColor: 'green',
    sha: '1a2b3c4d5e6f',
    requestedBy: 'olivia',
    startedAt: at(0),
    phases: [
      { name: 'plan', state: 'succeeded', startedAt: at(0), endedAt: at(1), detail: 'blue → green @ 1a2b3c4 (green)' },
      {
        name: 'deploy',
        state: 'succeeded',
        startedAt: at(1),
        endedAt: at(95),
        detail: 'deploy-green.yml run success',
        url: 'https://github.com/datatruck/backend/actions/runs/7',
      },
      { name: 'verify', state: 'succeeded', startedAt: at(95), endedAt: at(110), detail: '3 probes, 3 in a row healthy' },
      { name: 'approval', state: 'running', startedAt: at(110), detail: 'waiting up to 24h for alice or bob' },
      { name: 'switch', state: 'pending' },
      { name: 'monitor', state: 'pending' },
      { name: 'sync', state: 'pending' },
    ],
    approvals: [],
    approvers: ['alice', 'bob'],
    waitingFor: 'approval by alice or bob: bluegreen approve datatruck-api --by <name>',
  };
}

/** `atGate()` as it was while the deploy run (run 7) was in progress: nothing waited for. */
function inDeployRun(): DeploymentStatus {
  const status = atGate();
  status.phase = 'deploy';
  status.phases[1] = {
    name: 'deploy',
    state: 'running',
    startedAt: at(1),
    detail: 'deploy-green.yml run 7 in progress',
    url: 'https://github.com/x/y/actions/runs/7',
  };
  delete status.waitingFor;
  return status;
}

describe('who may still approve (signal path)', () => {
  it('never the deployer where self-approval is refused, nor who already approved; one name left is in the command', () => {
    const status = { ...atGate(), requestedBy: 'alice', approvers: ['alice', 'bob', 'carol'] };
    expect(nextStepLines(status).join('\n')).toMatchInlineSnapshot(`
      "Waiting for QA approval: bob or carol may approve.
        approve:  bluegreen approve datatruck-api --by <name> --comment "…"
        reject:   bluegreen reject datatruck-api --by <name> --reason "…""
    `);
    // Statuses are read-only (renderers cache their cleaned copies): a new one for each moment.
    const approvedOnce = { ...status, approvals: [{ by: 'bob', decision: 'approved' as const, at: at(120), counted: true }] };
    expect(nextStepLines(approvedOnce).join('\n')).toMatchInlineSnapshot(`
      "Waiting for QA approval: carol may approve.
        approve:  bluegreen approve datatruck-api --by carol --comment "…"
        reject:   bluegreen reject datatruck-api --by carol --reason "…""
    `);
    // Allowed to approve their own: the deployer is listed.
    expect(nextStepLines({ ...approvedOnce, allowSelfApproval: true })[0]).toMatchInlineSnapshot(
      `"Waiting for QA approval: alice or carol may approve."`,
    );
    // Nobody listed: anyone but the deployer.
    expect(nextStepLines({ ...atGate(), approvers: [] })[0]).toMatchInlineSnapshot(
      `"Waiting for QA approval: anyone but olivia (who started it) may approve."`,
    );
  });
});

describe('renderPhaseList', () => {
  it('shows the phases, durations, who may approve and the exact commands', () => {
    expect(renderPhaseList(atGate(), { now: T0 + 130_000, footer: ['Web UI: http://localhost:8233/…'] })).toMatchInlineSnapshot(`
      "datatruck-api: blue → green @ 1a2b3c4  (datatruck-api-20260504-100000-ab12, by olivia)
        ✓ plan           1s  blue → green @ 1a2b3c4 (green)
        ✓ deploy      1m34s  deploy-green.yml run success
        ✓ verify        15s  3 probes, 3 in a row healthy
        ▸ approval      20s  waiting up to 24h for alice or bob
        · switch
        · monitor
        · sync

        Waiting for QA approval: alice or bob may approve.
          approve:  bluegreen approve datatruck-api --by <name> --comment "…"
          reject:   bluegreen reject datatruck-api --by <name> --reason "…"

        Web UI: http://localhost:8233/…"
    `);
  });

  it('spins on the running phase, shows its run link, and the outcome at the end', () => {
    const running = inDeployRun();
    const frame = renderPhaseList(running, { tick: 3, now: T0 + 5_000 });
    expect(frame).toContain(
      '  ⠸ deploy         4s  deploy-green.yml run 7 in progress\n      https://github.com/x/y/actions/runs/7',
    );
    expect(frame).toContain('No action needed. To stop before traffic moves: bluegreen abort datatruck-api');

    const done: DeploymentStatus = {
      ...atGate(),
      phase: 'done',
      outcome: 'ROLLED_BACK',
      endedAt: at(400),
      error: 'rollback requested by carol: error rate up',
    };
    delete done.waitingFor;
    done.approvals = [{ by: 'alice', decision: 'approved', at: at(200), comment: 'QA passed', counted: true }];
    const final = renderPhaseList(done, { now: T0 + 500_000 });
    expect(final).toContain('  Decisions:\n    ✓ alice (self-declared) approved at 10:03:20 "QA passed"');
    expect(final).toContain('  ↺ ROLLED_BACK in 6m40s: traffic is back on blue — rollback requested by carol: error rate up');
    expect(final).not.toContain('bluegreen');
  });

  it('wraps long lines to the terminal width, so a redraw knows how many rows it drew', () => {
    const line = `  ${'x'.repeat(150)}`;
    const wrapped = wrapToWidth(`short\n${line}`, 80);
    const rows = wrapped.split('\n');
    expect(rows.length).toBe(3);
    for (const row of rows) expect(visibleLength(row)).toBeLessThan(80);
    expect(rows.slice(1).join('').replace(/ {6}/g, '')).toBe(line);
    // Colors do not count towards the width.
    expect(wrapToWidth(`\x1b[32m✓\x1b[0m ${'y'.repeat(70)}`, 80).split('\n')).toHaveLength(1);
  });
});

describe('renderChangeLine', () => {
  it('says what changed in one line, with the commands at the gate', () => {
    expect(renderChangeLine(atGate(), T0)).toBe(
      '10:00:00 datatruck-api approval running waiting up to 24h for alice or bob — Waiting for QA approval: alice or bob may approve; ' +
        'approve: bluegreen approve datatruck-api --by <name> --comment "…"; reject: bluegreen reject datatruck-api --by <name> --reason "…"',
    );
    const a = atGate();
    const b = atGate();
    b.approvals.push({ by: 'mallory', decision: 'approved', at: at(120), counted: false, note: 'not an approver' });
    expect(changeKey(a)).not.toBe(changeKey(b));
  });
});

describe('renderLogLines', () => {
  it('logs every phase that started or ended between two readings, decisions first', () => {
    const before = inDeployRun();
    before.phases[2] = { name: 'verify', state: 'pending' };
    before.phases[3] = { name: 'approval', state: 'pending' };
    const after = atGate();
    after.approvals.push({
      by: 'mallory',
      decision: 'approved',
      at: at(111),
      counted: false,
      note: 'mallory is not on the approvers list',
    });
    expect(renderLogLines(before, after, T0 + 120_000)).toEqual([
      '10:02:00 datatruck-api · mallory (self-declared) approval ignored at 10:01:51 (mallory is not on the approvers list)',
      '10:02:00 datatruck-api ✓ deploy 1m34s  deploy-green.yml run success',
      '10:02:00 datatruck-api ✓ verify 15s  3 probes, 3 in a row healthy',
      '10:02:00 datatruck-api ▸ approval  waiting up to 24h for alice or bob',
      '10:02:00 datatruck-api Waiting for QA approval: alice or bob may approve; approve: bluegreen approve datatruck-api --by <name> --comment "…"; reject: bluegreen reject datatruck-api --by <name> --reason "…"',
    ]);
    expect(renderLogLines(after, after, T0 + 121_000)).toEqual([]);
  });
});

describe('currentDetails (Web UI)', () => {
  it('at the gate: the headline, the commands in code spans, the phases', () => {
    const text = currentDetails(atGate());
    // A blank last paragraph keeps the UI's frame from cutting the last line in half.
    expect(text.endsWith('\n\n\u00a0')).toBe(true);
    expect(text.slice(0, -3)).toMatchInlineSnapshot(`
      "**Waiting for QA approval** — datatruck-api: blue → green @ 1a2b3c4

      waiting up to 24h for alice or bob

      Approve: \`bluegreen approve datatruck-api --by <name> --comment "…"\`  
      Reject: \`bluegreen reject datatruck-api --by <name> --reason "…"\`  
      Or in this UI: More Actions → Send a Signal \`approve\` with \`{"by": "<name>"}\`

      ● blue: takes traffic; runs an unknown SHA; deployed before this deployment  
      ○ green: no traffic; runs 1a2b3c4; last deployment: this deployment \\(running, started 2026-05-04 10:00:00 UTC, by olivia\\)

      Phases: ✓ plan · ✓ deploy · ✓ verify · ▶ approval · ○ switch · ○ monitor · ○ sync"
    `);
  });

  it('at the end: the outcome, where traffic is, the error and the failed run, literally', () => {
    const failed: DeploymentStatus = {
      ...atGate(),
      phase: 'done',
      outcome: 'FAILED',
      endedAt: at(100),
      error: 'deploy run ended failure at job "deploy", step "Run <migrations>"',
    };
    delete failed.waitingFor;
    failed.phases = [
      { name: 'plan', state: 'succeeded' },
      { name: 'deploy', state: 'failed', url: 'https://github.com/x/y/actions/runs/9' },
      { name: 'switch', state: 'skipped' },
    ];
    const text = currentDetails(failed);
    expect(text.split('\n\n')[0]).toBe('**✗ FAILED**: traffic never moved in 1m40s — datatruck-api: blue → green @ 1a2b3c4');
    expect(text).toContain('step "Run \\<migrations\\>"');
    expect(text).toContain('Failed run: https://github.com/x/y/actions/runs/9');
    expect(text).not.toContain('bluegreen');
  });
});

/** A deploy run failed once with onFailure.deploy: ask; the step waits for retry or abort. */
function failedStep(): DeploymentStatus {
  const s = atGate();
  s.phase = 'deploy';
  s.phases = s.phases.map((p) =>
    p.name === 'deploy'
      ? { ...p, state: 'failed' as const }
      : p.name === 'plan'
        ? p
        : { name: p.name, state: 'pending' as const },
  );
  s.stepFailure = {
    step: 'deploy',
    error: 'deploy run ended failure at job "deploy", step "Smoke test": https://github.com/datatruck/backend/actions/runs/7',
    attempt: 1,
    decideBy: at(3700),
    otherwise: 'abort',
  };
  s.waitingFor = 'a decision on the failed deploy (attempt 1 of at most 4): …';
  return s;
}

/** Approved, held before the switch by a freeze that ends at a known time. */
function inWindow(): DeploymentStatus {
  const s = atGate();
  s.phase = 'window';
  s.phases = [...s.phases.map((p) => (p.name === 'approval' ? { ...p, state: 'succeeded' as const, endedAt: at(120) } : p))];
  s.phases.splice(4, 0, { name: 'window', state: 'running', startedAt: at(120), detail: 'freeze' });
  s.switchWindow = {
    why: 'freeze (bluegreen.yaml) until Mon 2026-05-04 18:00 UTC: month-end closing',
    until: '2026-05-04T18:00:00.000Z',
    since: at(120),
  };
  s.waitingFor = 'a switch window: freeze …';
  return s;
}

describe('retry and switch-window prompts: the exact commands, the reason, until when', () => {
  it('a failed step waiting for a decision: retry or abort, with the error and the default', () => {
    const s = failedStep();
    const cli = renderPhaseList(s);
    expect(cli).toContain(
      'The failed deploy (attempt 1) waits for a decision; otherwise abort at 2026-05-04 11:01 UTC: deploy run ended failure at job "deploy", step "Smoke test"',
    );
    expect(cli).toMatch(/run it again: +bluegreen retry datatruck-api --by <name> --reason "…"/);
    expect(cli).toMatch(/give up: +bluegreen abort datatruck-api --by <name> --reason "…"/);
    const web = currentDetails(s);
    expect(web).toContain('Run it again: `bluegreen retry datatruck-api --by <name> --reason "…"`');
    expect(web).toContain('Give up: `bluegreen abort datatruck-api --by <name> --reason "…"`');
    expect(web).toMatch(/otherwise abort at 2026-05-04 11:01 UTC/);
  });

  it('a switch window: the reason, until when, and the override for an approver with a reason', () => {
    const s = inWindow();
    const cli = renderPhaseList(s);
    expect(cli).toContain(
      'Waiting for a switch window: freeze (bluegreen.yaml) until Mon 2026-05-04 18:00 UTC: month-end closing. The switch goes ahead by itself at 2026-05-04 18:00 UTC.',
    );
    expect(cli).toMatch(/switch now: +bluegreen override-window datatruck-api --by <name> --reason "…"/);
    expect(cli).toContain('note: only alice or bob (an approver) may switch now, with a reason (recorded)');
    const web = currentDetails(s);
    expect(web).toContain('Switch now: `bluegreen override-window datatruck-api --by <name> --reason "…"`');
    expect(web).toMatch(/month-end closing\. The switch goes ahead by itself at 2026-05-04 18:00 UTC/);
    // Markdown: the parentheses of the text are escaped, they render as written.
    expect(web).toContain('Note: only alice or bob \\(an approver\\) may switch now, with a reason \\(recorded\\).');
    // A freeze with no allowed time within a year: only the override helps.
    const never = inWindow();
    delete never.switchWindow!.until;
    expect(renderPhaseList(never)).toContain('No switch is allowed within a year: only an override moves it.');
  });
});

describe('nextSteps: the CLI and the Web UI offer the same commands', () => {
  /** A status in `phase`, running; the approval gate open only when `waitingFor` is given. */
  function running(phase: PhaseName, waitingFor?: string): DeploymentStatus {
    const s = atGate();
    s.phase = phase;
    s.phases = [...s.phases.filter((p) => p.name !== phase), { name: phase, state: 'running', startedAt: at(110) }];
    if (waitingFor) s.waitingFor = waitingFor;
    else delete s.waitingFor;
    return s;
  }
  const moments: [string, DeploymentStatus][] = [
    ['the approval gate', running('approval', 'approval by alice or bob')],
    ['approval before the gate opens', running('approval')],
    ['deploy', running('deploy')],
    ['a preSwitch hook', running('preSwitch:migrate-expand')],
    ['monitor', running('monitor', 'the monitor window to end by itself')],
    ['switch', running('switch')],
    ['a failed deploy waiting for retry', failedStep()],
    ['a switch window', inWindow()],
  ];
  it.each(moments)('%s', (_name, status) => {
    const cli = renderPhaseList(status);
    const web = currentDetails(status);
    const commands = [...cli.matchAll(/bluegreen (\w+) datatruck-api/g)].map((m) => m[1]).sort();
    expect([...web.matchAll(/bluegreen (\w+) datatruck-api/g)].map((m) => m[1]).sort()).toEqual(commands);
    // Abort is offered exactly while traffic has not moved and no gate asks for a decision.
    const abortable = [
      'approval before the gate opens',
      'deploy',
      'a preSwitch hook',
      'a failed deploy waiting for retry',
      'a switch window',
    ].includes(_name);
    expect(commands.includes('abort'), _name).toBe(abortable);
  });
});

describe('notification failures: in the status, never in the way', () => {
  const failing = (n: number): DeploymentStatus => ({
    ...atGate(),
    notifications: {
      sent: 4,
      failed: Array.from({ length: n }, (_, i) => ({
        channel: 'qa-slack',
        event: i === 0 ? 'started' : `approval-waiting (reminder ${i})`,
        at: at(100 + i),
        error: '404 no_service',
      })),
    },
  });

  it('the phase list, the log lines, the change key and the Web UI name the channel and its answer', () => {
    const text = renderPhaseList(failing(5), { now: T0 + 120_000 });
    expect(text.split('\n').filter((l) => l.includes('otification'))).toEqual([
      '  Notifications: 4 sent, 5 failed (never delaying the deployment):',
      '    ⚠ notification to qa-slack failed: 404 no_service (approval-waiting (reminder 2)) at 10:01:42',
      '    ⚠ notification to qa-slack failed: 404 no_service (approval-waiting (reminder 3)) at 10:01:43',
      '    ⚠ notification to qa-slack failed: 404 no_service (approval-waiting (reminder 4)) at 10:01:44',
    ]);
    expect(text).toContain('… and 2 earlier (see --json)');
    expect(renderLogLines(failing(1), failing(2), T0 + 120_000)).toEqual([
      '10:02:00 datatruck-api ⚠ notification to qa-slack failed: 404 no_service (approval-waiting (reminder 1))',
    ]);
    expect(changeKey(failing(2))).not.toBe(changeKey(failing(1)));
    expect(currentDetails(failing(1))).toContain('⚠ notification to qa-slack failed: 404 no\\_service \\(started\\)');
    expect(renderPhaseList(atGate())).not.toContain('otification');
  });
});

describe("a release train's notifications in `bluegreen train status`, as a deployment's", () => {
  const train = (failed: number): TrainStatus => ({
    train: 'shop',
    trainId: 'shop-1',
    requestedBy: 'olivia',
    startedAt: at(0),
    phase: 'approval',
    levels: [['api']],
    services: [{ service: 'api', after: [], level: 0, workflowId: 'bluegreen-api', state: 'ready' }],
    approvals: [],
    approvers: [],
    notifications: {
      sent: 3,
      failed: Array.from({ length: failed }, (_, i) => ({
        channel: i === 0 ? 'audit' : 'qa-slack',
        event: 'approval-waiting',
        at: at(100 + i),
        error: '404 no_service',
      })),
    },
  });

  it('counts what went out and names each failing channel and its answer; nothing while none failed', () => {
    const text = renderTrainView({ train: train(4), services: {} });
    expect(text.split('\n').filter((l) => l.includes('otification'))).toEqual([
      '  Notifications: 3 sent, 4 failed (never delaying the train):',
      '    ⚠ notification to qa-slack failed: 404 no_service (approval-waiting) at 10:01:41',
      '    ⚠ notification to qa-slack failed: 404 no_service (approval-waiting) at 10:01:42',
      '    ⚠ notification to qa-slack failed: 404 no_service (approval-waiting) at 10:01:43',
    ]);
    expect(text).toContain('… and 1 earlier (see --json)');
    expect(renderTrainView({ train: train(0), services: {} })).not.toContain('otification');
  });
});

describe('what verify and monitor measured: one shape per phase, an older worker’s converted on read', () => {
  const checks: CheckSummary[] = [
    { check: 'health', provider: 'http-health', measurements: 3, passes: 3, failures: 0, inconclusive: 0 },
    { check: 'color', provider: 'color', measurements: 3, passes: 2, failures: 1, inconclusive: 0 },
  ];
  const metrics: AnalysisStatus = {
    verdict: 'pass',
    reason: 'error-rate passed',
    rounds: 4,
    metrics: [{ name: 'error-rate', verdict: 'pass', passed: 4, failed: 0, inconclusive: 0, total: 4, consecutiveFailures: 0 }],
  };
  const measured = (): DeploymentStatus => ({ ...atGate(), analyses: { verify: { checks }, monitor: { metrics } } });

  it('the CLI and the Web UI show each phase’s checks and metric analysis', () => {
    const cli = renderPhaseList(measured(), { now: T0 + 120_000 });
    expect(cli).toContain('  Checks:\n    verify   ✓ health 3/3 · ✗ color 2/3\n');
    expect(cli).toMatch(/ {2}Metric analysis under traffic \(green\): pass\n {4}✓ error-rate .*4\/4/);
    const web = currentDetails(measured());
    expect(web).toContain('Checks (verify): ✓ health 3/3 · ✗ color 2/3');
    expect(web).toMatch(/\*\*Metric analysis under traffic \\\(green\\\):\*\* pass {2}\n✓ error-rate .*4\/4/);
    expect(cli).not.toContain('Checks:\n    monitor');
  });

  it('an answer with only `analysis` / `metricAnalysis` (an older worker) reads and renders as the new one', () => {
    const older: OlderStatus = { ...atGate(), analysis: { verify: checks }, metricAnalysis: { monitor: metrics } };
    const read = currentShape(older);
    expect(read).toEqual(measured());
    expect(read).not.toHaveProperty('analysis');
    expect(read).not.toHaveProperty('metricAnalysis');
    expect(renderPhaseList(read, { now: T0 + 120_000 })).toBe(renderPhaseList(measured(), { now: T0 + 120_000 }));
    // A status in the new shape is left as it is.
    const current = measured();
    expect(currentShape(current)).toBe(current);
  });
});
