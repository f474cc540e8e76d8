// `npm run demo -- --metrics`: the deployment judged by metrics on a real Prometheus (Debian's
// package, installed with apt when missing and allowed) scraping the lab's apps under a small
// loopback load. verify measures green's error rate and p90 latency before QA is asked; the
// monitor keeps measuring under traffic. With --rollback green turns slow after the switch and
// the p90 metric rolls the deployment back, naming itself.
import { ensurePrometheus, startLabPrometheus, type PrometheusServer } from '../lab/prometheus.js';
import type { Lab } from '../lab/index.js';
import type { DeploymentStatus } from '../contract/types.js';

const ERRORS = (rate: string) =>
  `(sum(rate(http_requests_total{color="{{color}}",route="/",code=~"5.."}[{{window}}])) or vector(0)) / sum(rate(http_requests_total{color="{{color}}",route="/"}[{{window}}]))${rate}`;

export interface DemoMetrics {
  prometheus: PrometheusServer;
  /** bluegreen.yaml fragment: metrics, verify.analysis, monitor.analysis. */
  config(base: Record<string, unknown>): Record<string, unknown>;
  /** Called on every status change: makes green slow once monitoring (with --rollback). */
  onStatus(status: DeploymentStatus): void;
  story(): string[];
  close(): Promise<void>;
}

export async function startDemoMetrics(
  lab: Lab,
  options: { rollback: boolean; say: (text: string) => void },
): Promise<DemoMetrics> {
  const found = await ensurePrometheus();
  if ('missing' in found) throw new Error(`--metrics needs Prometheus: ${found.missing}`);
  const prometheus = await startLabPrometheus(lab.appUrls);
  options.say(`Prometheus ${prometheus.url} scraping both apps every 500 ms (graph: ${prometheus.url}/graph)`);
  // Smoke traffic on both colors (the new one has no users before the switch), bounded and loopback only.
  lab.load.start({ targets: [lab.appUrls.blue, lab.appUrls.green], ratePerSecond: 40, durationMs: 10 * 60_000 });
  options.say('load: 40 requests/s over blue and green for at most 10 minutes');
  let slowed = false;
  return {
    prometheus,
    config: (base) => ({
      ...base,
      metrics: {
        'error-rate': {
          prometheus: { url: prometheus.url },
          query: ERRORS(''),
          window: '5s',
          unit: 'ratio',
          pass: { max: 0.01 },
          fail: { above: 0.02 },
          noData: 'inconclusive',
          traffic: { query: 'sum(rate(http_requests_total{color="{{color}}",route="/"}[{{window}}]))', min: 1 },
          compare: { maxRatio: 1.5, allowance: 0.005 },
        },
        'p90-latency': {
          prometheus: { url: prometheus.url },
          query:
            'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{color="{{color}}",route="/"}[{{window}}])))',
          window: '5s',
          unit: 'seconds',
          pass: { max: 0.1 },
          fail: { above: 0.2 },
          noData: 'inconclusive',
        },
      },
      verify: {
        ...(base['verify'] as Record<string, unknown> | undefined),
        analysis: { metrics: ['error-rate', 'p90-latency'], count: 5, interval: '1s', initialDelay: '2s' },
      },
      monitor: {
        ...(base['monitor'] as Record<string, unknown> | undefined),
        analysis: { metrics: ['error-rate', 'p90-latency'], interval: '1s', failureThreshold: 2 },
      },
    }),
    onStatus(status) {
      if (!options.rollback || slowed || status.phase !== 'monitor' || !status.targetColor) return;
      slowed = true;
      options.say(`making ${status.targetColor} answer 300 ms slower under traffic (--rollback): p90-latency will notice`);
      lab.apps.setFault(status.targetColor, { latencyMs: 300 });
    },
    story: () => [`load sent ${lab.load.stats.sent} requests: ${JSON.stringify(lab.load.stats.byStatus)}`],
    close: async () => {
      lab.load.stop();
      await prometheus.close();
    },
  };
}
