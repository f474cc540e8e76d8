// A real `bluegreen worker` process for the secrets tests: its whole output captured, its
// environment exactly what the test gives it (plus PATH/HOME), killed by process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labWorkerPolicyEnv } from '../../lab/worker-policy.js';
import { workflowBundle } from './harness.js';
import { TEST_WORKER_STICKY } from './processes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** stdout and stderr as they arrived. */
  output(): string;
  /** Kills the process group and waits for the exit. */
  stop(): Promise<void>;
}

let bundlePath: Promise<{ path: string; dir: string }> | undefined;
/** This checkout's workflow bundle in a file, so worker processes do not each run webpack. */
export function bundleFile(): Promise<{ path: string; dir: string }> {
  return (bundlePath ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bluegreen-secrets-bundle-'));
    const path = join(dir, 'workflow-bundle.js');
    await writeFile(path, (await workflowBundle()).code);
    return { path, dir };
  })());
}

export async function removeBundleFile(): Promise<void> {
  if (bundlePath) await rm((await bundlePath).dir, { recursive: true, force: true });
}

export async function startWorkerProcess(env: Record<string, string>, readyWithinMs = 60_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/bluegreen.js'), 'worker'], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      BLUEGREEN_WORKFLOW_BUNDLE: (await bundleFile()).path,
      ...labWorkerPolicyEnv(),
      ...TEST_WORKER_STICKY,
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await exited;
  };
  const deadline = Date.now() + readyWithinMs;
  while (!/bluegreen worker: task queue/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`worker process did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out, stop };
}
