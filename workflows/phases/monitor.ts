// monitor: watch the new color under traffic for the monitor window. Ends healthy (window
// passed, or promoted early), or returns why to roll back (failed checks with automatic
// rollback, or a human's rollback request). Without automatic rollback a failed window waits
// for a human to choose rollback or promote.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { monitorChecksOf } from '../../analysis/checks.js';
import type { MonitorChecksInput, MonitorChecksResult } from '../../analysis/types.js';
import { describeFailure } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import type { AnalysisResult } from '../../contract/metric-tally.js';
import { monitorWindow, settleMonitorAnalysis, type WindowResult } from './analysis.js';
import type { PhaseContext } from './context.js';
import { rollbackRequested } from '../decisions.js';
import { notifyEvent } from '../notify-points.js';
import { decisionCommand } from '../../contract/commands.js';
import { recordStandby, standbyProbe } from './standby.js';

/** Returns why to roll back, or undefined when the new color held (or was promoted). */
export async function monitorPhase(ctx: PhaseContext): Promise<string | undefined> {
  const { plan, tracker, human } = ctx;
  const { durationMs, intervalMs } = plan.monitor;
  const rollbackHint = decisionCommand('rollback', plan.service, '--reason "..."');
  const promoteHint = decisionCommand('promote', plan.service);
  tracker.start('monitor', `probing ${plan.publicUrl} every ${formatDuration(intervalMs)} for ${formatDuration(durationMs)}`);
  tracker.setWaitingFor(
    `the monitor window to end by itself (no action needed). To end it early: ${promoteHint}; to switch back: ${rollbackHint}`,
  );
  const watched = await watchWindow(ctx, durationMs);
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

/**
 * The monitor's checks and metrics on the new color for `durationMs` (the monitor window, or one
 * traffic step's pause); ends early on a failure or a human's rollback or promote.
 */
export async function watchWindow(ctx: PhaseContext, durationMs: number, split = false): Promise<Watched> {
  const { intervalMs, failureThreshold } = ctx.plan.monitor;
  // Under a split (a traffic step below 100 %) the public endpoint answers both colors: its color
  // check would fail every round, and the step's sampled share has judged that already.
  const all = monitorChecksOf(ctx.plan, ctx.target);
  const probes = split ? all.filter((c) => !(c.provider === 'color' && c.name === 'color')) : all;
  // The old color in the same rounds (the hot standby), so a rollback knows where it goes.
  const standby = standbyProbe(ctx);
  const checks: MonitorChecksInput = {
    checks: probes,
    durationMs,
    intervalMs,
    failureThreshold,
    ...(standby ? { standby } : {}),
  };
  return watchProbesAndMetrics(ctx, monitorWindow(ctx, checks));
}

export interface Watched {
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

/** The window's one activity, its end decided first by failing probes or metrics, or by a person's rollback or promote. */
async function watchProbesAndMetrics(ctx: PhaseContext, start: () => Promise<WindowResult>): Promise<Watched> {
  const { human } = ctx;
  const scope = new CancellationScope();
  const window = scope.run(start);
  const interrupted = condition(() => human.rollback !== undefined || human.promote !== undefined);
  try {
    const first = await Promise.race([window, interrupted.then(() => undefined)]);
    if (first === undefined) {
      scope.cancel();
      await unlessCancelled(window);
      return { verdict: 'interrupted' };
    }
    recordStandby(ctx, first.checks.standby);
    // Failing metrics ended the window: the probes' counts stay out of the status.
    if (first.endedBy === 'metrics') return { verdict: 'unhealthy', analysed: first.metrics };
    const reason = probesSettled(ctx, first.checks);
    // Failing probes ended the window: the cut-short analysis is not judged.
    return { verdict: first.checks.verdict, reason, ...(first.endedBy === 'checks' ? {} : { analysed: first.metrics }) };
  } catch (err) {
    return watchFailed(ctx, err);
  }
}
