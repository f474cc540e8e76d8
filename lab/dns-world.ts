// The DNS part of the lab for tests and the demo: a Knot DNS primary (and optionally a
// secondary that transfers the zone only when told, to play a lagging nameserver) serving
// `bluegreen.test`, whose public record `www` is a CNAME to `blue` or `green`. It hands out
// the lab options that make the router follow that record, the bluegreen.yaml fragment, and
// the worker environment holding the TSIG secret.
import { randomBytes } from 'node:crypto';
import type { LabDnsOptions } from './dns-follower.js';
import { startKnot, type KnotServer } from './knot.js';
import type { Color } from './types.js';

export interface DnsWorldOptions {
  /** Also start a secondary (zone transfer from the primary, only on `secondary.refresh()`). */
  secondary?: boolean;
  /** TTL of the public record. @default 60 */
  ttl?: number;
  /** The color the record names at start. @default 'blue' */
  initialColor?: Color;
}

/** Its zone, public record and CNAME target of each color are those the lab's router follows. */
export interface DnsWorld extends Pick<LabDnsOptions, 'zone' | 'record' | 'targets'> {
  primary: KnotServer;
  secondary?: KnotServer;
  keyName: string;
  /** base64 TSIG secret (hmac-sha256) */
  secret: string;
  /** The worker's environment variable holding the secret. */
  secretEnv: string;
  /** The worker environment: `{ [secretEnv]: secret }`. */
  env: Record<string, string>;
  /** Lab options: the router follows the record; with `updates`, the lab's DNS Update workflow writes it. */
  labDns(updates?: boolean): LabDnsOptions;
  /** bluegreen.yaml fragment: `dns`, and `switch` of type dns when asked. */
  config(options?: { switchType?: 'dns'; verifyTimeout?: string; updateTimeout?: string }): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startDnsWorld(options: DnsWorldOptions = {}): Promise<DnsWorld> {
  const zone = 'bluegreen.test';
  const record = `www.${zone}`;
  const keyName = 'bluegreen-update';
  const secret = randomBytes(32).toString('base64');
  const secretEnv = 'BLUEGREEN_TSIG_SECRET';
  const ttl = options.ttl ?? 60;
  const targets: Record<Color, string> = { blue: `blue.${zone}`, green: `green.${zone}` };
  const primary = await startKnot({
    zone,
    nameservers: [
      { name: 'ns1', address: '127.0.0.1' },
      { name: 'ns2', address: '127.0.0.1' },
    ],
    records: ['blue A 127.0.0.1', 'green A 127.0.0.1', `www ${ttl} CNAME ${options.initialColor ?? 'blue'}`],
    tsig: { keyName, secret },
    updatable: [record],
  });
  let secondary: KnotServer | undefined;
  try {
    if (options.secondary) secondary = await startKnot({ zone, primary: primary.address });
  } catch (err) {
    await primary.close();
    throw err;
  }
  return {
    primary,
    ...(secondary ? { secondary } : {}),
    zone,
    record,
    keyName,
    secret,
    secretEnv,
    targets,
    env: { [secretEnv]: secret },
    labDns: (updates = false) => ({
      server: primary.address,
      zone,
      record,
      targets,
      ttl,
      pollIntervalMs: 100,
      ...(updates ? { tsig: { keyName, secret } } : {}),
    }),
    config: (config = {}) => ({
      dns: {
        zone,
        record,
        ttl,
        targets: { blue: { cname: targets.blue }, green: { cname: targets.green } },
        nameservers: [primary.address, ...(secondary ? [secondary.address] : [])],
      },
      ...(config.switchType === 'dns'
        ? {
            switch: {
              type: 'dns',
              server: primary.address,
              tsig: { keyName, algorithm: 'hmac-sha256', secretEnv },
              updateTimeout: config.updateTimeout ?? '30s',
              verifyTimeout: config.verifyTimeout ?? '30s',
            },
          }
        : {}),
    }),
    close: async () => {
      await secondary?.close();
      await primary.close();
    },
  };
}
