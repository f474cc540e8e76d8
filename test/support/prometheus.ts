// Shared set-up of the metric-analysis tests: a lab and a real Prometheus scraping its apps,
// or a clear reason to skip when Prometheus is not installed (like the Knot DNS tests).
import { prometheusMissing } from '../../lab/prometheus.js';

export function prometheusTestsSkipped(file: string): boolean {
  const missing = prometheusMissing();
  if (missing) console.warn(`${file}: skipped: ${missing}`);
  return missing !== undefined;
}

/**
 * The lab apps' error ratio over {{window}}, as docs/analysis.md writes it. `or vector(0)`:
 * a healthy app has no 5xx series at all, and an empty numerator would make the ratio "no
 * data" instead of 0 (flagger#1365); with no traffic at all the denominator still is empty.
 */
export const ERROR_RATE_QUERY =
  '(sum(rate(http_requests_total{service="{{service}}",color="{{color}}",route="/",code=~"5.."}[{{window}}])) or vector(0))' +
  ' / sum(rate(http_requests_total{service="{{service}}",color="{{color}}",route="/"}[{{window}}]))';
export const REQUEST_RATE_QUERY = 'sum(rate(http_requests_total{service="{{service}}",color="{{color}}",route="/"}[{{window}}]))';
export const P90_LATENCY_QUERY =
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{service}}",color="{{color}}",route="/"}[{{window}}])))';

/** The same queries by color only: the tests deploy services of many names to one pair of apps. */
export const labQueries = {
  errorRate: ERROR_RATE_QUERY.replaceAll('service="{{service}}",', ''),
  requestRate: REQUEST_RATE_QUERY.replaceAll('service="{{service}}",', ''),
  p90: P90_LATENCY_QUERY.replaceAll('service="{{service}}",', ''),
};

/** bluegreen.yaml `metrics:` for a lab's Prometheus: error rate, p90 latency, both over 2 s. */
export function labMetrics(prometheusUrl: string): Record<string, unknown> {
  return {
    'error-rate': {
      prometheus: { url: prometheusUrl },
      query: labQueries.errorRate,
      window: '2s',
      unit: 'ratio',
      pass: { max: 0.01 },
      fail: { above: 0.02 },
      noData: 'inconclusive',
      traffic: { query: labQueries.requestRate, min: 1 },
    },
    p90: {
      prometheus: { url: prometheusUrl },
      query: labQueries.p90,
      window: '2s',
      unit: 'seconds',
      pass: { max: 0.1 },
      noData: 'inconclusive',
    },
  };
}
