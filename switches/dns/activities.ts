// DNS activities: switch the public record with an RFC 2136 update signed with TSIG,
// and verify a switch at every authoritative nameserver of the zone, then at the address the
// record resolves to. Both talk to the servers themselves (switches/dns/dns-client.ts), never to
// a caching resolver: a cache would hide exactly the lag we want to see.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { DnsPlan, DnsTargetPlan, NameserverAnswer } from '../../contract/types.js';
import { currentCancellationSignal, throwIfCancelled } from '../../activities/cancellation.js';
import {
  DnsTransportError,
  formatServerAddress,
  parseServerAddress,
  queryDns,
  sendUpdate,
  type DnsRecord,
  type DnsServerAddress,
} from './dns-client.js';
import { decodeSecret, TSIG_ALGORITHMS, type TsigAlgorithm, type TsigKey } from './dns-tsig.js';
import {
  dataOf,
  describeTarget,
  isInZone,
  normalizeAddress,
  normalizeName,
  RCODES,
  rcodeName,
  targetTypes,
  targetValues,
  type RecordType,
} from './dns-wire.js';
import { heartbeat, sleepWithHeartbeats } from '../../activities/heartbeat.js';
import { forbiddenAddress } from '../../activities/forbidden-addresses.js';
import { joinUrl } from '../../activities/http-probe.js';
import type { SwitchCredentialOptions } from '../credentials.js';
import { tsigSecret } from './policy.js';
import type { DnsSwitchInput, DnsSwitchResult, VerifyDnsInput, VerifyDnsResult } from './types.js';

export interface DnsActivityOptions extends SwitchCredentialOptions {
  /**
   * Recursive resolvers (host:port) for finding a zone's nameservers (NS lookup), its primary
   * (SOA MNAME) and addresses outside the zone. @default the system's resolvers
   */
  resolvers?: string[];
  /** Port of nameservers found by NS lookup. @default 53 */
  nameserverPort?: number;
  /** Timeout of one DNS request. @default 2_000 */
  queryTimeoutMs?: number;
  /** Timeout of an update request (the server commits it before answering). @default 10_000 */
  updateTimeoutMs?: number;
  /** Timeout of the HTTP request to the public endpoint. @default 5_000 */
  probeTimeoutMs?: number;
}

interface Nameserver {
  server: DnsServerAddress;
  name?: string;
}

/** The current content of the public record, per type. */
interface RecordState {
  values: Partial<Record<RecordType, string[]>>;
  ttl?: number;
  nxdomain: boolean;
}

export function createDnsActivities(options: DnsActivityOptions = {}) {
  const queryTimeoutMs = options.queryTimeoutMs ?? 2_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 5_000;
  const nameserverPort = options.nameserverPort ?? 53;
  const queryOptions = () => {
    const signal = currentCancellationSignal();
    return { timeoutMs: queryTimeoutMs, ...(signal ? { signal } : {}) };
  };

  function systemResolver(): Resolver {
    const resolver = new Resolver({ timeout: queryTimeoutMs, tries: 2 });
    if (options.resolvers?.length) resolver.setServers(options.resolvers);
    return resolver;
  }

  async function switchViaDns(input: DnsSwitchInput): Promise<DnsSwitchResult> {
    const { dns, color } = input;
    const key = tsigKeyFrom(input.tsig, options);
    const target = dns.targets[color];
    const server = input.server ? parseServer(input.server) : await primaryOf(dns.zone);
    const where = formatServerAddress(server);
    const types = recordTypes(dns);

    const current = await withDnsErrors(`read ${dns.record}`, () => readRecord(server, dns.record, types));
    const previous = describeState(current, types);
    const previousTtl = current.ttl;
    if (matches(current, target, types)) {
      log.info('DNS record already names the target: nothing to update', { record: dns.record, target: describeTarget(target) });
      return {
        server: where,
        changed: false,
        previous,
        ...(previousTtl !== undefined ? { previousTtl } : {}),
        ttl: previousTtl ?? dns.ttl ?? 60,
      };
    }
    const ttl = dns.ttl ?? previousTtl ?? 60;
    const additions = targetTypes(target).flatMap((type) =>
      targetValues(target, type).map((data) => ({ name: dns.record, type, ttl, data })),
    );
    const answer = await withDnsErrors(`update ${dns.record}`, () =>
      sendUpdate(server, { zone: dns.zone, deleteRRsets: types.map((type) => ({ name: dns.record, type })), additions }, key, {
        ...queryOptions(),
        timeoutMs: options.updateTimeoutMs ?? 10_000,
      }),
    );
    const what = `the update to ${describeTarget(target)} at ${where}`;
    if (answer.tsig && !answer.tsig.ok && answer.tsig.reason === 'server-error') {
      throw ApplicationFailure.nonRetryable(
        `${what} was rejected: ${answer.tsig.error} for TSIG key "${key.name}" (${key.algorithm}). ${tsigHint(answer.tsig.error, tsigSecret(options, input.tsig.keyName, input.tsig.secretEnv).envName, dns.record)}`,
        'DnsAuthError',
      );
    }
    if (answer.rcode === RCODES.NOERROR) {
      if (answer.tsig && !answer.tsig.ok) {
        // The update was applied but the answer's signature is wrong: do not trust it.
        throw ApplicationFailure.nonRetryable(
          `${what}: the server's answer failed TSIG verification: ${answer.tsig.detail}`,
          'DnsAuthError',
        );
      }
      log.info('DNS record updated', { record: dns.record, previous, target: describeTarget(target), server: where });
      return { server: where, changed: true, previous, ...(previousTtl !== undefined ? { previousTtl } : {}), ttl };
    }
    throw updateRcodeFailure(what, answer.rcode, key.name);
  }

  async function verifyDns(input: VerifyDnsInput): Promise<VerifyDnsResult> {
    const { dns, color } = input;
    const started = Date.now();
    const deadline = started + input.timeoutMs;
    const target = dns.targets[color];
    const expected = describeTarget(target);
    const types = recordTypes(dns);
    let staleTtl: number | undefined;
    let polls = 0;
    let nameservers: NameserverAnswer[] = [];
    let lastProblem: string | undefined;
    const progress = () => ({ polls, expected, nameservers, ...(lastProblem ? { lastProblem } : {}) });
    const result = (ok: boolean, extra: Partial<VerifyDnsResult> = {}): VerifyDnsResult => ({
      ok,
      expected,
      nameservers,
      ...(staleTtl !== undefined ? { staleTtl } : {}),
      ...(lastProblem && !ok ? { lastProblem } : {}),
      elapsedMs: Date.now() - started,
      ...extra,
    });

    const servers = await withDnsErrors(`find the nameservers of ${dns.zone}`, () => nameserversOf(dns));
    for (;;) {
      polls++;
      nameservers = await Promise.all(servers.map((ns) => checkNameserver(ns, dns, target, types)));
      for (const answer of nameservers) {
        if (!answer.ok && answer.ttl !== undefined) staleTtl = Math.max(staleTtl ?? 0, answer.ttl);
      }
      const lagging = nameservers.filter((n) => !n.ok);
      if (lagging.length === 0) {
        const endpoint = await checkEndpoint(input, servers, target);
        if (endpoint.ok) {
          const ttls = nameservers.map((n) => n.ttl).filter((t): t is number => t !== undefined);
          return result(true, {
            ...(ttls.length ? { ttl: Math.max(...ttls) } : {}),
            confirmedAt: new Date().toISOString(),
            endpoint: endpoint.description,
          });
        }
        lastProblem = endpoint.description;
      } else {
        lastProblem = `${lagging.length} of ${nameservers.length} nameservers do not answer ${expected} yet: ${lagging
          .map((n) => `${n.server}${n.name ? ` (${n.name})` : ''} answers ${n.answer}`)
          .join('; ')}`;
      }
      heartbeat(progress());
      if (Date.now() + input.intervalMs >= deadline) return result(false);
      await sleepWithHeartbeats(input.intervalMs, progress);
    }
  }

  /** The zone's primary, from the MNAME of its SOA, for updates when no server is configured. */
  async function primaryOf(zone: string): Promise<DnsServerAddress> {
    const resolver = systemResolver();
    try {
      const soa = await resolver.resolveSoa(normalizeName(zone));
      return { host: await addressOfName(soa.nsname), port: nameserverPort };
    } catch (err) {
      throwIfCancelled();
      throw ApplicationFailure.retryable(
        `Cannot find the primary nameserver of ${zone} (SOA lookup: ${(err as Error).message}); set switch.server to send updates to a known server`,
        'DnsUnavailable',
      );
    }
  }

  async function addressOfName(name: string): Promise<string> {
    if (isIP(name)) return name;
    const resolver = systemResolver();
    const v4 = await resolver.resolve4(name).catch(() => [] as string[]);
    if (v4.length) return v4[0]!;
    const v6 = await resolver.resolve6(name);
    return v6[0]!;
  }

  async function nameserversOf(dns: DnsPlan): Promise<Nameserver[]> {
    if (dns.nameservers?.length) return dns.nameservers.map((text) => ({ server: parseServer(text) }));
    const resolver = systemResolver();
    let names: string[];
    try {
      names = await resolver.resolveNs(normalizeName(dns.zone));
    } catch (err) {
      throw new DnsTransportError(`NS lookup of ${dns.zone} failed: ${(err as Error).message}`, 'unreachable');
    }
    if (names.length === 0) throw new DnsTransportError(`${dns.zone} has no NS records`, 'unreachable');
    const found: Nameserver[] = [];
    for (const name of names.slice(0, 16)) {
      const addresses = [
        ...(await resolver.resolve4(name).catch(() => [] as string[])),
        ...(await resolver.resolve6(name).catch(() => [] as string[])),
      ];
      for (const address of addresses) found.push({ server: { host: address, port: nameserverPort }, name: normalizeName(name) });
    }
    if (found.length === 0)
      throw new DnsTransportError(`no address for the nameservers of ${dns.zone} (${names.join(', ')})`, 'unreachable');
    return found;
  }

  async function readRecord(server: DnsServerAddress, name: string, types: RecordType[]): Promise<RecordState> {
    const state: RecordState = { values: {}, nxdomain: false };
    for (const type of types) {
      const answer = await queryDns(server, name, type, queryOptions());
      if (answer.rcode === RCODES.NXDOMAIN) {
        state.nxdomain = true;
        continue;
      }
      if (answer.rcode !== RCODES.NOERROR)
        throw new DnsTransportError(`${formatServerAddress(server)} answered ${rcodeName(answer.rcode)}`, 'malformed');
      if (!answer.authoritative) {
        throw new DnsTransportError(`${formatServerAddress(server)} is not authoritative for ${name} (no AA flag)`, 'malformed');
      }
      const own = answer.answers.filter((r) => r.type === type && normalizeName(r.name) === normalizeName(name));
      if (own.length) {
        state.values[type] = own.map((r) => valueOf(r)).sort();
        state.ttl = Math.max(state.ttl ?? 0, ...own.map((r) => (r as { ttl?: number }).ttl ?? 0));
      }
    }
    return state;
  }

  async function checkNameserver(
    ns: Nameserver,
    dns: DnsPlan,
    target: DnsTargetPlan,
    types: RecordType[],
  ): Promise<NameserverAnswer> {
    const base = { server: formatServerAddress(ns.server), ...(ns.name ? { name: ns.name } : {}) };
    const serial = queryDns(ns.server, dns.zone, 'SOA', queryOptions()).then(
      (a) => (dataOf(a.answers.find((r) => r.type === 'SOA') ?? ({} as DnsRecord)) as { serial?: number } | undefined)?.serial,
      () => undefined,
    );
    try {
      const state = await readRecord(ns.server, dns.record, types);
      const s = await serial;
      return {
        ...base,
        ok: matches(state, target, types),
        answer: describeState(state, types),
        ...(state.ttl !== undefined ? { ttl: state.ttl } : {}),
        ...(s !== undefined ? { serial: s } : {}),
      };
    } catch (err) {
      throwIfCancelled();
      const why = err instanceof DnsTransportError ? (err.kind === 'timeout' ? 'timeout' : err.message) : (err as Error).message;
      return { ...base, ok: false, answer: why };
    }
  }

  /** GET the public color endpoint at the address(es) the record resolves to, Host/SNI kept. */
  async function checkEndpoint(
    input: VerifyDnsInput,
    servers: Nameserver[],
    target: DnsTargetPlan,
  ): Promise<{ ok: boolean; description: string }> {
    const url = new URL(joinUrl(input.publicUrl, input.colorPath));
    let addresses: string[];
    try {
      addresses = await addressesOf(target, input.dns, servers[0]!.server);
    } catch (err) {
      throwIfCancelled();
      return { ok: false, description: `cannot resolve ${describeTarget(target)} to an address: ${(err as Error).message}` };
    }
    if (addresses.length === 0) return { ok: false, description: `${describeTarget(target)} resolves to no address` };
    for (const address of addresses.slice(0, 4)) {
      // The addresses come from the plan's targets or from DNS: never a link-local or metadata one.
      if (forbiddenAddress(address)) {
        return { ok: false, description: `${url.href} at ${address}: refused, a link-local or cloud-metadata address` };
      }
      const answer = await colorAt(url, address);
      if (!answer.ok) return { ok: false, description: `${url.href} at ${address}: ${answer.reason}` };
      if (answer.color !== input.color) {
        return { ok: false, description: `${url.href} at ${address} answers ${answer.color}, expected ${input.color}` };
      }
    }
    return { ok: true, description: `${url.href} at ${addresses.slice(0, 4).join(', ')} answers ${input.color}` };
  }

  async function addressesOf(target: DnsTargetPlan, dns: DnsPlan, authoritative: DnsServerAddress): Promise<string[]> {
    if (!target.cname) return [...(target.a ?? []), ...(target.aaaa ?? [])];
    let name = normalizeName(target.cname);
    // Follow an in-zone chain at the authoritative server; anything outside goes to a resolver.
    for (let hop = 0; hop < 8 && isInZone(name, dns.zone); hop++) {
      const answer = await queryDns(authoritative, name, 'A', queryOptions());
      const own = answer.answers.filter((r) => normalizeName(r.name) === name);
      const cname = own.find((r) => r.type === 'CNAME');
      const found = own.filter((r) => r.type === 'A').map((r) => String(dataOf(r)));
      if (found.length) return found;
      if (!cname) {
        const v6 = await queryDns(authoritative, name, 'AAAA', queryOptions());
        return v6.answers.filter((r) => r.type === 'AAAA' && normalizeName(r.name) === name).map((r) => String(dataOf(r)));
      }
      name = normalizeName(String(dataOf(cname)));
    }
    const resolver = systemResolver();
    const v4 = await resolver.resolve4(name).catch(() => [] as string[]);
    return v4.length ? v4 : resolver.resolve6(name);
  }

  function colorAt(url: URL, address: string): Promise<{ ok: true; color: string } | { ok: false; reason: string }> {
    const signal = currentCancellationSignal();
    const https = url.protocol === 'https:';
    return new Promise((resolve) => {
      const req = (https ? httpsRequest : httpRequest)(
        {
          host: address,
          port: url.port || (https ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          // The public name, not the address: virtual hosts and TLS certificates go by it.
          headers: { host: url.host, accept: 'application/json', connection: 'close' },
          ...(https && !isIP(url.hostname) ? { servername: url.hostname } : {}),
          agent: false,
          timeout: probeTimeoutMs,
          ...(signal ? { signal } : {}),
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (body.length < 65_536) body += chunk;
          });
          res.on('end', () => {
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
              return resolve({ ok: false, reason: `HTTP ${res.statusCode}` });
            }
            try {
              const color = (JSON.parse(body) as { color?: unknown }).color;
              if (typeof color === 'string') return resolve({ ok: true, color: color.trim().toLowerCase() });
              resolve({ ok: false, reason: 'no "color" field in the answer' });
            } catch {
              resolve({ ok: false, reason: 'the answer is not JSON' });
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${probeTimeoutMs}ms`)));
      req.on('error', (err) => resolve({ ok: false, reason: (err as NodeJS.ErrnoException).code ?? err.message }));
      req.end();
    });
  }

  return { switchViaDns, verifyDns };
}

/** All record types either color uses: a switch deletes them all and writes the target's. */
function recordTypes(dns: DnsPlan): RecordType[] {
  const types = new Set<RecordType>([...targetTypes(dns.targets.blue), ...targetTypes(dns.targets.green)]);
  return (['CNAME', 'A', 'AAAA'] as const).filter((t) => types.has(t));
}

function matches(state: RecordState, target: DnsTargetPlan, types: RecordType[]): boolean {
  return types.every((type) => {
    const want = targetValues(target, type);
    const have = state.values[type] ?? [];
    return want.length === have.length && want.every((v, i) => v === have[i]);
  });
}

function describeState(state: RecordState, types: RecordType[]): string {
  const parts = types.filter((t) => state.values[t]?.length).map((t) => `${t} ${state.values[t]!.join(', ')}`);
  if (parts.length) return parts.join(' + ');
  return state.nxdomain ? 'NXDOMAIN' : `no ${types.join('/')} record`;
}

function valueOf(record: DnsRecord): string {
  const data = String(dataOf(record) ?? '');
  return record.type === 'CNAME' ? normalizeName(data) : normalizeAddress(data);
}

function parseServer(text: string): DnsServerAddress {
  try {
    return parseServerAddress(text);
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, 'DnsConfigError');
  }
}

function tsigKeyFrom(tsig: DnsSwitchInput['tsig'], options: SwitchCredentialOptions): TsigKey {
  const algorithm = tsig.algorithm.toLowerCase().replace(/\.$/, '');
  if (!(algorithm in TSIG_ALGORITHMS)) {
    throw ApplicationFailure.nonRetryable(
      `TSIG algorithm "${tsig.algorithm}" is not supported (use one of ${Object.keys(TSIG_ALGORITHMS).join(', ')})`,
      'DnsConfigError',
    );
  }
  const { value: raw, envName: secretEnv } = tsigSecret(options, tsig.keyName, tsig.secretEnv);
  if (!raw) {
    throw ApplicationFailure.nonRetryable(
      `The worker's environment has no ${secretEnv}: set it to the base64 secret of TSIG key "${tsig.keyName}" and restart the worker`,
      'DnsSecretMissing',
    );
  }
  const secret = decodeSecret(raw);
  if (!secret) {
    throw ApplicationFailure.nonRetryable(
      `${secretEnv} is not a base64 TSIG secret (as BIND's tsig-keygen, Knot's keymgr -t or PowerDNS print it)`,
      'DnsConfigError',
    );
  }
  return { name: tsig.keyName, algorithm: algorithm as TsigAlgorithm, secret };
}

function tsigHint(error: string | undefined, secretEnv: string, record: string): string {
  switch (error) {
    case 'BADSIG':
      return `The server knows the key but the signature does not verify: ${secretEnv} does not hold the server's secret for it (or the algorithm differs).`;
    case 'BADKEY':
      return (
        `The server does not take this key for this update: it has no key of that name and algorithm (check switch.tsig.keyName ` +
        `and algorithm), or its policy does not allow the key to change ${record} (Knot answers BADKEY for both; see docs/dns.md, permissions).`
      );
    case 'BADTIME':
      return `The clocks of the worker and the DNS server differ by more than 5 minutes: fix the clock (NTP).`;
    default:
      return `Check the key name, algorithm and ${secretEnv}.`;
  }
}

function updateRcodeFailure(what: string, rcode: number, keyName: string): ApplicationFailure {
  const name = rcodeName(rcode);
  switch (rcode) {
    case RCODES.REFUSED:
      return ApplicationFailure.nonRetryable(
        `${what} was REFUSED: the server does not allow key "${keyName}" to update this name and type (see docs/dns.md, permissions)`,
        'DnsUpdateRefused',
      );
    case RCODES.NOTAUTH:
      return ApplicationFailure.nonRetryable(
        `${what}: NOTAUTH, the server is not the primary for the zone (set switch.server to the primary)`,
        'DnsUpdateRefused',
      );
    case RCODES.NOTZONE:
      return ApplicationFailure.nonRetryable(`${what}: NOTZONE, the record is not inside dns.zone`, 'DnsConfigError');
    case RCODES.SERVFAIL:
      return ApplicationFailure.retryable(`${what}: the server answered SERVFAIL`, 'DnsServerError');
    default:
      return ApplicationFailure.nonRetryable(`${what}: the server answered ${name}`, 'DnsUpdateRefused');
  }
}

/** A request that got no answer is retryable (the server may be restarting); the rest is thrown as is. */
async function withDnsErrors<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throwIfCancelled();
    if (err instanceof ApplicationFailure) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw ApplicationFailure.retryable(`Cannot ${what}: ${why}`, 'DnsUnavailable');
  }
}
