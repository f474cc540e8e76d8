// A real authoritative DNS server for the lab: Knot DNS (Debian's `knot` package) on a
// loopback port, unprivileged config, everything (config, zone, journal, pid, control socket,
// log) in its own temporary directory. A primary serves a zone file and accepts RFC 2136
// updates signed with a TSIG key; a secondary transfers the zone from a primary only when told
// (`refresh()`), which is how tests make one nameserver lag.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { queryDns } from '../switches/dns/dns-client.js';
import { DaemonProcess, ensureDebianBinary, findBinary, freeTcpPort, startedOrClosed } from './daemons.js';

const run = promisify(execFile);

export interface KnotTsigKey {
  keyName: string;
  /** @default 'hmac-sha256' */
  algorithm?: string;
  /** base64, as `keymgr -t` prints it. */
  secret: string;
}

export interface KnotOptions {
  zone: string;
  /** Zone file lines after the SOA and NS records, e.g. `www 60 CNAME blue`. */
  records?: string[];
  /** Names of the zone's nameservers (NS records); each gets an A record of `address`. @default ['ns1'] */
  nameservers?: Array<{ name: string; address: string }>;
  /** The key updates must be signed with; also restricts them to `updatable` names. */
  tsig?: KnotTsigKey;
  /** Owner names updates may change (update-owner). @default every name in the zone */
  updatable?: string[];
  /** Serve the zone as a secondary of this primary (host:port) instead of from a zone file. */
  primary?: string;
  /** @default '127.0.0.1' */
  address?: string;
  /** @default a free port */
  port?: number;
}

/** Path of knotd, or undefined when Knot DNS is not installed. */
export const knotdPath = (): string | undefined => findBinary('knotd', ['/usr/sbin', '/usr/local/sbin']);

const knotcPath = (): string => knotdPath()!.replace(/knotd$/, 'knotc');

/** Installs Debian's `knot` when it is missing and we may. Returns knotd's path or why there is none. */
export async function ensureKnot(): Promise<{ knotd: string } | { missing: string }> {
  const found = await ensureDebianBinary({
    pkg: 'knot',
    title: 'Knot DNS (knotd)',
    binary: 'knotd',
    find: knotdPath,
    update: true,
    timeoutMs: 300_000,
  });
  return 'path' in found ? { knotd: found.path } : found;
}

/** A port free for both UDP and TCP on `address` right now. */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort(address);
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, address, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port for the DNS server');
}

export class KnotServer extends DaemonProcess {
  private constructor(
    readonly options: KnotOptions,
    dir: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(dir, 'knotd.log');
  }

  /** host:port, as bluegreen.yaml's `dns.nameservers` and `switch.server` take it. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get zone(): string {
    return this.options.zone;
  }

  static async create(options: KnotOptions): Promise<KnotServer> {
    const knotd = knotdPath();
    if (!knotd) throw new Error('Knot DNS (knotd) is not installed: apt-get install knot (scripts/install-tools.sh does it)');
    // Short: the control socket path must fit in 108 bytes.
    const dir = await mkdtemp(join(tmpdir(), 'bg-knot-'));
    const server = new KnotServer(
      options,
      dir,
      options.address ?? '127.0.0.1',
      options.port ?? (await freePort(options.address)),
    );
    await server.writeFiles();
    return server;
  }

  private async writeFiles(): Promise<void> {
    const { options, dir } = this;
    await mkdir(join(dir, 'db'), { recursive: true });
    await mkdir(join(dir, 'zones'), { recursive: true });
    const zone = options.zone.replace(/\.$/, '');
    const algorithm = options.tsig?.algorithm ?? 'hmac-sha256';
    const lines = [
      'server:',
      `    rundir: "${dir}"`,
      `    pidfile: "${dir}/knot.pid"`,
      `    listen: ${this.host}@${this.port}`,
      'log:',
      '  - target: stderr',
      '    any: info',
      'database:',
      `    storage: "${dir}/db"`,
      'control:',
      `    listen: "${dir}/knot.sock"`,
    ];
    if (options.tsig) {
      lines.push('key:', `  - id: ${options.tsig.keyName}`, `    algorithm: ${algorithm}`, `    secret: ${options.tsig.secret}`);
    }
    const acls: string[] = [];
    lines.push('acl:', '  - id: loopback-transfer', '    address: 127.0.0.0/8', '    action: [transfer, notify]');
    acls.push('loopback-transfer');
    if (options.tsig && !options.primary) {
      lines.push(
        '  - id: bluegreen-update',
        `    key: ${options.tsig.keyName}`,
        '    action: update',
        '    update-type: [CNAME, A, AAAA]',
      );
      if (options.updatable?.length) {
        lines.push(
          '    update-owner: name',
          `    update-owner-name: [${options.updatable.map((n) => `${n.replace(/\.$/, '')}.`).join(', ')}]`,
        );
      }
      acls.push('bluegreen-update');
    }
    if (options.primary) {
      const [host, port] = options.primary.split(':');
      lines.push('remote:', '  - id: primary', `    address: ${host}@${port}`);
    }
    lines.push(
      'zone:',
      `  - domain: ${zone}`,
      `    storage: "${dir}/zones"`,
      `    file: "${zone}.zone"`,
      `    acl: [${acls.join(', ')}]`,
    );
    if (options.primary) lines.push('    master: primary');
    // The journal is enough for a test server: no zone file rewrite per update.
    else lines.push('    zonefile-sync: -1');
    await writeFile(join(dir, 'knot.conf'), `${lines.join('\n')}\n`);

    if (!options.primary) {
      const nameservers = options.nameservers ?? [{ name: 'ns1', address: '127.0.0.1' }];
      const zoneText = [
        `$ORIGIN ${zone}.`,
        '$TTL 60',
        // refresh 3600: a secondary transfers again only when told to (or after an hour).
        `@ SOA ${nameservers[0]!.name} hostmaster 1 3600 600 86400 60`,
        ...nameservers.map((ns) => `@ NS ${ns.name}`),
        ...nameservers.map((ns) => `${ns.name} A ${ns.address}`),
        ...(options.records ?? []),
      ];
      await writeFile(join(dir, 'zones', `${zone}.zone`), `${zoneText.join('\n')}\n`);
    }
  }

  /** Starts knotd and waits until it answers for the zone (bounded). */
  async start(timeoutMs = 15_000): Promise<void> {
    await this.launch({
      name: 'knotd',
      binary: knotdPath()!,
      args: ['-c', join(this.dir, 'knot.conf')],
      timeoutMs,
      ready: async () => {
        try {
          const answer = await queryDns({ host: this.host, port: this.port }, this.zone, 'SOA', { timeoutMs: 300, tries: 1 });
          return answer.rcode === 0 && answer.authoritative && answer.answers.length > 0;
        } catch {
          return false; // not listening yet
        }
      },
      notReady: `knotd did not serve ${this.zone}`,
    });
  }

  /** Runs knotc against this server, e.g. `control('zone-refresh', zone)`. */
  async control(...args: string[]): Promise<string> {
    const { stdout } = await run(knotcPath(), ['-s', join(this.dir, 'knot.sock'), '-t', '5', ...args], { timeout: 10_000 });
    return stdout.trim();
  }

  /** A secondary transfers the zone from its primary now (blocking until it has). */
  async refresh(): Promise<void> {
    await this.control('-b', 'zone-refresh', this.zone);
  }
}

/** Creates and starts a Knot DNS server. */
export async function startKnot(options: KnotOptions): Promise<KnotServer> {
  const server = await KnotServer.create(options);
  return startedOrClosed(server, () => server.start());
}
