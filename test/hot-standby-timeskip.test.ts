// The hot standby (monitor.standby) on the time-skipping test server, with recorded activity
// results (test/support/time-skipping.ts): the monitor's rounds probe the old color too; a
// rollback goes back at once to an old color seen healthy, looks again at one seen unhealthy,
// and when it is still unhealthy holds for a person: `rollback` again switches anyway, `abort`
// keeps traffic on the new color (FAILED), nobody deciding within the ask timeout is FAILED too.
// While held the old color is watched: healthy again, the rollback switches back by itself.
import { Context } from '@temporalio/activity';
import { describe, expect } from 'vitest';
import type { DispatchWorkflowInput } from '../activities/types.js';
import type { MonitorChecksInput, MonitorChecksResult, StandbyReading } from '../analysis/types.js';
import type { SendNotificationInput } from '../notify/activities.js';
import { MAX_HELD_WATCHES } from '../workflows/phases/held-watch.js';
import { abortSignal, rollbackSignal } from '../contract/messages.js';
import type { DeploymentStatus } from '../contract/types.js';
import { ACTIVE, it, phaseOf, phaseStates, untilCancelled, type Deployment } from './support/time-skipping.js';

const BLUE_503 = 'health: HTTP 503 from https://blue.example.com/health';
/** The server's clock (time skips): when the activity was scheduled. */
const serverNow = () => new Date(Context.current().info.currentAttemptScheduledTimestampMs).toISOString();

const standbyReading = (healthy: boolean, lastFailure = BLUE_503): StandbyReading => ({
  color: ACTIVE,
  healthy,
  probes: 4,
  consecutiveFailures: healthy ? 0 : 3,
  probedAt: serverNow(),
  ...(healthy ? {} : { lastFailure }),
});

/**
 * The new color fails its threshold; the old one, probed in the same rounds, is as `healthy`
 * says. The watch while a rollback is held (`until: 'healthy'`) sees no change until cancelled,
 * as a real one does within its window.
 */
const greenFailsBlue =
  (healthy: boolean) =>
  async (input: MonitorChecksInput): Promise<MonitorChecksResult> =>
    input.standby?.until === 'healthy' ? untilCancelled() : greenFails(healthy, input);

const greenFails = (healthy: boolean, input: MonitorChecksInput): MonitorChecksResult => ({
  verdict: 'unhealthy',
  rounds: 4,
  failedRounds: 3,
  checks: [],
  lastFailure: 'GET /health answered 503',
  ...(input.standby ? { standby: standbyReading(healthy) } : {}),
});

/** The look before switching back finds the old color `healthy`. */
const lookFinds = (healthy: boolean) => async () => standbyReading(healthy);

/** The switch workflow's dispatches as colors, in order (there, and back when it happened). */
const switches = (d: Deployment) =>
  d
    .inputsOf('dispatchWorkflow')
    .filter((i: DispatchWorkflowInput) => i.workflow === 'dns-update.yml')
    .map((i: DispatchWorkflowInput) => i.inputs['color']);

const held = (s: DeploymentStatus) => s.standby?.held !== undefined;

/** The monitor window fails green with blue unhealthy; every later call (the watch while held) answers `whileHeld`. */
const thenWhileHeld =
  (whileHeld: (input: MonitorChecksInput) => Promise<MonitorChecksResult>) =>
  async (input: MonitorChecksInput): Promise<MonitorChecksResult> =>
    input.standby?.until === 'healthy' ? whileHeld(input) : greenFails(false, input);

/** A watch window that reports the old color as `healthy` (no new-color checks run in it). */
const watchSees = (healthy: boolean, lastFailure?: string): MonitorChecksResult => ({
  verdict: 'healthy',
  rounds: 0,
  failedRounds: 0,
  checks: [],
  standby: standbyReading(healthy, lastFailure),
});

describe('hot standby', () => {
  it('probes the old color in the monitor rounds with the health and color checks verify runs on a color', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: greenFailsBlue(true) });
    await d.result();
    const [input] = d.inputsOf('monitorChecks');
    expect(input?.standby).toMatchObject({ color: ACTIVE, failures: 3 });
    expect(input?.standby?.checks.map((c) => `${c.provider} ${'url' in c ? c.url : ''}`)).toEqual([
      'http-health https://blue.example.com/health',
      'color https://blue.example.com/deployment/color/',
    ]);
  });

  it('old color seen healthy: the rollback switches back at once, no second look: ROLLED_BACK', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: greenFailsBlue(true) });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(switches(d)).toEqual(['green', ACTIVE]);
    expect(d.inputsOf('checkStandby')).toEqual([]);
    expect(status.standby).toMatchObject({ color: ACTIVE, healthy: true });
    expect(status.standby?.held).toBeUndefined();
  });

  it('old color unhealthy: the rollback is held; a second rollback switches anyway, recorded with who decided', async ({
    deploy,
  }) => {
    const d = await deploy({}, { monitorChecks: greenFailsBlue(false), checkStandby: lookFinds(false) });
    const waiting = await d.statusWhen(held);
    expect(waiting.phase).toBe('rollback');
    expect(phaseOf(waiting, 'rollback').detail).toBe(
      `rollback held: the old color ${ACTIVE} is unhealthy (${BLUE_503}); the rollback was due: 3 consecutive failures on https://api.example.com: GET /health answered 503`,
    );
    expect(waiting.waitingFor).toContain('To switch back anyway: bluegreen rollback');
    expect(waiting.standby).toMatchObject({ healthy: false, reason: BLUE_503 });
    // Nothing switched back while held.
    expect(switches(d)).toEqual(['green']);
    // The decision-authority rules hold here too: mallory is no operator.
    await d.handle.signal(rollbackSignal, { by: 'mallory', reason: 'go' });
    await d.statusWhen((s) => (s.ignoredSignals?.length ?? 0) > 0);
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'blue degraded beats green down' });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(status.ignoredSignals).toMatchObject([{ signal: 'rollback', by: 'mallory' }]);
    expect(switches(d)).toEqual(['green', ACTIVE]);
    expect(phaseOf(status, 'rollback').detail).toContain(
      `switched back although ${ACTIVE} was unhealthy (${BLUE_503}), decided by alice: blue degraded beats green down`,
    );
  });

  it('old color unhealthy: abort keeps traffic on the new color: FAILED, no switch back', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: greenFailsBlue(false), checkStandby: lookFinds(false) });
    await d.statusWhen(held);
    await d.handle.signal(abortSignal, { by: 'alice', reason: 'blue is worse' });
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(switches(d)).toEqual(['green']);
    expect(status.error).toMatch(
      new RegExp(
        `^rollback held: the old color ${ACTIVE} is unhealthy \\(.*\\); traffic left on green by alice: blue is worse\\.`,
      ),
    );
    expect(phaseStates(status)).toMatchObject({ monitor: 'failed', rollback: 'failed', sync: 'skipped' });
  });

  it('old color unhealthy, watched while held, never recovers, nobody decides: FAILED at the ask timeout, traffic left where it is', async ({
    deploy,
  }) => {
    const d = await deploy(
      { monitor: { standby: { askTimeout: '10m' } } },
      // Every window ends with the old color still unhealthy (at once: time skips only once nothing runs).
      { monitorChecks: thenWhileHeld(async () => watchSees(false)), checkStandby: lookFinds(false) },
    );
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(switches(d)).toEqual(['green']);
    expect(status.error).toMatch(/nobody decided within 10m, traffic left on green\. The rollback was due: 3 consecutive/);
    // Watched all along, in a bounded number of windows, none past the ask timeout.
    const watches = d.inputsOf('monitorChecks').slice(1);
    expect(watches).toHaveLength(MAX_HELD_WATCHES);
    for (const w of watches) {
      expect(w).toMatchObject({ checks: [], standby: { color: ACTIVE, until: 'healthy' } });
      expect(w.durationMs).toBeGreaterThan(0);
      expect(w.durationMs).toBeLessThanOrEqual(10 * 60_000);
    }
  });

  it('held, the old color recovers: the status shows each watch, then it switches back by itself: ROLLED_BACK', async ({
    deploy,
  }) => {
    let opened = () => undefined as void;
    const gate = new Promise<void>((resolve) => (opened = resolve));
    let watches = 0;
    const notified: SendNotificationInput[] = [];
    const d = await deploy(
      { notify: [{ channel: 'ops', events: ['rollback-held', 'rollback-resumed'] }] },
      {
        checkStandby: lookFinds(false),
        monitorChecks: thenWhileHeld(async () => {
          // The first window ends still unhealthy (a new reason); the second waits for the test, then sees it healthy.
          if (++watches === 1) return watchSees(false, 'health: connection refused');
          await gate;
          return watchSees(true);
        }),
        sendNotification: async (input) => {
          notified.push(input);
          return { channel: input.channel, key: 'k', status: 200 };
        },
      },
    );
    const waiting = await d.statusWhen((s) => held(s) && s.standby?.reason === 'health: connection refused');
    expect(waiting.standby).toMatchObject({
      healthy: false,
      held: { reason: expect.stringContaining('3 consecutive failures') },
    });
    const watch = d.inputsOf('monitorChecks')[1];
    expect(watch).toMatchObject({ checks: [], standby: { color: ACTIVE, until: 'healthy', failures: 3 } });
    expect(watch?.durationMs).toBeLessThanOrEqual(30 * 60_000);
    expect(switches(d)).toEqual(['green']);
    opened();
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(switches(d)).toEqual(['green', ACTIVE]);
    expect(status.standby).toMatchObject({ color: ACTIVE, healthy: true });
    expect(status.standby?.held).toBeUndefined();
    expect(status.standby?.reason).toBeUndefined();
    expect(phaseOf(status, 'rollback').detail).toMatch(
      new RegExp(`^public endpoint answers ${ACTIVE}; old color ${ACTIVE} healthy again after \\S+: switching back`),
    );
    expect(notified.map((n) => n.event.type)).toEqual(['rollback-held', 'rollback-resumed']);
    expect(notified[1]?.event.detail).toMatch(
      new RegExp(`^old color ${ACTIVE} healthy again after \\S+: switching back; the rollback was due: 3 consecutive`),
    );
  });

  it('held and watched: a person deciding first wins, and the watch is cancelled and reports back', async ({ deploy }) => {
    let cancelled = 0;
    const d = await deploy(
      {},
      {
        checkStandby: lookFinds(false),
        monitorChecks: thenWhileHeld(async () => {
          try {
            return await untilCancelled();
          } finally {
            cancelled++;
          }
        }),
      },
    );
    await d.statusWhen(held);
    await d.called('monitorChecks', 2);
    await d.handle.signal(abortSignal, { by: 'alice', reason: 'blue is worse' });
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(status.error).toMatch(/traffic left on green by alice: blue is worse\./);
    expect(switches(d)).toEqual(['green']);
    expect(d.inputsOf('monitorChecks').map((i) => i.standby?.until)).toEqual([undefined, 'healthy']);
    expect(cancelled).toBe(1);
  });

  it('old color seen unhealthy but healthy when looked at again: the rollback goes ahead without asking', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: greenFailsBlue(false), checkStandby: lookFinds(true) });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(switches(d)).toEqual(['green', ACTIVE]);
    expect(d.inputsOf('checkStandby')).toHaveLength(1);
    expect(phaseOf(status, 'rollback').detail).toContain(`${ACTIVE} healthy again when looked at before switching back`);
    expect(status.standby).toMatchObject({ healthy: true });
  });

  it('a rollback request cuts the window short before any report: the old color is looked at first', async ({ deploy }) => {
    const d = await deploy({}, { monitorChecks: untilCancelled, checkStandby: lookFinds(false) });
    await d.called('monitorChecks');
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'latency doubled' });
    const waiting = await d.statusWhen(held);
    expect(phaseOf(waiting, 'rollback').detail).toMatch(/^rollback held: .*the rollback was due: rollback requested by alice/);
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'still' });
    expect((await d.result()).outcome).toBe('ROLLED_BACK');
    expect(switches(d)).toEqual(['green', ACTIVE]);
  });

  it('bake: the old color is watched; a rollback during the bake to an unhealthy one is held', async ({ deploy }) => {
    let n = 0;
    const d = await deploy(
      { bake: { duration: '2h' }, approval: { approvers: ['alice'] } },
      {
        // The monitor window is healthy; the bake's watch reports the old color turning unhealthy, then runs on.
        monitorChecks: async (input) => {
          n++;
          if (n === 1) return { verdict: 'healthy', rounds: 30, failedRounds: 0, checks: [], standby: standbyReading(true) };
          if (n === 2) return { verdict: 'healthy', rounds: 0, failedRounds: 0, checks: [], standby: standbyReading(false) };
          expect(input.standby?.until).toBe('healthy');
          return untilCancelled();
        },
        checkStandby: lookFinds(false),
      },
    );
    await d.statusWhen((s) => s.phase === 'bake' && s.standby?.healthy === false);
    expect(d.inputsOf('monitorChecks')[1]).toMatchObject({ checks: [], standby: { color: ACTIVE, until: 'unhealthy' } });
    await d.called('monitorChecks', 3);
    await d.handle.signal(rollbackSignal, { by: 'alice', reason: 'orders failing' });
    await d.statusWhen(held);
    await d.handle.signal(abortSignal, { by: 'alice', reason: 'keep green' });
    const status = await d.result();
    expect(status.outcome).toBe('FAILED');
    expect(switches(d)).toEqual(['green']);
  });

  it('monitor.standby.probe: false: no probe of the old color, the rollback switches as before', async ({ deploy }) => {
    const d = await deploy({ monitor: { standby: { probe: false } } }, { monitorChecks: greenFailsBlue(false) });
    const status = await d.result();
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(d.inputsOf('monitorChecks')[0]?.standby).toBeUndefined();
    expect(d.inputsOf('checkStandby')).toEqual([]);
    expect(status.standby).toBeUndefined();
  });
});
