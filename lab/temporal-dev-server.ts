// The one launcher of `temporal server start-dev` (the CLI scripts/setup.sh builds into
// .tools/bin), shared by the demo, the benches, the tests and the history recorder, so all of
// them run the server the same way docker-compose.yml does: the four search attributes
// registered, eager activity execution on, workflow updates on, no version check calling home.
// Each caller picks only what differs: fixed or free ports, Web UI or headless, a database file
// or memory, extra dynamic config.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../contract/search-attributes.js';
import { registerSearchAttributes as registerMissing } from '../config/temporal-namespace.js';
import { freeTcpPort } from './daemons.js';

export const TEMPORAL_CLI = process.env['TEMPORAL_CLI'] ?? fileURLToPath(new URL('../.tools/bin/temporal', import.meta.url));

export interface DevServerOptions {
  /** Address the front end binds. @default '127.0.0.1' */
  ip?: string;
  /** gRPC port. @default a free port */
  port?: number;
  /**
   * The Web UI: `false` headless (saves a process and ~100 MB), `true` on a free port, a number
   * on that port. @default false
   */
  ui?: boolean | number;
  /** HTTP API and /metrics ports; pinned when a restart must keep them. @default free ports */
  httpPort?: number;
  metricsPort?: number;
  /** SQLite file: the state survives a restart on the same file. @default in memory */
  dbFile?: string;
  /**
   * An activity a workflow task schedules goes straight back to that worker, as in
   * docker-compose.yml. Off only to measure what it saves. @default true
   */
  eagerActivities?: boolean;
  /** More `--dynamic-config-value KEY=VALUE` pairs. */
  dynamicConfig?: string[];
  /** @default 'error' */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Register bluegreen's four search attributes at start. Off only to see what a plain
   * `temporal server start-dev` does to bluegreen. @default true
   */
  searchAttributes?: boolean;
}

/** Options with every port decided, so a restart can reuse them. */
export interface DevServerSettings extends Required<Omit<DevServerOptions, 'ui' | 'dbFile'>> {
  uiPort?: number;
  dbFile?: string;
}

export async function devServerSettings(options: DevServerOptions = {}): Promise<DevServerSettings> {
  const ip = options.ip ?? '127.0.0.1';
  return {
    ip,
    port: options.port ?? (await freePort(ip)),
    httpPort: options.httpPort ?? (await freePort(ip)),
    metricsPort: options.metricsPort ?? (await freePort(ip)),
    uiPort: options.ui === true ? await freePort(ip) : options.ui || undefined,
    dbFile: options.dbFile,
    eagerActivities: options.eagerActivities ?? true,
    dynamicConfig: options.dynamicConfig ?? [],
    logLevel: options.logLevel ?? 'error',
    searchAttributes: options.searchAttributes ?? true,
  };
}

/** The `temporal` arguments for these settings. */
export function devServerArgs(settings: DevServerSettings): string[] {
  const dynamicConfig = [
    'frontend.enableServerVersionCheck=false',
    'frontend.enableUpdateWorkflowExecution=true',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...(settings.eagerActivities ? ['system.enableActivityEagerExecution=true'] : []),
    ...settings.dynamicConfig,
  ];
  return [
    'server',
    'start-dev',
    '--ip',
    settings.ip,
    '--port',
    String(settings.port),
    '--http-port',
    String(settings.httpPort),
    '--metrics-port',
    String(settings.metricsPort),
    ...(settings.uiPort === undefined ? ['--headless'] : ['--ui-port', String(settings.uiPort)]),
    ...(settings.dbFile ? ['--db-filename', settings.dbFile] : []),
    '--log-level',
    settings.logLevel,
    ...dynamicConfig.flatMap((kv) => ['--dynamic-config-value', kv]),
    ...(settings.searchAttributes ? ALL_SEARCH_ATTRIBUTE_KEYS : []).flatMap((key) => [
      '--search-attribute',
      `${key.name}=Keyword`,
    ]),
  ];
}

export interface DevServer {
  /** host:port for Connection.connect */
  address: string;
  /** http://ip:port of the Web UI, when it runs. */
  uiUrl?: string;
  pid: number;
  settings: DevServerSettings;
  /** SIGTERM (a clean shutdown) unless told otherwise; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a dev server and resolves once its default namespace answers. */
export async function startDevServer(
  options: DevServerOptions & { cli?: string; stderr?: 'inherit' | 'ignore' } = {},
): Promise<DevServer> {
  const cli = options.cli ?? TEMPORAL_CLI;
  if (!existsSync(cli)) throw new Error(`no Temporal CLI at ${cli}: run \`npm run setup\` first`);
  const settings = await devServerSettings(options);
  const server: ChildProcess = spawn(cli, devServerArgs(settings), { stdio: ['ignore', 'ignore', options.stderr ?? 'inherit'] });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill(signal);
    await exited;
  };
  const address = `${settings.ip}:${settings.port}`;
  try {
    await waitUntilServing(address, () => (server.exitCode !== null ? `exited with code ${server.exitCode}` : undefined));
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
  const uiUrl = settings.uiPort === undefined ? undefined : `http://${settings.ip}:${settings.uiPort}`;
  return { address, uiUrl, pid: server.pid!, settings, stop };
}

/**
 * Polls until the server's default namespace answers (the port alone opens earlier).
 * `exited` says why to stop waiting when the process is gone.
 */
export async function waitUntilServing(address: string, exited: () => string | undefined, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const gone = exited();
    if (gone) throw new Error(`the Temporal dev server on ${address} ${gone} while starting`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`the Temporal dev server on ${address} did not answer within ${timeoutMs / 1000}s: ${String(lastError)}`);
}

/** Whether a Temporal server answers at `address`. */
export async function temporalAnswers(address: string, connectTimeout = '2s'): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout });
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

/** A server we did not start may not know our search attributes yet: adds the missing ones, returns their names. */
export const registerSearchAttributes = (connection: Connection, namespace = 'default'): Promise<string[]> =>
  registerMissing(connection, namespace);

/** A TCP port free on `ip` right now. */
export const freePort = freeTcpPort;

/** `temporal --version`, for reports. */
export async function temporalVersion(cli = TEMPORAL_CLI): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cli, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.on('exit', () => resolve(out.trim()));
    child.on('error', () => resolve('unknown'));
  });
}
