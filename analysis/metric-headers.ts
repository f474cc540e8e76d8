// Which secret headers a metric request carries: the worker policy's `metrics` entries
// (bluegreen-worker.yaml) name a URL prefix and, per header, the variable holding its value.
// Headers go only to URLs under that prefix, and no further: the metric readers never follow
// a redirect (`redirect: 'manual'`, a 3xx is reported, not followed), so a listed source cannot
// hand them on. The longest matching prefix wins. Values come from the worker's secret store,
// never from the plan.
import type { SecretStore } from '../contract/plugin.js';

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

/**
 * The request headers a plan may set on a metric source (tenant ids of Mimir, Cortex, Loki,
 * Thanos, Grafana). Nothing else: a plan's header could ask a metadata service for credentials
 * (`Metadata-Flavor: Google`, `Metadata: true`), or ride on the policy's credentials.
 */
export const PLAN_HEADER_NAMES: readonly string[] = ['X-Scope-OrgID', 'X-Grafana-Org-Id', 'THANOS-TENANT', 'X-Tenant-ID'];

/** A plan header's value: printable text on one line, short. */
const PLAN_HEADER_VALUE = /^[\x20-\x7e]{0,200}$/;

/** Why a plan's header is refused, or undefined when it may be sent. */
export function planHeaderProblem(name: string, value: unknown): string | undefined {
  if (!PLAN_HEADER_NAMES.some((allowed) => allowed.toLowerCase() === name.toLowerCase())) {
    return `header ${JSON.stringify(name.slice(0, 64))} is not one a plan may set (only ${PLAN_HEADER_NAMES.join(', ')}; credentials come from the worker's policy, metrics[].headers)`;
  }
  if (typeof value !== 'string' || !PLAN_HEADER_VALUE.test(value))
    return `header ${name} must be printable text of at most 200 characters on one line`;
  return undefined;
}

/** The plan's headers that may be sent (the plan check refuses the others; older plans' are dropped here). */
export function planHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).filter(([name, value]) => planHeaderProblem(name, value) === undefined),
  );
}
