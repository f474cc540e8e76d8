// What the lab's real daemons (knotd, Prometheus, the Temporal dev server) share: finding a
// Debian package's binary and installing it when we may, a free loopback port, and child
// processes that never outlive the test process that started them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The first `name` found on PATH, then in `extraDirs`; undefined when it is not installed. */
export function findBinary(name: string, extraDirs: string[]): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':').concat(extraDirs)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export interface DebianInstall {
  /** The Debian package, e.g. `knot`. */
  pkg: string;
  /** How the daemon is named in the messages, e.g. `Knot DNS (knotd)`. */
  title: string;
  /** The binary the package installs, e.g. `knotd`. */
  binary: string;
  /** Finds the binary once installed. */
  find: () => string | undefined;
  /** Run `apt-get update` first. */
  update: boolean;
  timeoutMs: number;
}

/**
 * Installs a missing Debian package when we may (root with apt-get), as
 * scripts/install-tools.sh does. Returns the binary's path, or why there is none.
 */
export async function ensureDebianBinary(install: DebianInstall): Promise<{ path: string } | { missing: string }> {
  const found = install.find();
  if (found) return { path: found };
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    return {
      missing: `${install.title} is not installed and cannot be installed here (${isRoot ? 'no apt-get' : 'not root'}): apt-get install ${install.pkg}`,
    };
  }
  try {
    if (install.update) await run('apt-get', ['update', '-qq'], { timeout: install.timeoutMs });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', install.pkg], {
      timeout: install.timeoutMs,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (err) {
    return { missing: `apt-get install ${install.pkg} failed: ${(err as Error).message.split('\n')[0]}` };
  }
  const installed = install.find();
  return installed ? { path: installed } : { missing: `apt-get install ${install.pkg} left no ${install.binary}` };
}

/** A TCP port free on `ip` right now (the daemon binds it a moment later). */
export function freeTcpPort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Daemons of this process: killed if it exits without stopping them (a crashed test). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

/** The last `lines` lines of a daemon's log file ('' before it has one), for its error messages. */
export async function logTail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** `server` once `start` has made it ready; closed (its directory removed) and the error rethrown when that fails. */
export async function startedOrClosed<S extends { close(): Promise<void> }>(server: S, start: () => Promise<void>): Promise<S> {
  try {
    await start();
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

/** What knotd and Prometheus servers share: a child process started and waited for alike, a directory of their own, a log file in it. */
export abstract class DaemonProcess {
  protected child: ChildProcess | undefined;

  protected constructor(
    readonly dir: string,
    private readonly logFile: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops the daemon (SIGTERM, then SIGKILL after 5 s); its directory (data, zone, journal) stays for a restart. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child);
  }

  /** Stops the daemon and removes its directory. */
  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  logTail(lines = 20): Promise<string> {
    return logTail(join(this.dir, this.logFile), lines);
  }

  /**
   * Spawns the daemon (output appended to its log file) unless it runs, then asks `ready` every
   * 100 ms. Throws with the log's tail when the daemon exits first, and stops it when `timeoutMs`
   * passes first (`notReady` says what it did not do in time, e.g. "knotd did not serve z").
   */
  protected async launch(daemon: {
    name: string;
    binary: string;
    args: string[];
    timeoutMs: number;
    ready: () => Promise<boolean>;
    notReady: string;
  }): Promise<void> {
    if (this.running) return;
    const fd = openSync(join(this.dir, this.logFile), 'a');
    const child = spawn(daemon.binary, daemon.args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.child = child;
    killOnExit(child);
    const deadline = Date.now() + daemon.timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${daemon.name} exited with code ${child.exitCode}: ${await this.logTail()}`);
      if (await daemon.ready()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.stop();
    throw new Error(`${daemon.notReady} within ${daemon.timeoutMs}ms: ${await this.logTail()}`);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
