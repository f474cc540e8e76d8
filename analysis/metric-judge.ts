// Judging one number against a metric's bounds, with the wording every status, rollback
// reason and notification reuses ("0.4 % ≤ 1 %"). Shared by the Prometheus and JSON providers,
// so a quiet service, a NaN or a breached bound reads the same whoever measured it.
import type { MetricPlan, MetricUnit, MetricVerdict } from './metric-plan.js';

function trim(n: number, digits: number): string {
  return Number(n.toPrecision(digits)).toString();
}

/** A value in the metric's unit: 0.004 ratio → "0.4 %", 0.12 s → "120 ms". */
export function formatValue(value: number, unit: MetricUnit): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'ratio':
      return `${trim(value * 100, 3)} %`;
    case 'percent':
      return `${trim(value, 3)} %`;
    case 'seconds':
      return Math.abs(value) < 1 ? `${trim(value * 1000, 3)} ms` : `${trim(value, 3)} s`;
    case 'milliseconds':
      return `${trim(value, 3)} ms`;
    case 'per-second':
      return `${trim(value, 3)}/s`;
    default:
      return trim(value, 4);
  }
}

/** The pass bounds in words: "≤ 1 %", "≥ 99 %", "between 1 ms and 300 ms". */
export function passBounds(metric: Pick<MetricPlan, 'pass' | 'unit'>): string {
  const { min, max } = metric.pass;
  const f = (n: number) => formatValue(n, metric.unit);
  if (min !== undefined && max !== undefined) return `between ${f(min)} and ${f(max)}`;
  if (max !== undefined) return `≤ ${f(max)}`;
  return `≥ ${f(min!)}`;
}

/** The fail bounds in words: "> 2 %", or "outside ≤ 1 %" when only pass bounds are set. */
export function failBounds(metric: Pick<MetricPlan, 'pass' | 'fail' | 'unit'>): string {
  const f = (n: number) => formatValue(n, metric.unit);
  const parts: string[] = [];
  if (metric.fail?.above !== undefined) parts.push(`> ${f(metric.fail.above)}`);
  if (metric.fail?.below !== undefined) parts.push(`< ${f(metric.fail.below)}`);
  return parts.length > 0 ? parts.join(' or ') : `outside ${passBounds(metric)}`;
}

/** Both bounds as one text for the evidence: "pass ≤ 1 %, fail > 2 %". */
export function boundsText(metric: Pick<MetricPlan, 'pass' | 'fail' | 'unit'>): string {
  return metric.fail ? `pass ${passBounds(metric)}, fail ${failBounds(metric)}` : `pass ${passBounds(metric)}`;
}

export interface Judgement {
  verdict: MetricVerdict;
  reason: string;
}

const within = (value: number, { min, max }: MetricPlan['pass']) =>
  (min === undefined || value >= min) && (max === undefined || value <= max);

/** A number (which may be ±Inf; NaN goes through noData) against the bounds. */
export function judgeValue(metric: Pick<MetricPlan, 'pass' | 'fail' | 'unit' | 'noData'>, value: number): Judgement {
  const f = (n: number) => formatValue(n, metric.unit);
  if (Number.isNaN(value)) {
    return {
      verdict: metric.noData,
      reason: `the query answered NaN (usually 0/0: no requests in the window); noData: ${metric.noData}`,
    };
  }
  const inf = Number.isFinite(value) ? '' : ' (beyond the largest histogram bucket, or a division by zero)';
  if (within(value, metric.pass)) {
    const { min, max } = metric.pass;
    const text =
      min !== undefined && max !== undefined
        ? `${f(min)} ≤ ${f(value)} ≤ ${f(max)}`
        : max !== undefined
          ? `${f(value)} ≤ ${f(max)}`
          : `${f(value)} ≥ ${f(min!)}`;
    return { verdict: 'pass', reason: `${text}${inf}` };
  }
  const { above, below } = metric.fail ?? {};
  if (!metric.fail) {
    const { min, max } = metric.pass;
    const text = max !== undefined && value > max ? `${f(value)} > ${f(max)}` : `${f(value)} < ${f(min!)}`;
    return { verdict: 'fail', reason: `${text}${inf}` };
  }
  if (above !== undefined && value > above) return { verdict: 'fail', reason: `${f(value)} > ${f(above)}${inf}` };
  if (below !== undefined && value < below) return { verdict: 'fail', reason: `${f(value)} < ${f(below)}${inf}` };
  return {
    verdict: 'inconclusive',
    reason: `${f(value)} is between the pass bound (${passBounds(metric)}) and the fail bound (${failBounds(metric)})${inf}`,
  };
}

/** No data at all (an empty vector, a missing JSON field): noData decides, and says so. */
export function judgeNoData(metric: Pick<MetricPlan, 'noData'>, what: string): Judgement {
  return { verdict: metric.noData, reason: `no data: ${what}; noData: ${metric.noData}` };
}

/** The comparison with the live color, when configured: a failing comparison fails the measurement. */
export function judgeComparison(
  metric: Pick<MetricPlan, 'compare' | 'unit'>,
  value: number,
  live: { color: string; value: number | undefined; why?: string },
): Judgement | undefined {
  if (!metric.compare) return undefined;
  const f = (n: number) => formatValue(n, metric.unit);
  if (live.value === undefined || Number.isNaN(live.value)) {
    return { verdict: 'pass', reason: `no comparison: the live color ${live.color} has no value (${live.why ?? 'no data'})` };
  }
  const { maxRatio, allowance } = metric.compare;
  const limit = live.value * maxRatio + allowance;
  const how = `${maxRatio} × live ${live.color}'s ${f(live.value)}${allowance ? ` + ${f(allowance)}` : ''} = ${f(limit)}`;
  return value > limit
    ? { verdict: 'fail', reason: `${f(value)} > ${how}` }
    : { verdict: 'pass', reason: `${f(value)} ≤ ${how}` };
}
