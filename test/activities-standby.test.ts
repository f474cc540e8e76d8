// The hot standby's probes in a real activity context against the lab's apps (analysis/standby.ts):
// the monitor's rounds probe the old color too and report it at the end (unhealthy after
// `failures` failed rounds in a row, healthy again with one passing round), the bake's watch ends
// as soon as the old color reaches the state it waits for, and the look before a rollback stops at
// the first passing round or after `failures` failing ones.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnalysisActivities } from '../analysis/activities.js';
import type { CheckPlan, MonitorChecksInput, StandbyProbeInput } from '../analysis/types.js';
import { startLab, type Lab } from '../lab/index.js';
import { activityEnv, sleep } from './activities-helpers.js';

describe('the hot standby probes', () => {
  let lab: Lab;
  const analysis = createAnalysisActivities({ probeTimeoutMs: 2_000 });

  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab?.close();
  });
  beforeEach(() => {
    lab.apps.setHealthy('blue', true);
    lab.apps.setHealthy('green', true);
  });

  const checksOf = (color: 'blue' | 'green'): CheckPlan[] => [
    { provider: 'http-health', name: 'health', url: `${lab.appUrls[color]}/health` },
    { provider: 'color', name: 'color', url: `${lab.appUrls[color]}/deployment/color/`, expect: color },
  ];
  const standby = (over: Partial<StandbyProbeInput> = {}): StandbyProbeInput => ({
    color: 'blue',
    checks: checksOf('blue'),
    failures: 3,
    ...over,
  });
  const monitorInput = (over: Partial<MonitorChecksInput> = {}): MonitorChecksInput => ({
    checks: checksOf('green'),
    durationMs: 600,
    intervalMs: 50,
    failureThreshold: 3,
    standby: standby(),
    ...over,
  });

  it("the monitor's rounds probe the old color beside the new one and report it at the end", async () => {
    const result = await activityEnv().run(analysis.monitorChecks, monitorInput());
    expect(result.verdict).toBe('healthy');
    expect(result.standby).toMatchObject({ color: 'blue', healthy: true, consecutiveFailures: 0 });
    // One standby round per monitor round.
    expect(result.standby?.probes).toBe(result.rounds);
    expect(Date.parse(result.standby!.probedAt!)).toBeGreaterThan(Date.now() - 5_000);
  });

  it('the old color unhealthy for `failures` rounds in a row is reported unhealthy, with the reason; the new one stays judged alone', async () => {
    lab.apps.setHealthy('blue', false);
    const run = activityEnv();
    const result = await run.run(analysis.monitorChecks, monitorInput());
    expect(result.verdict).toBe('healthy');
    expect(result.failedRounds).toBe(0);
    expect(result.standby).toMatchObject({ color: 'blue', healthy: false });
    expect(result.standby?.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(result.standby?.lastFailure).toMatch(/^health: HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/health/);
    // The heartbeat carries it too (a retried attempt resumes the count).
    expect(run.heartbeats.at(-1)).toMatchObject({ standby: { color: 'blue', healthy: false } });
  });

  it("the bake's watch (no checks of its own) ends as soon as the old color is unhealthy", async () => {
    const started = Date.now();
    const running = activityEnv().run(
      analysis.monitorChecks,
      monitorInput({ checks: [], durationMs: 60_000, standby: standby({ until: 'unhealthy' }) }),
    );
    await sleep(200);
    lab.apps.setHealthy('blue', false);
    const result = await running;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.rounds).toBe(0);
    expect(result.standby).toMatchObject({ healthy: false, consecutiveFailures: 3 });
  });

  it('the look before a rollback: the first passing round says healthy; `failures` failing rounds say unhealthy', async () => {
    const healthy = await activityEnv().run(analysis.checkStandby, {
      color: 'blue',
      checks: checksOf('blue'),
      failures: 3,
      spacingMs: 50,
    });
    expect(healthy).toMatchObject({ color: 'blue', healthy: true, probes: 1 });

    lab.apps.setHealthy('blue', false);
    const unhealthy = await activityEnv().run(analysis.checkStandby, {
      color: 'blue',
      checks: checksOf('blue'),
      failures: 3,
      spacingMs: 50,
    });
    expect(unhealthy).toMatchObject({ color: 'blue', healthy: false, probes: 3, consecutiveFailures: 3 });
    expect(unhealthy.lastFailure).toMatch(/^health: HTTP 503/);
  });

  it('the look before a rollback: an old color answering the other color is not healthy', async () => {
    const result = await activityEnv().run(analysis.checkStandby, {
      color: 'blue',
      checks: checksOf('blue').map((c) => (c.provider === 'color' ? { ...c, url: `${lab.appUrls.green}/deployment/color/` } : c)),
      failures: 2,
      spacingMs: 50,
    });
    expect(result).toMatchObject({ healthy: false, probes: 2 });
    expect(result.lastFailure).toMatch(/answers "green", expected "blue"/);
  });
});
