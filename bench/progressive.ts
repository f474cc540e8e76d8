// 3. A progressive switch's total time per native switch type: switch.steps [10, 50, 100] with a
// 1 s stepPause, against the model steps below 100 × (stepPause + the records' TTL where it
// applies). The switch phase is timed from its start to its end as the status records them; the
// goal is the model + at most 1 s.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { startDeployment } from '../client/start-deployment.js';
import { finalStatus } from '../client/final-status.js';
import type { Lab } from '../lab/index.js';
import { startNativeSwitchWorld, type NativeSwitchType, type NativeSwitchWorld } from '../lab/native-switch-worlds.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import type { BenchContext, SectionResult } from './support/context.js';
import { planFrom } from './support/plans.js';
import { ms, summarize, table, verdict } from './support/stats.js';

const STEPS = [10, 50, 100];
const PAUSE_MS = 1_000;
/** The route53 world's records' TTL (lab/native-switch-worlds.ts). */
const TTL_MS: Record<NativeSwitchType, number> = { alb: 0, haproxy: 0, route53: 1_000 };
const TYPES: NativeSwitchType[] = ['haproxy', 'alb', 'route53'];

interface Sample {
  type: NativeSwitchType;
  /** The switch phase, start to end. */
  switchMs: number;
}

const held = STEPS.filter((s) => s < 100).length;
const modelMs = (type: NativeSwitchType) => held * (PAUSE_MS + TTL_MS[type]);

async function oneDeployment(ctx: BenchContext, world: NativeSwitchWorld, taskQueue: string, round: number): Promise<Sample> {
  const plan = planFrom(
    {
      ...world.lab.exampleConfig(`prog-${world.type}-${round}`),
      publicUrl: world.publicUrl,
      switch: { ...world.switchConfig, steps: STEPS, stepPause: `${PAUSE_MS}ms` },
    },
    {
      approval: { required: false },
      deploy: { pollInterval: '100ms', runTimeout: '2m' },
      verify: { successes: 1, interval: '100ms', timeout: '30s' },
      monitor: { duration: 0, interval: '250ms', failureThreshold: 3 },
      sync: { enabled: false },
    },
  );
  const final = await finalStatus(await startDeployment(ctx.client, plan, { taskQueue }));
  if (final.outcome !== 'SUCCEEDED') throw new Error(`${plan.deploymentId} ended ${final.outcome}: ${final.error}`);
  const phase = final.phases.find((p) => p.name === 'switch');
  const switchMs = Date.parse(phase?.endedAt ?? '') - Date.parse(phase?.startedAt ?? '');
  if (!Number.isFinite(switchMs)) throw new Error(`${plan.deploymentId}: the switch phase has no start or end`);
  return { type: world.type, switchMs };
}

export async function progressive(ctx: BenchContext): Promise<SectionResult> {
  const n = ctx.quick ? 2 : 5;
  const samples: Sample[] = [];
  const measured: NativeSwitchType[] = [];
  const skipped: string[] = [];
  for (const type of TYPES) {
    let world: NativeSwitchWorld;
    try {
      world = await startNativeSwitchWorld(type, { runTiming: { queuedMs: 30, inProgressMs: 150 } });
    } catch (err) {
      skipped.push(`${type}: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    try {
      const file = `${ctx.dataDir}/policy-progressive-${type}.yaml`;
      await writeFile(file, `${LAB_WORKER_POLICY_YAML}\n${world.policyYaml}`);
      const env = { BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0', ...world.workerEnv, BLUEGREEN_WORKER_POLICY: file };
      const worker = await ctx.startWorker(`progressive-${type}`, { token: world.lab.token } as Lab, { env });
      // One warm-up (the SDK's and the emulator's first loads), not counted.
      await oneDeployment(ctx, world, worker.taskQueue, 0);
      for (let i = 1; i <= n; i++) samples.push(await oneDeployment(ctx, world, worker.taskQueue, i));
      measured.push(type);
      ctx.log(`progressive: ${type} ${n} deployments`);
      await worker.stop();
    } catch (err) {
      skipped.push(`${type}: ${(err as Error).message.split('\n')[0]!.slice(0, 300)}`);
      ctx.log(`progressive: ${type} failed: ${(err as Error).message}`);
    } finally {
      await world.close();
    }
  }
  return report(samples, measured, skipped, n);
}

function report(samples: Sample[], measured: NativeSwitchType[], skipped: string[], n: number): SectionResult {
  const [one, five, fifteen] = loadAverage();
  const goals = measured.map((type) => {
    const s = summarize(samples.filter((x) => x.type === type).map((x) => x.switchMs));
    const model = modelMs(type);
    return { type, s, model, met: s.max <= model + 1_000 };
  });
  const markdown = [
    `Each native switch type on its lab world (lab/native-switch-worlds.ts: HAProxy from Debian, the ALB rule and the Route 53`,
    `records in moto, the records' TTL ${TTL_MS.route53 / 1000} s), ${n} deployments after one warm-up: \`switch.steps: [${STEPS.join(', ')}]\`,`,
    `\`stepPause: ${PAUSE_MS / 1000}s\`, no approval, monitor window 0. Switch time = the switch phase's start to its end (the status's`,
    `times): ${held} held steps (each: write, the TTL where it applies, 40 samples of the public endpoint (8 at a time), the analysis for the`,
    `pause), then the step to 100 verified on the public endpoint. Model = ${held} × (stepPause + TTL). Goal: max ≤ model + 1 s.`,
    `Load average when the section ended: ${one} / ${five} / ${fifteen} (1 / 5 / 15 min, 2 cores shared).`,
    '',
    table(
      ['switch type', 'model', 'median', 'max', 'max − model', 'n', 'goal'],
      goals.map((g) => [g.type, ms(g.model), ms(g.s.median), ms(g.s.max), ms(g.s.max - g.model), g.s.n, verdict(g.met)]),
    ),
    ...(skipped.length ? ['', `Not measured here: ${skipped.join('; ')}.`] : []),
    '',
    "Above the model: each step's write and read-back, the public share sampled (40 GETs, 8 at a time), the activity and workflow-task",
    'round trips between the phases of a step, and the final step verified on the public endpoint.',
  ].join('\n');
  return {
    id: 'progressive',
    title: '3. Progressive switch time per switch type',
    markdown,
    targets: goals.map((g) => ({
      target: `${g.type}: steps [${STEPS.join(', ')}], pause 1 s: switch time ≤ ${held} × (pause + TTL) + 1 s (max)`,
      figure: `${ms(g.s.median)} median, ${ms(g.s.max)} max against ${ms(g.model)}`,
      met: g.met,
    })),
    data: samples,
  };
}

/** The 1, 5 and 15 minute load averages, two decimals. */
const loadAverage = (): string[] => loadavg().map((v) => v.toFixed(2));
