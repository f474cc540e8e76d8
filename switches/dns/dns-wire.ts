// DNS wire format helpers around dns-packet: names, rcodes, the records a color names, and a
// walker that finds where the last record of a message starts (TSIG needs the raw bytes).
import dnsPacket from 'dns-packet';
import type { DnsTargetPlan } from '../../contract/types.js';

export const RCODES = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
} as const;

export const TYPE_NUMBERS = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, TSIG: 250 } as const;
export type RecordType = 'A' | 'AAAA' | 'CNAME';

export const OPCODE_UPDATE = 5;

/** Lowercase, no trailing dot: how names are compared and shown. */
export function normalizeName(name: string): string {
  return name.trim().replace(/\.+$/, '').toLowerCase();
}

/** Whether `name` is `zone` or below it. */
export function isInZone(name: string, zone: string): boolean {
  const n = normalizeName(name);
  const z = normalizeName(zone);
  return z === '' || n === z || n.endsWith(`.${z}`);
}

/** A name in canonical wire form (lowercase, uncompressed), as TSIG digests it. */
export function encodeCanonicalName(name: string): Buffer {
  const labels = normalizeName(name).split('.').filter(Boolean);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'utf8');
    if (bytes.length > 63) throw new Error(`DNS label "${label}" is longer than 63 bytes`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Skips a (possibly compressed) name at `offset`; returns the offset after it. */
export function skipName(buf: Buffer, offset: number): number {
  let at = offset;
  for (let guard = 0; guard < 128; guard++) {
    if (at >= buf.length) throw new Error('DNS message truncated inside a name');
    const len = buf[at]!;
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) return at + 2;
    at += 1 + len;
  }
  throw new Error('DNS name has too many labels');
}

/** Offset of the last record of the additional section, or undefined when it is empty. */
export function lastAdditionalOffset(buf: Buffer): number | undefined {
  if (buf.length < 12) throw new Error('DNS message shorter than its header');
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
  if (counts[3] === 0) return undefined;
  let at = 12;
  for (let i = 0; i < counts[0]!; i++) at = skipName(buf, at) + 4;
  const records = counts[1]! + counts[2]! + counts[3]!;
  let last = at;
  for (let i = 0; i < records; i++) {
    last = at;
    at = skipName(buf, at);
    if (at + 10 > buf.length) throw new Error('DNS message truncated inside a record');
    at += 10 + buf.readUInt16BE(at + 8);
  }
  if (at > buf.length) throw new Error('DNS message truncated inside a record');
  return last;
}

export const rcodeName = (code: number): string => Object.entries(RCODES).find(([, n]) => n === code)?.[0] ?? `RCODE${code}`;

/** The record types a target uses (one CNAME, or A and/or AAAA). */
export function targetTypes(target: DnsTargetPlan): RecordType[] {
  if (target.cname) return ['CNAME'];
  const types: RecordType[] = [];
  if (target.a?.length) types.push('A');
  if (target.aaaa?.length) types.push('AAAA');
  return types;
}

/** The expected data of `type` for a target, normalized and sorted. */
export function targetValues(target: DnsTargetPlan, type: RecordType): string[] {
  if (type === 'CNAME') return target.cname ? [normalizeName(target.cname)] : [];
  const list = type === 'A' ? target.a : target.aaaa;
  return [...(list ?? [])].map(normalizeAddress).sort();
}

/** "CNAME green.example.com" or "A 192.0.2.1, 192.0.2.2": how the status shows a record. */
export function describeTarget(target: DnsTargetPlan): string {
  return targetTypes(target)
    .map((type) => `${type} ${targetValues(target, type).join(', ')}`)
    .join(' + ');
}

/** IPv6 text has many spellings; compare the canonical one. */
export function normalizeAddress(address: string): string {
  if (!address.includes(':')) return address.trim();
  try {
    return (
      dnsPacket.decode(
        dnsPacket.encode({
          type: 'response',
          id: 0,
          answers: [{ type: 'AAAA', name: 'x', data: address.trim() }],
        }),
      ).answers![0]! as { data: string }
    ).data;
  } catch {
    return address.trim().toLowerCase();
  }
}

export type DecodedMessage = dnsPacket.DecodedPacket & { rcode?: string; flag_aa?: boolean; flag_tc?: boolean };

/** Decodes a message; the rcode as a number (dns-packet gives its name). */
export function decodeMessage(buf: Buffer): { message: DecodedMessage; rcode: number } {
  const message = dnsPacket.decode(buf) as DecodedMessage;
  return { message, rcode: buf.readUInt16BE(2) & 0xf };
}

/** A record's data (dns-packet's type for OPT records has none). */
export const dataOf = (record: dnsPacket.Answer): unknown => (record as { data?: unknown }).data;
