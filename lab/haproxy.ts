// A real HAProxy for the lab (Debian's `haproxy` package, as scripts/install-tools.sh installs
// it): an HTTP frontend on a free loopback port, a backend whose two servers `blue` and `green`
// point at the lab's apps, and a Runtime API socket (`level admin`) in a temporary directory of
// its own, which is what the haproxy switch drives. Killed if the process exits without closing it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeCommand } from '../switches/haproxy/runtime-socket.js';
import type { Color } from '../contract/types.js';
import { DaemonProcess, ensureDebianBinary, findBinary, freeTcpPort, startedOrClosed } from './daemons.js';

export interface HaproxyOptions {
  /** Loopback ports of the blue and green apps. */
  servers: Record<Color, number>;
  /** Initial server weights. @default { blue: 100, green: 0 } */
  weights?: Record<Color, number>;
  /** @default 'app' */
  backend?: string;
  /** @default a free loopback port */
  port?: number;
}

/** Path of haproxy, or undefined when HAProxy is not installed. */
export const haproxyPath = (): string | undefined => findBinary('haproxy', ['/usr/sbin', '/usr/local/sbin']);

/** Why the HAProxy tests skip here, or undefined when they can run. */
export function haproxyMissing(): string | undefined {
  return haproxyPath()
    ? undefined
    : 'HAProxy is not installed (scripts/install-tools.sh installs Debian\'s "haproxy" package as root with apt-get)';
}

/** Installs Debian's `haproxy` when it is missing and we may. Returns the binary's path or why there is none. */
export async function ensureHaproxy(): Promise<{ haproxy: string } | { missing: string }> {
  const found = await ensureDebianBinary({
    pkg: 'haproxy',
    title: 'HAProxy',
    binary: 'haproxy',
    find: haproxyPath,
    update: true,
    timeoutMs: 300_000,
  });
  return 'path' in found ? { haproxy: found.path } : found;
}

/** haproxy.cfg: the frontend, the blue/green backend (roundrobin: weights change at run time), the admin socket. */
export function haproxyConfig(options: HaproxyOptions & { port: number; socket: string }): string {
  const weights = options.weights ?? { blue: 100, green: 0 };
  const backend = options.backend ?? 'app';
  return [
    'global',
    `    stats socket ${options.socket} mode 600 level admin`,
    'defaults',
    '    mode http',
    '    timeout connect 2s',
    '    timeout client 10s',
    '    timeout server 10s',
    'frontend public',
    `    bind 127.0.0.1:${options.port}`,
    `    default_backend ${backend}`,
    `backend ${backend}`,
    '    balance roundrobin',
    ...(['blue', 'green'] as const).map((c) => `    server ${c} 127.0.0.1:${options.servers[c]} weight ${weights[c]}`),
    '',
  ].join('\n');
}

export class HaproxyServer extends DaemonProcess {
  private constructor(
    readonly options: HaproxyOptions,
    dir: string,
    readonly port: number,
  ) {
    super(dir, 'haproxy.log');
  }

  /** http://127.0.0.1:PORT, the public endpoint in front of both colors. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The Runtime API socket (mode 600, level admin). */
  get socket(): string {
    return join(this.dir, 'admin.sock');
  }

  get backend(): string {
    return this.options.backend ?? 'app';
  }

  static async create(options: HaproxyOptions): Promise<HaproxyServer> {
    const missing = haproxyMissing();
    if (missing) throw new Error(missing);
    // Short: the socket path must fit in 108 bytes.
    const dir = await mkdtemp(join(tmpdir(), 'bg-hap-'));
    const server = new HaproxyServer(options, dir, options.port ?? (await freeTcpPort()));
    await writeFile(join(dir, 'haproxy.cfg'), haproxyConfig({ ...options, port: server.port, socket: server.socket }));
    return server;
  }

  /** Starts HAProxy in the foreground (-db) and waits until its Runtime API answers (bounded). */
  async start(timeoutMs = 15_000): Promise<void> {
    await this.launch({
      name: 'haproxy',
      binary: haproxyPath()!,
      args: ['-db', '-f', join(this.dir, 'haproxy.cfg')],
      timeoutMs,
      ready: () =>
        this.command('show info').then(
          (answer) => answer.includes('Name: HAProxy'),
          () => false,
        ),
      notReady: 'haproxy did not answer on its Runtime API socket',
    });
  }

  /** Sends one Runtime API command, e.g. `get weight app/blue`, and returns HAProxy's answer. */
  command(command: string): Promise<string> {
    return runtimeCommand(this.socket, command, { timeoutMs: 2000 });
  }
}

/** Creates and starts HAProxy in front of the blue and green apps. */
export async function startHaproxy(options: HaproxyOptions): Promise<HaproxyServer> {
  const server = await HaproxyServer.create(options);
  return startedOrClosed(server, () => server.start());
}
