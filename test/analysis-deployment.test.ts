// Metric analysis end to end: real deployments on the dev server, a real Prometheus
// scraping the lab's apps under bounded loopback traffic. Healthy traffic passes before
// approval; 5 % errors fail verify (traffic never moves: the router's log); a latency regression
// under traffic rolls back naming the metric; a quiet service asks; Prometheus down is retried
// then inconclusive; invalid PromQL stops the plan; a failing test workflow names its job and step.
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import { withLiveAnalysis } from '../client/live-analysis.js';
import { renderPhaseList } from '../client/render.js';
import { startLab, type Lab } from '../lab/index.js';
import { startLabPrometheus, type PrometheusServer } from '../lab/prometheus.js';
import * as messages from '../contract/messages.js';
import { currentDetails } from '../views/current-details.js';
import { FAST_LAB, it } from './support/fixture.js';
import { waitForStatus, waitingForApproval } from './support/harness.js';
import { labMetrics, labQueries, prometheusTestsSkipped } from './support/prometheus.js';
import { finalStatus } from './support/final-status.js';

const QUICK_MONITOR = { duration: '1s', interval: '100ms', failureThreshold: 3 };
const verifyAnalysis = (extra: Record<string, unknown> = {}) => ({
  analysis: { metrics: ['error-rate', 'p90'], count: 3, interval: '300ms', ...extra },
});

describe.skipIf(prometheusTestsSkipped('test/analysis-deployment.test.ts'))('metric analysis in deployments', () => {
  let lab: Lab;
  let prom: PrometheusServer;
  let metrics: Record<string, unknown>;
  // Every test deploys on the file's lab (Prometheus scrapes it, the load runs on it): `deploy`
  // starts the test's own worker for it first. (`scoped`, not `extend`: the fixtures that need
  // `lab` then get this one.)
  it.scoped({
    lab: async ({}, use) => {
      await use(lab);
    },
  });

  beforeAll(async () => {
    lab = await startLab(FAST_LAB);
    prom = await startLabPrometheus(lab.appUrls);
    metrics = labMetrics(prom.url);
    lab.github.addWorkflow({
      file: 'e2e.yml',
      name: 'E2E tests',
      inputs: { deployment_id: { required: true }, base_url: { required: true } },
      jobs: [{ name: 'e2e', steps: ['Set up job', 'Run checkout flow', 'Complete job'] }],
    });
    // Both apps get traffic of their own (smoke traffic before the switch, users after it).
    lab.load.start({ targets: [lab.appUrls.blue, lab.appUrls.green], ratePerSecond: 60, durationMs: 240_000 });
    await new Promise((r) => setTimeout(r, 2_500));
  });
  afterAll(async () => {
    await prom?.close();
    await lab?.close();
  });
  beforeEach(() => {
    lab.apps.setFault('blue', {});
    lab.apps.setFault('green', {});
    if (lab.router.activeColor !== 'blue') lab.router.setActive('blue', 'test reset');
  });

  const switchesSince = (n: number) => lab.router.switches.slice(n).filter((s) => s.changed);

  it('healthy traffic passes before approval, with the evidence; tests run once against the target URL', async ({ deploy }) => {
    const { handle } = await deploy('svc-metrics-ok', {
      metrics: {
        ...metrics,
        'json-error-rate': {
          json: {
            url: `${prom.url}/api/v1/query?query=${encodeURIComponent(labQueries.errorRate.replaceAll('{{window}}', '2s')).replace(/%7B%7B(\w+)%7D%7D/g, '{{$1}}')}`,
            pointer: '/data/result/0/value/1',
          },
          unit: 'ratio',
          pass: { max: 0.01 },
          noData: 'inconclusive',
        },
      },
      verify: {
        analysis: { metrics: ['error-rate', 'p90', 'json-error-rate'], count: 3, interval: '300ms' },
        tests: [{ workflow: 'e2e.yml', inputs: { base_url: '{{url}}' } }],
      },
      monitor: QUICK_MONITOR,
    });
    const waiting = await waitForStatus(handle, waitingForApproval);
    const verify = waiting.analyses!.verify!.metrics!;
    expect(verify.verdict).toBe('pass');
    expect(verify.metrics.map((m) => [m.name, m.verdict, m.passed, m.total])).toEqual([
      ['error-rate', 'pass', 3, 3],
      ['p90', 'pass', 3, 3],
      ['json-error-rate', 'pass', 3, 3],
    ]);
    const errorRate = verify.metrics[0]!.last!;
    expect(errorRate).toMatchObject({ check: 'error-rate', value: 0, reason: '0 % ≤ 1 %', boundsText: 'pass ≤ 1 %, fail > 2 %' });
    expect(errorRate.query).toContain('color="green"');
    expect(errorRate.link).toContain(`${prom.url}/graph?g0.expr=`);
    expect(Date.parse(errorRate.at)).toBeGreaterThan(Date.parse(waiting.startedAt));
    expect(waiting.tests).toEqual([expect.objectContaining({ name: 'e2e', workflow: 'e2e.yml', state: 'succeeded' })]);
    const dispatches = lab.github.dispatches.filter((d) => d.workflow === 'e2e.yml');
    expect(dispatches).toHaveLength(1);
    expect(dispatches[0]!.inputs['base_url']).toBe(lab.appUrls.green);
    // One activity for the checks and the metrics; the test's dispatch was scheduled while it
    // ran, after its verifyHealthy signal (the checks had passed), not before.
    const events = (await handle.fetchHistory()).events ?? [];
    const id = (e: (typeof events)[number] | undefined) => Number(e?.eventId ?? NaN);
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled.filter((name) => ['verifyWindow', 'verifyChecks', 'analyzeMetrics'].includes(name))).toEqual([
      'verifyWindow',
    ]);
    const windowAt = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'verifyWindow');
    const windowDone = events.find(
      (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === String(events[windowAt]?.eventId),
    );
    const healthy = events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'verifyHealthy');
    expect(healthy).toHaveLength(1);
    const testDispatch = events
      .slice(windowAt)
      .find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'dispatchWorkflow');
    expect(id(healthy[0])).toBeLessThan(id(testDispatch));
    expect(id(testDispatch)).toBeLessThan(id(windowDone));
    expect(waiting.analyses?.verify?.checks?.map((c) => [c.check, c.failures])).toEqual([
      ['health', 0],
      ['color', 0],
    ]);
    expect(waiting.phases.find((p) => p.name === 'verify')?.detail).toMatch(
      /^\d+ probes, 2 in a row healthy; error-rate 0 % ≤ 1 %/,
    );
    expect(renderPhaseList(waiting)).toContain('✓ error-rate 0 % ≤ 1 % (3/3 passed)');
    expect(currentDetails(waiting)).toMatch(
      /✓ error-rate 0 % ≤ 1 % \\?\(3\/3 passed\\?\) — evaluated at \d\d:\d\d:\d\d UTC — \[graph\]\(http:/,
    );
    const record = lab.github.deployments.find((d) => d.description?.includes(waiting.deploymentId));
    expect(record?.statuses.map((s) => s.description)).toContainEqual(
      expect.stringMatching(/^verify passed: error-rate 0 % ≤ 1 % \(3\/3 passed\)/),
    );

    await handle.signal(messages.approveSignal, { by: 'alice' });
    expect((await finalStatus(handle)).outcome).toBe('SUCCEEDED');
  });

  it('5 % errors fail verify before approval: FAILED naming metric, value and bound; traffic never moves', async ({ deploy }) => {
    lab.apps.setFault('green', { errorRate: 0.05 });
    await new Promise((r) => setTimeout(r, 2_000));
    const before = lab.router.switches.length;
    const { handle } = await deploy('svc-metrics-errors', { metrics, verify: verifyAnalysis(), monitor: QUICK_MONITOR });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(
      /^verify failed: error-rate \d+(\.\d+)? % > 2 % \(0\/3 passed, 1 failed\); traffic untouched on blue$/,
    );
    expect(result.phases.find((p) => p.name === 'approval')?.state).toBe('skipped');
    expect(result.analyses!.verify!.metrics!.rounds).toBe(1);
    expect(switchesSince(before)).toEqual([]);
    expect(lab.github.dispatchCount('dns-update.yml', `${result.deploymentId}.switch`)).toBe(0);
  });

  it('the status shows the counts as they come in (from the heartbeat), with no history event per round', async ({ deploy }) => {
    const { handle } = await deploy('svc-metrics-live', {
      metrics,
      // A 1.5 s heartbeat timeout: Temporal passes heartbeats on every 1.2 s (0.8 × it).
      timeouts: { heartbeat: '1500ms' },
      verify: { analysis: { metrics: ['error-rate'], count: 12, interval: '400ms' } },
      monitor: QUICK_MONITOR,
    });
    const readings: Array<{ rounds: number; events: number; text: string }> = [];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && readings.length < 2) {
      const status = await withLiveAnalysis(handle, await handle.query(messages.statusQuery));
      const verify = status.analyses?.verify?.metrics;
      const last = readings.at(-1)?.rounds ?? 0;
      if (verify?.verdict === 'running' && verify.liveAt && verify.rounds > last && verify.rounds < 12) {
        const { events } = await handle.fetchHistory();
        readings.push({ rounds: verify.rounds, events: events?.length ?? 0, text: renderPhaseList(status) });
        // The checks that passed before the metrics, from the same heartbeat (verifyWindow).
        expect(status.analyses?.verify?.checks?.map((c) => [c.check, c.passes])).toEqual([
          ['health', 2],
          ['color', 2],
        ]);
        // The Web UI's current details (the workflow's own status) say where the counts are.
        expect(currentDetails(await handle.query(messages.statusQuery))).toContain('Pending Activities → verifyWindow');
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(readings.length).toBe(2);
    const [a, b] = readings as [(typeof readings)[0], (typeof readings)[0]];
    expect(a.text).toMatch(new RegExp(`▶ error-rate 0 % ≤ 1 % \\(${a.rounds}/12 passed\\)`));
    expect(a.text).toMatch(
      /Metric analysis before approval \(green\): running, \d+ rounds? in \(live, as of \d\d:\d\d:\d\d UTC\)/,
    );
    // More rounds measured, not one more event: the counts live in the heartbeat.
    expect(b.rounds).toBeGreaterThan(a.rounds);
    expect(b.events).toBe(a.events);
    const waiting = await waitForStatus(handle, waitingForApproval);
    expect(waiting.analyses!.verify!.metrics).toMatchObject({ verdict: 'pass', rounds: 12 });
    expect(waiting.analyses!.verify!.metrics!.liveAt).toBeUndefined();
    await handle.signal(messages.abortSignal, { by: 'alice', reason: 'test done' });
    await finalStatus(handle);
  });

  it('onFailure.verify: ask — failing checks ask before any metric round; retry checks again, then measures', async ({
    deploy,
  }) => {
    lab.apps.setHealthy('green', false);
    try {
      const { handle } = await deploy('svc-metrics-retry', {
        approval: { required: false },
        metrics,
        onFailure: { verify: 'ask' },
        verify: { timeout: '1s', ...verifyAnalysis({ count: 2, interval: '200ms' }) },
        monitor: QUICK_MONITOR,
      });
      const asking = await waitForStatus(handle, (s) => s.stepFailure?.step === 'verify');
      expect(asking.stepFailure!.error).toMatch(/^verify failed: green not healthy after 1s: health: HTTP 503/);
      expect(asking.analyses?.verify?.metrics).toBeUndefined();
      lab.apps.setHealthy('green', true);
      await handle.executeUpdate(messages.retryUpdate, { args: [{ by: 'frank' }] });
      const result = await finalStatus(handle);
      expect(result.outcome).toBe('SUCCEEDED');
      expect(result.analyses!.verify!.metrics).toMatchObject({ verdict: 'pass', rounds: 2 });
      const events = (await handle.fetchHistory()).events ?? [];
      const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
      expect(scheduled.filter((name) => name === 'verifyWindow')).toHaveLength(2);
    } finally {
      lab.apps.setHealthy('green', true);
    }
  });

  it('a failing test workflow fails verify naming its job and step', async ({ deploy }) => {
    lab.github.failNextRun('e2e.yml', { job: 'e2e', step: 'Run checkout flow' });
    const { handle } = await deploy('svc-tests-fail', {
      verify: { tests: [{ workflow: 'e2e.yml', inputs: { base_url: '{{url}}' } }] },
    });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(
      /^verify failed: test e2e \(e2e\.yml\) ended failure at job "e2e", step "Run checkout flow": http.*\/actions\/runs\/\d+; traffic untouched on blue$/,
    );
    expect(result.tests).toEqual([expect.objectContaining({ name: 'e2e', state: 'failed' })]);
  });

  it('a latency regression under traffic rolls back, naming the metric', async ({ deploy }) => {
    const { handle } = await deploy('svc-metrics-latency', {
      approval: { required: false },
      metrics,
      monitor: {
        duration: '30s',
        interval: '200ms',
        failureThreshold: 3,
        analysis: { metrics: ['p90'], interval: '300ms', failureThreshold: 2 },
      },
    });
    await waitForStatus(handle, (s) => s.phase === 'monitor');
    const slowAt = Date.now();
    lab.apps.setFault('green', { latencyMs: 250 });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('ROLLED_BACK');
    expect(result.error).toMatch(/^metric analysis failed: p90 \d+ ms > 100 ms \(\d+\/\d+ passed, 2 failed\)/);
    expect(Date.now() - slowAt).toBeLessThan(15_000);
    expect(lab.router.activeColor).toBe('blue');
    expect(result.analyses!.monitor!.metrics!.metrics[0]).toMatchObject({ name: 'p90', verdict: 'fail', consecutiveFailures: 2 });
  });

  it('monitor with metrics: probes and metrics in one activity, its counts live from the heartbeat', async ({ deploy }) => {
    const { handle } = await deploy('svc-metrics-window', {
      approval: { required: false },
      metrics,
      // A 1.5 s heartbeat timeout: Temporal passes heartbeats on every 1.2 s (0.8 × it).
      timeouts: { heartbeat: '1500ms' },
      monitor: {
        duration: '4s',
        interval: '100ms',
        failureThreshold: 3,
        analysis: { metrics: ['error-rate'], interval: '300ms' },
      },
    });
    let live: number | undefined;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && live === undefined) {
      const monitor = (await withLiveAnalysis(handle, await handle.query(messages.statusQuery))).analyses?.monitor?.metrics;
      if (monitor?.verdict === 'running' && monitor.liveAt && monitor.rounds > 0) live = monitor.rounds;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(live).toBeGreaterThan(0);
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.analyses!.monitor!.metrics).toMatchObject({
      verdict: 'pass',
      metrics: [{ name: 'error-rate', verdict: 'pass' }],
    });
    expect(result.monitor?.probes).toBeGreaterThan(10);
    expect(result.phases.find((p) => p.name === 'monitor')?.detail).toMatch(/^healthy for 4s; error-rate 0 % ≤ 1 %/);
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled.filter((name) => ['monitorWindow', 'monitorChecks', 'analyzeMetrics'].includes(name))).toEqual([
      'monitorWindow',
    ]);
    console.info(`monitored deployment with metrics: ${events.length} history events`);
  });

  it('a quiet service is inconclusive and asks; only a promoter answers it, and promote goes on', async ({ deploy }) => {
    const quiet = {
      ...(metrics['error-rate'] as Record<string, unknown>),
      traffic: { query: labQueries.requestRate.replace('route="/"', 'route="other"'), min: 1 },
    };
    const { handle } = await deploy('svc-metrics-quiet', {
      approval: { required: false },
      metrics: { 'error-rate': quiet },
      verify: {
        analysis: {
          metrics: ['error-rate'],
          count: 2,
          interval: '200ms',
          onInconclusive: 'ask',
          ask: { timeout: '1m', default: 'fail' },
        },
      },
      monitor: QUICK_MONITOR,
    });
    const asking = await waitForStatus(handle, (s) => s.waitingFor?.includes('inconclusive metric analysis') === true);
    expect(asking.phase).toBe('verify');
    expect(asking.waitingFor).toContain('too little traffic to judge: 0 requests/s, the traffic guard wants ≥ 1');
    expect(asking.waitingFor).toContain('bluegreen promote svc-metrics-quiet --by <name>');
    expect(asking.analyses!.verify!.metrics!.verdict).toBe('inconclusive');
    expect(lab.router.activeColor).toBe('blue');
    // Someone the policy does not name as a promoter cannot answer it (lab policy: alice … test).
    await handle.signal(messages.promoteSignal, { by: 'mallory' });
    const ignored = await waitForStatus(handle, (s) => (s.ignoredSignals ?? []).length > 0);
    expect(ignored.ignoredSignals).toMatchObject([
      { signal: 'promote', by: 'mallory', reason: expect.stringMatching(/^mallory may not promote \(promoters: alice, bob/) },
    ]);
    expect(ignored.waitingFor).toContain('inconclusive metric analysis');
    await handle.signal(messages.promoteSignal, { by: 'carol' });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('SUCCEEDED');
    expect(result.analyses!.verify!.metrics!.decidedBy).toBe('promoted by carol');
    // The promote answered the question; it did not also end the monitor window early.
    expect(result.phases.find((p) => p.name === 'monitor')?.detail).toMatch(/^healthy for 1s/);
  });

  it('Prometheus down: retried, then inconclusive with the reason; onInconclusive: fail stops it', async ({ deploy }) => {
    await prom.stop();
    try {
      const { handle } = await deploy('svc-metrics-down', {
        metrics,
        verify: verifyAnalysis({ count: 1, onInconclusive: 'fail' }),
      });
      const result = await finalStatus(handle);
      expect(result.outcome).toBe('FAILED');
      expect(result.error).toMatch(
        /^verify failed: error-rate traffic guard: no measurement: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(after 3 attempts\)/,
      );
      expect(lab.router.activeColor).toBe('blue');
    } finally {
      await prom.start();
    }
  });

  it('a query Prometheus cannot parse stops the plan', async ({ deploy }) => {
    const bad = { ...(metrics['p90'] as Record<string, unknown>), query: 'histogram_quantile(0.9, rate(x[5]))' };
    const { handle } = await deploy('svc-metrics-badquery', {
      metrics: { ...metrics, p90: bad },
      verify: verifyAnalysis(),
    });
    const result = await finalStatus(handle);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatch(
      /^invalid metric queries: metrics\.p90\.query: not valid PromQL \(Prometheus at http:\/\/127\.0\.0\.1:\d+ says: .*\); traffic untouched on blue$/,
    );
    expect(result.phases.find((p) => p.name === 'deploy')?.state).toBe('skipped');
  });
});
