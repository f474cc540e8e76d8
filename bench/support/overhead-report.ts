// Section 1's text and tables from the measured deployments and floor runs (bench/overhead.ts).
import { cpus } from 'node:os';
import type { FinishedDeployment, SectionResult } from './context.js';
import { phaseDurations, runDuration } from './context.js';
import type { HistoryBreakdown } from './history.js';
import { ms, spread, summarize, table, verdict } from './stats.js';
import type { FloorRun } from '../floor/run.js';
import { totals, type FloorShape } from '../floor/shape.js';

const TARGET_MS = 1_000;
const PHASES = ['plan', 'deploy', 'verify', 'switch', 'monitor', 'sync'] as const;

export interface Variant {
  key: string;
  label: string;
  spacing: boolean;
  sync: boolean;
  /** Which server: the bench's, one without eager activities, one whose transfer queue is polled more often. */
  server: 'bench' | 'no-eager' | 'fast-transfer';
  n: number;
}

export interface Cell extends Variant {
  deployments: Array<FinishedDeployment & { history: HistoryBreakdown; shape: FloorShape }>;
  /** The machine's 1-minute load average when the variant started (the machine may be shared). */
  loadAtStart: number;
}

/** The bench floor run in the shape of one variant's deployments (bench/floor/). */
export interface FloorCell {
  key: string;
  shape: FloorShape;
  runs: FloorRun[];
  /** The machine's 1-minute load average when the floor started. */
  loadAtStart: number;
}

export const overheadOf = (d: FinishedDeployment) => d.wallMs - d.externalMs;

export function report(cells: Cell[], floors: FloorCell[]): SectionResult {
  const rows = cells.map((c) => {
    const over = summarize(c.deployments.map(overheadOf));
    return [
      c.label,
      spread(summarize(c.deployments.map((d) => d.wallMs))),
      ms(summarize(c.deployments.map((d) => d.externalMs)).median),
      spread(over),
      over.median < TARGET_MS ? 'met' : 'not met',
    ];
  });

  const phaseRows = cells.map((c) => {
    const perPhase = PHASES.map((phase) => {
      const values = c.deployments
        .map((d) => {
          const took = phaseDurations(d.status)[phase];
          if (took === undefined) return undefined;
          const runMs = d.runs
            .filter((r) => r.inputs['deployment_id']?.endsWith(`.${phase}`))
            .reduce((sum, r) => sum + runDuration(r), 0);
          return took - runMs;
        })
        .filter((v): v is number => v !== undefined);
      return values.length > 0 ? ms(summarize(values).median) : '–';
    });
    const between = c.deployments.map((d) => d.wallMs - Object.values(phaseDurations(d.status)).reduce((a, b) => a + b, 0));
    return [c.label, ...perPhase, ms(summarize(between).median)];
  });

  const historyRows = cells.map((c) => {
    const med = (f: (h: HistoryBreakdown) => number) => summarize(c.deployments.map((d) => f(d.history))).median;
    return [
      c.label,
      med((h) => h.activities),
      ms(med((h) => h.activityQueueMs)),
      ms(med((h) => h.activityRunMs)),
      `${med((h) => h.workflowTasks)}: ${ms(med((h) => h.workflowTaskMs))} (${ms(med((h) => h.workflowTaskRunMs))} started → completed)`,
      ms(med((h) => h.spanMs)),
      ms(summarize(c.deployments.map((d) => d.wallMs - d.history.spanMs)).median),
    ];
  });

  const median = (key: string) => {
    const cell = cells.find((c) => c.key === key);
    return cell ? summarize(cell.deployments.map(overheadOf)).median : NaN;
  };
  const [lean, leanSync, spaced, spacedSync, noEager, fastTransfer] = [
    'lean',
    'lean-sync',
    'spaced',
    'spaced-sync',
    'no-eager',
    'fast-transfer',
  ].map(median) as [number, number, number, number, number, number];
  const waitPerTask = (key: string) => {
    const cell = cells.find((c) => c.key === key);
    return cell
      ? summarize(
          cell.deployments.map(
            (d) => (d.history.workflowTaskMs - d.history.workflowTaskRunMs) / Math.max(1, d.history.workflowTasks),
          ),
        ).median
      : NaN;
  };
  const met = lean < TARGET_MS && leanSync < TARGET_MS;

  const floorMedian = (key: string) => {
    const floor = floors.find((f) => f.key === key);
    return floor ? summarize(floor.runs.map((r) => r.wallMs)).median : NaN;
  };
  const ratio = (key: string) => `${(median(key) / floorMedian(key)).toFixed(2)}×`;
  const floorRows = floors.map((f) => {
    const cell = cells.find((c) => c.key === f.key)!;
    const t = totals(f.shape);
    const wfts = summarize(f.runs.map((r) => r.history.workflowTasks)).median;
    return [
      cell.label,
      `${t.activities} activities, ${t.upserts} upserts, in ${f.shape.steps.length} workflow tasks`,
      spread(summarize(f.runs.map((r) => r.wallMs))),
      String(wfts),
      ms(median(f.key)),
      ratio(f.key),
      ms(median(f.key) - floorMedian(f.key)),
    ];
  });

  const markdown = [
    'Full deployments on the lab, one after another on one worker process: zero-length runs (lab run timing 0/0), no approval gate,',
    '`monitor.duration: 0`, `verify.successes: 1`, sync off or on (merge + redeploy of the old color). Unless said otherwise the worker',
    'runs with `BLUEGREEN_GITHUB_WRITE_SPACING_MS=0` and the server with eager activity execution (as `docker-compose.yml` now sets it).',
    "Wall time is measured by the client (start request → result); the external work is the sum of the lab runs' own durations",
    '(created → completed); overhead = wall − external. The first deployment of each variant is a warm-up and not counted.',
    '',
    table(
      [
        'variant',
        'wall per deployment: median (min–max, n)',
        'external work (median)',
        'overhead: median (min–max, n)',
        `< ${ms(TARGET_MS)}`,
      ],
      rows,
    ),
    '',
    'Per phase (median of the phase\'s duration minus its run\'s; "between" = wall − Σ phases: the start request, the result, and the GitHub',
    'deployment record and statuses written between phases):',
    '',
    table(['variant', ...PHASES, 'between'], phaseRows),
    '',
    'Where the time goes, from the workflow histories (medians per deployment): activities, the time they waited in the task queue',
    '(scheduled → started) and ran (started → closed), workflow tasks (count: scheduled → completed, of which started → completed), the',
    "history's span, and what the client adds on top (start RPC + result long-poll):",
    '',
    table(
      ['variant', 'activities', 'activity queue', 'activity run', 'workflow tasks', 'history span', 'client extra'],
      historyRows,
    ),
    '',
    `**Target < 1 s median overhead: ${verdict(met)}** — ${ms(lean)} with sync off, ${ms(leanSync)} with sync on.`,
    '',
    "The upserts counted below are bluegreen's own (the phase at each phase's start, the target color, phase and outcome at the end) and",
    "the SDK's: with every patch marker it records, the SDK upserts `TemporalChangeVersion` (the patch ids asked so far) in the same",
    'workflow task, so neither adds a hop; the floor upserts as many.',
    '',
    '**The floor** (`bench/floor/`): a bare Temporal workflow of the same shape, on the same server in the same run, its worker a',
    "process of its own as bluegreen's is. Its shape is read from the first counted deployment's history: per workflow task, as many",
    'activities and search-attribute upserts as bluegreen commanded there, the activities doing nothing. What it takes is what',
    "Temporal itself costs a deployment of this shape on this machine; the ratio is bluegreen's overhead over it:",
    '',
    table(
      [
        'shape of',
        "commands (from the deployment's history)",
        'floor wall: median (min–max, n)',
        'floor workflow tasks',
        'bluegreen overhead (median)',
        'overhead ÷ floor',
        'overhead − floor',
      ],
      floorRows,
    ),
    '',
    `Load average (1 min) when each started, on ${cpus().length} CPUs: ${cells.map((c) => `${c.label} ${c.loadAtStart.toFixed(1)}`).join('; ')};`,
    `the floors: ${floors.map((f) => `${cells.find((c) => c.key === f.key)!.label} ${f.loadAtStart.toFixed(1)}`).join('; ')}. The floors run after`,
    "every variant, not beside it: on a machine that others load meanwhile a ratio compares two moments, the histories' counts do not.",
    '',
    `Bluegreen's overhead is ${ratio('lean')} (sync off) and ${ratio('lean-sync')} (sync on) the floor's on the bench server, and`,
    `${ratio('fast-transfer')} on the server whose transfer queue is polled up to 1000/s. On the bench server (20 polls/s) both pay the`,
    "50 ms grid at each workflow task hop; the floor's hops follow each other with nothing in between, so more of them wait a full",
    'tick, while the time bluegreen spends in its activities (GitHub calls, probes) overlaps the wait: a ratio near or under 1× there',
    "means bluegreen costs about what Temporal's round trips of its shape cost. With the grid gone the ratio shows what bluegreen's",
    'own work adds: its activities against the lab (GitHub API calls, probes of the apps and the public URL) and its workflow code.',
    '',
    'What was removed, measured in this run:',
    `- *Write spacing.* Octokit's throttling plugin spaced every write (POST/PATCH/PUT/DELETE) of the whole worker process 1 s apart`,
    `  — GitHub's advice against its secondary rate limits. A deployment makes 5 writes (7 with sync) and with fast runs they queue: ${ms(spaced)} /`,
    `  ${ms(spacedSync)} of overhead with the shipped 1 s spacing (${(spaced / lean).toFixed(1)}× / ${(spacedSync / leanSync).toFixed(1)}× the unspaced figures). It is now`,
    '  `writeSpacingMs` / `BLUEGREEN_GITHUB_WRITE_SPACING_MS`; the default stays 1 s for github.com, where runs take minutes and the',
    '  writes are far apart (≈1 s per deployment); 0 for the lab or a GitHub Enterprise Server without secondary limits.',
    `- *Activity scheduling.* Without eager activity execution each activity waits for the task queue's matching: ${ms(noEager)} of`,
    `  overhead (${(noEager / lean).toFixed(1)}× with it). It is a server setting (\`system.enableActivityEagerExecution\`), now on in \`docker-compose.yml\` and the test servers.`,
    '- *Requests.* The dispatch no longer reads its run back at every dispatch to check the run name (once per workflow file and worker).',
    '- *Sequencing.* The GitHub deployment record is created while the deploy run is dispatched, and its `in_progress` status written',
    "  while verify runs (`patched('github-records-in-background')`): two activity round trips off the critical path. The plan phase's",
    '  worker-policy check, active-color read and two branch-head reads are one activity (`readPlan`,',
    "  `patched('plan-reads-in-one-activity')`), one round trip where there were three, and one patch marker for all earlier patch ids (section 5).",
    "- *Lookups in the worker's memory.* The switch windows and freezes of the worker's policy are read by a local activity inside the",
    "  workflow task that asks (`patched('switch-schedule-in-workflow-task')`), not by an activity task of their own: one activity and one",
    '  workflow task round trip less before every switch.',
    "- *Poll intervals* do not matter here (a zero-length run is complete at the first poll); they are section 2's subject. The public",
    '  color is now read at least every second while a switch propagates (it followed `verify.interval`, 5 s by default).',
    "- *GitHub client.* Octokit's throttling plugin passed every request through two shared Bottleneck queues that advance by timer",
    "  hops (≈5 ms a request alone, far more under load, section 6); the client now keeps GitHub's concurrency and write-spacing asks",
    '  itself and waits out rate limits in its recovery plugin.',
    '',
    'What is left is Temporal round trips: a dozen activities and as many workflow tasks, each activity → workflow task hop a few ms',
    `of work plus the wait for the server to hand the workflow task over: ${ms(waitPerTask('lean'))} per task here (median), because the dev server's`,
    'history service reads its transfer queue at most 20 times a second (`history.transferProcessorMaxPollRPS`, default 20: a 50 ms',
    `grid). Raised to 1000/s the same deployment takes ${ms(fastTransfer)} of overhead (${ms(waitPerTask('fast-transfer'))} per task). That is a server-wide knob`,
    'trading database polls for latency; the compose file leaves it at its default, since against runs of minutes it is noise.',
  ].join('\n');

  return {
    id: 'overhead',
    title: '1. Orchestration overhead',
    markdown,
    targets: [
      {
        target: 'overhead < 1 s (median), zero-length runs',
        figure: `${ms(lean)} sync off, ${ms(leanSync)} sync on (writes unspaced): ${ratio('lean')} / ${ratio('lean-sync')} the floor (${ms(floorMedian('lean'))} / ${ms(floorMedian('lean-sync'))}; ${ratio('fast-transfer')} with the transfer queue at 1000/s); ${ms(spaced)} / ${ms(spacedSync)} with the 1 s write spacing of github.com`,
        met,
      },
    ],
    data: [
      ...floors.map((f) => ({ floor: f.key, shape: f.shape, runs: f.runs })),
      ...cells.map((c) => ({
        variant: c.key,
        deployments: c.deployments.map((d) => ({
          wallMs: d.wallMs,
          externalMs: d.externalMs,
          phases: phaseDurations(d.status),
          history: d.history,
        })),
      })),
    ],
  };
}
