// The one fetch for everything the worker requests on a plan's behalf (probes, metric sources,
// the app router): it never connects to a link-local or cloud-metadata address, whatever name
// or spelling leads there, and never follows a redirect.
//
// The address is judged where the connection is made, not where the URL is read: names are
// resolved by a lookup that refuses the whole answer when any address in it is forbidden, and
// the socket is connected to exactly the address that lookup returned, so a name that resolves
// to a harmless address at plan time and to 169.254.169.254 later (DNS rebinding) is refused
// then. IP literals skip lookups, so they are judged before connecting; after connecting, the
// socket's peer is judged once more. Loopback stays allowed: the lab and the tests live there.
// A plan's URLs are also checked against the worker's egress policy before any request
// (worker/policy-egress.ts); this guard is the last line, for every address a policy could
// list by mistake.
import { lookup as systemLookup } from 'node:dns';
import type { LookupFunction, Socket } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { forbiddenAddress, forbiddenHost } from './forbidden-addresses.js';

export { forbiddenAddress, forbiddenHost };

/** The error a refused connection fails with (the `cause` of fetch's TypeError). */
export class EgressRefused extends Error {
  readonly code = 'EGRESS_REFUSED';
  constructor(why: string) {
    super(`refused by the worker: ${why}, which it never connects to`);
    this.name = 'EgressRefused';
  }
}

/** The refusal's words when `err` (a fetch failure) is one, else undefined. */
export function egressRefusal(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown } | undefined)?.cause ?? err;
  return cause instanceof EgressRefused ? cause.message : undefined;
}

type Lookup = typeof systemLookup;

/** A `net.connect` lookup that resolves with `resolve` and refuses an answer holding a forbidden address. */
export function guardedLookup(resolve: Lookup = systemLookup): LookupFunction {
  return (hostname, options, callback) => {
    const refused = forbiddenHost(hostname);
    if (refused) {
      callback(new EgressRefused(refused), '', 0);
      return;
    }
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => forbiddenAddress(a.address));
      if (bad)
        return callback(
          new EgressRefused(`${hostname} resolves to ${bad.address}, a link-local or cloud-metadata address`),
          '',
          0,
        );
      if (addresses.length === 0)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

type Connector = ReturnType<typeof buildConnector>;

/** undici's connector, with the lookup above and a refusal of forbidden literals and peers. */
function guardedConnector(resolve?: Lookup): Connector {
  const connect = buildConnector({ lookup: guardedLookup(resolve) });
  return (options, callback) => {
    const refused = forbiddenHost(options.hostname);
    if (refused) {
      callback(new EgressRefused(refused), null);
      return;
    }
    connect(options, (err, socket) => {
      if (err) return callback(err, null);
      const peer = (socket as Socket).remoteAddress;
      if (peer && forbiddenAddress(peer)) {
        socket.destroy();
        return callback(new EgressRefused(`${peer} is a link-local or cloud-metadata address`), null);
      }
      return callback(null, socket);
    });
  };
}

export interface GuardedFetchOptions {
  /** How names are resolved. @default node:dns lookup (tests pass one that answers what they need) */
  lookup?: Lookup;
}

/**
 * A fetch (the global one's signature) through the guard. A redirect is never followed: the
 * 3xx answer comes back as it is (`redirect: 'error'` still fails), so no credential and no
 * request reaches a `Location` the policy was not asked about.
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): typeof fetch {
  const dispatcher = new Agent({ connect: guardedConnector(options.lookup) });
  return (async (input: string | URL, init?: RequestInit) => {
    const redirect = init?.redirect === 'error' ? 'error' : 'manual';
    return undiciFetch(input, { ...(init as object), redirect, dispatcher });
  }) as unknown as typeof fetch;
}

/** The worker's guarded fetch (one connection pool for every plan-driven request). */
export const guardedFetch: typeof fetch = createGuardedFetch();
