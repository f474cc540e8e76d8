// The verify phase in ONE heartbeating activity (deployments with verify metrics): the health rounds (verifyChecks) until `successes` pass
// in a row, then the metric rounds (count × interval), so verify adds one
// activity's events to the history instead of two. One heartbeat carries both: the metric
// tally at the top (the shape client/live-analysis.ts reads), the checks' progress under
// `health` and, once they passed, their result under `healthy`; a retried attempt resumes from
// it (a passed health gate is not measured again). With verify.tests the activity signals its
// own workflow when the checks pass (`verifyHealthy`, with the token of its input): the tests
// start then, beside the metric rounds (workflows/phases/verify-window.ts says why a signal).
import { ApplicationFailure, Context } from '@temporalio/activity';
import { heartbeat } from '../activities/heartbeat.js';
import { verifyHealthySignal } from '../contract/messages.js';
import { checkUntilHealthy, sharedHeartbeat, type VerifyProgress } from './activities.js';
import { measureMetrics, type AnalysisProgress, type AnalyzeMetricsInput } from './metric-activities.js';
import type { AnalysisResult } from '../contract/metric-tally.js';
import type { MeasureContext } from './provider.js';
import type { VerifyChecksInput, VerifyChecksResult } from './types.js';

export interface VerifyWindowInput {
  checks: VerifyChecksInput;
  /** mode `verify`. */
  metrics: AnalyzeMetricsInput;
  /** verify.tests wait for the health gate: signal `verifyHealthy` with this token once the checks passed. */
  healthyToken?: string;
}

export interface VerifyWindowResult {
  checks: VerifyChecksResult;
  /** Absent when the checks failed: the metrics never started. */
  metrics?: AnalysisResult;
}

/** What verifyWindow heartbeats: the metric tally (AnalysisProgress) plus the checks' progress. */
export interface VerifyWindowProgress extends Partial<AnalysisProgress> {
  health?: VerifyProgress;
  /** The checks passed: a retried attempt goes on with the metrics. */
  healthy?: VerifyChecksResult;
}

/** Tells the deployment that the checks passed (idempotent: the handler only opens a gate). */
async function signalHealthy(token: string): Promise<void> {
  const { workflowExecution } = Context.current().info;
  if (!workflowExecution)
    throw ApplicationFailure.nonRetryable('verifyWindow runs for a deployment workflow only', 'ConfigError');
  const handle = Context.current().client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId);
  await handle.signal(verifyHealthySignal, { token });
}

export function createVerifyWindowActivity(checkContext: () => MeasureContext, metricContext: MeasureContext) {
  async function verifyWindow(input: VerifyWindowInput): Promise<VerifyWindowResult> {
    const resumed = Context.current().info.heartbeatDetails as VerifyWindowProgress | undefined;
    let health = resumed?.health;
    let healthy = resumed?.healthy?.ok === true ? resumed.healthy : undefined;
    let metrics: AnalysisProgress | undefined;
    const merged = (): VerifyWindowProgress => ({ ...metrics, ...(health ? { health } : {}), ...(healthy ? { healthy } : {}) });
    const io = <P>(keep: (p: P) => void) => sharedHeartbeat(keep, merged);
    if (!healthy) {
      const checked = await checkUntilHealthy(
        input.checks,
        checkContext,
        health,
        io<VerifyProgress>((p) => (health = p)),
      );
      if (!checked.ok) return { checks: checked };
      healthy = checked;
      health = undefined;
      heartbeat(merged());
    }
    // A failed signal fails the attempt; the retry resumes here (healthy) and signals again.
    if (input.healthyToken) await signalHealthy(input.healthyToken);
    // The metric tally is at the heartbeat's top only once the metrics started.
    const measured = await measureMetrics(
      input.metrics,
      metricContext,
      resumed?.healthy ? resumed : undefined,
      io<AnalysisProgress>((p) => (metrics = p)),
    );
    return { checks: healthy, metrics: measured };
  }
  return { verifyWindow };
}
