// Real processes for the fault tests: `bluegreen worker` processes, `bluegreen` CLI runs and
// private Temporal dev servers. Every process started here is tracked, so a test's afterEach
// (killStartedProcesses) ends exactly what the test started, by process group id.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Lab } from '../../lab/index.js';
import {
  devServerArgs,
  devServerSettings,
  freePort,
  TEMPORAL_CLI,
  waitUntilServing,
  type DevServerSettings,
} from '../../lab/temporal-dev-server.js';
import { workflowBundle } from './harness.js';
import { labWorkerPolicyEnv } from '../../lab/worker-policy.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BLUEGREEN_BIN = join(ROOT, 'bin', 'bluegreen.js');

const started = new Set<ManagedProcess>();

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process in its own process group, with its output kept for assertions. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private out = '';
  private exit: Exit | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    // Own process group: a kill reaches anything the command starts, and nothing else.
    this.child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      this.out += chunk.toString();
      for (const listener of this.listeners) listener();
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        for (const listener of this.listeners) listener();
        resolve(this.exit);
      });
      this.child.on('error', (err) => {
        this.out += `\n[spawn error] ${err.message}\n`;
        this.exit = { code: null, signal: null };
        resolve(this.exit);
      });
    });
    started.add(this);
    void this.exited.then(() => started.delete(this));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** stdout and stderr, interleaved as they arrived. */
  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves when the output matches; rejects when the process exits first or after timeoutMs. */
  waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`${this.name}: no output matching ${pattern} within ${timeoutMs} ms; output:\n${this.tail()}`)),
        timeoutMs,
      );
      const check = () => {
        if (pattern.test(this.out)) done();
        else if (this.exit)
          done(
            new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before printing ${pattern}; output:\n${this.tail()}`),
          );
      };
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (err) reject(err);
        else resolve();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends `signal` to the process group and waits for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.running) {
      try {
        process.kill(-this.pid, signal);
      } catch {
        // Already gone.
      }
    }
    return this.exited;
  }

  tail(lines = 40): string {
    return this.out.split('\n').slice(-lines).join('\n');
  }
}

/** Kills (SIGKILL) every process started through this module that is still running. */
export async function killStartedProcesses(): Promise<void> {
  await Promise.all([...started].map((p) => p.kill('SIGKILL')));
}

// A test file that dies without its afterEach must not leave processes behind.
process.once('exit', () => {
  for (const p of started) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** The environment of a child: this one's, without anything that would point it elsewhere. */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TEMPORAL_|GITHUB_|BLUEGREEN_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

let bundleFile: Promise<string> | undefined;
/** The workflow bundle of this checkout in a file, built once per test file, for worker processes. */
export function workflowBundleFile(): Promise<string> {
  return (bundleFile ??= workflowBundle().then(({ code }) => {
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-bundle-'));
    const path = join(dir, 'workflow-bundle.js');
    writeFileSync(path, code);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return path;
  }));
}

export interface WorkerProcessOptions {
  taskQueue: string;
  temporalAddress: string;
  /** The lab's token, given to the worker as GITHUB_TOKEN. */
  githubToken?: string;
  /** Authenticate as a GitHub App instead (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID). */
  githubApp?: { appId: number; installationId: number; privateKeyPem: string };
  name?: string;
  /** Wait until the worker polls. @default true */
  waitUntilRunning?: boolean;
  /** More environment for the worker, e.g. BLUEGREEN_WORKER_POLICY and the secrets it names. */
  env?: Record<string, string>;
}

/**
 * A killed test worker's deployments resume on the next worker after 1 s, not the SDK's 10 s
 * (worker/main.ts workerLimits): the kill tests wait for that once or twice each.
 */
export const TEST_WORKER_STICKY = { BLUEGREEN_WORKER_STICKY_TIMEOUT_MS: '1000' };

/** Spawns `node bin/bluegreen.js worker --task-queue <q>` and waits until it polls its queue. */
export async function spawnWorker(options: WorkerProcessOptions): Promise<ManagedProcess> {
  const env = childEnv({
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    ...(options.githubToken !== undefined ? { GITHUB_TOKEN: options.githubToken } : {}),
    ...(options.githubApp
      ? {
          GITHUB_APP_ID: String(options.githubApp.appId),
          GITHUB_APP_INSTALLATION_ID: String(options.githubApp.installationId),
          GITHUB_APP_PRIVATE_KEY: options.githubApp.privateKeyPem,
        }
      : {}),
    BLUEGREEN_WORKFLOW_BUNDLE: await workflowBundleFile(),
    // The lab's GitHub, router and Knot listen on loopback: the worker's policy must serve them.
    ...labWorkerPolicyEnv(),
    ...TEST_WORKER_STICKY,
    ...options.env,
  });
  const worker = new ManagedProcess(
    options.name ?? `worker(${options.taskQueue})`,
    process.execPath,
    [BLUEGREEN_BIN, 'worker', '--task-queue', options.taskQueue],
    env,
  );
  if (options.waitUntilRunning ?? true) await worker.waitForOutput(/Worker state changed[^]*?RUNNING/);
  return worker;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/bluegreen.js <args>` to its end (bounded by timeoutMs, then killed). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  const child = new ManagedProcess(`bluegreen ${args[0] ?? ''}`, process.execPath, [BLUEGREEN_BIN, ...args], childEnv(env));
  let stdout = '';
  let stderr = '';
  child.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => void child.kill('SIGKILL'), timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  return { code: exit.code, stdout, stderr };
}

/** A temporary directory removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a bluegreen.yaml from a plain config object; returns its path. */
export function writeConfigFile(dir: string, config: Record<string, unknown>, name = 'bluegreen.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(config));
  return path;
}

export { freePort };

/**
 * A private Temporal dev server on loopback (its own ports and database file,
 * lab/temporal-dev-server.ts), for tests that stop and restart Temporal itself. `stop` + `start`
 * keep the ports and the file.
 */
export class DevServer {
  process: ManagedProcess | undefined;
  private constructor(private readonly settings: DevServerSettings) {}

  /** `dbFile`: SQLite file; the server's state survives a restart on the same file. */
  static async start(options: { dbFile: string }): Promise<DevServer> {
    const server = new DevServer(await devServerSettings({ dbFile: options.dbFile, logLevel: 'warn' }));
    await server.start();
    return server;
  }

  get address(): string {
    return `${this.settings.ip}:${this.settings.port}`;
  }

  get dbFile(): string {
    return this.settings.dbFile!;
  }

  async start(): Promise<void> {
    if (this.process?.running) throw new Error('dev server already running');
    const child = new ManagedProcess(
      `temporal dev server :${this.settings.port}`,
      TEMPORAL_CLI,
      devServerArgs(this.settings),
      childEnv({}),
    );
    this.process = child;
    try {
      await waitUntilServing(this.address, () => (child.running ? undefined : 'exited'));
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${child.tail()}`);
    }
  }

  /** Stops the server: SIGKILL is a crash, SIGTERM a clean shutdown. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit | undefined> {
    return this.process?.kill(signal);
  }
}

/** Polls `check` every 50 ms until it returns a truthy value (bounded). */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What a deployment's history says about the workers that ran it. */
export interface HistoryWork {
  /** Identities (`pid@host`) of the workers that completed workflow or activity tasks. */
  identities: Set<string>;
  /** Activity types whose completing attempt was not the first (a retry after a dead worker). */
  retried: string[];
  /** The worker that ran the last workflow task (the one that completed the deployment). */
  lastIdentity: string | undefined;
}

export async function historyWork(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }): Promise<HistoryWork> {
  const history = await handle.fetchHistory();
  type Event = {
    eventId?: unknown;
    workflowTaskStartedEventAttributes?: { identity?: string | null } | null;
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
    activityTaskStartedEventAttributes?: { identity?: string | null; attempt?: number | null; scheduledEventId?: unknown } | null;
  };
  const events = (history.events ?? []) as Event[];
  const typeOf = new Map<string, string>();
  const identities = new Set<string>();
  const retried: string[] = [];
  let lastIdentity: string | undefined;
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(String(event.eventId), scheduled.activityType?.name ?? '?');
    const wft = event.workflowTaskStartedEventAttributes;
    if (wft?.identity) {
      identities.add(wft.identity);
      lastIdentity = wft.identity;
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started?.identity) identities.add(started.identity);
    if (started && (started.attempt ?? 1) > 1) retried.push(typeOf.get(String(started.scheduledEventId)) ?? '?');
  }
  return { identities, retried, lastIdentity };
}

/** The identity a worker process shows in histories (the SDK's default: pid@hostname). */
export const identityOf = (p: ManagedProcess): string => `${p.pid}@${hostname()}`;

/**
 * True once waitForWorkflowRun polls the run of the nth dispatch of `workflow` in the lab (a
 * conditional GET: its first poll fetched the ETag), i.e. that activity is running on a worker.
 */
export function runIsPolled(lab: Lab, workflow: string, nth = 1): boolean {
  const dispatch = lab.github.dispatches.filter((d) => d.workflow === workflow)[nth - 1];
  if (!dispatch) return false;
  const path = `/repos/${lab.owner}/${lab.repo}/actions/runs/${dispatch.runId}`;
  return lab.github.requests.some((r) => r.method === 'GET' && r.path === path && r.conditional);
}
