// One word, one meaning: a check's onInconclusive takes the metric analyses' words (pass, fail;
// absent counts a reading neither way, its old word `ignore` still reads with a notice), and the
// JSON metric source's provider is called json as its config key and source type are (a plan
// naming its checks' old provider json-metric is still measured by it, with a notice). Real HTTP
// on loopback for the readings; no Temporal.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureRound } from '../analysis/rounds.js';
import { metricCheck } from '../analysis/metric-activities.js';
import { providerOf } from '../analysis/registry.js';
import type { CheckPlan } from '../analysis/types.js';
import type { MetricPlan } from '../analysis/metric-plan.js';
import type { DeploymentPlan } from '../contract/types.js';
import { parseWorkerPolicy, pluginNotices, pluginProblems } from '../worker/policy.js';

let server: Server;
let base: string;
beforeAll(async () => {
  // An answer with nothing at the pointer: no data, which this metric calls inconclusive.
  server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"other":1}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const metric = (): MetricPlan => ({
  name: 'p95',
  source: { type: 'json', url: `${base}/p95?c={{color}}`, pointer: '/value' },
  window: '1m',
  unit: 'number',
  pass: { max: 1 },
  noData: 'inconclusive',
});
const check = (onInconclusive?: 'pass' | 'fail' | 'ignore', provider = 'json'): CheckPlan =>
  ({
    ...metricCheck(metric(), { color: 'green', liveColor: 'blue', service: 'svc', sha: 'abc' }),
    provider,
    ...(onInconclusive ? { onInconclusive } : {}),
  }) as CheckPlan;
const context = { timeoutMs: 2_000, env: {} };

const plan = (checks: CheckPlan[]): DeploymentPlan =>
  ({
    service: 'svc',
    publicUrl: base,
    colorPath: '/color',
    switch: { type: 'workflow', workflow: 'dns-update.yml', ref: 'main', verifyTimeoutMs: 60_000 },
    checks: { verify: checks },
  }) as unknown as DeploymentPlan;
const policy = parseWorkerPolicy('defaults: { approval: { required: false } }\n', 'test');

describe("a check's onInconclusive speaks the metric analyses' words", () => {
  it('pass and fail count an inconclusive reading as such; absent or the old ignore, neither way', async () => {
    expect((await measureRound([check('pass')], context)).verdict).toBe('pass');
    expect((await measureRound([check('fail')], context)).verdict).toBe('fail');
    expect((await measureRound([check()], context)).verdict).toBe('inconclusive');
    expect((await measureRound([check('ignore')], context)).verdict).toBe('inconclusive');
  });

  it('the worker reads the old word with a notice naming the field, and refuses a word of neither vocabulary', () => {
    expect(pluginProblems(plan([check('ignore'), check('pass')]), policy)).toEqual([]);
    expect(pluginNotices(plan([check('ignore'), check('pass')]))).toEqual([
      'checks.verify.0.onInconclusive: "ignore" is now written by leaving onInconclusive out (an inconclusive reading counts neither way; pass and fail count it as such, as for metrics): it still reads, a later release drops it',
    ]);
    expect(pluginProblems(plan([{ ...check(), onInconclusive: 'ask' } as unknown as CheckPlan]), policy)).toEqual([
      expect.stringMatching(/^checks\.verify\.0\.onInconclusive: /),
    ]);
  });
});

describe('the JSON metric source is json everywhere', () => {
  it('its checks are provider json; the old name json-metric is measured by the same provider, with a notice', async () => {
    expect(check().provider).toBe('json');
    expect(providerOf(check(undefined, 'json-metric'))?.provider).toBe('json');
    const measured = await measureRound([check('pass', 'json-metric')], context);
    expect(measured.verdict).toBe('pass');
    expect(pluginProblems(plan([check(undefined, 'json-metric')]), policy)).toEqual([]);
    expect(pluginNotices(plan([check(undefined, 'json-metric')]))).toEqual([
      'checks.verify.0.provider: "json-metric" is now called "json": it still reads, a later release drops the old name',
    ]);
  });
});
