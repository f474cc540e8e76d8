// The codec server: Temporal's remote codec protocol (POST /encode, POST /decode with
// `{"payloads":[{"metadata":{…base64},"data":"base64"}]}`), so the Web UI and `temporal`
// CLI can show the deployments' payloads in clear to whoever runs it next to their browser.
//
//   BLUEGREEN_CODEC_KEY=… BLUEGREEN_CODEC_SERVER_TOKEN=… npx tsx codec/server.ts   # http://127.0.0.1:8888
//   temporal workflow show -w bluegreen-api --codec-endpoint http://127.0.0.1:8888 --codec-auth "Bearer $BLUEGREEN_CODEC_SERVER_TOKEN"
//
// It decrypts whatever it is sent, so: every request needs its bearer token (or the cookie its
// /login form sets, for the Web UI's "include cross-origin credentials"); a Host header other
// than the one it listens on is refused (a DNS-rebinding page cannot reach it under another
// name); /encode is off unless asked for; it listens on loopback by default and answers the
// browser only from the Web UI origins it is told (docs/security.md).
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { codecFromEnv } from './aes-gcm-codec.js';

/** Largest request body: Temporal's own limit for one payload is 2 MB. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /**
   * The bearer token every request must carry (`Authorization: Bearer <token>`), or the value
   * of the cookie the /login form sets. Required: a codec server that decrypts for anyone is a
   * leak. Make one with `openssl rand -hex 32`.
   */
  token: string;
  /**
   * Serve POST /encode too. The Web UI needs it only to send signals or start workflows with
   * input from the browser; `bluegreen` through a codec server (BLUEGREEN_CODEC_ENDPOINT) needs
   * it for deploy. Off, /encode answers 403 so nobody seals forged payloads with your key.
   * @default false
   */
  allowEncode?: boolean;
  /**
   * Host header values accepted besides the listening address and its localhost spellings,
   * e.g. `codec.internal:8888` behind a proxy. Any other Host is refused (DNS rebinding).
   * @default []
   */
  allowedHosts?: string[];
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
  if (!options.token || options.token.length < 16) throw new Error('the codec server needs a token of at least 16 characters');
  const expected = Buffer.from(options.token);
  const authorized = (req: IncomingMessage): boolean => {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const cookie = /(?:^|;\s*)bluegreen-codec=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    return [bearer, cookie && decodeURIComponent(cookie)].some((given) => {
      if (!given) return false;
      const bytes = Buffer.from(given);
      return bytes.length === expected.length && timingSafeEqual(bytes, expected);
    });
  };
  let hosts = new Set<string>();
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) {
      send(res, 421, { error: 'this codec server does not answer to that Host (set BLUEGREEN_CODEC_ALLOWED_HOSTS)' });
      return;
    }
    cors(req, res);
    const path = new URL(req.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/login') {
      login(req, res, expected);
      return;
    }
    if (req.method !== 'POST' || (path !== '/encode' && path !== '/decode')) {
      send(res, 404, { error: 'POST /encode or POST /decode' });
      return;
    }
    if (!authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="bluegreen codec"');
      send(res, 401, { error: 'a bearer token is required (Authorization: Bearer <BLUEGREEN_CODEC_SERVER_TOKEN>)' });
      return;
    }
    if (path === '/encode' && !options.allowEncode) {
      send(res, 403, { error: '/encode is off on this codec server (BLUEGREEN_CODEC_ALLOW_ENCODE=true turns it on)' });
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
  const loopback = ['127.0.0.1', 'localhost', '[::1]'];
  hosts = new Set(
    [host, ...(loopback.includes(host) || address === '0.0.0.0' || address === '::' ? loopback : [])]
      .map((name) => `${name}:${port}`.toLowerCase())
      .concat((options.allowedHosts ?? []).map((h) => h.toLowerCase())),
  );
  return {
    url: `http://${host}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * GET /login: a form for the token; POST /login sets it as an HttpOnly cookie, so the Web UI
 * (codec settings: "Include cross-origin credentials") can call this server from the browser,
 * which cannot add an Authorization header of its own.
 */
function login(req: IncomingMessage, res: ServerResponse, expected: Buffer): void {
  if (req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY' });
    res.end(
      '<!doctype html><title>bluegreen codec server</title><form method="post"><label>Codec server token ' +
        '<input type="password" name="token" autofocus></label> <button>Sign in</button></form>',
    );
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > 4096) req.destroy();
  });
  req.on('end', () => {
    const token = new URLSearchParams(body).get('token') ?? '';
    const given = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end('wrong token');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'set-cookie': `bluegreen-codec=${encodeURIComponent(token)}; HttpOnly; Secure; SameSite=Lax; Path=/`,
    });
    res.end('signed in: the Web UI can now use this codec server (with "Include cross-origin credentials")');
  });
}

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);

async function run(): Promise<void> {
  const codec = codecFromEnv(process.env);
  if (!codec) throw new Error('BLUEGREEN_CODEC_KEY is not set: the codec server needs the key the workers use');
  const token = process.env['BLUEGREEN_CODEC_SERVER_TOKEN']?.trim();
  if (!token) {
    throw new Error('BLUEGREEN_CODEC_SERVER_TOKEN is not set: every request must carry it (make one with: openssl rand -hex 32)');
  }
  const origins = list(process.env['BLUEGREEN_CODEC_CORS_ORIGINS']);
  const started = await startCodecServer({
    codec,
    token,
    allowEncode: process.env['BLUEGREEN_CODEC_ALLOW_ENCODE'] === 'true',
    allowedHosts: list(process.env['BLUEGREEN_CODEC_ALLOWED_HOSTS']) ?? [],
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
