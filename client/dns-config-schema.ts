// The `dns` section of bluegreen.yaml and the `dns` switch type:
//
//   dns:
//     zone: example.com
//     record: api.example.com
//     ttl: 60                                  # written by the dns switch; absent keeps the current TTL
//     targets:
//       blue:  { cname: blue-lb.example.com }
//       green: { cname: green-lb.example.com } # or { a: [192.0.2.10] } / { aaaa: [...] }
//     nameservers: ["192.0.2.53", "ns2.example.com:53"]   # absent: NS lookup of the zone
//   (the `dns` switch type's own section is in switches/dns/index.ts)
import { isIP } from 'node:net';
import { z } from 'zod';
import { dnsName, dnsServer } from '../switches/dns/config-fields.js';

export { dnsServer };
import type { ConfigProblem } from './config.js';

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

type DnsSection = z.output<typeof dnsSection>;

/** Checks across fields: the record and targets make sense. */
export function dnsConfigProblems(config: { dns?: DnsSection | undefined }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const dns = config.dns;
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
