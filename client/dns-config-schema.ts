// The `dns` section of bluegreen.yaml and the `dns` switch type (issue 8):
//
//   dns:
//     zone: example.com
//     record: api.example.com
//     ttl: 60                                  # written by the dns switch; absent keeps the current TTL
//     targets:
//       blue:  { cname: blue-lb.example.com }
//       green: { cname: green-lb.example.com } # or { a: [192.0.2.10] } / { aaaa: [...] }
//     nameservers: ["192.0.2.53", "ns2.example.com:53"]   # absent: NS lookup of the zone
//   switch:
//     type: dns
//     server: ns1.example.com:53               # absent: the zone's primary (SOA MNAME)
//     tsig: { keyName: bluegreen, algorithm: hmac-sha256, secretEnv: BLUEGREEN_TSIG_SECRET }
import { isIP } from 'node:net';
import { z } from 'zod';
import type { ConfigProblem } from './config.js';

const HOSTNAME =
  /^(?=.{1,253}\.?$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/;
const normalize = (name: string) => name.trim().replace(/\.$/, '').toLowerCase();

const dnsName = (what: string, example: string) =>
  z
    .string({ error: `expected the ${what} as a DNS name, like "${example}"` })
    .regex(HOSTNAME, `expected the ${what} as a DNS name, like "${example}"`)
    .transform(normalize);

/** "192.0.2.53", "192.0.2.53:5353", "[2001:db8::53]:53", "ns1.example.com:53". */
export const dnsServer = z
  .string({ error: 'expected a DNS server like "192.0.2.53", "ns1.example.com:53" or "[2001:db8::53]:53"' })
  .refine((text) => {
    const value = text.trim();
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
    if (bracketed) return isIP(bracketed[1]!) === 6 && validPort(bracketed[2]);
    if (isIP(value) === 6) return true;
    const hostPort = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(value);
    return hostPort !== null && (isIP(hostPort[1]!) === 4 || HOSTNAME.test(hostPort[1]!)) && validPort(hostPort[2]);
  }, 'expected a DNS server like "192.0.2.53", "ns1.example.com:53" or "[2001:db8::53]:53"')
  .transform((text) => text.trim());

const validPort = (raw: string | undefined) => raw === undefined || (Number(raw) >= 1 && Number(raw) <= 65535);

const addresses = (family: 4 | 6, example: string) => {
  const one = z
    .string({ error: `expected an IPv${family} address like "${example}"` })
    .refine((v) => isIP(v.trim()) === family, `expected an IPv${family} address like "${example}"`)
    .transform((v) => v.trim());
  // One address or a list of them.
  return z
    .preprocess(
      (v) => (typeof v === 'string' ? [v] : v),
      z.array(one).min(1, 'list at least one address').max(16, 'at most 16 addresses'),
    )
    .optional();
};

const dnsTarget = z
  .strictObject({
    cname: dnsName('CNAME target', 'green-lb.example.com').optional(),
    a: addresses(4, '192.0.2.10'),
    aaaa: addresses(6, '2001:db8::10'),
  })
  .refine((t) => (t.cname !== undefined) !== (t.a !== undefined || t.aaaa !== undefined), {
    message: 'give either cname, or a and/or aaaa (a CNAME cannot share its name with other records)',
  });

const ttlSeconds = z.union([
  z.int({ error: 'expected a TTL in seconds, like 60' }).min(0).max(604_800, 'a TTL is at most 604800 seconds (7 days)'),
  z
    .string()
    .regex(/^\d+(s|m|h)$/, 'expected a TTL in seconds (60) or a duration ("60s", "5m")')
    .transform((text) => Number(text.slice(0, -1)) * { s: 1, m: 60, h: 3600 }[text.slice(-1) as 's' | 'm' | 'h'])
    .refine((s) => s <= 604_800, 'a TTL is at most 7 days'),
]);

export const dnsSection = z.strictObject({
  zone: dnsName('zone', 'example.com'),
  record: dnsName('public record', 'api.example.com'),
  ttl: ttlSeconds.optional(),
  targets: z.strictObject({ blue: dnsTarget, green: dnsTarget }),
  nameservers: z
    .array(dnsServer)
    .min(1, 'list at least one nameserver, or leave nameservers out to look them up')
    .max(16)
    .optional(),
});

export const TSIG_ALGORITHM_NAMES = ['hmac-sha256', 'hmac-sha384', 'hmac-sha512', 'hmac-sha224', 'hmac-sha1'] as const;

/** The factory of `duration()` lives in config-schema.ts; it is passed in to keep one parser. */
export const switchDns = (duration: (max: string) => z.ZodType<number, string>) =>
  z.strictObject({
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
  });

type DnsSection = z.output<typeof dnsSection>;

/** Checks across fields: the dns switch needs the dns section; the record and targets make sense. */
export function dnsConfigProblems(config: {
  dns?: DnsSection | undefined;
  switch?: { type: string } | undefined;
}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const dns = config.dns;
  if (config.switch?.type === 'dns' && !dns) {
    problems.push({
      path: 'dns',
      message: 'switch.type is "dns": add a dns section (zone, record, targets) naming the record to update',
    });
  }
  if (!dns) return problems;
  if (dns.record !== dns.zone && !dns.record.endsWith(`.${dns.zone}`)) {
    problems.push({ path: 'dns.record', message: `"${dns.record}" is not inside the zone "${dns.zone}"` });
  }
  const { blue, green } = dns.targets;
  const same = (x?: string[], y?: string[]) => (x ?? []).slice().sort().join() === (y ?? []).slice().sort().join();
  if (blue.cname === green.cname && same(blue.a, green.a) && same(blue.aaaa, green.aaaa)) {
    problems.push({ path: 'dns.targets.green', message: 'green and blue name the same target: each color needs its own' });
  }
  for (const color of ['blue', 'green'] as const) {
    if (dns.targets[color].cname === dns.record) {
      problems.push({ path: `dns.targets.${color}.cname`, message: 'a CNAME cannot point at its own name' });
    }
  }
  return problems;
}
