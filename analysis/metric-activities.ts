// The metric analysis: the metric rounds verifyWindow and monitorWindow run for the whole verify
// count or monitor window (history stays flat however long), resumed from the last heartbeat
// when retried on another worker. Plus the plan-time check of every metric's query by the
// provider registered for its source type (Prometheus parses PromQL with its own parser).
import { ApplicationFailure, log } from '@temporalio/activity';
import { keepAlive } from '../activities/heartbeat.js';
import { ownHeartbeat, resumedStart, type LoopIo } from './activities.js';
import type { Color } from '../contract/types.js';
import type { SourceOptions } from './metric-measure.js';
import type { MeasureContext } from './provider.js';
import { METRIC_SOURCE_TYPES, metricProviderOf, metricSourceOf } from './registry.js';
import type { CheckPlan } from './types.js';
import { measureCheck } from './rounds.js';
import type { AnalysisPlan, MetricPlan } from './metric-plan.js';
import {
  addMeasurement,
  analysisVerdict,
  closeMetric,
  emptyTally,
  metricLine,
  type AnalysisResult,
  type MetricSummary,
} from '../contract/metric-tally.js';
import { inertText } from '../contract/sanitize.js';

export interface AnalyzeMetricsInput {
  mode: 'verify' | 'monitor';
  analysis: AnalysisPlan;
  /** The color judged. */
  color: Color;
  /** The color serving users (for `compare`). */
  liveColor: Color;
  service: string;
  sha: string;
  /** monitor: the window; verify: ignored (count × interval decides). */
  durationMs?: number;
}

export interface CheckMetricQueriesInput {
  metrics: MetricPlan[];
  color: Color;
  service: string;
  sha: string;
}

/**
 * What the metric rounds heartbeat (the top of verifyWindow's and monitorWindow's heartbeat); a
 * retried attempt carries on from it, and `bluegreen status`
 * reads it from the pending activity (client/live-analysis.ts) to show the counts as they come
 * in without a history event per round. `lines` are for the Web UI's Pending Activities panel.
 */
export interface AnalysisProgress {
  startedAtMs: number;
  rounds: number;
  metrics: MetricSummary[];
  mode?: 'verify' | 'monitor';
  lines?: string[];
}

/** The seam's check for one metric of an analysis. */
export function metricCheck(
  metric: MetricPlan,
  input: Pick<AnalyzeMetricsInput, 'color' | 'liveColor' | 'service' | 'sha'>,
): MetricCheck {
  const fields = {
    name: metric.name,
    metric,
    color: input.color,
    liveColor: input.liveColor,
    service: input.service,
    sha: input.sha,
  };
  // The provider registered for the source's type reads it; a type none registered is refused,
  // never handed to another reader.
  const provider = metricProviderOf(metric.source.type);
  if (!provider) {
    throw ApplicationFailure.nonRetryable(`metric ${metric.name}: ${unregisteredSource(metric.source.type)}`, 'ConfigError');
  }
  return { provider: provider.provider, ...fields } as MetricCheck;
}

type MetricCheck = Extract<CheckPlan, { metric: unknown }>;

const unregisteredSource = (type: string) =>
  `no metric provider reads sources of type "${inertText(type, 60)}" (registered: ${METRIC_SOURCE_TYPES.join(', ')})`;

/** What a metric provider measures with: the worker's timeouts, secret headers and redaction. */
export const metricMeasureContext = (options: SourceOptions = {}): MeasureContext => ({
  timeoutMs: options.timeoutMs ?? 5_000,
  env: process.env,
  ...(options.headersFor ? { headersFor: options.headersFor } : {}),
  ...(options.redact ? { redact: options.redact } : {}),
});

export function createMetricActivities(options: SourceOptions = {}) {
  /**
   * Problems of the plan's metric queries, one line each, asked of the source type's provider
   * (analysis/registry.ts) where it has a plan-time check; a source type no provider registered is
   * one. A source that cannot tell is no problem here.
   */
  async function checkMetricQueries(input: CheckMetricQueriesInput): Promise<string[]> {
    const problems: string[] = [];
    for (const metric of input.metrics) {
      const values = { color: input.color, service: input.service, sha: input.sha, window: metric.window };
      const sources = [
        ['query', metric.source],
        ['traffic.query', metric.traffic?.source],
      ] as const;
      for (const [field, source] of sources) {
        if (!source) continue;
        const registered = metricSourceOf(source.type);
        if (!registered) {
          problems.push(`metrics.${metric.name}.${field}: ${unregisteredSource(source.type)}`);
          continue;
        }
        const checked = await registered.checkQuery?.(source, values, options);
        if (checked?.ok === false) problems.push(`metrics.${metric.name}.${field}: ${checked.problem}`);
        else if (checked?.ok === 'unknown')
          log.warn('Cannot check a metric query at plan time', { metric: metric.name, type: source.type, why: checked.why });
      }
    }
    return problems;
  }

  return { checkMetricQueries };
}

/** The metric rounds of one phase (in verifyWindow and monitorWindow), resuming from `resumed`; see LoopIo for `io`. */
export async function measureMetrics(
  input: AnalyzeMetricsInput,
  measureContext: MeasureContext,
  resumed: Partial<AnalysisProgress> | undefined,
  io: LoopIo<AnalysisProgress> = ownHeartbeat,
): Promise<AnalysisResult> {
  const { mode, analysis } = input;
  const startedAtMs = resumedStart(resumed?.startedAtMs);
  let rounds = resumed?.rounds ?? 0;
  let metrics =
    Array.isArray(resumed?.metrics) && resumed.metrics.length === analysis.metrics.length
      ? resumed.metrics
      : emptyTally(analysis, mode);
  const progress = (): AnalysisProgress => ({ startedAtMs, rounds, metrics, mode, lines: metrics.map(metricLine) });
  if (resumed?.startedAtMs) log.info('Resuming the metric analysis', { rounds });
  io.heartbeat(progress());
  const endsAt = mode === 'monitor' ? startedAtMs + (input.durationMs ?? 0) : Number.POSITIVE_INFINITY;
  // Through the seam: each metric is a check its provider (analysis/registry.ts) measures.
  const checks = analysis.metrics.map((metric) => metricCheck(metric, input));
  const more = () => !io.stopped() && (mode === 'verify' ? rounds < analysis.count : Date.now() < endsAt);

  const delayLeft = startedAtMs + analysis.initialDelayMs - Date.now();
  if (delayLeft > 0) await io.sleep(Math.min(delayLeft, endsAt - Date.now()), progress);

  while (more()) {
    const timeMs = Date.now();
    // One round may take a while (retries against a struggling Prometheus): keep heartbeating.
    const context: MeasureContext = { ...measureContext, timeMs };
    const measured = await keepAlive(() => Promise.all(checks.map((check) => measureCheck(check, context))));
    rounds++;
    metrics = metrics.map((summary, i) => addMeasurement(analysis, summary, measured[i]!, mode));
    io.heartbeat(progress());
    if (metrics.some((m) => m.verdict === 'fail')) break;
    if (!more()) break;
    const wait = Math.min(analysis.intervalMs, endsAt - Date.now());
    if (wait <= 0) break;
    // Rejects with CancelledFailure when the workflow cancels (promote, rollback, abort).
    await io.sleep(wait, progress);
  }
  return analysisVerdict(
    metrics.map((m) => closeMetric(analysis, m, mode)),
    rounds,
  );
}
