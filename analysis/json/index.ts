// The json provider (bluegreen.yaml `json:`, sources of type json): GET a URL, the number at a JSON pointer, judged against the metric's
// bounds: Datadog, CloudWatch or an in-house endpoint through the same seam as Prometheus.
import { z } from 'zod';
import { metricCheckPolicy, metricSourcePolicy } from '../check-policy.js';
import { defineProvider } from '../provider.js';
import { measureMetricCheck, readerOptions } from '../metric-measure.js';
import type { JsonCheckPlan, JsonSource } from './types.js';
import { jsonReader } from './read.js';
import { jsonConfig } from './config.js';

export const jsonProvider = defineProvider<JsonCheckPlan, JsonSource>({
  provider: 'json',
  // Its checks were once told apart as json-metric: a plan may still carry that name.
  aliases: ['json-metric'],
  policy: metricCheckPolicy<JsonCheckPlan>('json', ['json-metric']),
  source: {
    type: 'json',
    policy: metricSourcePolicy<JsonSource>('json', { pointer: z.string().min(1).max(500) }),
    config: jsonConfig,
    urlTemplate: true,
    read: jsonReader,
  },
  measure: (check, context) => measureMetricCheck(check, context, jsonReader(readerOptions(context))),
});
