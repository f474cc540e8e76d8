// The `dns` switch's worker part (manifest in ./index.ts): the servers, zones and TSIG keys the
// worker's policy allows (`dns:`), the plan's part re-validated, and the TSIG secret an update is
// signed with. A plan never chooses the variable.
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { definePolicyPart } from '../../contract/plugin.js';
import { envName, listed, listedTwice, urlMatches } from '../../config/policy-fields.js';
import { credential, sectionOf, type Credential, type SwitchCredentialOptions } from '../credentials.js';
import { dnsServer } from './config-fields.js';
import type { DnsSwitchPlan } from './types.js';
import { maxVerifyTimeoutMs } from '../verify-timeout-bound.js';

/** Plans of older clients carry this variable name; the worker takes the policy's instead. */
const LEGACY_TSIG_ENV = 'BLUEGREEN_TSIG_SECRET';

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const dnsName = (example: string) =>
  z
    .string({ error: `expected a DNS name like "${example}"` })
    .transform((name) => name.trim().replace(/\.$/, '').toLowerCase())
    .refine((name) => DNS_NAME.test(name), `expected a DNS name like "${example}"`);
const keyNameOf = (name: string) => name.toLowerCase().replace(/\.$/, '');

export const dnsPolicySection = z
  .strictObject({
    /**
     * Servers RFC 2136 updates may be sent to (host:port). Empty: only the zone's primary found
     * by SOA lookup, and only for the zones below.
     * @default []
     */
    servers: z
      .array(
        z.union(
          [
            z
              .string()
              .regex(/^[^\s:]+:\*$/)
              .transform((s) => s.toLowerCase()),
            dnsServer,
          ],
          { error: 'expected a DNS server like "192.0.2.53", "ns1.example.com:53" or "127.0.0.1:*" (any port)' },
        ),
      )
      .max(32)
      .default([]),
    /** Zones the dns switch may update. @default [] (no dns switch) */
    zones: z.array(dnsName('example.com')).max(256).default([]),
    /** TSIG keys the dns switch may sign with: the key name and the variable holding its base64 secret. */
    keys: z
      .array(z.strictObject({ name: dnsName('bluegreen-update'), secretEnv: envName('BLUEGREEN_TSIG_SECRET') }))
      .max(64)
      .default([]),
  })
  .prefault({});
export type DnsPolicy = z.output<typeof dnsPolicySection>;

/** Whether a DNS server (host:port, or host with the default port 53) is among the policy's. */
export const dnsServerAllowed = (section: DnsPolicy, server: string): boolean => {
  const withPort = /:\d+$/.test(server) || server.startsWith('[') ? server.toLowerCase() : `${server.toLowerCase()}:53`;
  return section.servers.some((entry) => entry === server.toLowerCase() || urlMatches(entry, withPort));
};

const EMPTY: DnsPolicy = { servers: [], zones: [], keys: [] };

export const dnsSwitchPolicy = definePolicyPart<DnsSwitchPlan>()({
  type: 'dns',
  plan: z.strictObject({
    type: z.literal('dns'),
    server: z.string().min(1).max(300).optional(),
    tsig: z.strictObject({ keyName: z.string().min(1).max(253), algorithm: z.string().max(40), secretEnv: z.string().max(200) }),
    updateTimeoutMs: z.int().min(0),
    verifyTimeoutMs: z.int().min(0),
  }),
  policy: { key: 'dns', section: dnsPolicySection },
  bounds: {
    maxUpdateTimeoutMs: {
      field: 'updateTimeoutMs',
      limit: 'max',
      default: 3_600_000,
      what: 'how long a failing DNS update is retried (ms)',
    },
    maxVerifyTimeoutMs,
  },
  problems(step, { section = EMPTY, at, plan }) {
    const problems: string[] = [];
    const zone = plan.dns?.zone;
    if (zone === undefined || !section.zones.includes(zone)) {
      problems.push(
        `dns.zone: the worker's policy does not allow DNS updates of zone ${zone ?? '(none)'} (dns.zones: ${listed(section.zones)})`,
      );
    }
    if (step.server !== undefined && !dnsServerAllowed(section, step.server)) {
      problems.push(
        `${at}.server: the worker's policy does not send DNS updates to ${step.server} (dns.servers: ${listed(section.servers)})`,
      );
    }
    if (step.server === undefined && section.servers.length > 0) {
      problems.push(
        `${at}.server: the plan leaves it out, but the worker's policy sends DNS updates only to ${section.servers.join(', ')} (dns.servers)`,
      );
    }
    const key = section.keys.find((k) => k.name === keyNameOf(step.tsig.keyName));
    if (!key) {
      problems.push(
        `${at}.tsig.keyName: the worker's policy has no TSIG key ${step.tsig.keyName} (dns.keys: ${listed(section.keys.map((k) => k.name))})`,
      );
    } else if (step.tsig.secretEnv !== key.secretEnv && step.tsig.secretEnv !== LEGACY_TSIG_ENV) {
      problems.push(
        `${at}.tsig.secretEnv: the plan asks for the TSIG secret in ${step.tsig.secretEnv}, but the worker's policy reads key ${key.name} from its own variable (dns.keys[].secretEnv): plans do not choose credentials`,
      );
    }
    return problems;
  },
  touches: (step, { section = EMPTY, plan }) => ({
    urls: [],
    credentials: [section.keys.find((k) => k.name === keyNameOf(step.tsig.keyName))?.secretEnv].filter(
      (n): n is string => n !== undefined,
    ),
    targets: [
      ...(plan.dns ? [`dns zone ${plan.dns.zone}`, `dns record ${plan.dns.record}`] : []),
      `dns server ${step.server ?? '(the zone primary)'}`,
    ],
  }),
  secrets: (section) => section.keys.map((k, i) => ({ path: `dns.keys.${i}.secretEnv`, envName: k.secretEnv })),
  sectionProblems(section) {
    const twice = listedTwice(section.keys.map((k) => k.name));
    return twice < 0
      ? []
      : [{ path: `dns.keys.${twice}.name`, message: `TSIG key ${section.keys[twice]!.name} is listed twice` }];
  },
});

/** The TSIG secret of key `keyName`; refuses a key the policy does not list. */
export function tsigSecret(options: SwitchCredentialOptions, keyName: string, planSecretEnv: string): Credential {
  if (!options.policy) return credential(options, planSecretEnv);
  const key = (sectionOf(options, dnsSwitchPolicy) ?? EMPTY).keys.find((k) => k.name === keyNameOf(keyName));
  if (!key) {
    throw ApplicationFailure.nonRetryable(
      `the worker's policy has no TSIG key ${keyName} (dns.keys in bluegreen-worker.yaml): the update is not signed or sent`,
      'PolicyRefused',
    );
  }
  return credential(options, key.secretEnv);
}
