// A JSON metric on loopback for the lab tests: `{"value": n}`, n read from `value()` at each request,
// whose times it keeps; and the plan part that makes it the monitor's `error-rate` metric.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startMetricEndpoint(value: () => number) {
  const hits: number[] = [];
  const server = createServer((_req, res) => {
    hits.push(Date.now());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: value() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/error-rate`;
  return { url, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** `error-rate` (the endpoint's value; ≤ 0.01 passes) judged by the monitor (`monitor` merged in). */
export const errorRateAnalysis = (url: string, monitor: Record<string, unknown>) => ({
  metrics: {
    'error-rate': { json: { url, pointer: '/value' }, unit: 'ratio', pass: { max: 0.01 }, noData: 'fail' },
  },
  monitor: { ...monitor, analysis: { metrics: ['error-rate'], interval: '200ms', failureThreshold: 1 } },
});
