// What a plan asks of analysis and what a status keeps of it: checks, metrics, measurements and
// their verdicts. The registered check and metric source types come from the plug-in registry
// (contract/plugin-plans.ts); the providers that measure them live in analysis/.
import type { CheckPlan, MetricSource } from './plugin-plans.js';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** One reading of one check. */
export interface Measurement {
  /** The check's name, e.g. "health", "color", "error-rate". */
  check: string;
  /** The number measured, when the check measures one (a latency, an error rate). */
  value?: number;
  verdict: Verdict;
  /** Why this verdict, naming the check, e.g. "health: HTTP 503 from https://…/health". */
  reason: string;
  /** ISO time of the reading. */
  at: string;
  /** What was asked (a URL, a PromQL query). */
  query?: string;
  /** The bounds `value` was held to. */
  bounds?: { min?: number; max?: number };
  /** Where a human can look further (a dashboard, a graph). */
  link?: string;
}

/** What a phase keeps of one check: counts and the last reading (DeploymentStatus.analysis). */
export interface CheckSummary {
  check: string;
  provider: CheckPlan['provider'];
  measurements: number;
  passes: number;
  failures: number;
  inconclusive: number;
  last?: Measurement;
}

/** A metric's verdict is a check's: a metric measurement is a Measurement. */
export type MetricVerdict = Verdict;

/** How a value is shown; comparisons always use the raw number. */
export type MetricUnit = 'ratio' | 'percent' | 'seconds' | 'milliseconds' | 'per-second' | 'number';

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

/** A Measurement plus its bounds in words, e.g. "pass ≤ 1 %, fail > 2 %". */
export interface MetricMeasurement extends Measurement {
  boundsText?: string;
}
