// The monitor window in one activity (analysis/monitor-window.ts): the probes against the lab's
// router and a JSON metric from a loopback server, side by side, in a real activity context.
// The first failure ends both; one heartbeat carries the metric tally (what client/live-analysis
// reads) and the probes' progress; a retried attempt resumes both from it.
import { createServer, type Server } from 'node:http';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkMeasureContext } from '../analysis/activities.js';
import { metricMeasureContext } from '../analysis/metric-activities.js';
import type { AnalysisPlan } from '../analysis/metric-plan.js';
import { createMonitorWindowActivity, type MonitorWindowInput, type MonitorWindowProgress } from '../analysis/monitor-window.js';
import { startLab, type Lab } from '../lab/index.js';
import { activityEnv, rejectionOf, sleep } from './activities-helpers.js';

const COLOR_PATH = '/deployment/color/';

describe('monitorWindow: probes and metrics in one activity', () => {
  let lab: Lab;
  let metricServer: Server;
  let metricUrl: string;
  let errors = 0;
  const { monitorWindow } = createMonitorWindowActivity(
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
    expect(result.checks.rounds).toBeGreaterThanOrEqual(5);
    expect(result.metrics.verdict).toBe('pass');
    expect(result.metrics.rounds).toBeGreaterThanOrEqual(5);
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
});
