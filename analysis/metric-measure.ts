// One measurement of a named metric (activity side): fill the placeholders, check the traffic
// guard, read the value, judge it against the bounds, compare with the live color. The source
// (Prometheus, a JSON endpoint) only reads numbers; everything else reads the same for every
// provider. The result carries its evidence: the resolved query, the time it was evaluated
// at, the value, the bounds and a link (argo-rollouts#1591: see the query that actually ran).
import { boundsText, judgeComparison, judgeNoData, judgeValue, type Judgement } from './metric-judge.js';
import { fillPlaceholders, type MetricPlan, type MetricSource } from './metric-plan.js';
import type { Color } from '../contract/types.js';
import type { MetricMeasurement } from '../contract/analysis-plan.js';
import type { MeasureContext } from './provider.js';
import type { MetricCheckFields } from './prometheus/types.js';
import { inertText } from '../contract/sanitize.js';

export type { MetricMeasurement };

/** What a source answered, sorted out (see analysis/prometheus/query.ts for the wording of each). */
export type SourceAnswer =
  | { kind: 'value'; value: number; series?: string }
  | { kind: 'empty'; what?: string }
  | { kind: 'multi'; series: Array<{ labels: string; value: number }> }
  | { kind: 'unsupported'; resultType: string }
  | { kind: 'invalid'; status: number; error: string }
  | { kind: 'unavailable'; attempts: number; error: string };

/** For whom a metric is measured: the placeholders' values and the evaluation time. */
export interface MetricValues {
  /** The color judged (`{{color}}`). */
  color: Color;
  /** The color serving users, for `compare`. */
  liveColor: Color;
  service: string;
  sha: string;
  /** Evaluation time, ms since the epoch. */
  timeMs: number;
}

/** How a source reader reaches its source (Prometheus, a JSON endpoint). */
export interface SourceOptions {
  /** @default the guarded fetch (activities/guarded-fetch.ts): tests only pass another */
  fetch?: typeof fetch;
  /** Headers (with secret values) the worker's policy attaches to requests to `url`. */
  headersFor?: (url: string) => Record<string, string>;
  /** Removes secret values from error texts. */
  redact?: (text: string) => string;
  /** One request's timeout. @default 5_000 */
  timeoutMs?: number;
  /** @default 3 */
  attempts?: number;
  /** @default 250 */
  backoffMs?: number;
}

/** Reads one number from a source at the context's time; `resolved` is what it actually ran. */
export type SourceReader = (
  source: MetricSource,
  values: Record<'color' | 'service' | 'sha' | 'window', string>,
  timeMs: number,
) => Promise<{ answer: SourceAnswer; resolved: string; link?: string }>;

function describeAnswer(metric: MetricPlan, answer: Exclude<SourceAnswer, { kind: 'value' }>, atIso: string): Judgement {
  switch (answer.kind) {
    case 'empty':
      return judgeNoData(
        metric,
        answer.what ?? `the query matched no series at ${atIso} (a quiet service, or a label that matches nothing)`,
      );
    case 'multi': {
      const shown = answer.series.slice(0, 3).map((s) => `${s.labels}=${s.value}`);
      const more = answer.series.length > 3 ? `, … ${answer.series.length - 3} more` : '';
      return {
        verdict: 'inconclusive',
        reason: `the query returned ${answer.series.length} series (${shown.join(', ')}${more}), not one number: aggregate it, e.g. with sum(…) or max(…)`,
      };
    }
    case 'unsupported':
      return {
        verdict: 'inconclusive',
        reason: `the query returned ${answer.resultType}, not a number: use an instant vector or a scalar`,
      };
    case 'invalid':
      return { verdict: 'inconclusive', reason: `the query was refused (HTTP ${answer.status}): ${answer.error}` };
    case 'unavailable':
      return {
        verdict: 'inconclusive',
        reason: `no measurement: ${answer.error} (after ${answer.attempts} attempt${answer.attempts === 1 ? '' : 's'})`,
      };
  }
}

export async function measureMetric(metric: MetricPlan, ctx: MetricValues, read: SourceReader): Promise<MetricMeasurement> {
  const at = new Date(ctx.timeMs).toISOString();
  const values = { color: ctx.color, service: ctx.service, sha: ctx.sha, window: metric.window };
  const base = { check: metric.name, at, bounds: metric.pass, boundsText: boundsText(metric) };
  // Reasons quote Prometheus' errors, series labels and JSON values: untrusted text, made inert here.
  const done = (j: Judgement, extra: Partial<MetricMeasurement>): MetricMeasurement => ({
    ...base,
    ...extra,
    ...(extra.query !== undefined ? { query: inertText(extra.query, 4_000) } : {}),
    verdict: j.verdict,
    reason: inertText(j.reason, 500),
  });

  if (metric.traffic) {
    const traffic = await read(metric.traffic.source, values, ctx.timeMs);
    const rate = traffic.answer.kind === 'value' ? traffic.answer.value : traffic.answer.kind === 'empty' ? 0 : undefined;
    if (rate === undefined) {
      const why = describeAnswer(metric, traffic.answer as Exclude<SourceAnswer, { kind: 'value' }>, at);
      return done({ verdict: 'inconclusive', reason: `traffic guard: ${why.reason}` }, { query: traffic.resolved });
    }
    if (Number.isNaN(rate) || rate < metric.traffic.min) {
      return done(
        {
          verdict: 'inconclusive',
          reason: `too little traffic to judge: ${Number.isNaN(rate) ? 'NaN' : Number(rate.toPrecision(3))} requests/s, the traffic guard wants ≥ ${metric.traffic.min}`,
        },
        { query: traffic.resolved, ...(traffic.link ? { link: traffic.link } : {}) },
      );
    }
  }

  const main = await read(metric.source, values, ctx.timeMs);
  const evidence = { query: main.resolved, ...(main.link ? { link: main.link } : {}) };
  if (main.answer.kind !== 'value') return done(describeAnswer(metric, main.answer, at), evidence);
  const value = main.answer.value;
  const judged = judgeValue(metric, value);
  const withValue = { ...evidence, ...(Number.isNaN(value) ? {} : { value }) };
  if (judged.verdict === 'fail' || !metric.compare || Number.isNaN(value)) return done(judged, withValue);

  const live = await read(metric.source, { ...values, color: ctx.liveColor }, ctx.timeMs);
  const liveValue = live.answer.kind === 'value' ? live.answer.value : undefined;
  const comparison = judgeComparison(metric, value, {
    color: ctx.liveColor,
    value: liveValue,
    ...(live.answer.kind !== 'value' ? { why: live.answer.kind === 'empty' ? 'no series' : live.answer.kind } : {}),
  })!;
  if (comparison.verdict === 'fail') return done(comparison, withValue);
  return done({ verdict: judged.verdict, reason: `${judged.reason}; ${comparison.reason}` }, withValue);
}

export { fillPlaceholders };

/** A source reader's options from the seam's measure context. */
export const readerOptions = (context: MeasureContext): SourceOptions => ({
  timeoutMs: context.timeoutMs,
  ...(context.headersFor ? { headersFor: context.headersFor } : {}),
  ...(context.redact ? { redact: context.redact } : {}),
});

/** What every metric provider does with its check: measure it with `reader` at the round's time (now when it pins none). */
export const measureMetricCheck = <S extends { type: string }>(
  check: MetricCheckFields<S> & { name: string },
  context: MeasureContext,
  reader: SourceReader,
): Promise<MetricMeasurement> =>
  measureMetric(
    { ...(check.metric as unknown as MetricPlan), name: check.name },
    {
      color: check.color,
      liveColor: check.liveColor,
      service: check.service,
      sha: check.sha,
      timeMs: context.timeMs ?? Date.now(),
    },
    reader,
  );
