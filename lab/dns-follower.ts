// Makes the lab's router follow a DNS record, the way users' resolvers do: it polls the
// authoritative server for the public record and routes to the color whose target the record
// names. With a TSIG key it also plays the "DNS Update" GitHub workflow's part: an RFC 2136
// update of the record (what `nsupdate` in a real workflow does).
import { isIP } from 'node:net';
import { parseServerAddress, queryDns, sendUpdate } from '../switches/dns/dns-client.js';
import { decodeSecret, type TsigAlgorithm } from '../switches/dns/dns-tsig.js';
import { normalizeName, type RecordType } from '../switches/dns/dns-wire.js';
import type { Color } from './types.js';

export interface LabDnsOptions {
  /** host:port of the authoritative server the router polls (and updates are sent to). */
  server: string;
  zone: string;
  /** The public record, e.g. www.bluegreen.test */
  record: string;
  /** What the record names for each color: a CNAME target or an address. */
  targets: Record<Color, string>;
  /** Key of the lab's DNS Update workflow (a repository secret in real life); absent: that workflow moves the router directly. */
  tsig?: { keyName: string; algorithm?: TsigAlgorithm; secret: string };
  /** TTL the lab's updates write. @default 60 */
  ttl?: number;
  /** @default 200 */
  pollIntervalMs?: number;
}

const typeOf = (target: string): RecordType => (isIP(target) === 4 ? 'A' : isIP(target) === 6 ? 'AAAA' : 'CNAME');

export class DnsFollower {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The record's data at the last poll ('' when absent, undefined before the first). */
  lastAnswer: string | undefined;
  /** Polls that failed (server down, timeout): the router keeps its color meanwhile. */
  failedPolls = 0;
  readonly updateErrors: string[] = [];

  constructor(
    private readonly options: LabDnsOptions,
    private readonly onColor: (color: Color) => void,
  ) {}

  get canUpdate(): boolean {
    return this.options.tsig !== undefined;
  }

  /** Polls once now (so the router starts on the record's color), then every interval. */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The color the record names now, or undefined when it names neither. */
  async poll(): Promise<Color | undefined> {
    const server = parseServerAddress(this.options.server);
    const types = [...new Set(Object.values(this.options.targets).map(typeOf))];
    try {
      let data = '';
      for (const type of types) {
        const answer = await queryDns(server, this.options.record, type, { timeoutMs: 500, tries: 1 });
        const own = answer.answers.find((r) => r.type === type && normalizeName(r.name) === normalizeName(this.options.record));
        if (own) data = String((own as { data?: unknown }).data);
      }
      this.lastAnswer = data;
      const color = (Object.keys(this.options.targets) as Color[]).find((c) => same(this.options.targets[c], data));
      if (color) this.onColor(color);
      return color;
    } catch {
      this.failedPolls++;
      return undefined;
    }
  }

  /** What the lab's DNS Update workflow does: point the record at `color` (RFC 2136 + TSIG). */
  async update(color: Color): Promise<void> {
    const { tsig, targets } = this.options;
    if (!tsig) throw new Error('the lab has no TSIG key for DNS updates');
    const target = targets[color];
    const rcode = await sendUpdate(
      parseServerAddress(this.options.server),
      {
        zone: this.options.zone,
        deleteRRsets: [...new Set(Object.values(targets).map(typeOf))].map((type) => ({ name: this.options.record, type })),
        additions: [{ name: this.options.record, type: typeOf(target), ttl: this.options.ttl ?? 60, data: target }],
      },
      { name: tsig.keyName, algorithm: tsig.algorithm ?? 'hmac-sha256', secret: decodeSecret(tsig.secret)! },
      { timeoutMs: 2_000 },
    ).then(
      (r) => r.rcode,
      (err: Error) => err.message,
    );
    if (rcode !== 0) this.updateErrors.push(`update to ${color}: ${typeof rcode === 'number' ? `rcode ${rcode}` : rcode}`);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule());
    }, this.options.pollIntervalMs ?? 200);
    this.timer.unref();
  }
}

const same = (target: string, data: string) =>
  typeOf(target) === 'CNAME'
    ? normalizeName(target) === normalizeName(data)
    : target.trim().toLowerCase() === data.trim().toLowerCase();
