// The metric sources of bluegreen.yaml, composed from the registered ones (analysis/registry.ts
// `METRIC_SOURCES`, each declaring its part in analysis/<provider>/config.ts): the keys a metric
// may give its source under, their fields, the rules (exactly one source; another source's field
// is refused), the plan source and the dry-run text. Nothing here names a source.
import type { z } from 'zod';
import { orList } from '../contract/format.js';
import type { MetricConfigIssue, MetricConfigParts } from '../analysis/metric-config.js';
import type { MetricSource } from '../analysis/metric-plan.js';
import type { MetricSourceManifest } from '../analysis/provider.js';
import { METRIC_SOURCES, metricSourceOf } from '../analysis/registry.js';

type Shape = Record<string, z.ZodType>;

/** One field shape from every source's; a field two sources declare must be the same schema. */
function merged(pick: (source: MetricSourceManifest) => Shape, what: string): Shape {
  const shape: Shape = {};
  for (const source of METRIC_SOURCES) {
    for (const [key, schema] of Object.entries(pick(source))) {
      if (shape[key] && shape[key] !== schema) {
        throw new Error(`metric sources declare ${what} "${key}" with different schemas: give ${source.type}'s another name`);
      }
      shape[key] = schema;
    }
  }
  return shape;
}

/** The sources' keys of a metric: `prometheus: { url }`, `json: { url, pointer }`, each optional. */
export const SOURCE_KEYS: Shape = Object.fromEntries(METRIC_SOURCES.map((s) => [s.type, s.config.schema.optional()]));
/** The sources' own fields of a metric beside the key (e.g. `query`). */
export const SOURCE_FIELDS: Shape = merged((s) => s.config.fields, 'the metric field');
/** The sources' own fields of the traffic guard. */
export const SOURCE_TRAFFIC_FIELDS: Shape = merged((s) => s.config.trafficFields, 'the traffic field');

const owners = (field: string, pick: (source: MetricSourceManifest) => Shape) =>
  METRIC_SOURCES.filter((s) => field in pick(s)).map((s) => s.type);

/** A metric's config as its sources see it. */
type MetricView = Record<string, unknown> & { traffic?: Record<string, unknown> | undefined };

const fieldsOf = (metric: Record<string, unknown> | undefined, shape: Shape) =>
  Object.fromEntries(Object.keys(shape).map((key) => [key, metric?.[key]]));

/** The source a metric gives (its one registered key), with its parts of the metric. */
function sourceOf(metric: MetricView): { source: MetricSourceManifest; parts: MetricConfigParts<any, any, any> } | undefined {
  const given = METRIC_SOURCES.filter((s) => metric[s.type] !== undefined);
  if (given.length !== 1) return undefined;
  const source = given[0]!;
  return {
    source,
    parts: {
      source: metric[source.type],
      fields: fieldsOf(metric, source.config.fields),
      ...(metric.traffic ? { traffic: fieldsOf(metric.traffic, source.config.trafficFields) } : {}),
    },
  };
}

/** How to give a source, for a metric that gives none or several. */
export const SOURCE_HINT = orList(METRIC_SOURCES.map((s) => s.config.summary));

/** The source problems of one metric: not exactly one source, another source's fields, its own rules. */
export function metricSourceProblems(metric: MetricView): MetricConfigIssue[] {
  const given = METRIC_SOURCES.filter((s) => metric[s.type] !== undefined).map((s) => s.type);
  if (given.length === 0)
    return [{ path: [], message: `give the provider, one of the registered metric sources: ${SOURCE_HINT}` }];
  if (given.length > 1) return [{ path: [], message: `give one provider, not ${given.join(' and ')}` }];
  const { source, parts } = sourceOf(metric)!;
  const foreign = (values: Record<string, unknown> | undefined, pick: (s: MetricSourceManifest) => Shape, at: string[]) =>
    Object.keys(values ?? {})
      .filter((key) => values![key] !== undefined && !(key in pick(source)) && owners(key, pick).length > 0)
      .map((key) => ({
        path: [...at, key],
        message: `a ${source.type} metric has no ${[...at, key].join('.')} (that is for ${orList(owners(key, pick))})`,
      }));
  return [
    ...foreign(fieldsOf(metric, SOURCE_FIELDS), (s) => s.config.fields, []),
    ...foreign(metric.traffic ? fieldsOf(metric.traffic, SOURCE_TRAFFIC_FIELDS) : undefined, (s) => s.config.trafficFields, [
      'traffic',
    ]),
    ...source.config.problems(parts),
  ];
}

/** The plan source of a valid metric (checked by `metricSourceProblems`), or of its traffic guard. */
export function metricSourcePlan(metric: MetricView, of: 'metric' | 'traffic' = 'metric'): MetricSource {
  const found = sourceOf(metric);
  if (!found) throw new Error(`a metric without exactly one source (${SOURCE_HINT})`);
  return found.source.config.toSource(found.parts, of) as MetricSource;
}

/** The dry-run text of a plan's source (its registered source's words). */
export function describeMetricSource(source: { type: string }): string {
  const registered = metricSourceOf(source.type);
  return registered ? registered.config.describe(source) : `a ${source.type} source, which no provider reads`;
}
