// bluegreen.yaml: named `metrics:` and where they run (`verify.analysis`, `monitor.analysis`),
// plus `verify.tests` (the team's own GitHub Actions test workflows). See docs/analysis.md.
//
//   metrics:
//     error-rate:
//       prometheus: { url: "http://prometheus:9090" }
//       query: sum(rate(http_requests_total{color="{{color}}",code=~"5.."}[{{window}}])) / sum(rate(http_requests_total{color="{{color}}"}[{{window}}]))
//       unit: ratio
//       pass: { max: 0.01 }          # ≤ 1 % passes
//       fail: { above: 0.02 }        # > 2 % fails; in between: inconclusive
//       noData: inconclusive         # required: what a quiet service means
//       traffic: { query: 'sum(rate(http_requests_total{color="{{color}}"}[{{window}}]))', min: 1 }
//       compare: { maxRatio: 1.5 }   # and at most 1.5 × the live color's
//   verify:
//     analysis: { metrics: [error-rate], count: 5, interval: 30s, failureLimit: 0, onInconclusive: ask }
//     tests: [{ workflow: e2e.yml, inputs: { base_url: "{{url}}" } }]
//   monitor:
//     analysis: { metrics: [error-rate], interval: 30s, failureThreshold: 2 }
import { z } from 'zod';
import type { ConfigProblem } from './config.js';
import { metricSourcePlan, metricSourceProblems, SOURCE_FIELDS, SOURCE_KEYS, SOURCE_TRAFFIC_FIELDS } from './metric-sources.js';

type Duration = (max?: string) => z.ZodType<number, string>;

export interface AnalysisSchemaDeps {
  duration: Duration;
  httpUrl: z.ZodType<string, string>;
  workflowFile: z.ZodType<string, string>;
  branch: z.ZodType<string, string>;
}

const METRIC_NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;
/** A Prometheus duration for {{window}}: "30s", "2m", "1h30m". */
const PROM_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
export const TEST_PLACEHOLDERS = ['url', 'color', 'sha'] as const;

const finite = z.number({ error: 'expected a number' }).refine(Number.isFinite, 'expected a finite number');

export function analysisSchemas({ duration, workflowFile, branch }: AnalysisSchemaDeps) {
  const passBounds = z
    .strictObject({ min: finite.optional(), max: finite.optional() })
    .refine((b) => b.min !== undefined || b.max !== undefined, 'give min, max or both (inclusive): the value passes inside them')
    .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, 'min is above max');
  const failBounds = z
    .strictObject({ above: finite.optional(), below: finite.optional() })
    .refine(
      (b) => b.above !== undefined || b.below !== undefined,
      'give above, below or both (exclusive): the value fails beyond them',
    );

  const metric = z
    .strictObject({
      /** Where the number comes from: one registered source, under its key (`prometheus:`, `json:`; client/metric-sources.ts). */
      ...SOURCE_KEYS,
      /** The source's own fields (e.g. a prometheus metric's PromQL `query`). */
      ...SOURCE_FIELDS,
      /** What {{window}} becomes: the range the query looks back over. Longer smooths noise, reacts later. @default "1m" @example "2m" */
      window: z.string().regex(PROM_DURATION, 'expected a Prometheus duration like "30s", "2m" or "1h"').default('1m'),
      /** How values are shown (comparisons use the raw number). @default "number" @example "ratio" (0.004 → "0.4 %") */
      unit: z.enum(['ratio', 'percent', 'seconds', 'milliseconds', 'per-second', 'number']).default('number'),
      /** Inclusive pass range. @example { max: 0.01 } */
      pass: passBounds,
      /** Exclusive fail bounds; between pass and fail is inconclusive. Absent: outside pass fails. @example { above: 0.02 } */
      fail: failBounds.optional(),
      /** What no data (no series, NaN, a missing JSON field) means. Required: a quiet service is not silently a pass or a failure. */
      noData: z.enum(['pass', 'fail', 'inconclusive'], {
        error: 'noData is required: pass, fail or inconclusive (what a measurement with no data means, e.g. a quiet service)',
      }),
      /** Minimum traffic to judge: below `min` (per second) the measurement is inconclusive, not a failure. Read from the same source. */
      traffic: z
        .strictObject({
          ...SOURCE_TRAFFIC_FIELDS,
          min: z.number().positive('min must be above 0'),
        })
        .optional(),
      /** Also hold the target to the live color: value ≤ maxRatio × live + allowance. @example { maxRatio: 1.5, allowance: 0.001 } */
      compare: z.strictObject({ maxRatio: z.number().positive().max(1000), allowance: z.number().min(0).default(0) }).optional(),
    })
    .superRefine((m, ctx) => {
      const sourceProblems = metricSourceProblems(m);
      for (const { path, message } of sourceProblems) ctx.addIssue({ code: 'custom', path, message });
      if (sourceProblems.length > 0) return;
      if (m.fail && m.pass) {
        if (m.fail.above !== undefined && m.pass.max !== undefined && m.fail.above < m.pass.max) {
          ctx.addIssue({
            code: 'custom',
            path: ['fail', 'above'],
            message: `fail.above (${m.fail.above}) is below pass.max (${m.pass.max}): a value could pass and fail at once`,
          });
        }
        if (m.fail.below !== undefined && m.pass.min !== undefined && m.fail.below > m.pass.min) {
          ctx.addIssue({
            code: 'custom',
            path: ['fail', 'below'],
            message: `fail.below (${m.fail.below}) is above pass.min (${m.pass.min}): a value could pass and fail at once`,
          });
        }
      }
      // compare runs the metric's source for the live color too: nothing in it may name the target's SHA.
      const source = Object.values(metricSourcePlan(m) as unknown as Record<string, unknown>);
      if (m.compare && source.some((v) => typeof v === 'string' && /\{\{\s*sha\s*\}\}/.test(v))) {
        ctx.addIssue({
          code: 'custom',
          path: ['compare'],
          message:
            'compare runs the same query for the live color, whose SHA is not known: drop {{sha}} from the query or the comparison',
        });
      }
    });

  const metrics = z
    .record(z.string().regex(METRIC_NAME, 'metric names are lowercase letters, digits and dashes, like "error-rate"'), metric)
    .refine((m) => Object.keys(m).length <= 20, 'at most 20 metrics');

  const onInconclusive = {
    /** What an inconclusive metric decides: ask a human (promote / rollback), or pass or fail by itself. @default "ask" */
    onInconclusive: z.enum(['ask', 'pass', 'fail']).default('ask'),
    /** With ask: how long to wait for a human, and what to decide then. @default { timeout: "1h", default: "fail" } */
    ask: z
      .strictObject({ timeout: duration('7d').prefault('1h'), default: z.enum(['pass', 'fail']).default('fail') })
      .prefault({}),
  };
  const metricNames = z
    .array(z.string().regex(METRIC_NAME, 'expected a metric name from metrics:'))
    .min(1, 'name at least one metric')
    .max(20);

  const verifyAnalysis = z.strictObject({
    /** Names from `metrics:` to judge the target color by, after the health checks, before approval. */
    metrics: metricNames,
    /** Measurements per metric. More is surer, takes count × interval. @default 5 */
    count: z.int().min(1).max(1000).default(5),
    /** Time between measurements (one query per metric each). @default "30s" */
    interval: duration('1h').prefault('30s'),
    /** Wait before the first measurement, e.g. for a warm-up. @default "0s" */
    initialDelay: duration('6h').prefault('0s'),
    /** Failed measurements a metric may have and still pass; one more fails verify (and stops it). @default 0 */
    failureLimit: z.int().min(0).max(1000).default(0),
    ...onInconclusive,
  });

  const monitorAnalysis = z.strictObject({
    /** Names from `metrics:` to watch on the new color beside the HTTP probes. */
    metrics: metricNames,
    /** Time between measurements. @default "30s" */
    interval: duration('1h').prefault('30s'),
    /** Wait after the switch before the first measurement (let the window fill with new traffic). @default "0s" */
    initialDelay: duration('6h').prefault('0s'),
    /** Consecutive failed measurements of one metric that roll back. @default 2 */
    failureThreshold: z.int().min(1).max(1000).default(2),
    ...onInconclusive,
  });

  const test = z.strictObject({
    /** Shown in the status. @default the file name without extension */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'test names are lowercase letters, digits and dashes')
      .optional(),
    workflow: workflowFile,
    /** Branch to run it on. @default the blue environment's branch */
    ref: branch.optional(),
    /** workflow_dispatch inputs; {{url}} (the target color's URL), {{color}}, {{sha}} are filled in. */
    inputs: z
      .record(
        z.string(),
        z.string().superRefine((value, ctx) => {
          for (const [, p] of value.matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)) {
            if (!(TEST_PLACEHOLDERS as readonly string[]).includes(p!)) {
              ctx.addIssue({
                code: 'custom',
                message: `unknown placeholder {{${p}}}: use ${TEST_PLACEHOLDERS.map((t) => `{{${t}}}`).join(', ')}`,
              });
            }
          }
        }),
      )
      .default({}),
    /** How long the run may take. @default "30m" */
    timeout: duration('6h').prefault('30m'),
  });
  const tests = z.array(test).max(20);

  return { metrics, verifyAnalysis, monitorAnalysis, tests };
}

type Schemas = ReturnType<typeof analysisSchemas>;
export type MetricsConfig = z.output<Schemas['metrics']>;
export type VerifyAnalysisConfig = z.output<Schemas['verifyAnalysis']>;
export type MonitorAnalysisConfig = z.output<Schemas['monitorAnalysis']>;
export type VerifyTestsConfig = z.output<Schemas['tests']>;

interface AnalysisView {
  metrics?: MetricsConfig | undefined;
  verify?: {
    analysis?: { metrics: string[] } | undefined;
    tests?: Array<{ name?: string | undefined; workflow: string }> | undefined;
  };
  monitor?: { analysis?: { metrics: string[] } | undefined };
}

/** Cross-field problems: an analysis names a metric that `metrics:` does not define. */
export function analysisConfigProblems(config: AnalysisView): ConfigProblem[] {
  const defined = new Set(Object.keys(config.metrics ?? {}));
  const problems: ConfigProblem[] = testNameProblems(config.verify?.tests ?? []);
  for (const where of ['verify', 'monitor'] as const) {
    config[where]?.analysis?.metrics.forEach((name, i) => {
      if (!defined.has(name)) {
        problems.push({
          path: `${where}.analysis.metrics.${i}`,
          message: `no metric "${name}" under metrics:${defined.size ? ` (defined: ${[...defined].join(', ')})` : ' (none defined)'}`,
        });
      }
    });
  }
  return problems;
}

/** Two verify.tests with one name would share a correlation id: the second would find the first's run. */
export function testNameProblems(tests: Array<{ name?: string | undefined; workflow: string }>): ConfigProblem[] {
  const seen = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  tests.forEach((t, i) => {
    const name = t.name ?? t.workflow.replace(/\.ya?ml$/, '');
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push({
        path: `verify.tests.${i}.name`,
        message: `"${name}" is also the name of verify.tests.${first}: give each test its own name`,
      });
    } else seen.set(name, i);
  });
  return problems;
}
