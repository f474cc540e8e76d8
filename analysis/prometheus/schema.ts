// bluegreen.yaml: the `prometheus:` provider of a named metric and its PromQL fields.
//
//   metrics:
//     error-rate:
//       prometheus: { url: "http://prometheus.internal:9090", headers: { X-Scope-OrgID: team-a } }
//       query: sum(rate(http_requests_total{service="{{service}}",color="{{color}}",code=~"5.."}[{{window}}]))
//              / sum(rate(http_requests_total{service="{{service}}",color="{{color}}"}[{{window}}]))
//
// Secret headers (a bearer token) are not written here: the worker's policy attaches them to
// requests to its `metrics[].url` prefixes (bluegreen-worker.yaml), from its own secrets.
import { z } from 'zod';
import { lintPromql } from './promql-lint.js';

/** Header names we accept; values here are plain text, never secrets. */
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const SECRET_LOOKING = /^(authorization|proxy-authorization|cookie|x-api-key|x-auth-token)$/i;

export const plainHeaders = z
  .record(z.string().regex(HEADER_NAME, 'expected an HTTP header name like "X-Scope-OrgID"'), z.string().max(500))
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (SECRET_LOOKING.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} carries a credential: put it in the worker's policy (bluegreen-worker.yaml metrics[].headers names the variable holding it), not in bluegreen.yaml`,
        });
      }
    }
  });

export const promqlQuery = z
  .string({ error: 'expected a PromQL query as text' })
  .superRefine((query, ctx) => {
    for (const message of lintPromql(query)) ctx.addIssue({ code: 'custom', message: `not valid PromQL: ${message}` });
  })
  .transform((query) => query.trim());

export const prometheusProvider = (httpUrl: z.ZodType<string, string>) =>
  z.strictObject({
    /** Base URL of the Prometheus HTTP API (a path prefix such as /prometheus is kept). */
    url: httpUrl,
    /** Plain request headers (e.g. a tenant id for Mimir/Cortex/Thanos). @default {} */
    headers: plainHeaders.optional(),
  });
