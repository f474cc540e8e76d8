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
