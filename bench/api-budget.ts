// 4. GitHub API budget: requests per deployment counted at the lab, split into those that cost
// rate limit and 304 answers (free), for runs of 10 s, 1 min and 10 min.
import type { Lab, RequestRecord } from '../lab/index.js';
import type { BenchContext, SectionResult } from './support/context.js';
import { deployAndWait, runsOf } from './support/context.js';
import { LEAN, planFrom } from './support/plans.js';
import { ms, table, verdict } from './support/stats.js';
import { withWebhookLab } from './support/webhook-lab.js';

const TARGET = 30;
const DEFAULT_POLL_MS = 3_000;
const DNS_RUN_MS = 30_000;

interface Case {
  label: string;
  runMs: number;
  /** Time compression: every duration (runs, poll interval) is divided by this. */
  scale: number;
  webhook: boolean;
}

interface Count {
  label: string;
  scale: number;
  webhook: boolean;
  wallMs: number;
  requests: number;
  rateLimited: number;
  notModified: number;
  /** Reads of the runs (GET /actions/runs/{id}): all, and rate-limited. */
  runReads: number;
  runReadsLimited: number;
  /** Polls the same runs would take at the real 3 s interval: Σ (queued + in progress) / 3 s. */
  realPolls: number;
  byKind: Record<string, number>;
}

export async function apiBudget(ctx: BenchContext): Promise<SectionResult> {
  const scale = ctx.quick ? 60 : 30;
  const cases: Case[] = [
    ...(ctx.quick ? [] : [{ label: '10 s (real time)', runMs: 10_000, scale: 1, webhook: false }]),
    { label: '10 s', runMs: 10_000, scale, webhook: false },
    { label: '1 min', runMs: 60_000, scale, webhook: false },
    { label: '10 min', runMs: 600_000, scale, webhook: false },
    { label: '10 min, webhook on', runMs: 600_000, scale, webhook: true },
  ];
  const counts: Count[] = [];
  await withWebhookLab(ctx, 'api-budget', { runTiming: { queuedMs: 0, inProgressMs: 0 } }, async ({ lab, worker, webhook }) => {
    // Warm-up: the first dispatch of each workflow file also reads its run back once (run-name check).
    await deployAndWait(
      ctx.client,
      lab,
      planFrom(lab.exampleConfig('budget-warmup'), { ...LEAN, sync: { enabled: true } }),
      worker.taskQueue,
    );
    await deployAndWait(
      ctx.client,
      lab,
      planFrom(lab.exampleConfig('budget-warmup'), { ...LEAN, sync: { enabled: true } }),
      worker.taskQueue,
    );
    for (const c of cases) {
      webhook(c.webhook);
      const runMs = Math.round(c.runMs / c.scale);
      for (const file of ['deploy-green.yml', 'deploy-blue.yml'])
        lab.github.setWorkflowBehavior(file, { queuedMs: Math.round(5_000 / c.scale), inProgressMs: runMs });
      lab.github.setWorkflowBehavior('dns-update.yml', {
        queuedMs: Math.round(5_000 / c.scale),
        inProgressMs: Math.round(DNS_RUN_MS / c.scale),
      });
      lab.github.clearLog();
      const plan = planFrom(lab.exampleConfig('budget'), {
        ...LEAN,
        sync: { enabled: true, redeploy: true },
        deploy: { pollInterval: `${Math.round(DEFAULT_POLL_MS / c.scale)}ms`, runTimeout: '30m' },
      });
      const done = await deployAndWait(ctx.client, lab, plan, worker.taskQueue);
      if (done.status.outcome !== 'SUCCEEDED')
        throw new Error(`api-budget: ${plan.deploymentId} ended ${done.status.outcome}: ${done.status.error}`);
      // Let a cancelled poll (webhook case) finish before counting.
      await new Promise((r) => setTimeout(r, 500));
      counts.push(
        count(
          lab,
          c,
          done.wallMs,
          runsOf(lab, plan.deploymentId).map((r) => r.id),
        ),
      );
      ctx.log(
        `api-budget: ${c.label} (÷${c.scale}): ${counts.at(-1)!.rateLimited} rate-limited, ${counts.at(-1)!.notModified} not modified`,
      );
    }
  });
  return report(counts, scale);
}

function kindOf(r: RequestRecord): string {
  if (r.method !== 'GET')
    return r.path.endsWith('/dispatches')
      ? 'dispatch'
      : r.path.includes('/statuses')
        ? 'deployment status'
        : r.path.endsWith('/merges')
          ? 'merge'
          : 'deployment record';
  if (/\/actions\/runs\/\d+$/.test(r.path)) return r.notModified ? 'run read (304)' : 'run read';
  if (r.path.includes('/runs')) return 'run list';
  if (r.path.includes('/branches/')) return 'branch';
  if (r.path.endsWith('/deployments')) return 'deployment list';
  if (r.path.includes('/jobs')) return 'jobs';
  return r.path;
}

function count(lab: Lab, c: Case, wallMs: number, runIds: number[]): Count {
  const requests = lab.github.requests;
  const runPaths = new Set(runIds.map((id) => `/actions/runs/${id}`));
  const runReads = requests.filter((r) => r.method === 'GET' && [...runPaths].some((p) => r.path.endsWith(p)));
  const byKind: Record<string, number> = {};
  for (const r of requests) byKind[kindOf(r)] = (byKind[kindOf(r)] ?? 0) + 1;
  return {
    label: c.label,
    scale: c.scale,
    webhook: c.webhook,
    wallMs,
    requests: requests.length,
    rateLimited: requests.filter((r) => r.rateLimited).length,
    notModified: requests.filter((r) => r.notModified).length,
    runReads: runReads.length,
    runReadsLimited: runReads.filter((r) => r.rateLimited).length,
    realPolls: (2 * (5_000 + c.runMs) + (5_000 + DNS_RUN_MS)) / DEFAULT_POLL_MS,
    byKind,
  };
}

function report(counts: Count[], scale: number): SectionResult {
  const rows = counts.map((c) => [
    c.label,
    c.scale === 1 ? 'real time' : `÷${c.scale} (${ms(DEFAULT_POLL_MS / c.scale)} polls)`,
    ms(c.wallMs),
    Math.round(c.realPolls),
    c.requests,
    c.rateLimited,
    c.notModified,
    `${c.runReads} (${c.runReadsLimited} rate-limited)`,
    c.runReads > 0 ? (c.runReadsLimited / c.runReads).toFixed(3) : '–',
  ]);
  const kinds = [...new Set(counts.flatMap((c) => Object.keys(c.byKind)))].sort();
  const kindRows = kinds.map((k) => [k, ...counts.map((c) => c.byKind[k] ?? 0)]);
  const polling = counts.filter((c) => !c.webhook);
  const maxLimited = Math.max(...counts.map((c) => c.rateLimited));
  const flat = Math.max(...polling.map((c) => c.rateLimited)) - Math.min(...polling.map((c) => c.rateLimited)) <= 2;
  const met = flat && maxLimited < TARGET;
  const markdown = [
    'One deployment per case on the lab with sync on (three runs: deploy, DNS switch, redeploy of the old color), no approval gate,',
    '`monitor.duration: 0`. The two deploy runs last the given time (after 5 s queued); the DNS Update run 30 s. Every request the',
    'worker makes is counted at the lab. A 10 min run polled every 3 s (the default) is 200 polls; to keep the bench short, time is',
    `compressed ÷${scale}: runs, queueing and the poll interval are all divided, so each case makes the polls its real run length would make`,
    "(the first row, not compressed, checks that; each compressed poll also spends its request's own time, so compressed cases make",
    'somewhat fewer polls than real ones, the 304 column, while the rate-limited count does not depend on it).',
    'Rate-limited = counted against the 5,000/h budget (everything but 304s).',
    '',
    table(
      [
        'run length',
        'time',
        'wall',
        'polls a real run makes',
        'requests',
        'rate-limited',
        '304 (free)',
        'reads of the runs',
        'rate-limited per read',
      ],
      rows,
    ),
    '',
    'By kind of request:',
    '',
    table(['request', ...counts.map((c) => c.label)], kindRows),
    '',
    `**Target: rate-limited requests flat in run length and < ${TARGET} per deployment: ${verdict(met)}** — ${polling.map((c) => `${c.rateLimited} (${c.label})`).join(', ')}.`,
    'Waiting costs 304s: `waitForWorkflowRun` sends `If-None-Match` with the ETag of its last answer, and a run only changes three',
    'times (queued → in progress → completed), so its reads cost about three rate-limited requests whatever its length; the rest of',
    'the budget is fixed per deployment (branch head, GitHub deployment record and statuses, a run lookup before each dispatch, the',
    'dispatches, the merge). A 10 min run still makes ~200 free conditional requests per run; the webhook does not remove them (polling',
    'is the fallback) but adds one rate-limited re-read per run. Caveats: the lab counts like GitHub documents (304 free); a cancelled',
    'poll may add one read after the run completed; and a worker restart mid-wait starts a new ETag cache (one more 200).',
  ].join('\n');
  return {
    id: 'api-budget',
    title: '4. GitHub API budget',
    markdown,
    targets: [
      {
        target: 'rate-limited requests per deployment flat in run length, < 30',
        figure: polling.map((c) => `${c.rateLimited} (${c.label})`).join(', '),
        met,
      },
    ],
    data: counts,
  };
}
