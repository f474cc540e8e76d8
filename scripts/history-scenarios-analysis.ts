// Metric analysis for scripts/record-histories.ts, on a real Prometheus (the prometheus binary,
// Debian's package, as the tests): verify with metrics and a verify.tests workflow (the checks
// and the metrics in one verifyWindow activity, whose verifyHealthy signal starts the test beside
// the metric rounds), and a monitor window with metrics (the probes and the metrics in one
// monitorWindow activity).
import { stringify } from 'yaml';
import { parseConfigText } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { mergeConfig as deepMerge } from '../lab/merge-config.js';
import { startLabPrometheus, type PrometheusServer } from '../lab/prometheus.js';
import type { Scenario } from './record-histories.js';

let prometheus: PrometheusServer | undefined;

/** 5xx per second of the judged color: a number even without traffic (`or vector(0)`). */
const ERRORS_PER_SECOND = '(sum(rate(http_requests_total{color="{{color}}",code=~"5.."}[{{window}}])) or vector(0))';

const errorsMetric = (url: string) => ({
  prometheus: { url },
  query: ERRORS_PER_SECOND,
  window: '2s',
  unit: 'per-second',
  pass: { max: 0.5 },
  noData: 'inconclusive',
});

export const ANALYSIS_SCENARIOS: Scenario[] = [
  {
    name: 'verified-by-metrics',
    outcome: 'SUCCEEDED',
    overrides: { approval: { required: false } },
    // The metrics and tests of the plan, resolved from bluegreen.yaml with this lab's Prometheus.
    async prepare(_client, lab, plan) {
      prometheus = await startLabPrometheus(lab.appUrls);
      lab.github.addWorkflow({
        file: 'e2e.yml',
        name: 'E2E tests',
        inputs: { deployment_id: { required: true }, base_url: { required: true } },
        jobs: [{ name: 'e2e', steps: ['Set up job', 'Run checkout flow', 'Complete job'] }],
      });
      const config = deepMerge(lab.exampleConfig(plan.service), {
        metrics: { errors: errorsMetric(prometheus.url) },
        verify: {
          analysis: { metrics: ['errors'], count: 3, interval: '100ms' },
          tests: [{ workflow: 'e2e.yml', inputs: { base_url: '{{url}}' } }],
        },
      });
      const resolved = resolvePlan(parseConfigText(stringify(config), `${plan.service}.yaml`, {}), {
        requestedBy: 'record-histories',
        deploymentId: plan.deploymentId,
      });
      return { analysis: resolved.analysis, verifyTests: resolved.verifyTests };
    },
    async drive() {},
    async cleanup() {
      await prometheus?.close();
      prometheus = undefined;
    },
  },
  {
    name: 'monitored-by-metrics',
    outcome: 'SUCCEEDED',
    overrides: { approval: { required: false } },
    async prepare(_client, lab, plan) {
      prometheus = await startLabPrometheus(lab.appUrls);
      const config = deepMerge(lab.exampleConfig(plan.service), {
        metrics: { errors: errorsMetric(prometheus.url) },
        monitor: { analysis: { metrics: ['errors'], interval: '100ms' } },
      });
      const resolved = resolvePlan(parseConfigText(stringify(config), `${plan.service}.yaml`, {}), {
        requestedBy: 'record-histories',
        deploymentId: plan.deploymentId,
      });
      return { analysis: resolved.analysis };
    },
    async drive() {},
    async cleanup() {
      await prometheus?.close();
      prometheus = undefined;
    },
  },
];
