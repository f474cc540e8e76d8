// The resolved, plain-data form of a named metric and of an analysis block, as the workflow
// plan carries them (no secrets: headers that need one are added by the worker from its
// policy's `metrics` section). Pure types and helpers: loaded in the workflow sandbox too.

import type { RegisteredSource } from './registry.js';
import type { Verdict } from './types.js';

/** The seam's verdict (analysis/types.ts): a metric measurement is a Measurement. */
export type MetricVerdict = Verdict;

/** How a value is shown; comparisons always use the raw number. */
export type MetricUnit = 'ratio' | 'percent' | 'seconds' | 'milliseconds' | 'per-second' | 'number';

/** Where a metric's number comes from: one variant per metric provider in analysis/registry.ts. */
export type MetricSource = RegisteredSource;

export interface MetricPlan<S extends { type: string } = MetricSource> {
  name: string;
  source: S;
  /** What `{{window}}` becomes, a Prometheus duration like "2m". */
  window: string;
  unit: MetricUnit;
  /** Inclusive: the value passes when min ≤ value ≤ max (each optional, at least one set). */
  pass: { min?: number; max?: number };
  /** Exclusive: the value fails when above `above` or below `below`; absent, outside `pass` fails. */
  fail?: { above?: number; below?: number };
  /** What an empty answer (no series, NaN, a missing JSON field) means. No default, on purpose. */
  noData: MetricVerdict;
  /** A second query on the same provider; below `min` the measurement is inconclusive. */
  traffic?: { source: S; min: number };
  /** The same query for the live color: the target fails above maxRatio × live + allowance. */
  compare?: { maxRatio: number; allowance: number };
}

export type InconclusivePolicy =
  | { action: 'pass' }
  | { action: 'fail' }
  /** Wait for promote / rollback up to timeoutMs, then decide `default`. */
  | { action: 'ask'; timeoutMs: number; default: 'pass' | 'fail' };

export interface AnalysisPlan {
  metrics: MetricPlan[];
  /** verify: measurements per metric; monitor: ignored (the window decides). */
  count: number;
  intervalMs: number;
  initialDelayMs: number;
  /** verify: more failed measurements than this fail the metric; monitor: this many in a row roll back. */
  failureLimit: number;
  onInconclusive: InconclusivePolicy;
}

export const METRIC_PLACEHOLDERS = ['color', 'service', 'sha', 'window'] as const;
export type MetricPlaceholder = (typeof METRIC_PLACEHOLDERS)[number];
export const METRIC_PLACEHOLDER_PATTERN = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Fills `{{color}}`, `{{service}}`, `{{sha}}`, `{{window}}`; `encode` for URLs. */
export function fillPlaceholders(
  template: string,
  values: Record<MetricPlaceholder, string>,
  encode: (text: string) => string = (t) => t,
): string {
  return template.replace(new RegExp(METRIC_PLACEHOLDER_PATTERN.source, 'g'), (whole, name: string) =>
    name in values ? encode(values[name as MetricPlaceholder]) : whole,
  );
}
