// What an analysis provider is: it turns one check of its kind into one Measurement. Runs in
// activities (it may use the network); it never throws for a bad reading (that is a `fail` or
// an `inconclusive` measurement with a reason naming the check), only for cancellation.
import type { PolicyPart } from '../contract/plugin.js';
import type { MetricSourceConfig } from './metric-config.js';
import type { SourceOptions, SourceReader } from './metric-measure.js';
import type { MetricPlaceholder } from './metric-plan.js';
import type { CheckPlanBase, Measurement } from './types.js';

export interface MeasureContext {
  /** Timeout of one reading. Every reading gets all of it. */
  timeoutMs: number;
  /** Where secrets named by a check are read (worker environment). */
  env: NodeJS.ProcessEnv;
  /** Metric checks: the round's evaluation time (ms), so every metric of a round is read at one instant. @default now */
  timeMs?: number;
  /** Metric checks: the secret headers the worker's policy attaches to a URL. */
  headersFor?: (url: string) => Record<string, string>;
  /** Removes secret values from error texts. */
  redact?: (text: string) => string;
}

/** What every check plan is: its provider's name and the fields all checks share. */
export type AnyCheckPlan = CheckPlanBase & { provider: string };

/**
 * An analysis provider's manifest (analysis/<provider>/index.ts, one line in analysis/registry.ts):
 * how it measures a check, its worker part for checks of its kind (`plan.checks`), and, for a metric
 * provider, the metric source type it reads (`analysis.*.metrics[].source.type`) with that part.
 */
export interface AnalysisProvider<C extends AnyCheckPlan = AnyCheckPlan, Src extends { type: string } = { type: string }> {
  provider: C['provider'];
  /** Former names of its checks' provider that a plan may still carry (measured by this provider). */
  aliases?: readonly string[];
  measure(check: C, context: MeasureContext): Promise<Measurement>;
  /** Its worker part for a check of its kind: plan schema, policy rules, touches, bounds. */
  policy: PolicyPart<C, any, any, any>;
  /** A metric provider: the source it reads. */
  source?: MetricSourceManifest<Src>;
}

/** The metric source a provider reads: the plan's `source.type`, bluegreen.yaml's key, its worker part. */
export interface MetricSourceManifest<Src extends { type: string } = { type: string }> {
  /** The source type in plans, and its key under `metrics.<name>` in bluegreen.yaml. */
  type: Src['type'];
  /** Its worker part: plan schema, policy rules, touches, bounds. */
  policy: PolicyPart<Src, any, any, any>;
  /** Its part of bluegreen.yaml: schema, fields, plan mapping, dry-run text. */
  config: MetricSourceConfig<Src, any, any, any>;
  /** What `measure` reads with; `bluegreen doctor` asks a source through it too. */
  read: (options: SourceOptions) => SourceReader;
  /** Its `url` is a template whose placeholders are filled in (URL-encoded) for each reading; else read as it is. */
  urlTemplate?: boolean;
  /**
   * A check of what the source will run, at plan time, for a source that can judge it before any
   * reading (Prometheus parses PromQL). Sources without one are not asked.
   */
  checkQuery?: (source: Src, values: Record<MetricPlaceholder, string>, options: SourceOptions) => Promise<QueryCheck>;
}

/** A plan-time query check's answer: fine, a problem in words, or the source could not tell (why). */
export type QueryCheck = { ok: true } | { ok: false; problem: string } | { ok: 'unknown'; why: string };

/** Declares a provider; the generics tie its measure, worker parts and source type to its check and source types. */
export const defineProvider = <C extends AnyCheckPlan, Src extends { type: string } = never>(
  provider: AnalysisProvider<C, Src>,
): AnalysisProvider<C, Src> => provider;

/** A measurement at the current time. */
export const measurement = (fields: Omit<Measurement, 'at'>): Measurement => ({ ...fields, at: new Date().toISOString() });
