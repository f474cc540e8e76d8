// Metric analysis on a real Prometheus scraping the lab's apps under loopback load.
// "3. Rollback latency (metric-driven)": a p90 latency regression under traffic; from the
// measurement that reaches the failure limit to the router answering the old color, against
// the floor one interval + the switch-back run. "5. History size (metric analysis)": events
// of a deployment whose monitor window runs monitor.analysis every 100 ms, short vs long window.
// Real time only: a measurement's Prometheus time is the worker's clock, so the fast clock of
// bench/history-size.ts would ask Prometheus about the future.
import { startLab, type Lab } from '../lab/index.js';
import { startLabPrometheus, type PrometheusServer } from '../lab/prometheus.js';
import { startDeployment } from '../client/start-deployment.js';
import { statusQuery } from '../contract/messages.js';
import type { BenchContext, SectionResult } from './support/context.js';
import type { WorkerProcess } from './support/processes.js';
import { deployAndWait, runDuration, runsOf } from './support/context.js';
import { LEAN, planFrom } from './support/plans.js';
import { ms, sleep, spread, summarize, table, verdict } from './support/stats.js';
import { finalStatus } from '../client/final-status.js';

const INTERVAL_MS = 500;
const FAILURE_LIMIT = 2;
const SWITCH_RUN = { queuedMs: 100, inProgressMs: 1_000 };
const HISTORY_INTERVAL = '100ms';

/** p90 latency of a color's app over 2 s (the lab's apps are scraped every 500 ms). */
function p90Metric(prometheusUrl: string) {
  return {
    p90: {
      prometheus: { url: prometheusUrl },
      query:
        'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{color="{{color}}",route="/"}[{{window}}])))',
      window: '2s',
      unit: 'seconds',
      pass: { max: 0.1 },
      noData: 'inconclusive',
    },
  };
}

/**
 * Runs `work` with a Prometheus scraping both apps of `lab` under `ratePerSecond` requests/s of
 * loopback load each (2.5 s in, so the first scrapes are there) and a worker without write spacing.
 */
async function underLoad<T>(
  ctx: BenchContext,
  name: string,
  lab: Lab,
  ratePerSecond: number,
  work: (prom: PrometheusServer, worker: WorkerProcess) => Promise<T>,
): Promise<T> {
  const prom = await startLabPrometheus(lab.appUrls);
  try {
    const worker = await ctx.startWorker(name, lab, { env: { BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0' } });
    lab.load.start({ targets: [lab.appUrls.blue, lab.appUrls.green], ratePerSecond, durationMs: 20 * 60_000 });
    await sleep(2_500);
    const result = await work(prom, worker);
    lab.load.stop();
    await worker.stop();
    return result;
  } finally {
    await prom.close();
  }
}

interface RollbackSample {
  /** Failure limit reached (the deciding measurement's time) → router answers blue. */
  latencyMs: number;
  floorMs: number;
  /** Latency injected → failure limit reached (the rate window and the scrape interval). */
  toLimitMs: number;
  /** Failure limit reached → rollback phase starts. */
  triggerMs: number;
  runMs: number;
}

export async function metricRollback(ctx: BenchContext): Promise<SectionResult> {
  const n = ctx.quick ? 3 : 8;
  const lab = await startLab({ runTiming: { queuedMs: 100, inProgressMs: 300 } });
  lab.github.setWorkflowBehavior('dns-update.yml', SWITCH_RUN);
  const samples: RollbackSample[] = [];
  try {
    await underLoad(ctx, 'metric-rollback', lab, 60, async (prom, worker) => {
      for (let i = 0; i < n; i++) {
        lab.apps.setFault('green', {});
        lab.router.setActive('blue', 'bench reset');
        await sleep(2_500); // the 2 s rate window forgets the last sample's slow requests
        const plan = planFrom(lab.exampleConfig(`metric-rollback`), {
          ...LEAN,
          metrics: p90Metric(prom.url),
          monitor: {
            duration: '2m',
            interval: '1s',
            failureThreshold: 3,
            analysis: { metrics: ['p90'], interval: `${INTERVAL_MS}ms`, failureLimit: FAILURE_LIMIT },
          },
        });
        const handle = await startDeployment(ctx.client, plan, { taskQueue: worker.taskQueue });
        for (let s = await handle.query(statusQuery); s.phase !== 'monitor'; s = await handle.query(statusQuery)) {
          if (s.outcome)
            throw new Error(`metric-rollback: ${plan.deploymentId} ended ${s.outcome} before monitoring: ${s.error}`);
          await sleep(20);
        }
        await sleep(1_000 + Math.random() * INTERVAL_MS);
        const switchesBefore = lab.router.switches.length;
        const slowAt = Date.now();
        lab.apps.setFault('green', { latencyMs: 250 });
        const status = await finalStatus(handle);
        if (status.outcome !== 'ROLLED_BACK' || !/^metric analysis failed: p90/.test(status.error ?? ''))
          throw new Error(`metric-rollback: ${plan.deploymentId} ended ${status.outcome}: ${status.error}`);
        const decisive = status.analyses?.monitor?.metrics?.metrics[0]?.decisive;
        const back = lab.router.switches.slice(switchesBefore).find((sw) => sw.color === 'blue');
        const run = runsOf(lab, plan.deploymentId).find((r) => r.inputs['deployment_id'] === `${plan.deploymentId}.rollback`);
        const phase = status.phases.find((p) => p.name === 'rollback');
        if (!decisive || !back || !run || !phase?.startedAt)
          throw new Error(`metric-rollback: ${plan.deploymentId}: no deciding measurement or switch back recorded`);
        const limitAt = Date.parse(decisive.at);
        const runMs = runDuration(run);
        samples.push({
          latencyMs: Date.parse(back.at) - limitAt,
          floorMs: INTERVAL_MS + runMs,
          toLimitMs: limitAt - slowAt,
          triggerMs: Date.parse(phase.startedAt) - limitAt,
          runMs,
        });
        ctx.log(`metric-rollback: ${i + 1}/${n}: ${ms(Date.parse(back.at) - limitAt)} from the limit to blue`);
      }
    });
  } finally {
    lab.apps.setFault('green', {});
    await lab.close();
  }
  const latency = summarize(samples.map((s) => s.latencyMs));
  const excess = summarize(samples.map((s) => s.latencyMs - s.floorMs));
  const trigger = summarize(samples.map((s) => s.triggerMs));
  const med = (f: (s: RollbackSample) => number) => ms(summarize(samples.map(f)).median);
  const met = excess.max <= 0;
  const markdown = [
    `Deployments on the lab with a real Prometheus (scraping both apps every 500 ms) and 60 requests/s of loopback load on each`,
    `color. \`monitor.analysis\`: the p90 latency of the target color over 2 s (\`pass: { max: 0.1 }\`), every ${INTERVAL_MS} ms,`,
    `\`failureLimit: ${FAILURE_LIMIT}\`; the HTTP probes stay healthy. Once the monitor runs, green answers 250 ms slower. Latency =`,
    `the router answering blue again − the time of the measurement that reached the failure limit (its pinned Prometheus`,
    `time); floor = one interval + the switch-back run (queued ${SWITCH_RUN.queuedMs} ms, in progress ${SWITCH_RUN.inProgressMs} ms; created → completed).`,
    '',
    table(
      [
        'latency: median (min–max, n)',
        'floor (median)',
        'latency − floor: median (min–max)',
        'limit reached → rollback starts',
        'run',
        'slower → limit reached',
      ],
      [[spread(latency), med((s) => s.floorMs), spread(excess), spread(trigger), med((s) => s.runMs), med((s) => s.toLimitMs)]],
    ),
    '',
    `**Target within one interval of the failure limit (latency ≤ ${INTERVAL_MS} ms + the switch-back run): ${verdict(met)}** — latency − floor`,
    `is ${ms(excess.median)} median, ${ms(excess.max)} at worst (n=${excess.n}); the rollback starts ${ms(trigger.median)} (median) after the`,
    'deciding measurement: its own query round trip, the activity returning its verdict, a workflow task. The last column is not',
    "bluegreen's: Prometheus' 2 s rate window and 500 ms scrape interval decide when the slow requests show in the p90.",
  ].join('\n');
  return {
    id: 'metric-rollback',
    title: '3. Rollback latency (metric-driven)',
    markdown,
    targets: [
      {
        target: 'failure limit reached → public endpoint answers the old color, within one interval + switch run',
        figure: `${ms(excess.median)} over the floor (median), ${ms(excess.max)} at worst; rollback starts ${ms(trigger.median)} after the limit`,
        met,
      },
    ],
    data: samples,
  };
}

interface HistoryCase {
  label: string;
  duration: string;
  events: number;
  rounds: number;
  wallMs: number;
  byType: Record<string, number>;
}

export async function analysisHistory(ctx: BenchContext): Promise<SectionResult> {
  const windows = ctx.quick
    ? [
        ['10 s', '10s'],
        ['30 s', '30s'],
      ]
    : [
        ['10 s', '10s'],
        ['2 min', '2m'],
      ];
  const lab = await startLab({ runTiming: { queuedMs: 50, inProgressMs: 200 } });
  const cases: HistoryCase[] = [];
  try {
    await underLoad(ctx, 'analysis-history', lab, 40, async (prom, worker) => {
      for (const [label, duration] of windows) {
        lab.router.setActive('blue', 'bench reset');
        const plan = planFrom(lab.exampleConfig(`analysis-history`), {
          ...LEAN,
          sync: { enabled: true, redeploy: true },
          metrics: p90Metric(prom.url),
          monitor: {
            duration,
            interval: '1s',
            failureThreshold: 3,
            analysis: { metrics: ['p90'], interval: HISTORY_INTERVAL, failureLimit: 3 },
          },
        });
        const done = await deployAndWait(ctx.client, lab, plan, worker.taskQueue);
        if (done.status.outcome !== 'SUCCEEDED')
          throw new Error(`analysis-history: ${plan.deploymentId} ended ${done.status.outcome}: ${done.status.error}`);
        const events = (await done.handle.fetchHistory()).events ?? [];
        const byType: Record<string, number> = {};
        for (const event of events) {
          const key =
            Object.keys(event).find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k]) ?? 'unknown';
          const name = key.replace(/EventAttributes$/, '').replace(/^./, (c) => c.toUpperCase());
          byType[name] = (byType[name] ?? 0) + 1;
        }
        const rounds = done.status.analyses?.monitor?.metrics?.rounds ?? 0;
        cases.push({ label: label!, duration: duration!, events: events.length, rounds, wallMs: done.wallMs, byType });
        ctx.log(`analysis-history: ${label}: ${events.length} events, ${rounds} rounds`);
      }
    });
  } finally {
    await lab.close();
  }
  const types = [...new Set(cases.flatMap((c) => Object.keys(c.byType)))].sort();
  const counts = cases.map((c) => c.events);
  // Workflow-task batching moves a count by 3 (see section 5): that is not growth.
  const met = Math.max(...counts) - Math.min(...counts) <= 3;
  const markdown = [
    'One deployment per window on the lab (no approval gate, sync on) with a real Prometheus scraping both apps under load;',
    `the monitor window runs the HTTP probes every 1 s and \`monitor.analysis\` (one p90 query) every ${HISTORY_INTERVAL}. Real time: the`,
    "fast clock of section 5 would pin the measurements' Prometheus time in the future, hence 2 min, not 10 (its 1,147 rounds are",
    'what a 10 min window makes at a 500 ms interval).',
    '',
    table(
      ['monitor window', 'analysis rounds', 'wall', 'events'],
      cases.map((c) => [c.label, c.rounds, ms(c.wallMs), c.events]),
    ),
    '',
    table(
      ['event type', ...cases.map((c) => c.label)],
      types.map((t) => [t, ...cases.map((c) => c.byType[t] ?? 0)]),
    ),
    '',
    `**Target flat in the window: ${verdict(met)}** — ${cases.map((c) => `${c.events} events for ${c.rounds} rounds (${c.label})`).join(', ')}.`,
    'The analysis is one heartbeating activity per phase (`verifyWindow`, `monitorWindow`): the rounds live in its heartbeat, which is also',
    'what `bluegreen status` shows while it runs (client/live-analysis.ts), and come back to the workflow once, with its result.',
  ].join('\n');
  return {
    id: 'analysis-history',
    title: '5. History size (metric analysis)',
    markdown,
    targets: [
      {
        target: 'events flat in the window with monitor.analysis every 100 ms',
        figure: cases.map((c) => `${c.events} (${c.label}, ${c.rounds} rounds)`).join(', '),
        met,
      },
    ],
    data: cases,
  };
}
