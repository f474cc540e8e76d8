// Counting measurements into verdicts (pure): verify's failure limit and early stop, monitor's
// consecutive failures, what onInconclusive makes of a quiet service, and the status line.
import { describe, expect, it } from 'vitest';
import type { MetricMeasurement } from '../analysis/metric-measure.js';
import type { AnalysisPlan, InconclusivePolicy } from '../analysis/metric-plan.js';
import { addMeasurement, analysisVerdict, closeMetric, emptyTally, metricLine } from '../contract/metric-tally.js';

const plan = (
  failureLimit: number,
  onInconclusive: InconclusivePolicy = { action: 'ask', timeoutMs: 1000, default: 'fail' },
): AnalysisPlan => ({
  metrics: [
    {
      name: 'error-rate',
      source: { type: 'prometheus', url: 'http://p', query: 'x' },
      window: '1m',
      unit: 'ratio',
      pass: { max: 0.01 },
      noData: 'inconclusive',
    },
  ],
  count: 10,
  intervalMs: 100,
  initialDelayMs: 0,
  failureLimit,
  onInconclusive,
});
const m = (verdict: MetricMeasurement['verdict'], reason: string): MetricMeasurement => ({
  check: 'error-rate',
  verdict,
  reason,
  at: '2026-12-01T21:00:00.000Z',
});

function run(p: AnalysisPlan, verdicts: Array<MetricMeasurement['verdict']>, mode: 'verify' | 'monitor' = 'verify') {
  let [s] = emptyTally(p, mode);
  for (const v of verdicts)
    s = addMeasurement(
      p,
      s!,
      m(v, v === 'pass' ? '0.4 % ≤ 1 %' : v === 'fail' ? '5 % > 1 %' : 'no data: quiet; noData: inconclusive'),
      mode,
    );
  return closeMetric(p, s!, mode);
}

describe('analysis tally', () => {
  it('verify: passes within the failure limit and says so in one line', () => {
    const s = run(plan(2), ['pass', 'fail', 'pass', 'pass', 'pass', 'pass', 'pass', 'fail', 'pass', 'pass']);
    expect(s.verdict).toBe('pass');
    expect(metricLine(s)).toBe('error-rate 0.4 % ≤ 1 % (8/10 passed, 2 failed)');
    expect(metricLine(run(plan(0), Array(10).fill('pass')))).toBe('error-rate 0.4 % ≤ 1 % (10/10 passed)');
  });

  it('verify: one failure past the limit fails the metric at once, naming value and bound', () => {
    const p = plan(1);
    let [s] = emptyTally(p, 'verify');
    s = addMeasurement(p, s!, m('fail', '5 % > 1 %'), 'verify');
    expect(s.verdict).toBe('running');
    s = addMeasurement(p, s, m('fail', '6 % > 1 %'), 'verify');
    expect(s.verdict).toBe('fail');
    const result = analysisVerdict([closeMetric(p, s, 'verify')], 2);
    expect(result).toMatchObject({ verdict: 'fail', reason: 'error-rate 6 % > 1 % (0/10 passed, 2 failed)' });
  });

  it('verify: inconclusive asks, passes or fails as configured', () => {
    expect(run(plan(0), ['pass', 'inconclusive', 'pass']).verdict).toBe('inconclusive');
    expect(run(plan(0, { action: 'pass' }), ['pass', 'inconclusive']).verdict).toBe('pass');
    expect(run(plan(0, { action: 'fail' }), ['pass', 'inconclusive']).verdict).toBe('fail');
    expect(metricLine(run(plan(0), ['inconclusive', 'pass']))).toBe(
      'error-rate no data: quiet; noData: inconclusive (1/10 passed, 1 inconclusive)',
    );
  });

  it('monitor: failureLimit failures in a row roll back; scattered ones do not', () => {
    expect(run(plan(3), ['fail', 'fail', 'pass', 'fail', 'fail', 'pass'], 'monitor').verdict).toBe('pass');
    const s = run(plan(3), ['pass', 'fail', 'fail', 'fail'], 'monitor');
    expect(s.verdict).toBe('fail');
    expect(metricLine(s)).toBe('error-rate 5 % > 1 % (1/4 passed, 3 failed)');
  });

  it('monitor: a window with no conclusive answer is a question, not a pass', () => {
    expect(run(plan(2), ['inconclusive', 'inconclusive'], 'monitor').verdict).toBe('inconclusive');
    expect(run(plan(2), ['inconclusive', 'pass'], 'monitor').verdict).toBe('pass');
    expect(run(plan(2, { action: 'fail' }), ['inconclusive', 'inconclusive'], 'monitor').verdict).toBe('fail');
  });
});
