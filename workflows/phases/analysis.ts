// Metric analysis and the team's test workflows, as steps of the verify and monitor
// phases. verify: after the health checks and before the approval gate, the target color is
// measured (count × interval) while verify.tests run against its URL; a failure stops the
// deployment with traffic untouched. monitor: the metrics are measured beside the probes, in one
// activity; failureLimit failures in a row roll back. An inconclusive analysis asks a human (promote
// goes on; abort / rollback stops) or decides by itself, as onInconclusive says.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { deprecatedPatch } from '../../contract/patches.js';
import type { AnalyzeMetricsInput } from '../../analysis/metric-activities.js';
import type { AnalysisPlan } from '../../analysis/metric-plan.js';
import { emptyTally, type AnalysisResult } from '../../contract/metric-tally.js';
import type { MonitorWindowResult } from '../../analysis/monitor-window.js';
import type { MonitorChecksInput } from '../../analysis/types.js';
import { quick, waiting } from '../activity-proxies.js';
import { DeploymentStop, describeFailure } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import { oneAtATime } from '../step-retry.js';
import type { AnalysisStatus, VerifyTestPlan } from '../../contract/types.js';
import type { PhaseContext } from './context.js';
import { runTest } from './verify-tests.js';
import { decisionCommand } from '../../contract/commands.js';

/** Worst case of one measurement round: every query retried to its timeout (see analysis/prometheus/query.ts). */
const ROUND_ALLOWANCE_MS = 60_000;

export const metricNames = (a: AnalysisPlan) => a.metrics.map((m) => m.name).join(', ');

/**
 * The status while a phase's analysis runs: its metrics, no measurement yet. The counts come
 * with the activity's result; until then `bluegreen status` reads them from its heartbeat
 * (client/live-analysis.ts): the workflow cannot see a heartbeat without a history event.
 * State only, no command: no patch needed.
 */
export function runningAnalysis(analysis: AnalysisPlan, mode: 'verify' | 'monitor'): AnalysisStatus {
  return { verdict: 'running', reason: `measuring ${metricNames(analysis)}`, metrics: emptyTally(analysis, mode), rounds: 0 };
}

export function analyzeInput(
  ctx: PhaseContext,
  mode: 'verify' | 'monitor',
  analysis: AnalysisPlan,
  durationMs?: number,
): AnalyzeMetricsInput {
  return {
    mode,
    analysis,
    color: ctx.target,
    liveColor: ctx.active,
    service: ctx.plan.service,
    sha: ctx.sha,
    ...(durationMs !== undefined ? { durationMs } : {}),
  };
}

/** Plan time: every PromQL query parses, by Prometheus' own parser (when it can tell). */
export async function checkMetricQueries(ctx: PhaseContext): Promise<void> {
  const { analysis } = ctx.plan;
  const metrics = [...(analysis?.verify?.metrics ?? []), ...(analysis?.monitor?.metrics ?? [])];
  const unique = metrics.filter((m, i) => metrics.findIndex((n) => n.name === m.name) === i);
  if (!unique.some((m) => m.source.type === 'prometheus')) return;
  const problems = await quick.checkMetricQueries.executeWithOptions(
    { summary: `check the PromQL of ${unique.length} metrics` },
    [{ metrics: unique, color: ctx.target, service: ctx.plan.service, sha: ctx.sha }],
  );
  if (problems.length > 0) {
    ctx.tracker.finish('plan', 'failed', problems.join('; '));
    throw new DeploymentStop('FAILED', `invalid metric queries: ${problems.join('; ')}; traffic untouched on ${ctx.active}`);
  }
}

/** What verify judges the target by, for its detail: "error-rate, p90 3× every 30s and tests e2e". */
export function judgingText(analysis: AnalysisPlan | undefined, tests: VerifyTestPlan[]): string {
  return [
    analysis && `${metricNames(analysis)} ${analysis.count}× every ${formatDuration(analysis.intervalMs)}`,
    tests.length > 0 && `tests ${tests.map((t) => t.name).join(', ')}`,
  ]
    .filter(Boolean)
    .join(' and ');
}

/** Parts of a phase side by side in one scope: the first DeploymentStop cancels the rest. */
export function firstStopCancels(): {
  scope: CancellationScope;
  failFast: (err: unknown) => void;
  stopped: () => DeploymentStop | undefined;
} {
  const scope = new CancellationScope();
  let stop: DeploymentStop | undefined;
  const failFast = (err: unknown) => {
    if (err instanceof DeploymentStop) {
      stop ??= err;
      scope.cancel();
      return;
    }
    if (!isCancellation(err)) throw err;
  };
  return { scope, failFast, stopped: () => stop };
}

/** The metrics' verdict into a DeploymentStop, naming metric, value and bound. */
export function metricStop(ctx: PhaseContext, result: AnalysisResult): void {
  if (result.verdict === 'fail')
    throw new DeploymentStop('FAILED', `verify failed: ${result.reason}; traffic untouched on ${ctx.active}`);
}

/** verify without metrics: the test workflows side by side; throws DeploymentStop when one fails. */
export async function verifyTests(ctx: PhaseContext): Promise<string | undefined> {
  const { plan, tracker } = ctx;
  const tests = plan.verifyTests ?? [];
  if (tests.length === 0) return undefined;
  tracker.update('verify', { detail: `healthy; judging ${ctx.target}: ${judgingText(undefined, tests)}` });
  // The first failure cancels the rest: no point waiting 30 minutes for e2e when one already failed.
  const { scope, failFast, stopped } = firstStopCancels();
  const asking = oneAtATime();
  await scope.run(() => Promise.all(tests.map((test) => runTest(ctx, test, asking).catch(failFast))));
  const stop = stopped();
  if (stop) {
    tracker.finish('verify', 'failed', stop.message.replace(/^verify failed: /, ''));
    throw stop;
  }
  return settleVerifyAnalysis(ctx, undefined, tests, undefined);
}

/** How long verify's metric rounds may take: the delay, every round at its worst. */
export const analysisBudgetMs = (analysis: AnalysisPlan): number =>
  analysis.initialDelayMs + analysis.count * (analysis.intervalMs + ROUND_ALLOWANCE_MS);

/**
 * verify passed its metrics (or they were inconclusive) and its tests: an inconclusive verdict
 * is decided (onInconclusive), the GitHub Deployment record carries the verdict. Returns the
 * phase's summary; throws DeploymentStop when the decision stops the deployment.
 */
export async function settleVerifyAnalysis(
  ctx: PhaseContext,
  analysis: AnalysisPlan | undefined,
  tests: VerifyTestPlan[],
  result: AnalysisResult | undefined,
): Promise<string> {
  const { tracker } = ctx;
  if (result?.verdict === 'inconclusive') {
    const decision = await decideInconclusive(ctx, 'verify', result, analysis!);
    tracker.setAnalysis('verify', { metrics: { ...result, decidedBy: decision.by } });
    if (decision.verdict === 'fail') {
      const why = `metric analysis inconclusive: ${result.reason}; ${decision.by}`;
      tracker.finish('verify', 'failed', why);
      throw new DeploymentStop(decision.aborted ? 'ABORTED' : 'FAILED', `${why}; traffic untouched on ${ctx.active}`);
    }
  }
  const passedTests = tests.length > 0 ? `; tests ${tests.map((t) => t.name).join(', ')} passed` : '';
  const summary = `${result ? result.reason : ''}${passedTests}`.replace(/^; /, '');
  // The GitHub Deployment record carries the verdict while QA decides.
  await ctx.records.markInProgress(`verify passed: ${summary}`);
  return summary;
}

/**
 * onInconclusive: pass / fail decide at once; ask waits for promote (go on) or abort / rollback
 * (stop), up to its timeout, then takes its default. Returns the verdict and who decided.
 */
export async function decideInconclusive(
  ctx: PhaseContext,
  phase: 'verify' | 'monitor',
  result: AnalysisResult,
  analysis: AnalysisPlan,
): Promise<{ verdict: 'pass' | 'fail'; by: string; aborted?: boolean }> {
  const policy = analysis.onInconclusive;
  if (policy.action !== 'ask') return { verdict: policy.action, by: `onInconclusive: ${policy.action}` };
  const { plan, tracker, human } = ctx;
  const stopHint =
    phase === 'verify'
      ? decisionCommand('abort', plan.service, '--reason "..."')
      : decisionCommand('rollback', plan.service, '--reason "..."');
  tracker.setWaitingFor(
    `a decision on the inconclusive metric analysis (${result.reason}): to go on as if it passed, ${decisionCommand('promote', plan.service)}; to stop, ${stopHint} (otherwise ${policy.default} in ${formatDuration(policy.timeoutMs)})`,
  );
  human.analysisQuestionOpen = true;
  const decided = await condition(
    () => human.promote !== undefined || human.abort !== undefined || human.rollback !== undefined,
    policy.timeoutMs,
  );
  human.analysisQuestionOpen = false;
  tracker.setWaitingFor(undefined);
  if (!decided)
    return {
      verdict: policy.default,
      by: `nobody decided within ${formatDuration(policy.timeoutMs)} (default: ${policy.default})`,
    };
  if (human.promote) {
    const by = `promoted by ${human.promote.by}`;
    // Used up here: the monitor phase must not read it as "end the window early".
    if (phase === 'verify') delete human.promote;
    return { verdict: 'pass', by };
  }
  const stopper = human.abort ?? human.rollback!;
  return {
    verdict: 'fail',
    by: `stopped by ${stopper.by}${stopper.text ? `: ${stopper.text}` : ''}`,
    aborted: human.abort !== undefined,
  };
}

/** What the monitor window's activity found; `metrics` only with monitor metrics. */
export type WindowResult = Omit<MonitorWindowResult, 'metrics'> & { metrics?: AnalysisResult | undefined };

/**
 * The monitor window in one heartbeating activity, started in the monitor's cancellation scope:
 * with monitor metrics the probes and the metrics side by side (monitorWindow,
 * analysis/monitor-window.ts), without them the probes alone (monitorChecks).
 */
export function monitorWindow(ctx: PhaseContext, checks: MonitorChecksInput): () => Promise<WindowResult> {
  const { plan } = ctx;
  const { durationMs } = checks;
  const analysis = plan.analysis?.monitor;
  if (!analysis) {
    const summary = { summary: `monitor ${plan.publicUrl} for ${formatDuration(durationMs)}` };
    return async () => ({ checks: await waiting(plan, durationMs).monitorChecks.executeWithOptions(summary, [checks]) });
  }
  deprecatedPatch('one-analysis-activity');
  return () => {
    ctx.tracker.setAnalysis('monitor', { metrics: runningAnalysis(analysis, 'monitor') });
    return waiting(plan, monitorBudgetMs(analysis, durationMs)).monitorWindow.executeWithOptions(
      {
        summary: `monitor ${plan.publicUrl} and watch ${ctx.target} by ${metricNames(analysis)} for ${formatDuration(durationMs)}`,
      },
      [{ checks, metrics: analyzeInput(ctx, 'monitor', analysis, durationMs) }],
    );
  };
}

/** How long the monitor's analysis activity may run: the window, the delay, some slow rounds. */
function monitorBudgetMs(analysis: AnalysisPlan, durationMs: number): number {
  const rounds = Math.ceil(durationMs / Math.max(1, analysis.intervalMs)) + 1;
  return durationMs + analysis.initialDelayMs + Math.min(rounds, 10) * ROUND_ALLOWANCE_MS;
}

/** The monitor's analysis result into the status; returns why to roll back (or undefined). */
export async function settleMonitorAnalysis(ctx: PhaseContext, result: AnalysisResult): Promise<string | undefined> {
  const analysis = ctx.plan.analysis!.monitor!;
  const status: AnalysisStatus = { ...result };
  ctx.tracker.setAnalysis('monitor', { metrics: status });
  if (result.verdict === 'fail') return `metric analysis failed: ${result.reason}`;
  if (result.verdict === 'inconclusive') {
    const decision = await decideInconclusive(ctx, 'monitor', result, analysis);
    ctx.tracker.setAnalysis('monitor', { metrics: { ...result, decidedBy: decision.by } });
    if (decision.verdict === 'fail') return `metric analysis inconclusive: ${result.reason}; ${decision.by}`;
  }
  return undefined;
}

export { describeFailure };
