// Payload encryption: a Temporal PayloadCodec that seals every payload (workflow inputs and
// results, activity inputs and outputs, signals, queries, updates, memos) with AES-256-GCM
// before it leaves the process, so the Temporal server, its database and anyone reading the
// history see ciphertext. The worker, the CLI and the codec server share the key through the
// environment; the key id travels in the payload's metadata, so keys can be rotated.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
// Default import: @temporalio/proto is CommonJS, and Node's ESM loader (tsx, `bluegreen`) sees
// no named exports in it (vitest's interop would hide that).
import proto from '@temporalio/proto';
import { CodecKeyError } from './codec-key-error.js';
import { RemotePayloadCodec } from './remote-codec.js';

export { CodecKeyError };

const { temporal } = proto;

/** Metadata `encoding` of a sealed payload (the same name Temporal's samples use). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key that sealed the payload. */
export const KEY_ID_METADATA = 'encryption-key-id';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface CodecKey {
  /** Short public name of the key, stored with every payload it sealed. */
  id: string;
  /** 32 bytes of AES-256 key. */
  key: Uint8Array;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Uint8Array>;

  /**
   * @param current seals everything encoded from now on.
   * @param previous only open payloads sealed before a key rotation.
   */
  constructor(
    private readonly current: CodecKey,
    previous: CodecKey[] = [],
  ) {
    for (const k of [current, ...previous]) {
      if (k.key.byteLength !== KEY_BYTES)
        throw new CodecKeyError(`codec key "${k.id}" is ${k.key.byteLength} bytes; AES-256 needs ${KEY_BYTES}`);
    }
    this.keys = new Map([...previous, current].map((k) => [k.id, k.key]));
  }

  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      // The key id is authenticated too: a payload relabelled with another key id does not open.
      cipher.setAAD(encoder.encode(this.current.id));
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(this.current.id) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.['encoding'];
      // Payloads written before encryption was turned on stay readable.
      if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const id = idBytes ? decoder.decode(idBytes) : '';
      const key = this.keys.get(id);
      if (!key) {
        throw new CodecKeyError(
          `payload sealed with key "${id}", which this process does not have (it has ${[...this.keys.keys()].join(', ')})`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.byteLength < IV_BYTES + TAG_BYTES) throw new CodecKeyError('sealed payload is too short to be AES-GCM');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(encoder.encode(id));
      decipher.setAuthTag(data.subarray(data.byteLength - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.byteLength - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new CodecKeyError(`payload sealed with key "${id}" does not open: tampered with, or a different key under that id`);
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** A stable, non-secret id for a key: the first 8 hex digits of its SHA-256. */
export const keyIdOf = (key: Uint8Array): string => `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;

function decodeKey(text: string, variable: string): Uint8Array {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Buffer.from skips junk silently: insist the text really is the base64 of 32 bytes.
  if (key.byteLength !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new CodecKeyError(`${variable} must be ${KEY_BYTES} random bytes in base64 (make one with: openssl rand -base64 32)`);
  }
  return new Uint8Array(key);
}

/**
 * The codec the environment asks for, or undefined when encryption is off:
 * - `BLUEGREEN_CODEC_KEY`: the key, 32 bytes in base64 (`openssl rand -base64 32`).
 * - `BLUEGREEN_CODEC_KEY_ID`: its name in payload metadata. @default `k` + 8 hex digits of its SHA-256
 * - `BLUEGREEN_CODEC_PREVIOUS_KEYS`: `id:base64,id:base64` of keys retired by a rotation, still
 *   needed to read histories they sealed.
 *
 * @example
 * const codec = codecFromEnv(process.env);
 * const client = new Client({ connection, dataConverter: codec ? { payloadCodecs: [codec] } : undefined });
 */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmPayloadCodec | undefined {
  const text = env['BLUEGREEN_CODEC_KEY']?.trim();
  if (!text) return undefined;
  const key = decodeKey(text, 'BLUEGREEN_CODEC_KEY');
  const id = env['BLUEGREEN_CODEC_KEY_ID']?.trim() || keyIdOf(key);
  if (!/^[\w.-]{1,64}$/.test(id)) throw new CodecKeyError('BLUEGREEN_CODEC_KEY_ID must be 1–64 letters, digits, ".", "_" or "-"');
  const previous = (env['BLUEGREEN_CODEC_PREVIOUS_KEYS'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const at = entry.indexOf(':');
      if (at < 1) throw new CodecKeyError(`BLUEGREEN_CODEC_PREVIOUS_KEYS entry ${i + 1} must look like id:base64key`);
      return { id: entry.slice(0, at), key: decodeKey(entry.slice(at + 1), `BLUEGREEN_CODEC_PREVIOUS_KEYS entry ${i + 1}`) };
    });
  return new AesGcmPayloadCodec({ id, key }, previous);
}

/**
 * The data converter for a Client (the CLI): the key's codec when BLUEGREEN_CODEC_KEY is set;
 * else, with BLUEGREEN_CODEC_ENDPOINT, a codec server asked with BLUEGREEN_CODEC_SERVER_TOKEN
 * (so a CLI user need not hold the key); else Temporal's default.
 */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  if (codec) return { payloadCodecs: [codec] };
  const endpoint = env['BLUEGREEN_CODEC_ENDPOINT']?.trim();
  if (!endpoint) return undefined;
  const token = env['BLUEGREEN_CODEC_SERVER_TOKEN']?.trim();
  if (!token)
    throw new CodecKeyError(
      'BLUEGREEN_CODEC_ENDPOINT is set but BLUEGREEN_CODEC_SERVER_TOKEN is not: the codec server needs its token',
    );
  const namespace = env['TEMPORAL_NAMESPACE']?.trim() || 'default';
  return { payloadCodecs: [new RemotePayloadCodec({ endpoint, token, namespace })] };
}
