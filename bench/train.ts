// 7. Release trains: a train of 3 and of 10 lab services. Its wall time against the slowest
// single deployment of the same services (measured alone, in the same run) and its dependency
// depth; and from a failure after every service switched to every service answering its old
// color, against the floor of detection + the switch-back runs along the longest dependency chain
// (a service goes back once every one after it is back; independent services together).
import { execFileSync } from 'node:child_process';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { trainStatusQuery } from '../contract/train-messages.js';
import { TRAIN_WORKFLOW_TYPE, trainLevels, trainWorkflowIdFor, type TrainPlan, type TrainStatus } from '../contract/train.js';
import type { DeploymentPlan } from '../contract/types.js';
import { startLab, type Lab } from '../lab/index.js';
import type { releaseTrain } from '../workflows/release-train.js';
import type { BenchContext, SectionResult } from './support/context.js';
import { deployAndWait, phaseDurations, runDuration, runsOf } from './support/context.js';
import { LEAN, planFrom } from './support/plans.js';
import { ms, sleep, spread, summarize, table } from './support/stats.js';

const RUN_TIMING = { queuedMs: 100, inProgressMs: 300 };
const POLL = '1s';
const MONITOR = { intervalMs: 500, threshold: 3 };

interface Shape {
  label: string;
  /** Service suffixes and whom each comes after. */
  services: { name: string; after: string[] }[];
}

/** web after api, worker independent: depth 2. */
const THREE: Shape = {
  label: '3 services',
  services: [
    { name: 'api', after: [] },
    { name: 'web', after: ['api'] },
    { name: 'worker', after: [] },
  ],
};

/** Four independent services, four each after one of them, two after two each: depth 3. */
const TEN: Shape = {
  label: '10 services',
  services: [
    ...[0, 1, 2, 3].map((i) => ({ name: `s${i}`, after: [] as string[] })),
    ...[4, 5, 6, 7].map((i) => ({ name: `s${i}`, after: [`s${i - 4}`] })),
    { name: 's8', after: ['s4', 's5'] },
    { name: 's9', after: ['s6', 's7'] },
  ],
};

interface HappySample {
  shape: string;
  n: number;
  depth: number;
  trainMs: number;
  singles: number[];
  /** Per single: deploy + verify (ms), and its switch phase. */
  preSwitch: number[];
  switchMs: number[];
  /** The singles' switch phases added up along the longest chain of `after:` (the switches the train must run in a row). */
  switchChainMs: number;
  outcome: string;
}

interface FailureSample {
  shape: string;
  n: number;
  /** Unhealthy → every service's route answers its old color. */
  allBackMs: number;
  /** Unhealthy → the first service back. */
  firstBackMs: number;
  floorMs: number;
  rollbackRuns: number;
  /** Every service went back no earlier than every service that comes after it. */
  reverseOrder: boolean;
  outcome: string;
}

let trains = 0;

export async function train(ctx: BenchContext): Promise<SectionResult> {
  const load = loadAverage();
  const lab = await startLab({ runTiming: RUN_TIMING });
  lab.github.setRateLimit({ limit: 10_000_000, remaining: 10_000_000 });
  lab.github.setWorkflowBehavior('dns-update.yml', RUN_TIMING);
  const happy: HappySample[] = [];
  const failures: FailureSample[] = [];
  try {
    const worker = await ctx.startWorker('train', lab, { env: { BLUEGREEN_GITHUB_WRITE_SPACING_MS: '0' } });
    const reps = { 3: ctx.quick ? 1 : 2, 10: 1 };
    for (const shape of [THREE, TEN]) {
      const count = reps[shape.services.length as 3 | 10];
      for (let i = 0; i < count; i++) {
        ctx.log(`train: ${shape.label}, happy ${i + 1}/${count}`);
        happy.push(await happyTrain(ctx.client, lab, worker.taskQueue, shape));
        ctx.log(`train: ${shape.label}, failure ${i + 1}/${count}`);
        failures.push(await failingTrain(ctx.client, lab, worker.taskQueue, shape));
      }
    }
  } finally {
    await lab.close();
  }
  return report(happy, failures, load);
}

function loadAverage(): string {
  try {
    return execFileSync('uptime', [], { encoding: 'utf8' })
      .trim()
      .replace(/^.*load average:\s*/, '');
  } catch {
    return 'unknown';
  }
}

/** Fresh lab services for one train, each with its plan (lean, polling every second). */
interface TrainService {
  service: string;
  after: string[];
  plan: DeploymentPlan;
  config: Record<string, unknown>;
  overrides: Record<string, unknown>;
}

async function servicesFor(lab: Lab, shape: Shape, tag: string, extra: Record<string, unknown>): Promise<TrainService[]> {
  const out: TrainService[] = [];
  const overrides = { ...LEAN, deploy: { pollInterval: POLL }, ...extra };
  const nameOf = (suffix: string) => `${tag}-${suffix}`;
  for (const s of shape.services) {
    const config = await lab.addService(nameOf(s.name));
    out.push({ service: nameOf(s.name), after: s.after.map(nameOf), plan: planFrom(config, overrides), config, overrides });
  }
  return out;
}

function trainPlanOf(name: string, services: TrainService[]): TrainPlan {
  return {
    train: name,
    trainId: `${name}-1`,
    requestedBy: 'bench',
    services: services.map((s) => ({
      service: s.service,
      after: s.after,
      plan: { ...s.plan, train: { name, workflowId: trainWorkflowIdFor(name), approval: 'train' } },
    })),
    approval: { required: false, approvers: [], minApprovals: 1, timeoutMs: 3_600_000, perService: false },
    monitor: {},
    rollback: { automatic: true },
  };
}

async function startTrain(client: Client, plan: TrainPlan, taskQueue: string): Promise<WorkflowHandle<typeof releaseTrain>> {
  return client.workflow.start<typeof releaseTrain>(TRAIN_WORKFLOW_TYPE, {
    workflowId: trainWorkflowIdFor(plan.train),
    taskQueue,
    args: [plan],
  });
}

/** The train's end, whatever the outcome (a train that did not succeed ends its workflow failed). */
async function trainEnd(handle: WorkflowHandle<typeof releaseTrain>): Promise<TrainStatus> {
  await handle.result().catch(() => undefined);
  return handle.query(trainStatusQuery);
}

/** Every service deployed alone (one after another), then the same services as one train. */
async function happyTrain(client: Client, lab: Lab, taskQueue: string, shape: Shape): Promise<HappySample> {
  const name = `bench-${shape.services.length}-ok-${++trains}-${Date.now() % 100_000}`;
  const services = await servicesFor(lab, shape, name, {});
  const singles: number[] = [];
  const preSwitch: number[] = [];
  const switchMs: number[] = [];
  for (const s of services) {
    const done = await deployAndWait(client, lab, s.plan, taskQueue);
    if (done.status.outcome !== 'SUCCEEDED')
      throw new Error(`train: single ${s.service} ended ${done.status.outcome}: ${done.status.error}`);
    singles.push(done.wallMs);
    const phases = phaseDurations(done.status);
    preSwitch.push((phases['deploy'] ?? 0) + (phases['verify'] ?? 0));
    switchMs.push(phases['switch'] ?? NaN);
  }
  // The same services again, now as one train (each deploys to the other color this time).
  const again = servicesAgain(services);
  const plan = trainPlanOf(name, again);
  const started = Date.now();
  const status = await trainEnd(await startTrain(client, plan, taskQueue));
  const trainMs = Date.now() - started;
  if (status.outcome !== 'SUCCEEDED') throw new Error(`train: ${name} ended ${status.outcome}: ${status.error}`);
  const switchOf = new Map(services.map((s, i) => [s.service, switchMs[i]!]));
  return {
    shape: shape.label,
    n: services.length,
    depth: trainLevels(plan.services).length,
    trainMs,
    singles,
    preSwitch,
    switchMs,
    switchChainMs: longestChain(services, (s) => switchOf.get(s) ?? 0, 'after'),
    outcome: status.outcome,
  };
}

/** New plans (new deployment ids) for the same services. */
const servicesAgain = (services: TrainService[]): TrainService[] =>
  services.map((s) => ({ ...s, plan: planFrom(s.config, s.overrides) }));

/**
 * The longest sum of `cost` along a chain of dependencies: following `after:` (switching: each
 * service once those it comes after are switched), or the other way (going back: once those that
 * come after it are back).
 */
function longestChain(
  services: readonly { service: string; after: readonly string[] }[],
  cost: (service: string) => number,
  along: 'after' | 'before',
): number {
  const next = (name: string) =>
    along === 'after'
      ? (services.find((s) => s.service === name)?.after ?? [])
      : services.filter((s) => s.after.includes(name)).map((s) => s.service);
  const memo = new Map<string, number>();
  const chain = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const found = cost(name) + Math.max(0, ...next(name).map(chain));
    memo.set(name, found);
    return found;
  };
  return Math.max(...services.map((s) => chain(s.service)));
}

/**
 * A train of fresh services (blue live, green the target) monitored for two minutes; once every
 * service switched and the train monitors, the green app (shared by the services) turns unhealthy.
 */
async function failingTrain(client: Client, lab: Lab, taskQueue: string, shape: Shape): Promise<FailureSample> {
  const name = `bench-${shape.services.length}-fail-${++trains}-${Date.now() % 100_000}`;
  lab.apps.setHealthy('green', true);
  const services = await servicesFor(lab, shape, name, {
    monitor: { duration: '2m', interval: `${MONITOR.intervalMs}ms`, failureThreshold: MONITOR.threshold },
  });
  const plan = trainPlanOf(name, services);
  const handle = await startTrain(client, plan, taskQueue);
  for (let s = await handle.query(trainStatusQuery); s.phase !== 'monitor'; s = await handle.query(trainStatusQuery)) {
    if (s.outcome) throw new Error(`train: ${name} ended ${s.outcome} before monitoring: ${s.error}`);
    await sleep(50);
  }
  await sleep(300 + Math.random() * MONITOR.intervalMs);
  const router = lab.services!;
  const names = services.map((s) => s.service);
  if (names.some((n) => router.activeColor(n) !== 'green')) throw new Error(`train: ${name}: not every service on green`);
  const unhealthyAt = Date.now();
  lab.apps.setHealthy('green', false);
  const backAt = new Map<string, number>();
  while (backAt.size < names.length && Date.now() - unhealthyAt < 120_000) {
    for (const n of names) if (!backAt.has(n) && router.activeColor(n) === 'blue') backAt.set(n, Date.now());
    await sleep(5);
  }
  const status = await trainEnd(handle);
  lab.apps.setHealthy('green', true);
  if (backAt.size < names.length) throw new Error(`train: ${name}: not every service back on blue within 2 min`);
  const rollbackRuns = names.flatMap((n) =>
    runsOf(lab, services.find((s) => s.service === n)!.plan.deploymentId).filter((r) =>
      r.inputs['deployment_id']?.endsWith('.rollback'),
    ),
  );
  const runOf = new Map(
    services.map((s) => [
      s.service,
      runsOf(lab, s.plan.deploymentId)
        .filter((r) => r.inputs['deployment_id']?.endsWith('.rollback'))
        .reduce((sum, r) => sum + runDuration(r), 0),
    ]),
  );
  const runsMs = longestChain(services, (n) => runOf.get(n) ?? 0, 'before');
  const reverseOrder = services.every((s) => s.after.every((dep) => backAt.get(dep)! >= backAt.get(s.service)!));
  return {
    shape: shape.label,
    n: names.length,
    allBackMs: Math.max(...backAt.values()) - unhealthyAt,
    firstBackMs: Math.min(...backAt.values()) - unhealthyAt,
    floorMs: MONITOR.threshold * MONITOR.intervalMs + runsMs,
    rollbackRuns: rollbackRuns.length,
    reverseOrder,
    outcome: status.outcome ?? 'none',
  };
}

function report(happy: HappySample[], failures: FailureSample[], load: string): SectionResult {
  const med = (values: number[]) => summarize(values).median;
  const happyRows = happy.map((h) => {
    const slowest = Math.max(...h.singles);
    // Deploy + verify chained along the levels, then the switches along the longest chain.
    const model = h.depth * Math.max(...h.preSwitch) + h.switchChainMs;
    return [
      h.shape,
      h.depth,
      ms(h.trainMs),
      ms(slowest),
      `${(h.trainMs / slowest).toFixed(2)}×`,
      ms(med(h.singles)),
      ms(h.singles.reduce((a, b) => a + b, 0)),
      `${ms(h.depth * Math.max(...h.preSwitch))} + ${ms(h.switchChainMs)} = ${ms(model)}`,
    ];
  });
  const failureRows = failures.map((f) => [
    f.shape,
    f.outcome,
    ms(f.firstBackMs),
    ms(f.allBackMs),
    ms(f.floorMs),
    ms(f.allBackMs - f.floorMs),
    `${f.rollbackRuns}/${f.n}`,
    f.reverseOrder ? 'yes' : '**no**',
  ]);
  const bySize = (n: number) => happy.filter((h) => h.n === n);
  const ratio = (n: number) => {
    const list = bySize(n).map((h) => h.trainMs / Math.max(...h.singles));
    return list.length > 0 ? `${spread(summarize(list), (v) => `${v.toFixed(2)}×`)}` : '–';
  };
  const allBack = (n: number) => spread(summarize(failures.filter((f) => f.n === n).map((f) => f.allBackMs)));
  const markdown = [
    `Lab services of their own (\`lab.addService\`: own route on the multi-service router, own deploy and switch workflows), every run`,
    `queued ${RUN_TIMING.queuedMs} ms and in progress ${RUN_TIMING.inProgressMs} ms, runs polled every ${POLL} (no webhook), no approval, one verify probe,`,
    'one worker process, writes unspaced. The trains: **3 services** (web after api, worker independent: depth 2) and **10 services**',
    '(four independent, four each after one of them, two after two of those: depth 3). Load average when the section started:',
    `${load} on this 2-core machine shared with other work, so the absolute figures are loaded ones; the ratios are measured side by side.`,
    '',
    '**Wall time.** Each service of the train is first deployed alone, one after another (the floor: the slowest of them), then the',
    'same services as one train (client start → the train\'s end, zero monitor window, no sync). "Model" is what the train\'s rules',
    "allow at best from the singles' own phases: deploy + verify chained along the dependency depth (the slowest service's, per",
    "level), then the singles' switch phases added up along the longest chain of `after:` (a service switches once every one it",
    'comes after answers on its public endpoint; independent services switch together).',
    '',
    table(
      [
        'train',
        'depth',
        'train wall',
        'slowest single',
        'train / slowest',
        'single (median)',
        'singles in a row',
        'model: depth × deploy+verify + switches along the longest chain',
      ],
      happyRows,
    ),
    '',
    '**From a failure to every service back.** Fresh services (blue live), monitor every',
    `${MONITOR.intervalMs} ms with \`failureThreshold: ${MONITOR.threshold}\` for 2 minutes. Once every service switched and the train monitors, the green app`,
    '(shared by all the services of the lab) turns unhealthy at a random point of the probe cycle; the bench watches every',
    "service's route on the router every 5 ms. Floor = failureThreshold × interval + the switch-back runs' own durations added up",
    'along the longest dependency chain: a service goes back once every service after it is back, independent ones together.',
    '"Reverse order": every service went back no earlier than every service that comes after it.',
    '',
    table(
      [
        'train',
        'outcome',
        'unhealthy → first back',
        'unhealthy → every service back',
        'floor',
        'excess',
        'switch-back runs',
        'reverse order',
      ],
      failureRows,
    ),
    '',
    'What the figures say: the train costs about its depth in deploy+verify rounds plus one switch per dependency level, not the',
    'sum of the deployments; going back likewise costs one switch-back per level: a service goes back once the services after it',
    'are back, each confirmed on the public endpoint (a poll of the run, every second here).',
  ].join('\n');
  return {
    id: 'train',
    title: '7. Release trains',
    markdown,
    targets: [
      { target: 'train of 3: wall time against the slowest single deployment', figure: ratio(3), met: undefined },
      { target: 'train of 10: wall time against the slowest single deployment', figure: ratio(10), met: undefined },
      { target: 'train of 3: failure → every service answers its old color', figure: allBack(3), met: undefined },
      { target: 'train of 10: failure → every service answers its old color', figure: allBack(10), met: undefined },
    ],
    data: { happy, failures, load },
  };
}
