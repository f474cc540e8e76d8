// Which secret headers a metric request carries: the worker policy's `metrics` entries
// (bluegreen-worker.yaml) name a URL prefix and, per header, the variable holding its value.
// Headers go only to URLs under that prefix, and no further: the metric readers never follow
// a redirect (`redirect: 'manual'`, a 3xx is reported, not followed), so a listed source cannot
// hand them on. The longest matching prefix wins. Values come from the worker's secret store,
// never from the plan.
import type { SecretStore } from '../worker/secrets.js';

export interface MetricHeaderRule {
  /** URL prefix, e.g. https://prometheus.internal (normalised by the policy schema). */
  url: string;
  /** Header name → environment variable name. */
  headers: Record<string, string>;
}

/** `https://p.internal` covers `https://p.internal/api/v1/query` but not `https://p.internal.evil`. */
export function urlUnder(url: string, prefix: string): boolean {
  const base = prefix.replace(/\/+$/, '');
  return url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
}

export function metricHeadersFor(
  rules: MetricHeaderRule[],
  secrets: Pick<SecretStore, 'get'>,
): (url: string) => Record<string, string> {
  const sorted = [...rules].sort((a, b) => b.url.length - a.url.length);
  return (url) => {
    const rule = sorted.find((r) => urlUnder(url, r.url));
    if (!rule) return {};
    return Object.fromEntries(Object.entries(rule.headers).map(([header, envName]) => [header, secrets.get(envName)]));
  };
}
