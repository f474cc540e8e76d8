// The codec server: Temporal's remote codec protocol (POST /encode, POST /decode with
// `{"payloads":[{"metadata":{…base64},"data":"base64"}]}`), so the Web UI and `temporal`
// CLI can show the deployments' payloads in clear to whoever runs it next to their browser.
//
//   BLUEGREEN_CODEC_KEY=… npx tsx codec/server.ts          # http://127.0.0.1:8888
//   temporal server start-dev --ui-codec-endpoint http://127.0.0.1:8888
//
// It decrypts whatever it is sent, so it listens on loopback by default and answers the
// browser only from the Web UI origins it is told (docs/security.md).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { codecFromEnv } from './aes-gcm-codec.js';

/** Largest request body: Temporal's own limit for one payload is 2 MB. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** @default 8888 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * Browser origins allowed to call (the Web UI's), e.g. `http://localhost:8233`. Requests
   * from other origins get no CORS headers, so a page elsewhere cannot use the decryption.
   * @default ['http://localhost:8233', 'http://127.0.0.1:8233']
   */
  corsOrigins?: string[];
}

export interface CodecServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

class BadRequest extends Error {}

async function readBody(req: IncomingMessage): Promise<{ payloads: JsonPayload[] }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('body is not JSON');
  }
  const payloads = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) throw new BadRequest('expected {"payloads": [...]}');
  return { payloads: payloads as JsonPayload[] };
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const origins = new Set(options.corsOrigins ?? ['http://localhost:8233', 'http://127.0.0.1:8233']);

  const cors = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (!origin || !origins.has(origin)) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    cors(req, res);
    const path = new URL(req.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'POST' || (path !== '/encode' && path !== '/decode')) {
      send(res, 404, { error: 'POST /encode or POST /decode' });
      return;
    }
    readBody(req)
      .then(async ({ payloads }) => {
        const input = payloads.map(fromJson);
        const output = path === '/encode' ? await options.codec.encode(input) : await options.codec.decode(input);
        send(res, 200, { payloads: output.map(toJson) });
      })
      .catch((err: unknown) => {
        // Never echo payload contents back in an error.
        send(res, err instanceof BadRequest ? 400 : 422, { error: (err as Error).message });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8888, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function run(): Promise<void> {
  const codec = codecFromEnv(process.env);
  if (!codec) throw new Error('BLUEGREEN_CODEC_KEY is not set: the codec server needs the key the workers use');
  const origins = process.env['BLUEGREEN_CODEC_CORS_ORIGINS']
    ?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const started = await startCodecServer({
    codec,
    port: Number(process.env['BLUEGREEN_CODEC_PORT'] ?? 8888),
    host: process.env['BLUEGREEN_CODEC_HOST'] ?? '127.0.0.1',
    ...(origins ? { corsOrigins: origins } : {}),
  });
  console.error(`bluegreen codec server: ${started.url} (key ${codec.keyId}); point the Web UI's codec endpoint here`);
  const stop = () => void started.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((err) => {
    console.error(err instanceof Error ? `bluegreen codec server: ${err.message}` : err);
    process.exit(1);
  });
}
