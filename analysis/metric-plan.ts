// The resolved, plain-data form of a named metric and of an analysis block, as the workflow
// plan carries them (no secrets: headers that need one are added by the worker from its
// policy's `metrics` section). Pure types and helpers: loaded in the workflow sandbox too.

export type { AnalysisPlan, InconclusivePolicy, MetricPlan, MetricUnit, MetricVerdict } from '../contract/analysis-plan.js';
export type { MetricSource } from '../contract/plugin-plans.js';

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
