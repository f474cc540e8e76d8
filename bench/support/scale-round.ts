// One round of section 6: n deployments of distinct lab services started at once on one worker
// process; what they took (latency, wall), the processes' CPU and peak RSS, sampled histories.
import { startDeployment } from '../../client/start-deployment.js';
import type { Lab } from '../../lab/index.js';
import type { DeploymentPlan, DeploymentStatus } from '../../contract/types.js';
import type { BenchContext } from './context.js';
import { breakdown, type HistoryBreakdown } from './history.js';
import { planFrom } from './plans.js';
import { watchProcess } from './processes.js';
import { sleep } from './stats.js';
import { shapeOf, type FloorShape } from '../floor/shape.js';
import { finalStatus } from '../../client/final-status.js';

/** A short but complete deployment: real runs, polls, probes and a monitor window. */
const SCALE_CONFIG: Record<string, unknown> = {
  deploy: { pollInterval: '1s', runTimeout: '30m' },
  verify: { successes: 2, interval: '500ms', timeout: '10m' },
  approval: { required: false },
  monitor: { duration: '3s', interval: '1s', failureThreshold: 3 },
  sync: { enabled: false },
  switch: { verifyTimeout: '10m' },
};
export interface Round {
  label: string;
  n: number;
  succeeded: number;
  count: number;
  wallMs: number;
  /** Per deployment: client start request → the workflow's end. */
  latencies: number[];
  worker: { cores: number; peakRss: number };
  serverCores: number;
  benchCores: number;
  histories: HistoryBreakdown[];
  /** The shape of the round's first sampled deployment, for the floor. */
  shape: FloorShape;
}

export async function runRound(
  ctx: BenchContext,
  lab: Lab,
  workerPid: number,
  taskQueue: string,
  n: number,
  tag: string,
  label: string,
): Promise<Round> {
  const plans: DeploymentPlan[] = [];
  for (let i = 0; i < n; i++) plans.push(planFrom(await lab.addService(`scale-${tag}-${i}`), SCALE_CONFIG));
  const watch = watchProcess(workerPid, 200);
  const serverWatch = watchProcess(ctx.serverPid, 500);
  const benchCpu = process.cpuUsage();
  const started = Date.now();
  const startedAt = new Map<string, number>();
  const handles: Array<Awaited<ReturnType<typeof startDeployment>>> = [];
  const results: Array<Promise<DeploymentStatus>> = [];
  // Start them all, 25 requests at a time (the client shares one connection).
  const queue = [...plans];
  await Promise.all(
    Array.from({ length: Math.min(25, n) }, async () => {
      for (let plan = queue.shift(); plan; plan = queue.shift()) {
        startedAt.set(plan.deploymentId, Date.now());
        const handle = await startDeployment(ctx.client, plan, { taskQueue });
        handles.push(handle);
        results.push(finalStatus(handle));
      }
    }),
  );
  const statuses = await Promise.all(results);
  const wallMs = Date.now() - started;
  const usage = await watch.stop();
  const serverUsage = await serverWatch.stop();
  const benchUsed = process.cpuUsage(benchCpu);
  // Where the time went, from up to 10 histories spread over the round.
  const sample = handles.filter((_, i) => i % Math.max(1, Math.floor(n / 10)) === 0).slice(0, 10);
  const events = await Promise.all(sample.map(async (h) => (await h.fetchHistory()).events ?? []));
  const histories = events.map(breakdown);
  await sleep(200);
  return {
    label,
    n,
    succeeded: statuses.filter((s) => s.outcome === 'SUCCEEDED').length,
    count: n,
    wallMs,
    latencies: statuses.map((s) => Date.parse(s.endedAt!) - startedAt.get(s.deploymentId)!),
    worker: { cores: usage.cores, peakRss: usage.peakRss },
    serverCores: serverUsage.cores,
    benchCores: (benchUsed.user + benchUsed.system) / 1000 / wallMs,
    histories,
    shape: shapeOf(events[0] ?? []),
  };
}
