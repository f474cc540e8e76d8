// A payload codec that asks a codec server (codec/server.ts, or any server speaking Temporal's
// remote codec protocol) to seal and open payloads, with its bearer token. For CLI users who
// should read deployments without holding the key itself:
//
//   BLUEGREEN_CODEC_ENDPOINT=http://127.0.0.1:8888 BLUEGREEN_CODEC_SERVER_TOKEN=… bluegreen status api
//
// `deploy` seals the plan through /encode, which the server serves only with
// BLUEGREEN_CODEC_ALLOW_ENCODE=true.
import type { Payload, PayloadCodec } from '@temporalio/common';
import { CodecKeyError } from './codec-key-error.js';

export interface RemoteCodecOptions {
  /** e.g. http://127.0.0.1:8888 */
  endpoint: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Namespace sent as X-Namespace (servers may pick keys by it). @default 'default' */
  namespace?: string;
  /** @default 10_000 */
  timeoutMs?: number;
}

type JsonPayload = { metadata?: Record<string, string>; data?: string };

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

export class RemotePayloadCodec implements PayloadCodec {
  constructor(private readonly options: RemoteCodecOptions) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return this.call('/encode', payloads);
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return this.call('/decode', payloads);
  }

  private async call(path: string, payloads: Payload[]): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const url = `${this.options.endpoint.replace(/\/+$/, '')}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'content-type': 'application/json',
          'x-namespace': this.options.namespace ?? 'default',
        },
        body: JSON.stringify({ payloads: payloads.map(toJson) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (err) {
      throw new CodecKeyError(`the codec server ${url} did not answer (${(err as Error).message})`);
    }
    if (!response.ok) {
      const why = response.status === 401 ? 'it refused the token (BLUEGREEN_CODEC_SERVER_TOKEN)' : `HTTP ${response.status}`;
      throw new CodecKeyError(`the codec server ${url} answered ${why}`);
    }
    const body = (await response.json()) as { payloads?: JsonPayload[] };
    if (!Array.isArray(body.payloads) || body.payloads.length !== payloads.length) {
      throw new CodecKeyError(`the codec server ${url} answered something other than ${payloads.length} payloads`);
    }
    return body.payloads.map(fromJson);
  }
}
