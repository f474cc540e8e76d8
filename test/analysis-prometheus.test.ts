// The Prometheus and JSON metric sources against a real Prometheus scraping the lab's apps
// under bounded loopback traffic: each kind of answer (a value, NaN, ±Inf, no series, several
// series, a range vector, invalid PromQL, Prometheus down) ends in its own verdict and wording.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { startLabPrometheus, type PrometheusServer } from '../lab/prometheus.js';
import { measureMetric, type MetricValues } from '../analysis/metric-measure.js';
import type { MetricPlan } from '../analysis/metric-plan.js';
import { prometheusReader } from '../analysis/prometheus/read.js';
import { checkQuerySyntax, queryInstant } from '../analysis/prometheus/query.js';
import { jsonReader } from '../analysis/json/read.js';
import { ERROR_RATE_QUERY, P90_LATENCY_QUERY, REQUEST_RATE_QUERY, prometheusTestsSkipped } from './support/prometheus.js';

const fastRetries = { attempts: 3, backoffMs: 20, timeoutMs: 1_000 };

describe.skipIf(prometheusTestsSkipped('test/analysis-prometheus.test.ts'))('metric sources on a real Prometheus', () => {
  let lab: Lab;
  let prom: PrometheusServer;
  const read = prometheusReader(fastRetries);
  const ctx = (color: 'blue' | 'green'): MetricValues => ({
    color,
    liveColor: color === 'green' ? 'blue' : 'green',
    service: 'datatruck-api',
    sha: 'abc',
    timeMs: Date.now() - 500,
  });
  const metric = (overrides: Partial<MetricPlan> = {}): MetricPlan => ({
    name: 'error-rate',
    source: { type: 'prometheus', url: prom.url, query: ERROR_RATE_QUERY },
    window: '3s',
    unit: 'ratio',
    pass: { max: 0.01 },
    fail: { above: 0.02 },
    noData: 'inconclusive',
    ...overrides,
  });

  beforeAll(async () => {
    lab = await startLab();
    prom = await startLabPrometheus(lab.appUrls);
    // Blue healthy, green failing exactly 1 in 20 traffic requests, both under load.
    lab.apps.setFault('green', { errorRate: 0.05 });
    lab.load.start({ targets: [lab.appUrls.blue, lab.appUrls.green], ratePerSecond: 80, durationMs: 60_000 });
    await new Promise((r) => setTimeout(r, 3_500));
  });
  afterAll(async () => {
    await prom?.close();
    await lab?.close();
  });

  it('passes healthy traffic and fails 5 % errors, with the evidence', async () => {
    const healthy = await measureMetric(metric(), ctx('blue'), read);
    expect(healthy).toMatchObject({
      check: 'error-rate',
      verdict: 'pass',
      value: 0,
      reason: '0 % ≤ 1 %',
      boundsText: 'pass ≤ 1 %, fail > 2 %',
    });
    expect(healthy.query).toContain('color="blue"');
    expect(healthy.query).toContain('[3s]');
    expect(healthy.link).toMatch(new RegExp(`^${prom.url}/graph\\?g0\\.expr=`));
    const failing = await measureMetric(metric(), ctx('green'), read);
    expect(failing.verdict).toBe('fail');
    expect(failing.value).toBeGreaterThan(0.02);
    expect(failing.reason).toMatch(/^\d+(\.\d+)? % > 2 %$/);
  });

  it('re-runs to the same value at the pinned time', async () => {
    const at = Date.now() - 1_000;
    const first = await measureMetric(metric(), { ...ctx('green'), timeMs: at }, read);
    await new Promise((r) => setTimeout(r, 700));
    const again = await measureMetric(metric(), { ...ctx('green'), timeMs: at }, read);
    expect(again.value).toBe(first.value);
    expect(again.at).toBe(new Date(at).toISOString());
  });

  it('judges latency from the histogram, and a regression under traffic fails', async () => {
    const p90 = metric({
      name: 'p90',
      source: { type: 'prometheus', url: prom.url, query: P90_LATENCY_QUERY },
      unit: 'seconds',
      pass: { max: 0.05 },
      fail: undefined,
    });
    const fast = await measureMetric(p90, ctx('blue'), read);
    expect(fast.verdict).toBe('pass');
    expect(fast.reason).toMatch(/ms ≤ 50 ms$/);
  });

  it('compares with the live color', async () => {
    const m = metric({ pass: { max: 0.5 }, fail: undefined, compare: { maxRatio: 1.5, allowance: 0.001 } });
    const green = await measureMetric(m, ctx('green'), read);
    expect(green.verdict).toBe('fail');
    expect(green.reason).toMatch(/ > 1\.5 × live blue's 0 % \+ 0\.1 % = 0\.1 %$/);
    const blue = await measureMetric(m, ctx('blue'), read);
    expect(blue.verdict).toBe('pass');
    expect(blue.reason).toMatch(/^0 % ≤ 50 %; 0 % ≤ 1\.5 × live green's/);
  });

  it('a quiet service is inconclusive, by the traffic guard or by noData, never a failure', async () => {
    const quiet = { type: 'prometheus' as const, url: prom.url, query: REQUEST_RATE_QUERY.replace('route="/"', 'route="other"') };
    const guarded = await measureMetric(metric({ traffic: { source: quiet, min: 1 } }), ctx('green'), read);
    expect(guarded).toMatchObject({
      verdict: 'inconclusive',
      reason: 'too little traffic to judge: 0 requests/s, the traffic guard wants ≥ 1',
    });
    const empty = await measureMetric(
      metric({ source: { ...quiet, query: ERROR_RATE_QUERY.replaceAll('route="/"', 'route="other"') } }),
      ctx('green'),
      read,
    );
    expect(empty.verdict).toBe('inconclusive');
    expect(empty.reason).toMatch(
      /^no data: the query matched no series at .*Z \(a quiet service, or a label that matches nothing\); noData: inconclusive$/,
    );
    const failOnNoData = await measureMetric(
      metric({ source: empty.query ? { ...quiet, query: empty.query } : quiet, noData: 'fail' }),
      ctx('green'),
      read,
    );
    expect(failOnNoData.verdict).toBe('fail');
  });

  it.each<[string, string, string, RegExp]>([
    ['NaN', '0/0', 'inconclusive', /^the query answered NaN \(usually 0\/0: no requests in the window\); noData: inconclusive$/],
    ['+Inf', '1/0', 'fail', /^\+Inf > 2 % \(beyond the largest histogram bucket, or a division by zero\)$/],
    ['-Inf', '-1/0', 'pass', /^-Inf ≤ 1 %/],
    ['several series', 'up', 'inconclusive', /^the query returned 2 series \(up\{instance=.*\), not one number: aggregate it/],
    ['a range vector', 'up[2s]', 'inconclusive', /^the query returned a matrix, not a number/],
    ['a string', '"hello"', 'inconclusive', /^the query returned a string, not a number/],
  ])('%s has its own wording', async (_, query, verdict, reason) => {
    const m = await measureMetric(metric({ source: { type: 'prometheus', url: prom.url, query } }), ctx('green'), read);
    expect(m.verdict).toBe(verdict);
    expect(m.reason).toMatch(reason);
  });

  it('invalid PromQL is refused by Prometheus at once, not retried', async () => {
    const answer = await queryInstant({ url: prom.url, query: 'sum(rate(x{a="b"[1m]))', timeMs: Date.now(), ...fastRetries });
    expect(answer).toMatchObject({
      kind: 'invalid',
      status: 400,
      error: expect.stringMatching(/^bad_data: invalid parameter "query": .*parse error/),
    });
    expect(await checkQuerySyntax({ url: prom.url, query: 'sum(rate(x[5m])' })).toEqual({
      ok: false,
      error: expect.stringMatching(/unclosed left parenthesis/),
    });
    expect(await checkQuerySyntax({ url: prom.url, query: 'sum(rate(x[5m]))' })).toEqual({ ok: true });
  });

  it('the JSON provider reads a number by pointer through the same measurement', async () => {
    const jsonRead = jsonReader(fastRetries);
    // Prometheus' own API is a JSON endpoint: the error ratio at /data/result/0/value/1 (a string).
    const url = `${prom.url}/api/v1/query?query=${encodeURIComponent(ERROR_RATE_QUERY).replace(/%7B%7B(\w+)%7D%7D/g, '{{$1}}')}`;
    const m = metric({ name: 'json-error-rate', source: { type: 'json', url, pointer: '/data/result/0/value/1' } });
    expect(await measureMetric(m, ctx('blue'), jsonRead)).toMatchObject({ verdict: 'pass', value: 0, reason: '0 % ≤ 1 %' });
    expect((await measureMetric(m, ctx('green'), jsonRead)).verdict).toBe('fail');
    const missing = await measureMetric(
      { ...m, source: { type: 'json', url, pointer: '$.data.result[5].value' } },
      ctx('blue'),
      jsonRead,
    );
    expect(missing).toMatchObject({
      verdict: 'inconclusive',
      reason: 'no data: the answer has nothing at /data/result/5; noData: inconclusive',
    });
  });

  it('Prometheus down: retried, then inconclusive with the reason, never a pass', async () => {
    await prom.stop();
    try {
      const down = await measureMetric(metric(), ctx('blue'), read);
      expect(down.verdict).toBe('inconclusive');
      expect(down.reason).toMatch(/^no measurement: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(after 3 attempts\)$/);
      const json = await measureMetric(
        metric({ source: { type: 'json', url: `${prom.url}/api/v1/query?query=up`, pointer: '/data' } }),
        ctx('blue'),
        jsonReader(fastRetries),
      );
      expect(json.reason).toMatch(/^no measurement: cannot reach .*ECONNREFUSED \(after 3 attempts\)$/);
    } finally {
      await prom.start();
    }
  });
});
