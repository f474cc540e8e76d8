// The codec server opens sealed payloads, so it must not do that for just anyone: without its
// bearer token (or the cookie its /login form sets) it answers 401, under a foreign Host header
// (a DNS-rebinding page) 421, and /encode only when turned on. Failed on the code before: every
// request was served.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec.js';
import { startCodecServer, type CodecServer } from '../codec/server.js';

const TOKEN = randomBytes(20).toString('hex');
const servers: CodecServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function server(extra: { allowEncode?: boolean; allowedHosts?: string[] } = {}) {
  const codec = new AesGcmPayloadCodec({ id: 'k1', key: randomBytes(32) });
  const started = await startCodecServer({ codec, port: 0, token: TOKEN, ...extra });
  servers.push(started);
  return started;
}

const plain = {
  metadata: { encoding: Buffer.from('json/plain').toString('base64') },
  data: Buffer.from('{"a":1}').toString('base64'),
};

/** A raw request, so the Host header can be anything (fetch does not let a page or a test choose it). */
function raw(url: string, path: string, headers: Record<string, string>, body = JSON.stringify({ payloads: [plain] })) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('codec server access', () => {
  it('answers 401 without its token or with a wrong one, and decodes with it', async () => {
    const s = await server();
    const host = new URL(s.url).host;
    const none = await raw(s.url, '/decode', { host });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).not.toContain('payloads');
    expect((await raw(s.url, '/decode', { host, authorization: `Bearer ${TOKEN.slice(0, -1)}x` })).status).toBe(401);
    expect((await raw(s.url, '/decode', { host, authorization: `Basic ${TOKEN}` })).status).toBe(401);
    const ok = await raw(s.url, '/decode', { host, authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ payloads: [plain] });
  });

  it('refuses a foreign Host header (DNS rebinding), even with the token', async () => {
    const s = await server({ allowedHosts: ['codec.internal:8888'] });
    const port = new URL(s.url).port;
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${Number(port) + 1}`]) {
      const answer = await raw(s.url, '/decode', { ...auth, host });
      expect(answer.status, host).toBe(421);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'codec.internal:8888']) {
      expect((await raw(s.url, '/decode', { ...auth, host })).status, host).toBe(200);
    }
  });

  it('serves /encode only when turned on', async () => {
    const off = await server();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const refused = await raw(off.url, '/encode', { ...auth, host: new URL(off.url).host });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/BLUEGREEN_CODEC_ALLOW_ENCODE/);
    const on = await server({ allowEncode: true });
    expect((await raw(on.url, '/encode', { ...auth, host: new URL(on.url).host })).status).toBe(200);
  });

  it('the /login form sets a cookie the Web UI sends with "include credentials"; a wrong token sets none', async () => {
    const s = await server();
    const host = new URL(s.url).host;
    const form = { 'content-type': 'application/x-www-form-urlencoded', host };
    const wrong = await raw(s.url, '/login', form, 'token=nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const signedIn = await raw(s.url, '/login', form, `token=${TOKEN}`);
    expect(signedIn.status).toBe(200);
    const cookie = String((signedIn.headers['set-cookie'] as string[])[0]);
    // Lax: a page of another site cannot make the browser send it (the Web UI on loopback is the same site).
    expect(cookie).toMatch(/HttpOnly; Secure; SameSite=Lax; Path=\//);
    const withCookie = await raw(s.url, '/decode', { host, cookie: cookie.split(';')[0]! });
    expect(withCookie.status).toBe(200);
  });

  it('will not start without a token', async () => {
    const codec = new AesGcmPayloadCodec({ id: 'k1', key: randomBytes(32) });
    await expect(startCodecServer({ codec, port: 0, token: '' })).rejects.toThrow(/needs a token/);
  });
});
