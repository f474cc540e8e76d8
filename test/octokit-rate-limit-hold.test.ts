// An empty primary rate limit holds every request of the worker for that API root, not just the
// refused one: a second client (another activity) sending while the first waits must not reach
// the server before the reset. Against a real HTTP server on loopback that answers like GitHub
// (403, x-ratelimit-remaining 0, x-ratelimit-reset in epoch seconds) until its reset.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../activities/octokit.js';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let server: Server;
let baseUrl: string;
let resetAtMs = 0;
const arrivals: Array<{ path: string; at: number; status: number }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const now = Date.now();
    const empty = now < resetAtMs;
    arrivals.push({ path: req.url ?? '', at: now, status: empty ? 403 : 200 });
    res.writeHead(empty ? 403 : 200, {
      'content-type': 'application/json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': empty ? '0' : '4999',
      'x-ratelimit-reset': String(Math.ceil(resetAtMs / 1000)),
    });
    res.end(empty ? JSON.stringify({ message: 'API rate limit exceeded for user ID 1.' }) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const client = () => createGitHubClient({ baseUrl, auth: { kind: 'token', token: 't' }, log: quiet });

describe('an empty primary rate limit', () => {
  it('holds the requests of every client of that API root until the reset: one refusal, not one per request', async () => {
    // The reset lies one to two seconds ahead (x-ratelimit-reset is in whole seconds).
    resetAtMs = Math.ceil((Date.now() + 1_000) / 1000) * 1000;
    const first = client().request('GET /first');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(arrivals.map((a) => a.status)).toEqual([403]);
    const second = client().request('GET /second');
    await Promise.all([first, second]);

    const refused = arrivals.filter((a) => a.status === 403);
    expect(refused.map((a) => a.path)).toEqual(['/first']);
    // Both went out after the reset, and succeeded.
    const after = arrivals.filter((a) => a.status === 200);
    expect(after.map((a) => a.path).sort()).toEqual(['/first', '/second']);
    for (const a of after) expect(a.at).toBeGreaterThanOrEqual(resetAtMs);
  });
});
