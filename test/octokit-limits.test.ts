// The GitHub client's own limits (concurrency cap, write spacing) against a real HTTP server on
// loopback that records when each request started and ended, and the rate-limit wait rules.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../activities/octokit.js';
import { rateLimitWait } from '../activities/github-rate-limit.js';

const HOLD_MS = 60;
let server: Server;
let baseUrl: string;
let inFlight = 0;
let maxInFlight = 0;
let spans: Array<{ method: string; start: number; end: number }> = [];
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  server = createServer((req, res) => {
    const start = Date.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    setTimeout(() => {
      inFlight--;
      spans.push({ method: req.method ?? 'GET', start, end: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }, HOLD_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function reset() {
  inFlight = 0;
  maxInFlight = 0;
  spans = [];
}

const client = (options: { maxConcurrentRequests?: number; writeSpacingMs?: number }) =>
  createGitHubClient({ baseUrl, auth: { kind: 'token', token: 't' }, log: quiet, ...options });

describe('GitHub client limits', () => {
  it('keeps at most maxConcurrentRequests in flight, and serves them all', async () => {
    reset();
    const octokit = client({ maxConcurrentRequests: 3, writeSpacingMs: 0 });
    await Promise.all(Array.from({ length: 12 }, () => octokit.request('GET /zen')));
    expect(spans).toHaveLength(12);
    expect(maxInFlight).toBe(3);
  });

  it('sends writes one at a time, started writeSpacingMs apart; reads are not held up', async () => {
    reset();
    const octokit = client({ writeSpacingMs: 200 });
    const started = Date.now();
    // When the client hands each request to fetch: the spacing is the client's promise. The
    // server's arrival times add the loaded machine's delivery jitter (163 ms seen for 200).
    const sent: Array<{ method: string; at: number }> = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      sent.push({ method: init?.method ?? 'GET', at: Date.now() });
      return realFetch(input, init);
    };
    try {
      await Promise.all([
        ...Array.from({ length: 3 }, () =>
          octokit.request('POST /repos/{owner}/{repo}/merges', { owner: 'o', repo: 'r', base: 'a', head: 'b' }),
        ),
        octokit.request('GET /zen'),
      ]);
    } finally {
      globalThis.fetch = realFetch;
    }
    const sentWrites = sent.filter((s) => s.method === 'POST');
    expect(sentWrites).toHaveLength(3);
    // (the plugin marks a write's start a few ms before the request chain reaches fetch)
    for (let i = 1; i < sentWrites.length; i++) expect(sentWrites[i]!.at - sentWrites[i - 1]!.at).toBeGreaterThanOrEqual(190);
    const writes = spans.filter((s) => s.method === 'POST').sort((a, b) => a.start - b.start);
    expect(writes).toHaveLength(3);
    // One at a time, as the server saw them: each began after the one before had been answered.
    for (let i = 1; i < writes.length; i++) expect(writes[i]!.start).toBeGreaterThanOrEqual(writes[i - 1]!.end);
    const read = spans.find((s) => s.method === 'GET')!;
    expect(read.start - started).toBeLessThan(300); // not behind the writes (≥ 400 ms)
  });

  it('with writeSpacingMs 0 writes go out together', async () => {
    reset();
    const octokit = client({ writeSpacingMs: 0, maxConcurrentRequests: 10 });
    await Promise.all(
      Array.from({ length: 4 }, () =>
        octokit.request('POST /repos/{owner}/{repo}/merges', { owner: 'o', repo: 'r', base: 'a', head: 'b' }),
      ),
    );
    expect(maxInFlight).toBe(4);
  });
});

describe('rate-limit waits', () => {
  const now = 1_800_000_000_000;
  const err = (status: number, headers: Record<string, string> = {}, message = 'x') => ({
    status,
    message,
    response: { headers },
  });
  it("follow retry-after, then an empty bucket's reset, then a minute for other rate limits", () => {
    expect(rateLimitWait(err(429, { 'retry-after': '7' }), now)).toBe(7);
    expect(rateLimitWait(err(403, { 'retry-after': '0' }), now)).toBe(0);
    expect(rateLimitWait(err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }), now)).toBe(31);
    expect(rateLimitWait(err(403, {}, 'You have exceeded a secondary rate limit.'), now)).toBe(60);
    expect(rateLimitWait(err(429), now)).toBe(60);
  });
  it('are not asked for by other answers', () => {
    expect(rateLimitWait(err(403, {}, 'Resource not accessible by integration'), now)).toBeUndefined();
    expect(rateLimitWait(err(500, { 'retry-after': '3' }), now)).toBeUndefined();
  });
});
