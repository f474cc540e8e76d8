// The json-metric provider: GET a URL, the number at a JSON pointer, judged against the metric's
// bounds: Datadog, CloudWatch or an in-house endpoint through the same seam as Prometheus.
import { z } from 'zod';
import { metricCheckPolicy, metricSourcePolicy } from '../check-policy.js';
import { defineProvider } from '../provider.js';
import { measureMetricCheck, readerOptions } from '../metric-measure.js';
import type { JsonMetricCheckPlan, JsonSource } from './types.js';
import { jsonMetricReader } from './read.js';
import { jsonConfig } from './config.js';

export const jsonMetricProvider = defineProvider<JsonMetricCheckPlan, JsonSource>({
  provider: 'json-metric',
  policy: metricCheckPolicy<JsonMetricCheckPlan>('json-metric'),
  source: {
    type: 'json',
    policy: metricSourcePolicy<JsonSource>('json', { pointer: z.string().min(1).max(500) }),
    config: jsonConfig,
    urlTemplate: true,
  },
  measure: (check, context) => measureMetricCheck(check, context, jsonMetricReader(readerOptions(context))),
});
