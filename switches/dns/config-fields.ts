// DNS names and server addresses as bluegreen.yaml gives them, shared by the dns switch's
// section (./client.ts) and the top-level dns section (client/dns-config-schema.ts). Pure zod,
// client side only (the workflow bundle does not load it).
import { z } from 'zod';

const isIPv4 = (text: string) => z.ipv4().safeParse(text).success;
const isIPv6 = (text: string) => z.ipv6().safeParse(text).success;

export const HOSTNAME =
  /^(?=.{1,253}\.?$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/;
const normalize = (name: string) => name.trim().replace(/\.$/, '').toLowerCase();

export const dnsName = (what: string, example: string) =>
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
    if (bracketed) return isIPv6(bracketed[1]!) && validPort(bracketed[2]);
    if (isIPv6(value)) return true;
    const hostPort = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(value);
    return hostPort !== null && (isIPv4(hostPort[1]!) || HOSTNAME.test(hostPort[1]!)) && validPort(hostPort[2]);
  }, 'expected a DNS server like "192.0.2.53", "ns1.example.com:53" or "[2001:db8::53]:53"')
  .transform((text) => text.trim());

const validPort = (raw: string | undefined) => raw === undefined || (Number(raw) >= 1 && Number(raw) <= 65535);
