// The prometheus provider: one instant query at the round's pinned time, judged against the
// metric's bounds (analysis/metric-measure.ts), with its evidence (resolved query, time, graph link).
import { measureMetricCheck, readerOptions } from '../metric-measure.js';
import { z } from 'zod';
import { metricCheckPolicy, metricSourcePolicy } from '../check-policy.js';
import { defineProvider } from '../provider.js';
import type { PrometheusCheckPlan, PrometheusSource } from './types.js';
import { prometheusReader } from './read.js';
import { prometheusConfig } from './config.js';
import { checkPrometheusQuery } from './check-query.js';

export const prometheusProvider = defineProvider<PrometheusCheckPlan, PrometheusSource>({
  provider: 'prometheus',
  policy: metricCheckPolicy<PrometheusCheckPlan>('prometheus'),
  source: {
    type: 'prometheus',
    policy: metricSourcePolicy<PrometheusSource>('prometheus', { query: z.string().min(1).max(10_000) }),
    config: prometheusConfig,
    read: prometheusReader,
    checkQuery: checkPrometheusQuery,
  },
  measure: (check, context) => measureMetricCheck(check, context, prometheusReader(readerOptions(context))),
});
