// Counting measurements into a verdict per metric and per phase (pure: the activity keeps the
// tally, the workflow and the CLI render it). verify: more failures than failureLimit fail
// the metric (and stop early); inconclusive ones follow onInconclusive. monitor: failureLimit
// failures in a row roll back; a window with only inconclusive answers follows onInconclusive.
import type { AnalysisPlan, MetricMeasurement, MetricVerdict } from './analysis-plan.js';

export interface MetricSummary {
  name: string;
  /** The metric's verdict so far (verify: over all its measurements; monitor: the window). */
  verdict: MetricVerdict | 'running';
  passed: number;
  failed: number;
  inconclusive: number;
  /** Measurements taken. */
  total: number;
  /** Planned measurements (verify); absent in monitor, whose window decides. */
  planned?: number;
  consecutiveFailures: number;
  /** The latest measurement, with its evidence (resolved query, time, value, bounds, link). */
  last?: MetricMeasurement;
  /** The measurement that decided a fail or an inconclusive verdict, when not the last. */
  decisive?: MetricMeasurement;
}

export interface AnalysisResult {
  /** pass: every metric passed; fail: one failed (named in reason); inconclusive: a human is asked. */
  verdict: MetricVerdict;
  reason: string;
  metrics: MetricSummary[];
  /** Measurement rounds done. */
  rounds: number;
}

export function emptyTally(plan: AnalysisPlan, mode: 'verify' | 'monitor'): MetricSummary[] {
  return plan.metrics.map((m) => ({
    name: m.name,
    verdict: 'running',
    passed: 0,
    failed: 0,
    inconclusive: 0,
    total: 0,
    ...(mode === 'verify' ? { planned: plan.count } : {}),
    consecutiveFailures: 0,
  }));
}

/** A measurement counted as what onInconclusive makes of it ('ask' keeps it inconclusive). */
function effective(plan: AnalysisPlan, verdict: MetricVerdict): MetricVerdict {
  if (verdict !== 'inconclusive') return verdict;
  return plan.onInconclusive.action === 'ask' ? 'inconclusive' : plan.onInconclusive.action;
}

/** Adds one measurement to its metric's summary (returns a new one). */
export function addMeasurement(
  plan: AnalysisPlan,
  summary: MetricSummary,
  m: MetricMeasurement,
  mode: 'verify' | 'monitor',
): MetricSummary {
  const counted = effective(plan, m.verdict);
  const next: MetricSummary = {
    ...summary,
    total: summary.total + 1,
    passed: summary.passed + (m.verdict === 'pass' ? 1 : 0),
    failed: summary.failed + (m.verdict === 'fail' ? 1 : 0),
    inconclusive: summary.inconclusive + (m.verdict === 'inconclusive' ? 1 : 0),
    consecutiveFailures: counted === 'fail' ? summary.consecutiveFailures + 1 : 0,
    last: m,
  };
  const breached =
    mode === 'verify'
      ? countedFailures(plan, next) > plan.failureLimit
      : next.consecutiveFailures >= Math.max(1, plan.failureLimit);
  if (breached) return { ...next, verdict: 'fail', decisive: m };
  if (m.verdict === 'inconclusive' && !next.decisive) next.decisive = m;
  return next;
}

/** Failures as verify counts them: inconclusive ones too when onInconclusive is fail. */
function countedFailures(plan: AnalysisPlan, s: MetricSummary): number {
  return s.failed + (plan.onInconclusive.action === 'fail' ? s.inconclusive : 0);
}

/** The metric's verdict once its measurements are all in. */
export function closeMetric(plan: AnalysisPlan, s: MetricSummary, mode: 'verify' | 'monitor'): MetricSummary {
  if (s.verdict === 'fail') return s;
  if (mode === 'verify') {
    if (countedFailures(plan, s) > plan.failureLimit) return { ...s, verdict: 'fail' };
    if (s.inconclusive === 0 || plan.onInconclusive.action === 'pass') return { ...s, verdict: 'pass' };
    if (plan.onInconclusive.action === 'fail') return { ...s, verdict: 'pass' };
    return { ...s, verdict: 'inconclusive' };
  }
  // monitor: only a window without a single conclusive answer is a question for a human.
  if (s.total > 0 && s.passed === 0 && s.failed === 0 && plan.onInconclusive.action !== 'pass') {
    return { ...s, verdict: plan.onInconclusive.action === 'fail' ? 'fail' : 'inconclusive' };
  }
  return { ...s, verdict: 'pass' };
}

/** "error-rate 0.4 % ≤ 1 % (7/10 passed)": one metric in one line. */
export function metricLine(s: MetricSummary): string {
  const shown = s.verdict === 'fail' || s.verdict === 'inconclusive' ? (s.decisive ?? s.last) : s.last;
  const what = shown ? shown.reason : 'no measurement yet';
  const of = s.planned !== undefined ? `${s.passed}/${s.planned}` : `${s.passed}/${s.total}`;
  const extra = [s.failed ? `${s.failed} failed` : '', s.inconclusive ? `${s.inconclusive} inconclusive` : ''].filter(Boolean);
  return `${s.name} ${what} (${of} passed${extra.length ? `, ${extra.join(', ')}` : ''})`;
}

/** The phase's verdict from its closed metrics, and the sentence that says why. */
export function analysisVerdict(metrics: MetricSummary[], rounds: number): AnalysisResult {
  const failed = metrics.filter((m) => m.verdict === 'fail');
  if (failed.length > 0) return { verdict: 'fail', reason: failed.map(metricLine).join('; '), metrics, rounds };
  const unsure = metrics.filter((m) => m.verdict === 'inconclusive');
  if (unsure.length > 0) return { verdict: 'inconclusive', reason: unsure.map(metricLine).join('; '), metrics, rounds };
  return { verdict: 'pass', reason: metrics.map(metricLine).join('; '), metrics, rounds };
}
