// bluegreen.yaml: a named metric read from Prometheus, its `prometheus:` key and PromQL fields.
//
//   metrics:
//     error-rate:
//       prometheus: { url: "http://prometheus.internal:9090", headers: { X-Scope-OrgID: team-a } }
//       query: sum(rate(http_requests_total{service="{{service}}",color="{{color}}",code=~"5.."}[{{window}}]))
//              / sum(rate(http_requests_total{service="{{service}}",color="{{color}}"}[{{window}}]))
//       traffic: { query: 'sum(rate(http_requests_total{color="{{color}}"}[{{window}}]))', min: 1 }
//
// Secret headers (a bearer token) are not written here: the worker's policy attaches them to
// requests to its `metrics[].url` prefixes (bluegreen-worker.yaml), from its own secrets.
import { z } from 'zod';
import { httpUrl } from '../../config/fields.js';
import { defineMetricConfig, plainHeaders } from '../metric-config.js';
import { lintPromql } from './promql-lint.js';
import type { PrometheusSource } from './types.js';

export const promqlQuery = z
  .string({ error: 'expected a PromQL query as text' })
  .superRefine((query, ctx) => {
    for (const message of lintPromql(query)) ctx.addIssue({ code: 'custom', message: `not valid PromQL: ${message}` });
  })
  .transform((query) => query.trim());

export const prometheusConfig = defineMetricConfig<PrometheusSource>()({
  summary: 'prometheus: { url } with a query',
  schema: z.strictObject({
    /** Base URL of the Prometheus HTTP API (a path prefix such as /prometheus is kept). */
    url: httpUrl,
    /** Plain request headers (e.g. a tenant id for Mimir/Cortex/Thanos). @default {} */
    headers: plainHeaders.optional(),
  }),
  fields: {
    /** PromQL with {{color}}, {{service}}, {{sha}}, {{window}}. */
    query: promqlQuery.optional(),
  },
  trafficFields: {
    /** PromQL of the requests per second. */
    query: promqlQuery.optional(),
  },
  problems: ({ fields, traffic }) => [
    ...(fields.query === undefined ? [{ path: ['query'], message: 'a prometheus metric needs its PromQL query' }] : []),
    ...(traffic && traffic.query === undefined
      ? [{ path: ['traffic', 'query'], message: 'the traffic guard needs a PromQL query (requests per second)' }]
      : []),
  ],
  toSource: ({ source, fields, traffic }, of) => ({
    type: 'prometheus',
    url: source.url,
    query: of === 'traffic' ? traffic!.query! : fields.query!,
    ...(source.headers ? { headers: source.headers } : {}),
  }),
  describe: (source) => `PromQL at ${source.url}: ${source.query}`,
});
