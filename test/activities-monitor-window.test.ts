// The monitor window in one activity (analysis/monitor-window.ts): the probes against the lab's
// router and a JSON metric from a loopback server, side by side, in a real activity context.
// The first failure ends both; one heartbeat carries the metric tally (what client/live-analysis
// reads) and the probes' progress; a retried attempt resumes both from it. And verify in one
// activity (analysis/verify-window.ts): the checks until they pass in a row, then the metrics.
import { createServer, type Server } from 'node:http';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkMeasureContext } from '../analysis/activities.js';
import { metricMeasureContext } from '../analysis/metric-activities.js';
import type { AnalysisPlan } from '../analysis/metric-plan.js';
import { createMonitorWindowActivity, type MonitorWindowInput, type MonitorWindowProgress } from '../analysis/monitor-window.js';
import { createVerifyWindowActivity, type VerifyWindowInput, type VerifyWindowProgress } from '../analysis/verify-window.js';
import { startLab, type Lab } from '../lab/index.js';
import { activityEnv, rejectionOf, sleep } from './activities-helpers.js';

const COLOR_PATH = '/deployment/color/';

describe('monitorWindow and verifyWindow: checks and metrics in one activity', () => {
  let lab: Lab;
  let metricServer: Server;
  let metricUrl: string;
  let errors = 0;
  const { monitorWindow } = createMonitorWindowActivity(
    checkMeasureContext({ probeTimeoutMs: 2_000 }),
    metricMeasureContext({ timeoutMs: 2_000 }),
  );
  const { verifyWindow } = createVerifyWindowActivity(
    checkMeasureContext({ probeTimeoutMs: 2_000 }),
    metricMeasureContext({ timeoutMs: 2_000 }),
  );

  beforeAll(async () => {
    lab = await startLab();
    metricServer = createServer((_req, res) => res.end(JSON.stringify({ errors })));
    await new Promise<void>((resolve) => metricServer.listen(0, '127.0.0.1', resolve));
    metricUrl = `http://127.0.0.1:${(metricServer.address() as { port: number }).port}/metrics`;
  });
  afterAll(async () => {
    await new Promise((resolve) => metricServer?.close(resolve));
    await lab?.close();
  });
  beforeEach(() => {
    errors = 0;
    lab.apps.setHealthy('blue', true);
  });

  const analysis = (): AnalysisPlan => ({
    metrics: [
      {
        name: 'errors',
        source: { type: 'json', url: metricUrl, pointer: '/errors' },
        window: '1m',
        unit: 'number',
        pass: { max: 1 },
        noData: 'inconclusive',
      },
    ],
    count: 0,
    intervalMs: 50,
    initialDelayMs: 0,
    failureLimit: 2,
    onInconclusive: { action: 'ask', timeoutMs: 60_000, default: 'fail' },
  });
  const input = (durationMs: number): MonitorWindowInput => ({
    checks: {
      checks: [
        { provider: 'http-health', name: 'health', url: `${lab.publicUrl}/health` },
        { provider: 'color', name: 'color', url: `${lab.publicUrl}${COLOR_PATH}`, expect: 'blue' },
      ],
      durationMs,
      intervalMs: 50,
      failureThreshold: 3,
    },
    metrics: { mode: 'monitor', analysis: analysis(), color: 'blue', liveColor: 'green', service: 'svc', sha: 'abc', durationMs },
  });

  it('a healthy window: both parts run to its end; one heartbeat carries the tally and the probes', async () => {
    const run = activityEnv();
    const started = Date.now();
    const result = await run.run(monitorWindow, input(600));
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(result.endedBy).toBeUndefined();
    expect(result.checks).toMatchObject({ verdict: 'healthy', failedRounds: 0 });
    // Rounds repeat to the end (12 at 50 ms when idle; a loaded CI machine managed 3): at least
    // two of each shows the loop went on, the elapsed time above that it ran the whole window.
    expect(result.checks.rounds).toBeGreaterThanOrEqual(2);
    expect(result.metrics.verdict).toBe('pass');
    expect(result.metrics.rounds).toBeGreaterThanOrEqual(2);
    const last = run.heartbeats.at(-1) as MonitorWindowProgress;
    // The shape client/live-analysis.ts reads, at the top level.
    expect(last).toMatchObject({ mode: 'monitor', metrics: [{ name: 'errors', verdict: 'running' }] });
    expect(typeof last.rounds).toBe('number');
    expect(last.probes).toMatchObject({ failures: 0, consecutiveFailures: 0 });
  });

  it('failing metrics end the window early, probes included', async () => {
    const running = activityEnv().run(monitorWindow, input(60_000));
    await sleep(200);
    errors = 5;
    const failedAt = Date.now();
    const result = await running;
    expect(Date.now() - failedAt).toBeLessThan(1_000);
    expect(result.endedBy).toBe('metrics');
    expect(result.metrics.verdict).toBe('fail');
    expect(result.metrics.reason).toMatch(/^errors 5 > 1 \(\d+\/\d+ passed, 2 failed\)$/);
    expect(result.checks.verdict).toBe('healthy');
  });

  it('failing probes end the window early, metrics included', async () => {
    const running = activityEnv().run(monitorWindow, input(60_000));
    await sleep(200);
    lab.apps.setHealthy('blue', false);
    const failedAt = Date.now();
    const result = await running;
    expect(Date.now() - failedAt).toBeLessThan(1_000);
    expect(result.endedBy).toBe('checks');
    expect(result.checks).toMatchObject({ verdict: 'unhealthy', lastFailure: expect.stringMatching(/^health: HTTP 503/) });
  });

  it('a retried attempt resumes both parts from the last heartbeat', async () => {
    const first = activityEnv();
    const killed = first.run(monitorWindow, input(1_000));
    await sleep(500);
    first.env.cancel();
    await rejectionOf(killed);
    const beat = first.heartbeats.at(-1) as MonitorWindowProgress;
    expect(beat.rounds).toBeGreaterThan(0);
    expect(beat.probes!.probes).toBeGreaterThan(0);
    const started = Date.now();
    const result = await activityEnv({ attempt: 2, heartbeatDetails: beat }).run(monitorWindow, input(1_000));
    // The rest of the window, not a new one; the counts go on from the heartbeat.
    expect(Date.now() - started).toBeLessThan(800);
    expect(result.checks.rounds).toBeGreaterThan(beat.probes!.probes);
    expect(result.metrics.rounds).toBeGreaterThan(beat.rounds!);
    expect(result.metrics.metrics[0]!.total).toBe(result.metrics.rounds);
  });

  it('stops promptly when cancelled (a rollback or promote signal)', async () => {
    const run = activityEnv({ heartbeatTimeoutMs: 3_000 });
    const running = run.run(monitorWindow, input(60_000));
    await sleep(300);
    const cancelledAt = Date.now();
    run.env.cancel();
    expect(await rejectionOf(running)).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - cancelledAt).toBeLessThan(300);
  });

  const verifyInput = (count: number, timeoutMs = 5_000): VerifyWindowInput => ({
    checks: {
      checks: [
        { provider: 'http-health', name: 'health', url: `${lab.appUrls.green}/health` },
        { provider: 'color', name: 'color', url: `${lab.appUrls.green}${COLOR_PATH}`, expect: 'green' },
      ],
      successes: 3,
      intervalMs: 50,
      timeoutMs,
    },
    metrics: {
      mode: 'verify',
      analysis: { ...analysis(), count },
      color: 'green',
      liveColor: 'blue',
      service: 'svc',
      sha: 'abc',
    },
  });

  it('verify: the checks pass in a row, then the metrics run count rounds; one heartbeat carries both', async () => {
    lab.apps.setHealthy('green', true);
    const run = activityEnv();
    const result = await run.run(verifyWindow, verifyInput(4));
    expect(result.checks).toMatchObject({ ok: true, rounds: 3 });
    expect(result.checks.checks.map((c) => [c.check, c.passes])).toEqual([
      ['health', 3],
      ['color', 3],
    ]);
    expect(result.metrics).toMatchObject({ verdict: 'pass', rounds: 4 });
    const beats = run.heartbeats as VerifyWindowProgress[];
    // Before the metrics: the checks' progress only; after: the tally at the top, the checks under `healthy`.
    expect(beats[0]).toMatchObject({ health: { attempts: 1, inARow: 1, needed: 3 } });
    expect(beats[0]!.metrics).toBeUndefined();
    expect(beats.at(-1)).toMatchObject({ mode: 'verify', rounds: 4, healthy: { ok: true, rounds: 3 } });
  });

  it('verify: failing checks end it before any metric round', async () => {
    lab.apps.setHealthy('green', false);
    try {
      const run = activityEnv();
      const result = await run.run(verifyWindow, verifyInput(4, 300));
      expect(result.checks).toMatchObject({ ok: false, lastFailure: expect.stringMatching(/^health: HTTP 503/) });
      expect(result.metrics).toBeUndefined();
      expect((run.heartbeats as VerifyWindowProgress[]).some((b) => b.metrics !== undefined)).toBe(false);
    } finally {
      lab.apps.setHealthy('green', true);
    }
  });

  it('verify: a retried attempt after the checks passed goes on with the metrics only', async () => {
    const first = activityEnv();
    const killed = first.run(verifyWindow, verifyInput(20));
    let beat: VerifyWindowProgress | undefined;
    for (let i = 0; i < 100 && !(beat?.rounds && beat.rounds >= 2); i++) {
      await sleep(20);
      beat = first.heartbeats.at(-1) as VerifyWindowProgress;
    }
    first.env.cancel();
    await rejectionOf(killed);
    beat = first.heartbeats.at(-1) as VerifyWindowProgress;
    expect(beat.healthy).toMatchObject({ ok: true, rounds: 3 });
    lab.apps.setHealthy('green', false); // measured again, the checks would fail now
    try {
      const result = await activityEnv({ attempt: 2, heartbeatDetails: beat }).run(verifyWindow, verifyInput(20));
      expect(result.checks).toMatchObject({ ok: true, rounds: 3 });
      expect(result.metrics).toMatchObject({ verdict: 'pass', rounds: 20 });
      expect(result.metrics!.metrics[0]!.total).toBe(20);
    } finally {
      lab.apps.setHealthy('green', true);
    }
  });
});
