// readCapped stops reading a response body at its cap: an endless body (a hostile probed
// endpoint or router) costs at most the cap, and the connection is let go.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapped } from '../activities/read-capped.js';

let server: Server;
let url: string;
let endlessClosed: Promise<void>;
let sentEndless = 0;

beforeAll(async () => {
  let closed!: () => void;
  endlessClosed = new Promise((resolve) => (closed = resolve));
  server = createServer((req, res) => {
    if (req.url === '/small') return void res.end('{"color":"blue"}');
    if (req.url === '/utf8') return void res.end('é'.repeat(10));
    // An endless body: it stops only when the client goes away.
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => {
      res.write('x'.repeat(16 * 1024));
      sentEndless += 16 * 1024;
    }, 1);
    res.on('close', () => {
      clearInterval(timer);
      closed();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('readCapped', () => {
  it('reads a small body whole', async () => {
    expect(await readCapped(await fetch(`${url}/small`))).toEqual({ text: '{"color":"blue"}', truncated: false, bytes: 16 });
  });

  it('stops an endless body at the cap and lets the connection go', async () => {
    const body = await readCapped(await fetch(`${url}/endless`), 100_000);
    expect(body.truncated).toBe(true);
    expect(body.bytes).toBe(100_000);
    expect(body.text.length).toBe(100_000);
    await endlessClosed;
    expect(sentEndless).toBeLessThan(10 * 1024 * 1024);
  });

  it('never ends in half a character', async () => {
    const body = await readCapped(await fetch(`${url}/utf8`), 5);
    expect(body.text).toBe('éé');
    expect(body.truncated).toBe(true);
  });
});
