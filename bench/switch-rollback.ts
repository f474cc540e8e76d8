// 3. Rollback latency per switch type: from the failure limit being reached (the monitor's
// failureThreshold-th failing probe) to the public endpoint answering the old color only, for
// every switch type on the lab, beside the floor: the provider's own call time in the same run
// (the switch-back activity's run as the worker made it, or the GitHub run's own duration).
import { writeFile } from 'node:fs/promises';
import type { temporal } from '@temporalio/proto';
import { startDeployment } from '../client/start-deployment.js';
import { finalStatus } from '../client/final-status.js';
import { statusQuery } from '../contract/messages.js';
import type { Color, DeploymentPlan, DeploymentStatus } from '../contract/types.js';
import { startAppRouterLab } from '../lab/app-router/index.js';
import { startDnsWorld } from '../lab/dns-world.js';
import { startLab, type Lab, type LabOptions } from '../lab/index.js';
import { FOLLOW_INTERVAL_MS, startNativeSwitchWorld, type NativeSwitchType } from '../lab/native-switch-worlds.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import type { BenchContext, SectionResult } from './support/context.js';
import { runDuration, runsOf } from './support/context.js';
import { planFrom } from './support/plans.js';
import { ms, quantile, sleep, summarize, table, verdict } from './support/stats.js';

const INTERVAL_MS = 200;
const THRESHOLD = 3;
const SAMPLE_MS = 10;
/** The GitHub "DNS Update" run that switches back: as in section 3. */
const SWITCH_RUN = { queuedMs: 100, inProgressMs: 1_000 };
const FAST_RUNS: LabOptions = { runTiming: { queuedMs: 30, inProgressMs: 150 } };

/** The switch activity of each type whose run is the provider's call (workflow: the GitHub run instead). */
const SWITCH_ACTIVITIES = ['switchViaHttp', 'switchViaDns', 'switchViaAlb', 'switchViaRoute53', 'switchViaHaproxy'];

interface World {
  key: string;
  label: string;
  /** What the floor is for this type. */
  floor: string;
  /** The public endpoint's lag behind the provider, when the lab adds one. */
  follows: string;
  token: string;
  env: Record<string, string>;
  policy?: string;
  publicUrl: string;
  config(service: string): Record<string, unknown>;
  setHealthy(color: Color, healthy: boolean): void;
  /** When the provider had finished: the GitHub run's completion, else the activity's. */
  floorOf(plan: DeploymentPlan, events: HistoryEvent[]): { floorMs: number; doneAt: number };
  close(): Promise<void>;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const eventAt = (event: HistoryEvent): number => {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN;
};

/** The last switch activity's run (started → completed): the switch back. */
function switchActivityRun(events: HistoryEvent[]): { floorMs: number; doneAt: number } {
  const scheduled = events.filter((e) =>
    SWITCH_ACTIVITIES.includes(e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''),
  );
  const last = scheduled.at(-1);
  if (!last) throw new Error('no switch activity in the history');
  const id = String(last.eventId);
  const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === id);
  const completed = events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === id);
  if (!started || !completed) throw new Error('the switch back activity did not complete');
  return { floorMs: eventAt(completed) - eventAt(started), doneAt: eventAt(completed) };
}

const activityFloor = (_plan: DeploymentPlan, events: HistoryEvent[]) => switchActivityRun(events);

async function githubWorld(): Promise<World> {
  const lab = await startLab(FAST_RUNS);
  lab.github.setWorkflowBehavior('dns-update.yml', SWITCH_RUN);
  return {
    key: 'github',
    label: 'workflow (GitHub "DNS Update" run, lab)',
    floor: `the switch-back run's own duration (queued ${SWITCH_RUN.queuedMs} ms + in progress ${SWITCH_RUN.inProgressMs} ms)`,
    follows: 'the router switches when the run completes',
    token: lab.token,
    env: {},
    publicUrl: lab.publicUrl,
    config: (service) => lab.exampleConfig(service),
    setHealthy: (color, healthy) => lab.apps.setHealthy(color, healthy),
    floorOf(plan) {
      const run = runsOf(lab, plan.deploymentId).find((r) => r.inputs['deployment_id'] === `${plan.deploymentId}.rollback`);
      if (!run?.completedAtMs) throw new Error(`${plan.deploymentId}: no switch-back run`);
      return { floorMs: runDuration(run), doneAt: run.completedAtMs };
    },
    close: () => lab.close(),
  };
}

async function httpWorld(): Promise<World> {
  const lab = await startAppRouterLab(FAST_RUNS);
  return {
    key: 'http',
    label: 'http (app router, seeds/000 lab)',
    floor: "the switch activity's run: one POST to the app's router",
    follows: 'the app routes by the POST at once',
    token: lab.token,
    env: { [lab.routerTokenEnv]: lab.routerToken },
    publicUrl: lab.publicUrl,
    // Its expand migration runs before each switch (the router refuses a color without it); sync is off.
    config: (service) => lab.exampleConfig(service),
    setHealthy: (color, healthy) => lab.app.setHealthy(color, healthy),
    floorOf: activityFloor,
    close: () => lab.close(),
  };
}

async function dnsWorld(): Promise<World> {
  const world = await startDnsWorld();
  const lab = await startLab({ ...FAST_RUNS, dns: world.labDns() }).catch(async (err: unknown) => {
    await world.close();
    throw err;
  });
  return {
    key: 'dns',
    label: 'dns (RFC 2136 update, Knot DNS)',
    floor: "the switch activity's run: the TSIG-signed update and the read back from the primary",
    follows: 'the router re-resolves the record every 100 ms (TTL not waited for)',
    token: lab.token,
    env: world.env,
    publicUrl: lab.publicUrl,
    config: (service) => ({ ...lab.exampleConfig(service), ...world.config({ switchType: 'dns', verifyTimeout: '30s' }) }),
    setHealthy: (color, healthy) => lab.apps.setHealthy(color, healthy),
    floorOf: activityFloor,
    close: async () => {
      await lab.close();
      await world.close();
    },
  };
}

async function nativeWorld(type: NativeSwitchType): Promise<World> {
  const world = await startNativeSwitchWorld(type, FAST_RUNS);
  const labels: Record<NativeSwitchType, [string, string, string]> = {
    alb: [
      'alb (listener rule, moto)',
      "the switch activity's run: DescribeRules, ModifyRule, DescribeRules on moto",
      `the router reads the rule from moto every ${FOLLOW_INTERVAL_MS} ms`,
    ],
    route53: [
      'route53 (weighted records, moto)',
      "the switch activity's run: ListResourceRecordSets, ChangeResourceRecordSets, GetChange until INSYNC, a read on moto",
      `the router reads the records from moto every ${FOLLOW_INTERVAL_MS} ms (their 1 s TTL not waited for)`,
    ],
    haproxy: [
      'haproxy (Runtime API, HAProxy from Debian)',
      "the switch activity's run: get weight ×2, set server weight ×2, get weight ×2 on the admin socket",
      'HAProxy is the public endpoint: new requests follow the weights at once',
    ],
  };
  const [label, floor, follows] = labels[type];
  return {
    key: type,
    label,
    floor,
    follows,
    token: world.lab.token,
    env: world.workerEnv,
    policy: world.policyYaml,
    publicUrl: world.publicUrl,
    config: (service) => ({ ...world.lab.exampleConfig(service), publicUrl: world.publicUrl, switch: world.switchConfig }),
    setHealthy: (color, healthy) => world.lab.apps.setHealthy(color, healthy),
    floorOf: activityFloor,
    close: () => world.close(),
  };
}

const WORLDS: Record<string, () => Promise<World>> = {
  github: githubWorld,
  http: httpWorld,
  dns: dnsWorld,
  alb: () => nativeWorld('alb'),
  route53: () => nativeWorld('route53'),
  haproxy: () => nativeWorld('haproxy'),
};

interface ColorSample {
  /** When the answer arrived. */
  at: number;
  color: string;
}

/** GETs the public color endpoint every SAMPLE_MS until stopped. */
function sampleColors(url: string) {
  const samples: ColorSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      let color = 'error';
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        color = String(((await res.json()) as { color?: unknown }).color ?? 'none');
      } catch {
        color = 'error';
      }
      samples.push({ at: Date.now(), color });
      await sleep(SAMPLE_MS);
    }
  })();
  return {
    async stop(): Promise<ColorSample[]> {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** The moment the monitor's last failing probe was measured: the failure limit reached. */
function limitReachedAt(status: DeploymentStatus): number {
  const failing = (status.analyses?.monitor?.checks ?? [])
    .map((c) => c.last)
    .filter((m) => m?.verdict === 'fail')
    .map((m) => Date.parse(m!.at));
  if (failing.length === 0) throw new Error(`${status.deploymentId}: the status shows no failing monitor probe`);
  return Math.max(...failing);
}

interface Sample {
  type: string;
  latencyMs: number;
  floorMs: number;
  /** Limit reached → the rollback phase starts. */
  decideMs: number;
  /** The provider done → the public endpoint answers the old color only. */
  followMs: number;
}

async function oneRollback(ctx: BenchContext, world: World, taskQueue: string, round: number): Promise<Sample> {
  const plan = planFrom(world.config(`rb-${world.key}-${round}`), {
    approval: { required: false },
    deploy: { pollInterval: '100ms', runTimeout: '2m' },
    verify: { successes: 1, interval: '100ms', timeout: '30s' },
    monitor: { duration: '2m', interval: `${INTERVAL_MS}ms`, failureThreshold: THRESHOLD },
    sync: { enabled: false },
  });
  world.setHealthy('blue', true);
  world.setHealthy('green', true);
  const colorUrl = `${world.publicUrl}${plan.colorPath}`;
  const oldColor = ((await (await fetch(colorUrl)).json()) as { color: Color }).color;
  const newColor: Color = oldColor === 'blue' ? 'green' : 'blue';
  const handle = await startDeployment(ctx.client, plan, { taskQueue });
  let status = await handle.query(statusQuery);
  for (; status.phase !== 'monitor'; status = await handle.query(statusQuery)) {
    if (status.outcome) throw new Error(`${plan.deploymentId} ended ${status.outcome} before monitoring: ${status.error}`);
    await sleep(20);
  }
  const sampler = sampleColors(colorUrl);
  // Anywhere in the probe cycle.
  await sleep(200 + Math.random() * INTERVAL_MS);
  world.setHealthy(newColor, false);
  const final = await finalStatus(handle);
  await sleep(100);
  const samples = await sampler.stop();
  world.setHealthy(newColor, true);
  if (final.outcome !== 'ROLLED_BACK') throw new Error(`${plan.deploymentId} ended ${final.outcome}: ${final.error}`);
  const limitAt = limitReachedAt(final);
  const after = samples.filter((s) => s.at >= limitAt);
  const lastOther = after.map((s) => s.color !== oldColor).lastIndexOf(true);
  const onlyOld = after[lastOther + 1];
  if (!onlyOld) throw new Error(`${plan.deploymentId}: the public endpoint never answered ${oldColor} only`);
  const rollbackPhase = final.phases.find((p) => p.name === 'rollback');
  const { floorMs, doneAt } = world.floorOf(plan, (await handle.fetchHistory()).events ?? []);
  return {
    type: world.key,
    latencyMs: onlyOld.at - limitAt,
    floorMs,
    decideMs: Date.parse(rollbackPhase?.startedAt ?? '') - limitAt,
    followMs: onlyOld.at - doneAt,
  };
}

export async function switchRollback(ctx: BenchContext): Promise<SectionResult> {
  const n = ctx.quick ? 3 : 20;
  const only = process.env['BLUEGREEN_BENCH_SWITCHES']?.split(',');
  const samples: Sample[] = [];
  const worlds: World[] = [];
  const skipped: string[] = [];
  for (const [key, start] of Object.entries(WORLDS)) {
    if (only && !only.includes(key)) continue;
    let world: World;
    try {
      world = await start();
    } catch (err) {
      skipped.push(`${key}: ${(err as Error).message.split('\n')[0]}`);
      ctx.log(`switch-rollback: ${key} skipped: ${(err as Error).message}`);
      continue;
    }
    try {
      const env: Record<string, string> = { BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0', ...world.env };
      if (world.policy) {
        const file = `${ctx.dataDir}/policy-switch-rollback-${key}.yaml`;
        await writeFile(file, `${LAB_WORKER_POLICY_YAML}\n${world.policy}`);
        env['BLUEGREEN_WORKER_POLICY'] = file;
      }
      const worker = await ctx.startWorker(`switch-rollback-${key}`, { token: world.token } as Lab, { env });
      // One warm-up (first loads of the provider's SDK and emulation), not counted.
      await oneRollback(ctx, world, worker.taskQueue, 0);
      const own: Sample[] = [];
      for (let i = 1; i <= n; i++) own.push(await oneRollback(ctx, world, worker.taskQueue, i));
      samples.push(...own);
      worlds.push(world);
      ctx.log(`switch-rollback: ${key} ${n} rollbacks`);
      await worker.stop();
    } catch (err) {
      // One type failing leaves the others' figures; the text says which failed and why.
      skipped.push(`${key}: ${(err as Error).message.split('\n')[0]!.slice(0, 300)}`);
      ctx.log(`switch-rollback: ${key} failed: ${(err as Error).message}`);
    } finally {
      await world.close();
    }
  }
  return report(samples, worlds, skipped, n);
}

const p95 = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.95,
  );

function report(samples: Sample[], worlds: World[], skipped: string[], n: number): SectionResult {
  const of = (key: string) => samples.filter((s) => s.type === key);
  const fig = (values: number[]) => `${ms(summarize(values).median)} / ${ms(p95(values))}`;
  const rows = worlds.map((w) => {
    const list = of(w.key);
    return [
      w.label,
      fig(list.map((s) => s.latencyMs)),
      fig(list.map((s) => s.floorMs)),
      fig(list.map((s) => s.latencyMs - s.floorMs)),
      ms(summarize(list.map((s) => s.decideMs)).median),
      ms(summarize(list.map((s) => s.followMs)).median),
      list.length,
    ];
  });
  const goal = (key: string) => {
    const list = of(key);
    if (list.length === 0) return undefined;
    const excess = list.map((s) => s.latencyMs - s.floorMs);
    return { key, median: summarize(excess).median, p95: p95(excess), met: p95(excess) <= 1_000 };
  };
  const goals = ['alb', 'haproxy'].map(goal).filter((g) => g !== undefined);
  const markdown = [
    `Each switch type on its lab, ${n} deployments after one warm-up: no approval gate, the monitor probing the public endpoint every`,
    `${INTERVAL_MS} ms with \`failureThreshold: ${THRESHOLD}\`. Once the monitor runs, the new color's app turns unhealthy at a random point of`,
    `the probe cycle. Latency = the public endpoint answering the old color only (a client GETs the color endpoint every ${SAMPLE_MS} ms; the first`,
    'answer after the last one of the new color) − the failure limit reached (the time of the failing probe that made it, as the',
    `status records it). Floor = the provider's own call in the same deployment. Figures: median / p95, n = ${n} per type.`,
    '',
    table(
      [
        'switch type',
        'latency',
        'floor',
        'latency − floor',
        'limit → rollback starts (median)',
        'provider done → old color only (median)',
        'n',
      ],
      rows,
    ),
    '',
    'What each floor is, and how the public endpoint follows the provider here:',
    '',
    ...worlds.map((w) => `- ${w.label}: floor = ${w.floor}; ${w.follows}.`),
    ...(skipped.length ? ['', `Not measured here: ${skipped.join('; ')}.`] : []),
    '',
    ...goals.map(
      (g) =>
        `**${g.key}: within 1 s of the floor: ${verdict(g.met)}** — latency − floor ${ms(g.median)} median, ${ms(g.p95)} p95.`,
    ),
    '',
    'Between the limit and the provider call: the monitor activity returning its verdict, a workflow task, the rollback phase',
    "scheduling the switch activity. The emulators answer in milliseconds: on AWS an ALB rule change reaches the load balancer's",
    'nodes within seconds, and Route 53 answers change after INSYNC (typically under 60 s) and then the TTL; neither is in these figures.',
  ].join('\n');
  return {
    id: 'switch-rollback',
    title: '3. Rollback latency per switch type',
    markdown,
    targets: goals.map((g) => ({
      target: `${g.key}: failure limit → public endpoint answers the old color only, within 1 s of the provider's call (p95)`,
      figure: `${ms(g.median)} over the floor (median), ${ms(g.p95)} p95`,
      met: g.met,
    })),
    data: samples,
  };
}
