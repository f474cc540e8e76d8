// A Temporal dev server of the bench's own: in memory, headless, on a free loopback port,
// with the search attributes registered. Nothing outlives the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TEMPORAL_CLI = process.env['TEMPORAL_CLI'] ?? `${ROOT}.tools/bin/temporal`;

export interface BenchServer {
  address: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `eagerActivities` (as in docker-compose.yml and the tests): an activity a workflow task
 * schedules goes straight back to that worker. Off only to measure what it saves.
 */
export async function startTemporal(options: { eagerActivities?: boolean; dynamicConfig?: string[] } = {}): Promise<BenchServer> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(await freePort()),
    '--log-level',
    'error',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    ...(options.eagerActivities === false ? [] : ['--dynamic-config-value', 'system.enableActivityEagerExecution=true']),
    ...(options.dynamicConfig ?? []).flatMap((kv) => ['--dynamic-config-value', kv]),
    ...ALL_SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  const server: ChildProcess = spawn(TEMPORAL_CLI, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the Temporal dev server exited with code ${server.exitCode}`);
    if (await answers(address)) return { address, pid: server.pid!, stop };
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error('the Temporal dev server did not answer within 60s');
}

async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '1s' });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

export async function temporalVersion(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(TEMPORAL_CLI, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.on('exit', () => resolve(out.trim()));
    child.on('error', () => resolve('unknown'));
  });
}
