// The prometheus provider: one instant query at the round's pinned time, judged against the
// metric's bounds (analysis/metric-measure.ts), with its evidence (resolved query, time, graph link).
import { measureMetric } from '../metric-measure.js';
import { defineProvider, type MeasureContext } from '../provider.js';
import type { MetricCheckFields, PrometheusCheckPlan } from './types.js';
import { prometheusReader, type SourceOptions } from './read.js';
import type { SourceReader } from '../metric-measure.js';

export const readerOptions = (context: MeasureContext): SourceOptions => ({
  timeoutMs: context.timeoutMs,
  ...(context.headersFor ? { headersFor: context.headersFor } : {}),
  ...(context.redact ? { redact: context.redact } : {}),
});

/** Measures a metric check with `reader` at the context's time (now when it pins none). */
export const measureMetricCheck = (check: MetricCheckFields & { name: string }, context: MeasureContext, reader: SourceReader) =>
  measureMetric(
    { ...check.metric, name: check.name },
    {
      color: check.color,
      liveColor: check.liveColor,
      service: check.service,
      sha: check.sha,
      timeMs: context.timeMs ?? Date.now(),
    },
    reader,
  );

export const prometheusProvider = defineProvider<PrometheusCheckPlan>({
  provider: 'prometheus',
  measure: (check, context) => measureMetricCheck(check, context, prometheusReader(readerOptions(context))),
});
