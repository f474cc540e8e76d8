// The worker as its own process (`node bin/bluegreen.js worker`), as in production, or the bench
// floor's (bench/floor/worker.ts), and sampling of any process's memory and CPU from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';
import { labWorkerPolicyEnv } from '../../lab/worker-policy.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ProcessSample {
  /** Resident set now, bytes. */
  rss: number;
  /** Peak resident set (VmHWM), bytes. */
  peakRss: number;
  /** CPU time used so far (user + system), ms. */
  cpuMs: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

export async function sampleProcess(pid: number): Promise<ProcessSample | undefined> {
  try {
    const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rss: kb('VmRSS'), peakRss: kb('VmHWM'), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** Samples a process every `everyMs` until stopped: peak RSS seen and CPU used in between. */
export function watchProcess(pid: number, everyMs = 250) {
  let running = true;
  let first: ProcessSample | undefined;
  let last: ProcessSample | undefined;
  let maxRss = 0;
  const started = Date.now();
  const loop = (async () => {
    while (running) {
      const sample = await sampleProcess(pid);
      if (sample) {
        first ??= sample;
        last = sample;
        maxRss = Math.max(maxRss, sample.rss);
      }
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const final = (await sampleProcess(pid)) ?? last;
      const wallMs = Date.now() - started;
      const cpuMs = final && first ? final.cpuMs - first.cpuMs : NaN;
      return { wallMs, cpuMs, cores: cpuMs / wallMs, maxRss: Math.max(maxRss, final?.rss ?? 0), peakRss: final?.peakRss ?? NaN };
    },
  };
}

export interface WorkerProcess {
  pid: number;
  taskQueue: string;
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  address: string;
  taskQueue: string;
  githubToken: string;
  bundlePath: string;
  logFile: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--import', file] */
  nodeArgs?: string[];
  /** The bench floor's worker (bench/floor/worker.ts) instead of bluegreen's. */
  floor?: boolean;
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    process.execPath,
    options.floor
      ? [...(options.nodeArgs ?? []), '--import', 'tsx', `${ROOT}bench/floor/worker.ts`]
      : [...(options.nodeArgs ?? []), `${ROOT}bin/bluegreen.js`, 'worker', '--task-queue', options.taskQueue],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        TEMPORAL_ADDRESS: options.address,
        TEMPORAL_NAMESPACE: 'default',
        GITHUB_TOKEN: options.githubToken,
        BLUEGREEN_WORKFLOW_BUNDLE: options.bundlePath,
        FLOOR_TASK_QUEUE: options.taskQueue,
        ...labWorkerPolicyEnv(),
        ...options.env,
      },
    },
  );
  child.stdout!.pipe(log);
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  child.stderr!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    if (/(bluegreen|floor) worker: task queue/.test(chunk.toString())) ready();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const outcome = await Promise.race([
    readyPromise.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    sleep(60_000).then(() => 'timeout' as const),
  ]);
  if (outcome !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`the worker process did not start (${outcome}); see ${options.logFile}`);
  }
  return {
    pid: child.pid!,
    taskQueue: options.taskQueue,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!stopped) child.kill('SIGKILL');
      await exited;
      log.end();
    },
  };
}
