// The monitor window in ONE heartbeating activity (deployments with monitor metrics): the probe
// rounds (as monitorChecks runs them) and the metric rounds run side by side in it, so the
// window adds one activity's events to the history instead of two. The first failure that decides a rollback ends both loops; the
// workflow reads which one decided (`endedBy`) and words it the same way. One heartbeat carries
// both: the metric tally at the top (the shape client/live-analysis.ts reads) and the probes'
// progress under `probes`; a retried attempt resumes both from it.
import { Context } from '@temporalio/activity';
import { sharedHeartbeat, watchChecks, type MonitorProgress } from './activities.js';
import { measureMetrics, type AnalysisProgress, type AnalyzeMetricsInput } from './metric-activities.js';
import type { AnalysisResult } from '../contract/metric-tally.js';
import type { MeasureContext } from './provider.js';
import type { MonitorChecksInput, MonitorChecksResult } from './types.js';

export interface MonitorWindowInput {
  checks: MonitorChecksInput;
  /** mode `monitor`, durationMs the window. */
  metrics: AnalyzeMetricsInput;
}

export interface MonitorWindowResult {
  checks: MonitorChecksResult;
  metrics: AnalysisResult;
  /** Which part failed first and so ended the window early; absent when neither did. */
  endedBy?: 'checks' | 'metrics';
}

/** What monitorWindow heartbeats: the metric tally (AnalysisProgress) plus the probes' progress. */
export interface MonitorWindowProgress extends Partial<AnalysisProgress> {
  probes?: MonitorProgress;
}

export function createMonitorWindowActivity(checkContext: () => MeasureContext, metricContext: MeasureContext) {
  async function monitorWindow(input: MonitorWindowInput): Promise<MonitorWindowResult> {
    const resumed = Context.current().info.heartbeatDetails as MonitorWindowProgress | undefined;
    let probes: MonitorProgress | undefined;
    let metrics: AnalysisProgress | undefined;
    const merged = (): MonitorWindowProgress => ({ ...metrics, ...(probes ? { probes } : {}) });
    let endedBy: MonitorWindowResult['endedBy'] | 'error';
    let stop = () => undefined as void;
    const stopping = new Promise<void>((resolve) => (stop = resolve));
    const decide = (by: NonNullable<typeof endedBy>) => {
      endedBy ??= by;
      stop();
    };
    const io = <P>(keep: (p: P) => void) => sharedHeartbeat(keep, merged, stopping, () => endedBy !== undefined);
    const failed = (err: unknown): never => {
      decide('error');
      throw err;
    };
    const [checked, measured] = await Promise.allSettled([
      watchChecks(
        input.checks,
        checkContext,
        resumed?.probes,
        io<MonitorProgress>((p) => (probes = p)),
      ).then((r) => {
        if (r.verdict === 'unhealthy') decide('checks');
        return r;
      }, failed),
      measureMetrics(
        input.metrics,
        metricContext,
        resumed,
        io<AnalysisProgress>((p) => (metrics = p)),
      ).then((r) => {
        if (r.verdict === 'fail') decide('metrics');
        return r;
      }, failed),
    ]);
    if (checked.status === 'rejected') throw checked.reason;
    if (measured.status === 'rejected') throw measured.reason;
    const by = endedBy === 'checks' || endedBy === 'metrics' ? { endedBy } : {};
    return { checks: checked.value, metrics: measured.value, ...by };
  }
  return { monitorWindow };
}
