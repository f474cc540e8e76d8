// The prometheus source's plan-time check: its query, placeholders filled in, must parse by
// Prometheus' own parser (query.ts checkQuerySyntax), asked with the headers a reading carries.
import type { SourceOptions } from '../metric-measure.js';
import { planHeaders } from '../metric-headers.js';
import { fillPlaceholders, type MetricPlaceholder } from '../metric-plan.js';
import type { QueryCheck } from '../provider.js';
import { checkQuerySyntax } from './query.js';
import type { PrometheusSource } from './types.js';

export async function checkPrometheusQuery(
  source: PrometheusSource,
  values: Record<MetricPlaceholder, string>,
  options: SourceOptions,
): Promise<QueryCheck> {
  const checked = await checkQuerySyntax({
    url: source.url,
    query: fillPlaceholders(source.query, values),
    headers: { ...planHeaders(source.headers), ...options.headersFor?.(source.url) },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (checked.ok === false)
    return { ok: false, problem: `not valid PromQL (Prometheus at ${source.url} says: ${checked.error})` };
  return checked;
}
