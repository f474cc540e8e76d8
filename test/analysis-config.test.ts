// bluegreen.yaml's metrics, verify.analysis, monitor.analysis and verify.tests: what validate
// accepts, what it refuses (with field paths), and the plan it makes. Pure: no server.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfigFile, parseConfigText } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { lintPromql } from '../analysis/prometheus/promql-lint.js';
import { metricHeadersFor } from '../analysis/metric-headers.js';
import { secretStore } from '../worker/secrets.js';
import { MINIMAL_CONFIG } from './support/configs.js';
import { describeMetricSource } from '../client/metric-sources.js';

const base = {
  ...MINIMAL_CONFIG,
  service: 'datatruck-api',
  github: { owner: 'datatruck', repo: 'backend' },
  approval: { approvers: ['alice'] },
};
const errorRate = {
  prometheus: { url: 'http://prometheus:9090/' },
  query:
    'sum(rate(http_requests_total{service="{{service}}",color="{{color}}",code=~"5.."}[{{window}}])) / sum(rate(http_requests_total{service="{{service}}",color="{{color}}"}[{{window}}]))',
  unit: 'ratio',
  pass: { max: 0.01 },
  fail: { above: 0.02 },
  noData: 'inconclusive',
  traffic: { query: 'sum(rate(http_requests_total{color="{{color}}"}[{{window}}]))', min: 1 },
  compare: { maxRatio: 1.5 },
};

function problemsOf(extra: Record<string, unknown>): Array<{ path: string; message: string }> {
  try {
    parseConfigText(stringify({ ...base, ...extra }), 'bluegreen.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(({ path, message }) => ({ path, message }));
    throw err;
  }
  return [];
}

describe('metrics in bluegreen.yaml', () => {
  it('accepts a full definition and resolves it into the plan', () => {
    const config = parseConfigText(
      stringify({
        ...base,
        metrics: {
          'error-rate': errorRate,
          p95: {
            json: { url: 'https://metrics.internal/p95?color={{color}}', pointer: '$.data[0].value' },
            unit: 'seconds',
            pass: { max: 0.3 },
            noData: 'fail',
          },
        },
        verify: {
          analysis: { metrics: ['error-rate', 'p95'], count: 3, interval: '100ms' },
          tests: [{ workflow: 'e2e.yml', inputs: { base_url: '{{url}}' } }],
        },
        monitor: { analysis: { metrics: ['error-rate'], interval: '200ms', failureThreshold: 2, onInconclusive: 'fail' } },
      }),
      'bluegreen.yaml',
      {},
    );
    const plan = resolvePlan(config, { requestedBy: 'test', deploymentId: 'd-1' });
    expect(plan.verify).toEqual({ healthPath: '/health', successes: 3, intervalMs: 5000, timeoutMs: 300000 });
    const verify = plan.analysis!.verify!;
    expect(verify).toMatchObject({
      count: 3,
      intervalMs: 100,
      initialDelayMs: 0,
      failureLimit: 0,
      onInconclusive: { action: 'ask', timeoutMs: 3_600_000, default: 'fail' },
    });
    expect(verify.metrics[0]).toMatchObject({
      name: 'error-rate',
      source: { type: 'prometheus', url: 'http://prometheus:9090' },
      window: '1m',
      unit: 'ratio',
      pass: { max: 0.01 },
      fail: { above: 0.02 },
      noData: 'inconclusive',
      traffic: { min: 1, source: { type: 'prometheus', query: 'sum(rate(http_requests_total{color="{{color}}"}[{{window}}]))' } },
      compare: { maxRatio: 1.5, allowance: 0 },
    });
    expect(verify.metrics[1]!.source).toEqual({
      type: 'json',
      url: 'https://metrics.internal/p95?color={{color}}',
      pointer: '$.data[0].value',
    });
    expect(plan.analysis!.monitor).toMatchObject({ intervalMs: 200, failureLimit: 2, onInconclusive: { action: 'fail' } });
    expect(plan.verifyTests).toEqual([
      { name: 'e2e', workflow: 'e2e.yml', ref: 'production', inputs: { base_url: '{{url}}' }, timeoutMs: 1_800_000 },
    ]);
  });

  it("a json metric's traffic guard is read from its own url and pointer, with the metric's headers", () => {
    const config = parseConfigText(
      stringify({
        ...base,
        metrics: {
          p95: {
            json: { url: 'https://m.example/p95?c={{color}}', pointer: '/v', headers: { 'X-Team': 'a' } },
            traffic: { url: 'https://m.example/rps?c={{color}}', pointer: '/rps', min: 2 },
            pass: { max: 0.3 },
            noData: 'fail',
          },
        },
        verify: { analysis: { metrics: ['p95'] } },
      }),
      'bluegreen.yaml',
      {},
    );
    const metric = resolvePlan(config, { requestedBy: 't', deploymentId: 'd' }).analysis!.verify!.metrics[0]!;
    expect(metric.traffic).toEqual({
      source: { type: 'json', url: 'https://m.example/rps?c={{color}}', pointer: '/rps', headers: { 'X-Team': 'a' } },
      min: 2,
    });
    expect(describeMetricSource(metric.source)).toBe('GET https://m.example/p95?c={{color}}, the number at /v');
    expect(describeMetricSource({ type: 'datadog' })).toBe('a datadog source, which no provider reads');
  });

  it('leaves plans without analysis unchanged', () => {
    const plan = resolvePlan(parseConfigText(stringify(base), 'bluegreen.yaml', {}), { requestedBy: 't', deploymentId: 'd' });
    expect('analysis' in plan).toBe(false);
    expect('verifyTests' in plan).toBe(false);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      'noData is required',
      { ...errorRate, noData: undefined },
      'metrics.error-rate.noData',
      /noData is required: pass, fail or inconclusive/,
    ],
    [
      'an unknown placeholder',
      { ...errorRate, query: 'up{color="{{colour}}"}' },
      'metrics.error-rate.query',
      /unknown placeholder \{\{colour\}\}/,
    ],
    [
      'unbalanced brackets',
      { ...errorRate, query: 'sum(rate(x{color="{{color}}"[1m]))' },
      'metrics.error-rate.query',
      /not valid PromQL: "\]" at character 29 closes the "\{"|"\)"/,
    ],
    ['an unclosed string', { ...errorRate, query: 'up{color="green}' }, 'metrics.error-rate.query', /never closed/],
    ['no provider', { ...errorRate, prometheus: undefined }, 'metrics.error-rate', /give the provider/],
    [
      'a source no provider registered, naming the registered ones',
      { datadog: { url: 'https://dd.example/q' }, pass: { max: 1 }, noData: 'fail' },
      'metrics.error-rate',
      /^give the provider, one of the registered metric sources: prometheus: \{ url \} with a query or json: \{ url, pointer \}$/,
    ],
    [
      'two providers',
      { ...errorRate, json: { url: 'https://m.example/x', pointer: '/v' } },
      'metrics.error-rate',
      /^give one provider, not prometheus and json$/,
    ],
    [
      "a json metric with prometheus' traffic query",
      { json: { url: 'https://m.example/x', pointer: '/v' }, pass: { max: 1 }, noData: 'fail', traffic: { query: 'up', min: 1 } },
      'metrics.error-rate.traffic.query',
      /^a json metric has no traffic\.query \(that is for prometheus\)$/,
    ],
    [
      'a json metric with a query',
      { json: { url: 'https://m.example/x', pointer: '/v' }, query: 'up', pass: { max: 1 }, noData: 'fail' },
      'metrics.error-rate.query',
      /has no query/,
    ],
    [
      'a bad JSON pointer',
      { json: { url: 'https://m.example/x', pointer: 'data.value' }, pass: { max: 1 }, noData: 'fail' },
      'metrics.error-rate.json.pointer',
      /not a JSON pointer/,
    ],
    ['no pass bound', { ...errorRate, pass: {} }, 'metrics.error-rate.pass', /give min, max or both/],
    [
      'overlapping bounds',
      { ...errorRate, fail: { above: 0.005 } },
      'metrics.error-rate.fail.above',
      /could pass and fail at once/,
    ],
    ['a bad window', { ...errorRate, window: '5 minutes' }, 'metrics.error-rate.window', /Prometheus duration/],
    [
      'a secret header in the deployer file',
      { ...errorRate, prometheus: { url: 'http://p:9090', headers: { Authorization: 'Bearer x' } } },
      'metrics.error-rate.prometheus.headers.Authorization',
      /worker's policy/,
    ],
    [
      'compare with {{sha}}',
      { ...errorRate, query: 'max(x{version="{{sha}}"})' },
      'metrics.error-rate.compare',
      /SHA is not known/,
    ],
  ])('refuses %s, naming the field', (_, metric, path, message) => {
    const problems = problemsOf({ metrics: { 'error-rate': metric } });
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('refuses analyses naming undefined metrics and duplicate test names', () => {
    const problems = problemsOf({
      metrics: { 'error-rate': errorRate },
      verify: { analysis: { metrics: ['error-rate', 'latency'] }, tests: [{ workflow: 'e2e.yml' }, { workflow: 'e2e.yaml' }] },
      monitor: { analysis: { metrics: ['nope'] } },
    });
    // In file order: verify.analysis comes before verify.tests in this file.
    expect(problems).toEqual([
      { path: 'verify.analysis.metrics.1', message: 'no metric "latency" under metrics: (defined: error-rate)' },
      { path: 'verify.tests.1.name', message: '"e2e" is also the name of verify.tests.0: give each test its own name' },
      { path: 'monitor.analysis.metrics.0', message: 'no metric "nope" under metrics: (defined: error-rate)' },
    ]);
  });

  it('lints PromQL: positions are those of the template, placeholders are not brackets', () => {
    expect(lintPromql(errorRate.query)).toEqual([]);
    expect(lintPromql('rate(x[{{window}}]')).toEqual(['the "(" at character 5 is never closed']);
    expect(lintPromql('sum(x))')).toEqual(['")" at character 7 closes nothing']);
    expect(lintPromql('up{a="}"} # comment with ( \n')).toEqual([]);
    expect(lintPromql('')).toEqual(['the query is empty']);
  });

  it('secret headers come from the worker policy, only for URLs under its prefix', () => {
    const headersFor = metricHeadersFor(
      [
        { url: 'https://prom.internal', headers: { Authorization: 'PROM_AUTH' } },
        { url: 'https://prom.internal/tenant-b', headers: { Authorization: 'PROM_B_AUTH' } },
      ],
      secretStore({ PROM_AUTH: 'Bearer aaaaaaaaaaaa', PROM_B_AUTH: 'Bearer bbbbbbbbbbbb' }),
    );
    expect(headersFor('https://prom.internal/api/v1/query?query=up')).toEqual({ Authorization: 'Bearer aaaaaaaaaaaa' });
    expect(headersFor('https://prom.internal/tenant-b/api/v1/query')).toEqual({ Authorization: 'Bearer bbbbbbbbbbbb' });
    expect(headersFor('https://prom.internal.evil.example/api/v1/query')).toEqual({});
    expect(headersFor('http://prom.internal/api/v1/query')).toEqual({});
  });

  it('examples/bluegreen-metrics.yaml is valid and means what its comments say', async () => {
    const config = await loadConfigFile(new URL('../examples/bluegreen-metrics.yaml', import.meta.url).pathname, {});
    const plan = resolvePlan(config, { requestedBy: 't', deploymentId: 'd' });
    expect(plan.analysis!.verify!.metrics.map((m) => m.name)).toEqual(['error-rate', 'p90-latency']);
    expect(plan.analysis!.verify).toMatchObject({ count: 5, intervalMs: 30_000, initialDelayMs: 60_000, failureLimit: 0 });
    expect(plan.analysis!.monitor).toMatchObject({ failureLimit: 2, onInconclusive: { action: 'ask', default: 'fail' } });
    expect(plan.verifyTests).toEqual([
      expect.objectContaining({ name: 'e2e', inputs: { base_url: '{{url}}' }, timeoutMs: 1_800_000 }),
    ]);
  });
});
