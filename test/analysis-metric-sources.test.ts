// A metric source is read and checked by the provider registered for its type
// (analysis/registry.ts), never by another: a type no provider registered is refused, naming it,
// at plan time (checkMetricQueries) and when measured (metricCheck). Real HTTP on loopback, a
// stand-in answering Prometheus' format_query as Prometheus does; no Temporal.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetricActivities, metricCheck } from '../analysis/metric-activities.js';
import type { MetricPlan } from '../analysis/metric-plan.js';
import { METRIC_SOURCE_TYPES } from '../analysis/registry.js';

let server: Server;
let base: string;
let asked: string[] = [];
beforeAll(async () => {
  // Prometheus' answer to a query its parser refuses (400 bad_data), for any query with "rate(" unclosed.
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    if (query.includes('rate(') && !query.includes(')'))
      return res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(
          '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:6: parse error: unclosed left parenthesis"}',
        );
    return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  asked = [];
});

const metric = (source: Record<string, unknown>, traffic?: Record<string, unknown>): MetricPlan =>
  ({
    name: 'p90',
    source,
    window: '1m',
    unit: 'number',
    pass: { max: 1 },
    noData: 'inconclusive',
    ...(traffic ? { traffic: { source: traffic, min: 1 } } : {}),
  }) as unknown as MetricPlan;

const { checkMetricQueries } = createMetricActivities({ fetch });
const planTime = (metrics: MetricPlan[]) => checkMetricQueries({ metrics, color: 'green', service: 'svc', sha: 'abc' });

describe('metric sources through the registry', () => {
  it('a source type no provider registered is refused at plan time, naming it and the registered ones', async () => {
    const problems = await planTime([metric({ type: 'influx', url: `${base}/query`, query: 'SELECT 1' })]);
    expect(problems).toEqual([
      `metrics.p90.query: no metric provider reads sources of type "influx" (registered: ${METRIC_SOURCE_TYPES.join(', ')})`,
    ]);
    expect(asked).toEqual([]);
  });

  it("an unregistered traffic source is refused too, the metric's own source still checked", async () => {
    const problems = await planTime([
      metric({ type: 'prometheus', url: base, query: 'sum(up{color="{{color}}"})' }, { type: 'datadog', url: base }),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^metrics\.p90\.traffic\.query: no metric provider reads sources of type "datadog"/),
    ]);
    expect(asked).toHaveLength(1);
  });

  it("a prometheus source is checked by Prometheus' parser, placeholders filled in", async () => {
    const problems = await planTime([metric({ type: 'prometheus', url: base, query: 'rate(errors{color="{{color}}"}[1m]' })]);
    expect(problems).toEqual([
      `metrics.p90.query: not valid PromQL (Prometheus at ${base} says: 1:6: parse error: unclosed left parenthesis)`,
    ]);
    expect(asked).toHaveLength(1);
    expect(new URL(asked[0]!, base).pathname).toBe('/api/v1/format_query');
    expect(new URL(asked[0]!, base).searchParams.get('query')).toBe('rate(errors{color="green"}[1m]');
  });

  it('a json source has no plan-time check: nothing is asked', async () => {
    expect(await planTime([metric({ type: 'json', url: `${base}/p90?c={{color}}`, pointer: '/value' })])).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('measuring a source type no provider registered is refused, not handed to another reader', () => {
    const measure = () =>
      metricCheck(metric({ type: 'influx', url: `${base}/query`, query: 'SELECT 1' }), {
        color: 'green',
        liveColor: 'blue',
        service: 'svc',
        sha: 'abc',
      });
    expect(measure).toThrow(ApplicationFailure);
    expect(measure).toThrow(/metric p90: no metric provider reads sources of type "influx"/);
  });
});
