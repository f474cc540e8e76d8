// verify with metrics in ONE heartbeating activity: the health checks until `successes` pass in a row, then the metric rounds (analysis/verify-window.ts).
// The rules: the metrics only after the checks passed, all before the
// approval gate; verify.tests beside the metrics, never before the checks passed; the first
// failure cancels the rest; onFailure.verify: ask retries a failed health gate (a new
// activity); an inconclusive analysis goes to decideInconclusive.
//
// verify.tests start when the checks pass while the one activity goes on: the activity signals
// its own workflow (`verifyHealthy`, one history event, sent only when tests exist). Chosen over
// keeping the checks a separate activity whenever tests exist, because then verify is always
// one activity with one heartbeat shape, and the signal costs fewer events (1 + a workflow task)
// than a second activity (3 + a workflow task). A forged signal cannot move traffic: it needs the
// token the workflow put in the activity's input (uuid4, otherwise ignored), it can at most
// start the tests early, and whether verify passed comes only from the activity's result (its
// checks and its metrics) and from the tests' own runs; the switch still waits for approval.
import { condition, log, setHandler, uuid4 } from '@temporalio/workflow';
import { verifyChecksOf } from '../../analysis/checks.js';
import type { AnalysisResult } from '../../contract/metric-tally.js';
import type { VerifyWindowInput } from '../../analysis/verify-window.js';
import type { VerifyChecksResult } from '../../analysis/types.js';
import { waiting } from '../activity-proxies.js';
import { DeploymentStop } from '../../contract/failures.js';
import { formatDuration } from '../../contract/format.js';
import { verifyHealthySignal } from '../../contract/messages.js';
import { oneAtATime, runWithRetry } from '../step-retry.js';
import {
  analysisBudgetMs,
  analyzeInput,
  firstStopCancels,
  judgingText,
  metricNames,
  metricStop,
  runningAnalysis,
  settleVerifyAnalysis,
} from './analysis.js';
import type { PhaseContext } from './context.js';
import { retryOf } from './deploy.js';
import { runTest } from './verify-tests.js';
import { deprecatedPatch } from '../../contract/patches.js';

/** Whether this deployment's verify runs as one activity: with verify metrics. */
export function verifiesInOneActivity(ctx: PhaseContext): boolean {
  if (ctx.plan.analysis?.verify === undefined) return false;
  deprecatedPatch('verify-in-one-activity');
  return true;
}

/** The gate the tests wait on: opened by the activity's `verifyHealthy` signal with this token. */
function healthGate(): { token: string; open: () => boolean } {
  const token = uuid4();
  let open = false;
  setHandler(verifyHealthySignal, (input) => {
    if (input?.token === token) open = true;
    else log.warn('Ignored a verifyHealthy signal without the token of this verify');
  });
  return { token, open: () => open };
}

export async function verifyInOneActivity(ctx: PhaseContext): Promise<void> {
  const { plan, tracker, target } = ctx;
  const analysis = plan.analysis!.verify!;
  const tests = plan.verifyTests ?? [];
  const env = plan.environments[target];
  const { successes, intervalMs, timeoutMs, healthPath } = plan.verify;
  const gate = tests.length > 0 ? healthGate() : undefined;
  const judging = judgingText(analysis, tests);
  const input: VerifyWindowInput = {
    checks: { checks: verifyChecksOf(plan, target), successes, intervalMs, timeoutMs },
    metrics: analyzeInput(ctx, 'verify', analysis),
    ...(gate ? { healthyToken: gate.token } : {}),
  };
  // The first failure cancels the rest: no point waiting 30 minutes for e2e when errors already fail.
  const { scope, failFast, stopped } = firstStopCancels();
  const asking = oneAtATime();
  let checks: VerifyChecksResult | undefined;
  let result: AnalysisResult | undefined;
  let finished = false;
  const judge = async (attempt: number) => {
    const again = attempt > 1 ? `attempt ${attempt}: ` : '';
    tracker.start(
      'verify',
      `${again}${env.url}${healthPath} must pass ${successes}× in a row and answer ${target}, then judged by ${judging}`,
    );
    tracker.setAnalysis('verify', { metrics: runningAnalysis(analysis, 'verify') });
    finished = false;
    const done = await waiting(plan, timeoutMs + analysisBudgetMs(analysis)).verifyWindow.executeWithOptions(
      { summary: `verify ${target} at ${env.url}, then judge it by ${metricNames(analysis)}` },
      [input],
    );
    tracker.setAnalysis('verify', { checks: done.checks.checks });
    if (!done.checks.ok || !done.metrics) {
      tracker.setAnalysis('verify', { metrics: 'drop-running' });
      const why = `${target} not healthy after ${formatDuration(timeoutMs)}: ${done.checks.lastFailure ?? 'unknown'}`;
      tracker.finish('verify', 'failed', why);
      finished = true;
      throw new DeploymentStop('FAILED', `verify failed: ${why}; traffic untouched on ${ctx.active}`);
    }
    checks = done.checks;
    result = done.metrics;
    tracker.setAnalysis('verify', { metrics: done.metrics });
    return done.metrics;
  };
  const runTests = async () => {
    await condition(gate!.open);
    tracker.update('verify', { detail: `healthy; judging ${target}: ${judging}` });
    await Promise.all(tests.map((test) => runTest(ctx, test, asking).catch(failFast)));
  };
  await scope.run(() =>
    Promise.all([
      // Only a failed health gate asks (onFailure.verify); a failed metric stops at once.
      runWithRetry({ ...retryOf(ctx), phase: 'verify', policy: plan.onFailure?.verify, run: judge })
        .then((metrics) => metricStop(ctx, metrics))
        .catch(failFast),
      ...(gate ? [runTests().catch(failFast)] : []),
    ]),
  );
  tracker.setAnalysis('verify', { metrics: 'drop-running' });
  const stop = stopped();
  if (stop) {
    if (!finished) tracker.finish('verify', 'failed', stop.message.replace(/^verify failed: /, ''));
    throw stop;
  }
  const judged = await settleVerifyAnalysis(ctx, analysis, tests, result);
  tracker.finish('verify', 'succeeded', `${checks!.rounds} probes, ${successes} in a row healthy; ${judged}`);
}
