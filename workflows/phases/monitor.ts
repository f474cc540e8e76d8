// monitor: watch the new color under traffic for the monitor window. Ends healthy (window
// passed, or promoted early), or returns why to roll back (failed checks with automatic
// rollback, or a human's rollback request). Without automatic rollback a failed window waits
// for a human to choose rollback or promote.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { monitorChecksOf } from '../../analysis/checks.js';
import type { MonitorChecksResult } from '../../analysis/types.js';
import { waiting } from '../activity-proxies.js';
import { usesAnalysisChecks } from '../analysis-patch.js';
import { describeFailure } from '../failures.js';
import { formatDuration } from '../format.js';
import type { PhaseContext } from './context.js';
import { rollbackRequested } from './rollback.js';

/** Returns why to roll back, or undefined when the new color held (or was promoted). */
export async function monitorPhase(ctx: PhaseContext): Promise<string | undefined> {
  const { plan, tracker, human } = ctx;
  const { durationMs, intervalMs, failureThreshold } = plan.monitor;
  const rollbackHint = `npx bluegreen rollback ${plan.service} --by <name> --reason "..."`;
  tracker.start('monitor', `probing ${plan.publicUrl} every ${formatDuration(intervalMs)} for ${formatDuration(durationMs)}`);
  tracker.setWaitingFor(
    `the monitor window to end by itself (no action needed). To end it early: npx bluegreen promote ${plan.service} --by <name>; to switch back: ${rollbackHint}`,
  );
  const scope = new CancellationScope();
  const monitoring = scope.run(() => runChecks(ctx));
  const interrupted = condition(() => human.rollback !== undefined || human.promote !== undefined);
  let verdict: 'healthy' | 'unhealthy' | 'interrupted';
  let reason: string | undefined;
  try {
    const first = await Promise.race([monitoring, interrupted.then(() => undefined)]);
    if (first === undefined) {
      verdict = 'interrupted';
      scope.cancel();
      await monitoring.catch((err) => {
        if (!isCancellation(err)) throw err;
      });
    } else {
      verdict = first.verdict;
      if (first.checks.length > 0) tracker.setAnalysis('monitor', first.checks);
      tracker.setMonitor({
        probes: first.rounds,
        failures: first.failedRounds,
        consecutiveFailures: first.verdict === 'unhealthy' ? failureThreshold : 0,
        ...(first.lastFailure !== undefined ? { lastFailure: first.lastFailure } : {}),
      });
      reason = `${failureThreshold} consecutive failures on ${plan.publicUrl}: ${first.lastFailure ?? 'unknown'}`;
    }
  } catch (err) {
    if (human.rollback || human.promote) {
      verdict = 'interrupted';
    } else {
      verdict = 'unhealthy';
      reason = `monitoring failed: ${describeFailure(err)}`;
    }
  }
  tracker.setWaitingFor(undefined);

  if (verdict === 'interrupted' && human.rollback) {
    tracker.finish('monitor', 'cancelled', `rollback requested by ${human.rollback.by}`);
    return rollbackRequested(human.rollback);
  }
  if (verdict === 'interrupted' && human.promote) {
    tracker.finish('monitor', 'succeeded', `promoted early by ${human.promote.by}`);
    return undefined;
  }
  if (verdict === 'healthy') {
    tracker.finish('monitor', 'succeeded', `healthy for ${formatDuration(durationMs)}`);
    return undefined;
  }
  tracker.finish('monitor', 'failed', reason);
  if (plan.rollback.automatic) return reason;
  // No automatic rollback: a human decides, the deployment waits for them.
  tracker.setWaitingFor(`a decision: monitoring failed. ${rollbackHint} or npx bluegreen promote ${plan.service} --by <name>`);
  await condition(() => human.rollback !== undefined || human.promote !== undefined);
  tracker.setWaitingFor(undefined);
  return human.rollback ? rollbackRequested(human.rollback) : undefined;
}

/** The monitor window's checks in one heartbeating activity (the pre-seam activity for older deployments). */
async function runChecks(ctx: PhaseContext): Promise<MonitorChecksResult> {
  const { plan, target } = ctx;
  const { durationMs, intervalMs, failureThreshold } = plan.monitor;
  const summary = { summary: `monitor ${plan.publicUrl} for ${formatDuration(durationMs)}` };
  if (usesAnalysisChecks()) {
    const checks = monitorChecksOf(plan, target);
    return waiting(plan, durationMs).monitorChecks.executeWithOptions(summary, [
      { checks, durationMs, intervalMs, failureThreshold },
    ]);
  }
  const old = await waiting(plan, durationMs).monitorPublicEndpoint.executeWithOptions(summary, [
    {
      publicUrl: plan.publicUrl,
      healthPath: plan.verify.healthPath,
      colorUrl: plan.publicUrl + plan.colorPath,
      expectColor: target,
      durationMs,
      intervalMs,
      failureThreshold,
    },
  ]);
  return {
    verdict: old.verdict,
    rounds: old.probes,
    failedRounds: old.failures,
    checks: [],
    ...(old.lastFailure ? { lastFailure: old.lastFailure } : {}),
  };
}
