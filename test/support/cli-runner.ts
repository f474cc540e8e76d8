// Runs the `bluegreen` CLI as users do (`node bin/bluegreen.js …`), as a real subprocess
// against the shared dev server. Asynchronous on purpose: the lab and the in-process workers
// of the calling test keep running while the CLI waits on them. Every process started here
// is tracked and killed (by its process group) by stopCliProcesses().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { labWorkerPolicyEnv } from '../../lab/worker-policy.js';
import { temporalAddress } from './harness.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BLUEGREEN = join(ROOT, 'bin', 'bluegreen.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** The environment a CLI run gets: Temporal of the test run, no colors, a known user. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress(),
    NO_COLOR: '1',
    BLUEGREEN_USER: 'ci-operator',
    // `bluegreen worker` runs of the tests serve the lab (lab/worker-policy.ts).
    ...labWorkerPolicyEnv(),
  };
  // A profile or API key of the developer's machine must not leak into the test.
  for (const name of ['TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE', 'TEMPORAL_API_KEY', 'TEMPORAL_NAMESPACE', 'BLUEGREEN_UI_URL'])
    delete env[name];
  return { ...env, ...extra };
}

export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; bin?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? BLUEGREEN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? cliEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(
        new Error(
          `bluegreen ${args.join(' ')} did not end within ${options.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running CLI process (`bluegreen worker`), its output kept for diagnostics. */
export function startCliProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; bin?: string } = {},
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [options.bin ?? BLUEGREEN, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

/** Waits until the text appears in a process's output (bounded). */
export async function waitForOutput(output: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(output())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in the output within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Ends every CLI process this file started that is still running. */
export async function stopCliProcesses(): Promise<void> {
  const children = [...running];
  for (const child of children) killGroup(child, 'SIGTERM');
  await Promise.race([
    Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(undefined) : c.once('close', r))))),
    new Promise((r) => setTimeout(r, 5_000)),
  ]);
  for (const child of children) killGroup(child);
}

/** Writes a bluegreen.yaml (from a plain object) into a fresh temporary directory; returns its path. */
export function writeConfig(config: Record<string, unknown>, name = 'bluegreen.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-cli-'));
  const path = join(dir, name);
  writeFileSync(path, stringify(config));
  return path;
}

/** What a user-caused failure must look like: a non-zero code, no stack trace, a short message. */
export function expectCleanFailure(result: CliResult): string {
  const text = result.stderr.trim();
  if (result.code === 0) throw new Error(`expected a failure, got exit 0: ${result.stdout}`);
  if (/\n\s+at .+[:(].*\d+:\d+\)?$/m.test(result.stderr)) throw new Error(`stack trace printed:\n${result.stderr}`);
  return text;
}
