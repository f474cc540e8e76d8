// The json-metric provider: GET a URL, the number at a JSON pointer, judged against the metric's
// bounds: Datadog, CloudWatch or an in-house endpoint through the same seam as Prometheus.
import { defineProvider } from '../provider.js';
import { measureMetricCheck, readerOptions } from '../metric-measure.js';
import type { JsonMetricCheckPlan } from './types.js';
import { jsonMetricReader } from './read.js';

export const jsonMetricProvider = defineProvider<JsonMetricCheckPlan>({
  provider: 'json-metric',
  measure: (check, context) => measureMetricCheck(check, context, jsonMetricReader(readerOptions(context))),
});
