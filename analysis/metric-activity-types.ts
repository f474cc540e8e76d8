// The activity contract of metric analysis, for the workflow's activity proxies (types only).
import type { CheckMetricQueriesInput } from './metric-activities.js';
import type { MonitorWindowInput, MonitorWindowResult } from './monitor-window.js';
import type { VerifyWindowInput, VerifyWindowResult } from './verify-window.js';

/** Metric analysis: the rounds of a phase, the verify and monitor windows with metrics, the query check. */
export interface MetricActivities {
  /** monitor with metrics (new deployments): the probes and the metrics of the window in one activity. */
  monitorWindow(input: MonitorWindowInput): Promise<MonitorWindowResult>;
  /** verify with metrics (new deployments): the checks, then the metrics, in one activity. */
  verifyWindow(input: VerifyWindowInput): Promise<VerifyWindowResult>;
  checkMetricQueries(input: CheckMetricQueriesInput): Promise<string[]>;
}
