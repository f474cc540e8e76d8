// A metric source's part of bluegreen.yaml, declared by its provider (analysis/<provider>/config.ts):
// the object under its key in `metrics.<name>` (the key is the source type, e.g. `prometheus:`),
// its own fields beside it (`query`) and in the traffic guard, the rules across them, the plan
// source it becomes and its dry-run text. client/analysis-schema.ts and client/analysis-plan.ts
// compose the registered ones (analysis/registry.ts `METRIC_SOURCES`); they name no source.
import { z } from 'zod';

/** One config problem of a metric, at a path inside `metrics.<name>`. */
export interface MetricConfigIssue {
  path: string[];
  message: string;
}

type Fields<F extends z.ZodRawShape> = { [K in keyof F]?: z.output<F[K]> };

/** What a source's rules and plan mapping are given: its own parts of one metric's config. */
export interface MetricConfigParts<S extends z.ZodType, F extends z.ZodRawShape, T extends z.ZodRawShape> {
  /** The object under its key. */
  source: z.output<S>;
  /** Its own fields of the metric (absent ones undefined). */
  fields: Fields<F>;
  /** Its own fields of the traffic guard, when the metric has one. */
  traffic?: Fields<T>;
}

export interface MetricSourceConfig<
  Src extends { type: string } = { type: string },
  S extends z.ZodType = z.ZodType,
  F extends z.ZodRawShape = z.ZodRawShape,
  T extends z.ZodRawShape = z.ZodRawShape,
> {
  /** How to give it, for the error of a metric with none: `prometheus: { url } with a query`. */
  summary: string;
  /** The object under its key, e.g. `{ url, headers }`. */
  schema: S;
  /** Its fields of the metric beside the key (optional in the schema; `problems` says which it needs). */
  fields: F;
  /** Its fields of the traffic guard (`traffic.query`, or `traffic.url` and `traffic.pointer`). */
  trafficFields: T;
  /** What it needs across its parts, one issue each (paths inside the metric). */
  problems: (parts: MetricConfigParts<S, F, T>) => MetricConfigIssue[];
  /** The plan source of the metric itself, or of its traffic guard. */
  toSource: (parts: MetricConfigParts<S, F, T>, of: 'metric' | 'traffic') => Src;
  /** The dry-run text of one source, e.g. `PromQL at http://prometheus:9090`. */
  describe: (source: Src) => string;
}

/** Declares a source's config part (curried: `Src` is given, the schemas inferred). */
export const defineMetricConfig =
  <Src extends { type: string }>() =>
  <S extends z.ZodType, F extends z.ZodRawShape, T extends z.ZodRawShape>(config: MetricSourceConfig<Src, S, F, T>) =>
    config;

/** Header names we accept; values here are plain text, never secrets. */
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const SECRET_LOOKING = /^(authorization|proxy-authorization|cookie|x-api-key|x-auth-token)$/i;

/** Plain request headers of a source (e.g. a tenant id); credentials come from the worker's policy. */
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
