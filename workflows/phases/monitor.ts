// monitor: watch the new color under traffic for the monitor window. Ends healthy (window
// passed, or promoted early), or returns why to roll back (failed checks with automatic
// rollback, or a human's rollback request). Without automatic rollback a failed window waits
// for a human to choose rollback or promote.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { monitorChecksOf } from '../../analysis/checks.js';
import type { MonitorChecksInput, MonitorChecksResult } from '../../analysis/types.js';
import { waiting } from '../activity-proxies.js';
import { usesAnalysisChecks } from '../../contract/analysis-patch.js';
import { describeFailure } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import type { AnalysisResult } from '../../contract/metric-tally.js';
import type { MonitorWindowResult } from '../../analysis/monitor-window.js';
import { monitorAnalysis, monitorWindow, settleMonitorAnalysis } from './analysis.js';
import type { PhaseContext } from './context.js';
import { rollbackRequested } from './rollback.js';
import { notifyEvent } from '../notify-points.js';
import { decisionCommand } from '../../contract/commands.js';

/** Returns why to roll back, or undefined when the new color held (or was promoted). */
export async function monitorPhase(ctx: PhaseContext): Promise<string | undefined> {
  const { plan, tracker, human } = ctx;
  const { durationMs, intervalMs, failureThreshold } = plan.monitor;
  const rollbackHint = decisionCommand('rollback', plan.service, '--reason "..."');
  const promoteHint = decisionCommand('promote', plan.service);
  tracker.start('monitor', `probing ${plan.publicUrl} every ${formatDuration(intervalMs)} for ${formatDuration(durationMs)}`);
  tracker.setWaitingFor(
    `the monitor window to end by itself (no action needed). To end it early: ${promoteHint}; to switch back: ${rollbackHint}`,
  );
  const checks: MonitorChecksInput = { checks: monitorChecksOf(plan, ctx.target), durationMs, intervalMs, failureThreshold };
  const together = monitorWindow(ctx, checks);
  const watched = together ? await watchTogether(ctx, together) : await watchApart(ctx, checks);
  let { verdict, reason } = watched;
  const { analysed } = watched;
  tracker.setWaitingFor(undefined);
  tracker.setAnalysis('monitor', { metrics: 'drop-running' });

  if (verdict === 'interrupted' && human.rollback) {
    tracker.finish('monitor', 'cancelled', `rollback requested by ${human.rollback.by}`);
    return rollbackRequested(human.rollback);
  }
  if (verdict === 'interrupted' && human.promote) {
    tracker.finish('monitor', 'succeeded', `promoted early by ${human.promote.by}`);
    return undefined;
  }
  if (analysed && (verdict === 'healthy' || analysed.verdict === 'fail')) {
    const why = await settleMonitorAnalysis(ctx, analysed);
    if (why && human.promote) {
      tracker.finish('monitor', 'succeeded', `promoted by ${human.promote.by} despite: ${why}`);
      return undefined;
    }
    if (why && human.rollback) {
      tracker.finish('monitor', 'failed', why);
      return rollbackRequested(human.rollback);
    }
    if (why) {
      verdict = 'unhealthy';
      reason = why;
    }
  }
  if (verdict === 'healthy') {
    const metrics = analysed ? `; ${analysed.reason}` : '';
    tracker.finish('monitor', 'succeeded', `healthy for ${formatDuration(durationMs)}${metrics}`);
    return undefined;
  }
  tracker.finish('monitor', 'failed', reason);
  notifyEvent(ctx, { type: 'analysis-failed', phase: 'monitor', ...(reason ? { detail: reason } : {}) });
  if (plan.rollback.automatic) return reason;
  // No automatic rollback: a human decides, the deployment waits for them.
  tracker.setWaitingFor(`a decision: monitoring failed. ${rollbackHint} or ${promoteHint}`);
  await condition(() => human.rollback !== undefined || human.promote !== undefined);
  tracker.setWaitingFor(undefined);
  return human.rollback ? rollbackRequested(human.rollback) : undefined;
}

interface Watched {
  verdict: 'healthy' | 'unhealthy' | 'interrupted';
  reason?: string | undefined;
  analysed?: AnalysisResult | undefined;
}

/** The probes' result into the status; returns the rollback reason should they have failed. */
function probesSettled(ctx: PhaseContext, first: MonitorChecksResult): string {
  const { plan, tracker } = ctx;
  const { failureThreshold } = plan.monitor;
  if (first.checks.length > 0) tracker.setAnalysis('monitor', { checks: first.checks });
  tracker.setMonitor({
    probes: first.rounds,
    failures: first.failedRounds,
    consecutiveFailures: first.verdict === 'unhealthy' ? failureThreshold : 0,
    ...(first.lastFailure !== undefined ? { lastFailure: first.lastFailure } : {}),
  });
  return `${failureThreshold} consecutive failures on ${plan.publicUrl}: ${first.lastFailure ?? 'unknown'}`;
}

/** A part of the window after its scope was cancelled: its result, or undefined when cancelled; other errors pass. */
function unlessCancelled<T>(part: Promise<T>): Promise<T | undefined> {
  return part.catch((err: unknown) => {
    if (!isCancellation(err)) throw err;
    return undefined;
  });
}

function watchFailed(ctx: PhaseContext, err: unknown): Watched {
  if (ctx.human.rollback || ctx.human.promote) return { verdict: 'interrupted' };
  return { verdict: 'unhealthy', reason: `monitoring failed: ${describeFailure(err)}` };
}

/** Deployments with monitor metrics since patch one-analysis-activity: one activity, same outcomes as watchApart. */
async function watchTogether(ctx: PhaseContext, start: () => Promise<MonitorWindowResult>): Promise<Watched> {
  const { human } = ctx;
  const scope = new CancellationScope();
  const together = scope.run(start);
  const interrupted = condition(() => human.rollback !== undefined || human.promote !== undefined);
  try {
    const first = await Promise.race([together, interrupted.then(() => undefined)]);
    if (first === undefined) {
      scope.cancel();
      await unlessCancelled(together);
      return { verdict: 'interrupted' };
    }
    // Failing metrics ended the window: the probes' counts stay out of the status.
    if (first.endedBy === 'metrics') return { verdict: 'unhealthy', analysed: first.metrics };
    const reason = probesSettled(ctx, first.checks);
    // Failing probes ended the window: the cut-short analysis is not judged.
    return { verdict: first.checks.verdict, reason, ...(first.endedBy === 'checks' ? {} : { analysed: first.metrics }) };
  } catch (err) {
    return watchFailed(ctx, err);
  }
}

/** The probes and (deployments before one-analysis-activity) the metrics in two activities. */
async function watchApart(ctx: PhaseContext, checks: MonitorChecksInput): Promise<Watched> {
  const { human } = ctx;
  const { durationMs } = checks;
  const scope = new CancellationScope();
  const monitoring = scope.run(() => runChecks(ctx, checks));
  // The metric analysis runs beside the probes, in the same scope; a failing metric
  // ends the window at once, as failing probes do.
  const analysing = scope.run(async () => monitorAnalysis(ctx, durationMs));
  const analysisFailed = analysing.then(
    (r) => (r?.verdict === 'fail' ? r : new Promise<never>(() => undefined)),
    (err: unknown) => (isCancellation(err) ? new Promise<never>(() => undefined) : Promise.reject(err)),
  );
  const interrupted = condition(() => human.rollback !== undefined || human.promote !== undefined);
  let verdict: Watched['verdict'];
  let reason: string | undefined;
  let analysed: AnalysisResult | undefined;
  try {
    const first = await Promise.race([
      monitoring,
      analysisFailed.then((r) => ({ analysisFailure: r })),
      interrupted.then(() => undefined),
    ]);
    if (first === undefined) {
      verdict = 'interrupted';
      scope.cancel();
      await unlessCancelled(monitoring);
    } else if ('analysisFailure' in first) {
      verdict = 'unhealthy';
      analysed = first.analysisFailure;
      scope.cancel();
      await unlessCancelled(monitoring);
    } else {
      verdict = first.verdict;
      reason = probesSettled(ctx, first);
      // Failing probes end the window; the analysis of a healthy one ends with it.
      if (verdict === 'unhealthy') scope.cancel();
      analysed = await unlessCancelled(analysing);
    }
  } catch (err) {
    return { ...watchFailed(ctx, err), analysed };
  }
  return { verdict, reason, analysed };
}

/** The monitor window's checks in one heartbeating activity (the pre-seam activity for older deployments). */
async function runChecks(ctx: PhaseContext, checks: MonitorChecksInput): Promise<MonitorChecksResult> {
  const { plan, target } = ctx;
  const { durationMs, intervalMs, failureThreshold } = checks;
  const summary = { summary: `monitor ${plan.publicUrl} for ${formatDuration(durationMs)}` };
  if (usesAnalysisChecks()) return waiting(plan, durationMs).monitorChecks.executeWithOptions(summary, [checks]);
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
