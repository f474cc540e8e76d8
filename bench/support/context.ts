// What every bench section gets: the Temporal server and client, the prebuilt workflow bundle,
// a way to start worker processes, and where to put logs.
import { mkdir, writeFile } from 'node:fs/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDeployment } from '../../client/start-deployment.js';
import type { Lab, RunSummary } from '../../lab/index.js';
import { WORKFLOWS_PATH } from '../../worker/worker.js';
import type { blueGreenDeployment } from '../../workflows/blue-green-deployment.js';
import type { DeploymentPlan, DeploymentStatus } from '../../contract/types.js';
import { ROOT, startWorkerProcess, type WorkerProcess } from './processes.js';
import { finalStatus } from '../../client/final-status.js';

export interface BenchContext {
  quick: boolean;
  address: string;
  /** The dev server's process, for CPU sampling. */
  serverPid: number;
  client: Client;
  dataDir: string;
  bundlePath: string;
  /** A worker process of its own task queue, stopped when the section ends. */
  startWorker(name: string, lab: Lab, options?: WorkerStartOptions): Promise<WorkerProcess>;
  log(message: string): void;
}

export interface WorkerStartOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Another Temporal server than the bench's. */
  address?: string;
  /** The bench floor's worker (bench/floor/worker.ts): no-op activities, the floor workflow. */
  floor?: boolean;
}

export interface SectionResult {
  id: string;
  title: string;
  /** Markdown: the figures, the target beside them, met or not and why. */
  markdown: string;
  /** One line per target for the summary table. */
  targets: Array<{ target: string; figure: string; met: boolean | undefined }>;
  data: unknown;
}

export type Section = (ctx: BenchContext) => Promise<SectionResult>;

export async function buildBundle(dataDir: string): Promise<string> {
  const quiet = {
    log: () => undefined,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: console.error,
  };
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
  const path = `${dataDir}/workflow-bundle.js`;
  await writeFile(path, code);
  return path;
}

export async function benchDataDir(): Promise<string> {
  const dir = `${ROOT}.data/bench`;
  await mkdir(dir, { recursive: true });
  return dir;
}

export function workerStarter(base: Omit<BenchContext, 'startWorker'>, started: WorkerProcess[]) {
  let count = 0;
  return async (name: string, lab: Lab, options: WorkerStartOptions = {}) => {
    const taskQueue = `bench-${name}-${process.pid}-${++count}`;
    const worker = await startWorkerProcess({
      address: options.address ?? base.address,
      taskQueue,
      githubToken: lab.token,
      bundlePath: base.bundlePath,
      logFile: `${base.dataDir}/worker-${name}.log`,
      ...(options.env ? { env: options.env } : {}),
      ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
      ...(options.floor ? { floor: true } : {}),
    });
    started.push(worker);
    await waitForPollers(options.address ? undefined : base.client, taskQueue);
    return worker;
  };
}

/** Until the worker polls its task queue (it logs that it started a little before it polls). */
async function waitForPollers(client: Client | undefined, taskQueue: string): Promise<void> {
  if (!client) return;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const answer = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType: 1,
    });
    if ((answer.pollers ?? []).length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface FinishedDeployment {
  plan: DeploymentPlan;
  handle: WorkflowHandle<typeof blueGreenDeployment>;
  status: DeploymentStatus;
  /** Client side: start request sent → result received. */
  wallMs: number;
  /** The lab's runs of this deployment, in dispatch order. */
  runs: RunSummary[];
  /** Sum of the runs' own durations (created → completed): the external work. */
  externalMs: number;
}

export const runsOf = (lab: Lab, deploymentId: string): RunSummary[] =>
  lab.github.runs.filter((run) => run.inputs['deployment_id']?.startsWith(`${deploymentId}.`)).sort((a, b) => a.id - b.id);

export const runDuration = (run: RunSummary): number => (run.completedAtMs ?? NaN) - run.createdAtMs;

export async function deployAndWait(
  client: Client,
  lab: Lab,
  plan: DeploymentPlan,
  taskQueue: string,
): Promise<FinishedDeployment> {
  const started = Date.now();
  const handle = await startDeployment(client, plan, { taskQueue });
  const status = await finalStatus(handle);
  const wallMs = Date.now() - started;
  const runs = runsOf(lab, plan.deploymentId);
  return { plan, handle, status, wallMs, runs, externalMs: runs.reduce((sum, run) => sum + runDuration(run), 0) };
}

/** Phase durations from the status (workflow time), ms. */
export function phaseDurations(status: DeploymentStatus): Record<string, number> {
  const out: Record<string, number> = {};
  for (const phase of status.phases) {
    if (phase.startedAt && phase.endedAt) out[phase.name] = Date.parse(phase.endedAt) - Date.parse(phase.startedAt);
  }
  return out;
}
