// The prometheus provider: one instant query at the round's pinned time, judged against the
// metric's bounds (analysis/metric-measure.ts), with its evidence (resolved query, time, graph link).
import { measureMetricCheck, readerOptions } from '../metric-measure.js';
import { defineProvider } from '../provider.js';
import type { PrometheusCheckPlan } from './types.js';
import { prometheusReader } from './read.js';

export const prometheusProvider = defineProvider<PrometheusCheckPlan>({
  provider: 'prometheus',
  measure: (check, context) => measureMetricCheck(check, context, prometheusReader(readerOptions(context))),
});
