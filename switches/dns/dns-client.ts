// A small DNS client for what bluegreen asks of authoritative servers: one question over UDP
// (TCP when the answer is truncated) and RFC 2136 updates over TCP, signed with TSIG. Messages
// are built and read by dns-packet; sockets and timeouts are ours so the activity's
// cancellation reaches every request.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, createConnection } from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { decodeMessage, normalizeName, OPCODE_UPDATE, RCODES, TYPE_NUMBERS, type RecordType } from './dns-wire.js';
import { signRequest, verifyResponse, type TsigKey, type TsigVerdict } from './dns-tsig.js';

export interface DnsServerAddress {
  host: string;
  port: number;
}

/** "192.0.2.1", "192.0.2.1:5353", "[2001:db8::1]:53", "ns1.example.com:53" → host and port. */
export function parseServerAddress(text: string, defaultPort = 53): DnsServerAddress {
  const value = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) return { host: bracketed[1]!, port: portOf(bracketed[2], defaultPort, text) };
  if (isIP(value) === 6) return { host: value, port: defaultPort };
  const hostPort = /^([^:\s]+)(?::(\d+))?$/.exec(value);
  if (!hostPort)
    throw new Error(`"${text}" is not a DNS server address like "192.0.2.1", "ns1.example.com:53" or "[2001:db8::1]:53"`);
  return { host: hostPort[1]!, port: portOf(hostPort[2], defaultPort, text) };
}

function portOf(raw: string | undefined, fallback: number, text: string): number {
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`"${text}" has no valid port (1-65535)`);
  return port;
}

export function formatServerAddress(server: DnsServerAddress): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

export type DnsErrorKind = 'unreachable' | 'timeout' | 'malformed' | 'mismatch';

/** A request that got no usable answer (as opposed to an answer with an error rcode). */
export class DnsTransportError extends Error {
  constructor(
    message: string,
    readonly kind: DnsErrorKind,
  ) {
    super(message);
    this.name = 'DnsTransportError';
  }
}

export interface ExchangeOptions {
  /** Per attempt. @default 2_000 */
  timeoutMs?: number;
  /** Aborts the request (the activity's cancellation). */
  signal?: AbortSignal;
}

async function addressOf(server: DnsServerAddress): Promise<{ address: string; family: 4 | 6 }> {
  const family = isIP(server.host);
  if (family === 4 || family === 6) return { address: server.host, family };
  try {
    const found = await lookup(server.host);
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (err) {
    throw new DnsTransportError(`cannot resolve the DNS server name ${server.host}: ${(err as Error).message}`, 'unreachable');
  }
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

function networkError(server: DnsServerAddress, err: unknown): DnsTransportError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const words = NETWORK_WORDS[code] ?? (err as Error).message;
  return new DnsTransportError(`${formatServerAddress(server)}: ${words}`, 'unreachable');
}

/** One UDP request and its answer (the first datagram with our id). */
export async function exchangeUdp(server: DnsServerAddress, message: Buffer, options: ExchangeOptions = {}): Promise<Buffer> {
  const { address, family } = await addressOf(server);
  const id = message.readUInt16BE(0);
  return exchange(server, options, '', ({ answer, fail }) => {
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    socket.on('error', (err) => fail(networkError(server, err)));
    socket.on('message', (datagram) => {
      if (datagram.length >= 12 && datagram.readUInt16BE(0) === id) answer(datagram);
    });
    // Connected: the kernel then reports "port unreachable" as ECONNREFUSED at once.
    socket.connect(server.port, address, () => socket.send(message));
    return () => socket.close();
  });
}

/** One TCP request and its answer (two-byte length prefix, RFC 1035 §4.2.2). */
export async function exchangeTcp(server: DnsServerAddress, message: Buffer, options: ExchangeOptions = {}): Promise<Buffer> {
  const { address } = await addressOf(server);
  return exchange(server, options, ' (TCP)', ({ answer, fail }) => {
    const socket = createConnection({ host: address, port: server.port });
    let received = Buffer.alloc(0);
    socket.on('error', (err) => fail(networkError(server, err)));
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.length);
      socket.write(Buffer.concat([length, message]));
    });
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        answer(received.subarray(2, 2 + received.readUInt16BE(0)));
      }
    });
    socket.on('end', () =>
      fail(new DnsTransportError(`${formatServerAddress(server)}: connection closed before the answer`, 'unreachable')),
    );
    return () => socket.destroy();
  });
}

/**
 * What both transports share: `open` sends the request and reports the answer or a failure; the
 * first of those, the timeout or the caller's abort settles the exchange, and its socket is closed.
 */
function exchange(
  server: DnsServerAddress,
  options: ExchangeOptions,
  transport: string,
  open: (report: { answer(message: Buffer): void; fail(err: Error): void }) => () => void,
): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return new Promise<Buffer>((resolve, reject) => {
    let done = false;
    let close: (() => void) | undefined;
    const finish = (err: Error | undefined, answer?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      close?.();
      if (err) reject(err);
      else resolve(answer!);
    };
    const onAbort = () => finish(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
    const timer = setTimeout(
      () =>
        finish(new DnsTransportError(`${formatServerAddress(server)}: no answer within ${timeoutMs}ms${transport}`, 'timeout')),
      timeoutMs,
    );
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    close = open({ answer: (message) => finish(undefined, message), fail: (err) => finish(err) });
    if (done) close(); // settled while opening
  });
}

export type DnsRecord = dnsPacket.Answer;

export interface QueryResult {
  rcode: number;
  /** The AA flag: the server answered from its own zone data. */
  authoritative: boolean;
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

export interface QueryOptions extends ExchangeOptions {
  /** UDP attempts before giving up (each `timeoutMs`). @default 2 */
  tries?: number;
  /** Ask the server to recurse (for a resolver; authoritative servers ignore it). @default false */
  recursion?: boolean;
}

/** Asks `server` one question. Throws DnsTransportError when no answer comes. */
export async function queryDns(
  server: DnsServerAddress,
  name: string,
  type: RecordType | 'SOA' | 'NS',
  options: QueryOptions = {},
): Promise<QueryResult> {
  const { id, message: request } = newRequest(type, name, { flags: options.recursion ? dnsPacket.RECURSION_DESIRED : 0 });
  const tries = Math.max(1, options.tries ?? 2);
  let raw: Buffer | undefined;
  let lastError: unknown;
  for (let attempt = 1; attempt <= tries && raw === undefined; attempt++) {
    try {
      raw = await exchangeUdp(server, request, options);
    } catch (err) {
      lastError = err;
      // Refused is refused: trying again at once will not change it.
      if (!(err instanceof DnsTransportError) || err.kind !== 'timeout') throw err;
    }
  }
  if (raw === undefined) throw lastError;
  if (raw.length >= 4 && (raw.readUInt16BE(2) & dnsPacket.TRUNCATED_RESPONSE) !== 0)
    raw = await exchangeTcp(server, request, options);
  return readAnswer(server, raw, id);
}

/** An encoded request with a fresh id: one question (class IN) and the flags and sections given. */
function newRequest(
  type: dnsPacket.RecordType,
  name: string,
  rest: Pick<dnsPacket.Packet, 'flags' | 'answers' | 'authorities'>,
): { id: number; message: Buffer } {
  const id = randomInt(0, 0x10000);
  return {
    id,
    message: dnsPacket.encode({ type: 'query', id, questions: [{ type, name: normalizeName(name), class: 'IN' }], ...rest }),
  };
}

function readAnswer(server: DnsServerAddress, raw: Buffer, id: number): QueryResult {
  let decoded: ReturnType<typeof decodeMessage>;
  try {
    decoded = decodeMessage(raw);
  } catch (err) {
    throw new DnsTransportError(`${formatServerAddress(server)}: malformed answer (${(err as Error).message})`, 'malformed');
  }
  if (decoded.message.id !== id)
    throw new DnsTransportError(`${formatServerAddress(server)}: answer to another request`, 'mismatch');
  return {
    rcode: decoded.rcode,
    authoritative: (raw.readUInt16BE(2) & dnsPacket.AUTHORITATIVE_ANSWER) !== 0,
    answers: decoded.message.answers ?? [],
    authorities: decoded.message.authorities ?? [],
  };
}

export interface RecordChange {
  name: string;
  type: RecordType;
}

export interface RecordAddition extends RecordChange {
  ttl: number;
  data: string;
}

export interface UpdateRequest {
  zone: string;
  /** Whole RRsets removed first ("delete an RRset", RFC 2136 §2.5.2). */
  deleteRRsets: RecordChange[];
  additions: RecordAddition[];
}

export interface UpdateResult {
  rcode: number;
  /** The check of the answer's signature; undefined for an unsigned update. */
  tsig?: TsigVerdict;
}

/**
 * Sends one RFC 2136 UPDATE over TCP (no retransmission ambiguity, room for the TSIG) and
 * returns the server's rcode. Deletions and additions are one message: the server applies
 * them all or none.
 */
export async function sendUpdate(
  server: DnsServerAddress,
  update: UpdateRequest,
  key: TsigKey | undefined,
  options: ExchangeOptions = {},
): Promise<UpdateResult> {
  // RFC 2136 reuses the sections: zone (the question), prerequisites, updates, additional.
  const { id, message: unsigned } = newRequest('SOA', update.zone, {
    flags: OPCODE_UPDATE << 11,
    answers: [],
    authorities: [
      // Class ANY, TTL 0, no data deletes the RRset; dns-packet writes empty data only for
      // types it does not know, hence the numeric spelling.
      ...update.deleteRRsets.map(
        (d) =>
          ({
            type: `UNKNOWN_${TYPE_NUMBERS[d.type]}`,
            name: normalizeName(d.name),
            class: 'ANY',
            ttl: 0,
            data: Buffer.alloc(0),
          }) as unknown as DnsRecord,
      ),
      ...update.additions.map(
        (a) =>
          ({
            type: a.type,
            name: normalizeName(a.name),
            class: 'IN',
            ttl: a.ttl,
            data: a.type === 'CNAME' ? normalizeName(a.data) : a.data,
          }) as DnsRecord,
      ),
    ],
  });
  const signed = key ? signRequest(unsigned, key) : undefined;
  const raw = await exchangeTcp(server, signed?.message ?? unsigned, options);
  if (raw.length < 12 || raw.readUInt16BE(0) !== id)
    throw new DnsTransportError(`${formatServerAddress(server)}: answer to another request`, 'mismatch');
  const rcode = raw.readUInt16BE(2) & 0xf;
  let tsig: TsigVerdict | undefined;
  if (key && signed) {
    try {
      tsig = verifyResponse(raw, key, signed.mac);
    } catch (err) {
      throw new DnsTransportError(`${formatServerAddress(server)}: malformed answer (${(err as Error).message})`, 'malformed');
    }
  }
  return { rcode, ...(tsig ? { tsig } : {}) };
}

export { RCODES };
