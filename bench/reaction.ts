// 2. Reaction to a finished run: from the lab marking a run completed to the next phase
// starting, when the deployment polls (the shipped 3 s interval) and when the webhook receiver
// tells it (polling stays on as the fallback).
import type { Lab, RunSummary } from '../lab/index.js';
import type { DeploymentStatus } from '../contract/types.js';
import type { BenchContext, SectionResult } from './support/context.js';
import { deployAndWait, runsOf } from './support/context.js';
import { LEAN, planFrom } from './support/plans.js';
import { ms, spread, summarize, table, verdict } from './support/stats.js';
import { withWebhookLab } from './support/webhook-lab.js';

const TARGET_MS = 1_000;

interface Mode {
  key: string;
  label: string;
  pollInterval: string;
  webhook: boolean;
}

interface Sample {
  step: 'deploy' | 'switch';
  reactionMs: number;
  /** GET /actions/runs/{id} for this run: all, and those that cost rate limit. */
  reads: number;
  rateLimitedReads: number;
}

export async function reaction(ctx: BenchContext): Promise<SectionResult> {
  const modes: Mode[] = [
    { key: 'poll-3s', label: 'polling every 3 s (default)', pollInterval: '3s', webhook: false },
    ...(ctx.quick ? [] : [{ key: 'poll-1s', label: 'polling every 1 s', pollInterval: '1s', webhook: false }]),
    { key: 'webhook', label: 'webhook (+ polling every 3 s as fallback)', pollInterval: '3s', webhook: true },
  ];
  const n = ctx.quick ? 4 : 10;
  const samples = new Map<string, Sample[]>();
  await withWebhookLab(
    ctx,
    'reaction',
    { runTiming: { queuedMs: 100, inProgressMs: 1_000 } },
    async ({ lab, worker, webhook }) => {
      // A warm-up deployment, not counted.
      await deployAndWait(ctx.client, lab, planFrom(lab.exampleConfig('reaction-warmup'), LEAN), worker.taskQueue);
      for (let i = 0; i < n; i++) {
        for (const mode of modes) {
          webhook(mode.webhook);
          // Runs of 0.6–2.6 s, so completions fall anywhere between two polls.
          for (const file of ['deploy-green.yml', 'deploy-blue.yml', 'dns-update.yml']) {
            lab.github.setWorkflowBehavior(file, { queuedMs: 100, inProgressMs: 500 + Math.round(Math.random() * 2_000) });
          }
          const plan = planFrom(lab.exampleConfig(`reaction-${mode.key}`), {
            ...LEAN,
            deploy: { pollInterval: mode.pollInterval },
          });
          const done = await deployAndWait(ctx.client, lab, plan, worker.taskQueue);
          if (done.status.outcome !== 'SUCCEEDED')
            throw new Error(`reaction: ${plan.deploymentId} ended ${done.status.outcome}: ${done.status.error}`);
          const list = samples.get(mode.key) ?? [];
          list.push(...samplesOf(lab, done.status, plan.deploymentId));
          samples.set(mode.key, list);
        }
      }
    },
  );
  return report(modes, samples, n);
}

function samplesOf(lab: Lab, status: DeploymentStatus, deploymentId: string): Sample[] {
  const started = (phase: string) => {
    const at = status.phases.find((p) => p.name === phase)?.startedAt;
    return at ? Date.parse(at) : NaN;
  };
  const runs = runsOf(lab, deploymentId);
  const of = (step: 'deploy' | 'switch', next: string): Sample => {
    const run = runs.find((r) => r.inputs['deployment_id'] === `${deploymentId}.${step}`) as RunSummary;
    const reads = lab.github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/actions/runs/${run.id}`));
    return {
      step,
      reactionMs: started(next) - run.completedAtMs!,
      reads: reads.length,
      rateLimitedReads: reads.filter((r) => r.rateLimited).length,
    };
  };
  return [of('deploy', 'verify'), of('switch', 'monitor')];
}

function report(modes: Mode[], samples: Map<string, Sample[]>, n: number): SectionResult {
  const rows = modes.map((mode) => {
    const list = samples.get(mode.key) ?? [];
    const all = summarize(list.map((s) => s.reactionMs));
    const deploy = summarize(list.filter((s) => s.step === 'deploy').map((s) => s.reactionMs));
    const sw = summarize(list.filter((s) => s.step === 'switch').map((s) => s.reactionMs));
    const reads = summarize(list.map((s) => s.reads));
    const limited = summarize(list.map((s) => s.rateLimitedReads));
    return [
      mode.label,
      spread(all),
      ms(deploy.median),
      ms(sw.median),
      ms(all.p90),
      `${reads.median} (${limited.median} rate-limited)`,
    ];
  });
  const medianOf = (key: string) => summarize((samples.get(key) ?? []).map((s) => s.reactionMs)).median;
  const webhook = medianOf('webhook');
  const poll = medianOf('poll-3s');
  const webhookMax = summarize((samples.get('webhook') ?? []).map((s) => s.reactionMs)).max;
  const met = webhook < TARGET_MS;
  const markdown = [
    `Deployments on the lab (no approval gate, \`monitor.duration: 0\`, sync off, writes unspaced), ${n} per mode, modes interleaved.`,
    'Every run is queued 100 ms and then in progress for a random 0.5–2.5 s, so completions fall anywhere between two polls.',
    "Reaction = the next phase's start (workflow time) − the moment the lab marked the run completed: deploy run → `verify` starts",
    '(the workflow has read the run, written nothing in between), DNS Update run → `monitor` starts (read the run, then the public',
    'color endpoint, which switched with the run). The webhook receiver (`webhook/server.ts`, what `bluegreen webhook` runs) is',
    "in the bench process and gets the lab's signed `workflow_run` POSTs.",
    '',
    table(
      [
        'mode',
        'reaction: median (min–max, n)',
        'deploy → verify (median)',
        'switch → monitor (median)',
        'p90',
        'reads of the run (median)',
      ],
      rows,
    ),
    '',
    `**Target < 1 s with the webhook: ${verdict(met)}** — ${ms(webhook)} median, ${ms(webhookMax)} at worst, against ${ms(poll)} when polling`,
    `every 3 s (${(poll / webhook).toFixed(0)}× faster, same run). Polling reacts on average half an interval late plus the round trips; the webhook`,
    "path is the lab's POST → signature check → `runCompleted` signal → workflow task (the poll is cancelled) → one more read of the run",
    '(the signal only says when to look; the conclusion comes from the API) → workflow task → next phase.',
    'The run reads column shows the cost: the webhook adds one rate-limited read per run (the re-read), and the cancelled poll may',
    'make one more before it learns of the cancellation (cancellation reaches an activity with its next heartbeat, which the SDK',
    'throttles to 0.8 × the heartbeat timeout). A lost webhook costs nothing but the old poll delay.',
  ].join('\n');
  return {
    id: 'reaction',
    title: '2. Reaction to a finished run',
    markdown,
    targets: [
      {
        target: 'run completed → next phase < 1 s with the webhook',
        figure: `${ms(webhook)} median, ${ms(webhookMax)} max (polling every 3 s: ${ms(poll)})`,
        met,
      },
    ],
    data: Object.fromEntries(samples),
  };
}
