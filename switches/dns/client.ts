// The `dns` traffic switch's client part (manifest in ./index.ts): its config section, plan
// mapping and dry-run text. An RFC 2136 dynamic update of `dns.record`, signed with TSIG; docs/dns.md.
//   switch:
//     type: dns
//     server: ns1.example.com:53               # absent: the zone's primary (SOA MNAME)
//     tsig: { keyName: bluegreen, algorithm: hmac-sha256, secretEnv: BLUEGREEN_TSIG_SECRET }
import { z } from 'zod';
import { duration } from '../../config/fields.js';
import { defineSwitchClient } from '../switch-type.js';
import { noStepsFields } from '../steps-fields.js';
import { dnsName, dnsServer } from './config-fields.js';
import type { DnsSwitchPlan } from './types.js';

export const TSIG_ALGORITHM_NAMES = ['hmac-sha256', 'hmac-sha384', 'hmac-sha512', 'hmac-sha224', 'hmac-sha1'] as const;

export const dnsSwitchClient = defineSwitchClient({
  summary: 'type "dns" (with tsig, see docs/dns.md)',
  schema: z.strictObject({
    type: z.literal('dns'),
    server: dnsServer.optional(),
    tsig: z.strictObject({
      keyName: dnsName('TSIG key name', 'bluegreen-update'),
      algorithm: z
        .enum(TSIG_ALGORITHM_NAMES, { error: `expected one of ${TSIG_ALGORITHM_NAMES.join(', ')}` })
        .default('hmac-sha256'),
      secretEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, like "BLUEGREEN_TSIG_SECRET"')
        .default('BLUEGREEN_TSIG_SECRET'),
    }),
    updateTimeout: duration('1h').prefault('2m'),
    verifyTimeout: duration('2h').prefault('10m'),
    ...noStepsFields,
  }),
  toPlan: (sw): DnsSwitchPlan => ({
    type: 'dns',
    ...(sw.server !== undefined ? { server: sw.server } : {}),
    tsig: sw.tsig,
    updateTimeoutMs: sw.updateTimeout,
    verifyTimeoutMs: sw.verifyTimeout,
  }),
  describe: (sw, deployment) =>
    `DNS update of ${deployment.dns?.record} at ${sw.server ?? 'the zone primary'} (TSIG key ${sw.tsig.keyName})`,
  configProblems: (config) =>
    config.dns
      ? []
      : [{ path: 'dns', message: 'switch.type is "dns": add a dns section (zone, record, targets) naming the record to update' }],
});
