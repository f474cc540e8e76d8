// TSIG (RFC 8945): signs a request and checks the signed answer, over the bytes dns-packet
// encodes. No npm library covers TSIG, so this is the one hand-written part of the DNS code;
// test/dns-tsig.test.ts checks it against known answers from dnspython (runs everywhere),
// test/dns-switch.test.ts against a real Knot DNS (where Knot is installed).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { encodeCanonicalName, lastAdditionalOffset, skipName, TYPE_NUMBERS } from './dns-wire.js';

/** Algorithm names (as in BIND's and Knot's key files) → Node's HMAC digest. */
export const TSIG_ALGORITHMS = {
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
  'hmac-sha224': 'sha224',
  'hmac-sha1': 'sha1',
} as const;
export type TsigAlgorithm = keyof typeof TSIG_ALGORITHMS;

export interface TsigKey {
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

/** TSIG error codes of the answer (RFC 8945 §5.3). */
export const TSIG_ERRORS: Record<number, string> = { 16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC' };

const CLASS_ANY = 255;
/** Seconds of clock difference the server accepts; 300 is what RFC 8945 recommends. */
export const DEFAULT_FUDGE = 300;

export interface SignedRequest {
  message: Buffer;
  mac: Buffer;
}

/** Appends a TSIG record to `message` (a complete DNS message without one). */
export function signRequest(message: Buffer, key: TsigKey, now = Date.now(), fudge = DEFAULT_FUDGE): SignedRequest {
  const timeSigned = Math.floor(now / 1000);
  const variables = tsigVariables(key, timeSigned, fudge, 0, Buffer.alloc(0));
  const mac = hmac(key, [message, variables]);
  const originalId = message.readUInt16BE(0);
  const record = tsigRecord(key, timeSigned, fudge, mac, originalId, 0, Buffer.alloc(0));
  const signed = Buffer.concat([message, record]);
  signed.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { message: signed, mac };
}

export interface ParsedTsig {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
  /** Where the TSIG record starts: the message without it ends here. */
  offset: number;
}

/** The TSIG record of a message (the last additional record), if any. */
export function parseTsig(buf: Buffer): ParsedTsig | undefined {
  const offset = lastAdditionalOffset(buf);
  if (offset === undefined) return undefined;
  const ownerEnd = skipName(buf, offset);
  if (buf.readUInt16BE(ownerEnd) !== TYPE_NUMBERS.TSIG) return undefined;
  const rdStart = ownerEnd + 10;
  const rdEnd = rdStart + buf.readUInt16BE(ownerEnd + 8);
  let at = rdStart;
  const algorithmEnd = skipName(buf, at);
  const algorithm = readName(buf, at);
  at = algorithmEnd;
  const timeSigned = buf.readUInt16BE(at) * 2 ** 32 + buf.readUInt32BE(at + 2);
  const fudge = buf.readUInt16BE(at + 6);
  const macSize = buf.readUInt16BE(at + 8);
  at += 10;
  const mac = buf.subarray(at, at + macSize);
  at += macSize;
  const originalId = buf.readUInt16BE(at);
  const error = buf.readUInt16BE(at + 2);
  const otherLen = buf.readUInt16BE(at + 4);
  const otherData = buf.subarray(at + 6, at + 6 + otherLen);
  if (at + 6 + otherLen !== rdEnd) throw new Error('malformed TSIG record');
  return { keyName: readName(buf, offset), algorithm, timeSigned, fudge, mac, originalId, error, otherData, offset };
}

export type TsigVerdict =
  | { ok: true }
  | { ok: false; reason: 'unsigned' | 'wrong-key' | 'bad-mac' | 'bad-time' | 'server-error'; error?: string; detail: string };

/**
 * Checks the TSIG of an answer to a request signed with `requestMac` (RFC 8945 §5.3.2). A
 * server that rejects our signature answers with the error in its TSIG and no MAC: reported
 * as `server-error` with the error's name.
 */
export function verifyResponse(response: Buffer, key: TsigKey, requestMac: Buffer, now = Date.now()): TsigVerdict {
  const tsig = parseTsig(response);
  if (!tsig) return { ok: false, reason: 'unsigned', detail: 'the answer carries no TSIG record' };
  if (tsig.error !== 0) {
    const name = TSIG_ERRORS[tsig.error] ?? `TSIG error ${tsig.error}`;
    return { ok: false, reason: 'server-error', error: name, detail: `the server answered ${name}` };
  }
  if (tsig.keyName !== normalize(key.name) || tsig.algorithm !== key.algorithm) {
    return { ok: false, reason: 'wrong-key', detail: `the answer is signed with key ${tsig.keyName} (${tsig.algorithm})` };
  }
  const unsigned = Buffer.from(response.subarray(0, tsig.offset));
  unsigned.writeUInt16BE(tsig.originalId, 0);
  unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
  const requestMacSize = Buffer.alloc(2);
  requestMacSize.writeUInt16BE(requestMac.length);
  const expected = hmac(key, [
    requestMacSize,
    requestMac,
    unsigned,
    tsigVariables(key, tsig.timeSigned, tsig.fudge, tsig.error, tsig.otherData),
  ]);
  if (tsig.mac.length !== expected.length || !timingSafeEqual(tsig.mac, expected)) {
    return { ok: false, reason: 'bad-mac', detail: 'the MAC of the answer does not verify' };
  }
  const skew = Math.abs(Math.floor(now / 1000) - tsig.timeSigned);
  if (skew > tsig.fudge) {
    return {
      ok: false,
      reason: 'bad-time',
      detail: `the answer was signed ${skew}s away from this machine's clock (fudge ${tsig.fudge}s)`,
    };
  }
  return { ok: true };
}

function hmac(key: TsigKey, parts: Buffer[]): Buffer {
  const h = createHmac(TSIG_ALGORITHMS[key.algorithm], key.secret);
  for (const part of parts) h.update(part);
  return h.digest();
}

/** The "TSIG variables" that are digested after the message (RFC 8945 §4.3.3). */
function tsigVariables(key: TsigKey, timeSigned: number, fudge: number, error: number, otherData: Buffer): Buffer {
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16BE(CLASS_ANY, 0);
  fixed.writeUInt32BE(0, 2);
  const tail = Buffer.alloc(10);
  writeUInt48(tail, timeSigned, 0);
  tail.writeUInt16BE(fudge, 6);
  tail.writeUInt16BE(error, 8);
  const other = Buffer.alloc(2);
  other.writeUInt16BE(otherData.length);
  return Buffer.concat([encodeCanonicalName(key.name), fixed, encodeCanonicalName(key.algorithm), tail, other, otherData]);
}

function tsigRecord(
  key: TsigKey,
  timeSigned: number,
  fudge: number,
  mac: Buffer,
  originalId: number,
  error: number,
  otherData: Buffer,
): Buffer {
  const head = Buffer.alloc(8);
  writeUInt48(head, timeSigned, 0);
  head.writeUInt16BE(fudge, 6);
  const macSize = Buffer.alloc(2);
  macSize.writeUInt16BE(mac.length);
  const tail = Buffer.alloc(6);
  tail.writeUInt16BE(originalId, 0);
  tail.writeUInt16BE(error, 2);
  tail.writeUInt16BE(otherData.length, 4);
  const rdata = Buffer.concat([encodeCanonicalName(key.algorithm), head, macSize, mac, tail, otherData]);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(TYPE_NUMBERS.TSIG, 0);
  fixed.writeUInt16BE(CLASS_ANY, 2);
  fixed.writeUInt32BE(0, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeCanonicalName(key.name), fixed, rdata]);
}

function writeUInt48(buf: Buffer, value: number, offset: number): void {
  buf.writeUInt16BE(Math.floor(value / 2 ** 32), offset);
  buf.writeUInt32BE(value % 2 ** 32, offset + 2);
}

/** Reads a (possibly compressed) name as lowercase text without the trailing dot. */
function readName(buf: Buffer, offset: number): string {
  const labels: string[] = [];
  let at = offset;
  for (let guard = 0; guard < 128; guard++) {
    const len = buf[at]!;
    if (len === 0) return labels.join('.').toLowerCase();
    if ((len & 0xc0) === 0xc0) {
      at = buf.readUInt16BE(at) & 0x3fff;
      continue;
    }
    labels.push(buf.toString('utf8', at + 1, at + 1 + len));
    at += 1 + len;
  }
  throw new Error('DNS name has too many labels');
}

const normalize = (name: string) => name.replace(/\.+$/, '').toLowerCase();

/** Decodes a base64 secret as BIND, Knot and PowerDNS print it; undefined when it is not base64. */
export function decodeSecret(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return undefined;
  const secret = Buffer.from(trimmed, 'base64');
  return secret.length > 0 ? secret : undefined;
}
