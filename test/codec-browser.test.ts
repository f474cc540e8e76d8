// The codec server as the Temporal Web UI calls it, from a real browser (Debian's chromium,
// driven by playwright-core): a page of the Web UI's origin fetches /decode with
// "Include cross-origin credentials", the way the UI's codec endpoint setting does. Without the
// cookie the /login form sets, the answer is 401; after signing in, the same call decodes; a
// page of another origin cannot read the answer at all (no CORS headers for it). Skipped
// without chromium.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec.js';
import { startCodecServer, type CodecServer } from '../codec/server.js';
import { hasChromium, openBrowser, type OpenBrowser } from './support/chromium.js';

const TOKEN = randomBytes(20).toString('hex');
const plain = {
  metadata: { encoding: Buffer.from('json/plain').toString('base64') },
  data: Buffer.from('{"a":1}').toString('base64'),
};

let codec: CodecServer;
let elsewhere: Server;
let elsewhereUrl: string;
let uiOrigin: string;
let browser: OpenBrowser | undefined;
let page: Page;

/** What the Web UI's codec call gets, run in the page: status and body, or why the browser refused. */
async function decodeFromPage(): Promise<{ status?: number; body?: unknown; refused?: string }> {
  return page.evaluate(
    async ({ url, payloads }) => {
      try {
        const res = await fetch(`${url}/decode`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' },
          body: JSON.stringify({ payloads }),
        });
        return { status: res.status, body: (await res.json()) as unknown };
      } catch (err) {
        return { refused: String(err) };
      }
    },
    { url: codec.url, payloads: [plain] },
  );
}

describe.skipIf(!hasChromium)('the codec server from the Web UI in a browser', () => {
  beforeAll(async () => {
    uiOrigin = new URL(inject('temporalUiUrl')).origin;
    codec = await startCodecServer({
      codec: new AesGcmPayloadCodec({ id: 'k1', key: randomBytes(32) }),
      port: 0,
      token: TOKEN,
      corsOrigins: [uiOrigin],
    });
    // A page of another origin on loopback: it must not be able to use the codec server.
    elsewhere = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>elsewhere</title>'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`;
    browser = await openBrowser({ timeoutMs: 20_000 });
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await codec?.close();
    await new Promise<void>((resolve) => (elsewhere ? elsewhere.close(() => resolve()) : resolve()));
  });

  it('401 before signing in; after /login the Web UI origin decodes with the cookie; another origin reads nothing', async () => {
    await page.goto(inject('temporalUiUrl'));
    expect(await decodeFromPage()).toMatchObject({ status: 401 });

    await page.goto(`${codec.url}/login`);
    await page.locator('input[name="token"]').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('body').innerText()).toContain('wrong token');
    await page.goto(`${codec.url}/login`);
    await page.locator('input[name="token"]').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('body').innerText()).toContain('signed in');

    await page.goto(inject('temporalUiUrl'));
    expect(await decodeFromPage()).toEqual({ status: 200, body: { payloads: [plain] } });

    // The browser holds the cookie, but a page elsewhere gets no CORS headers: it cannot read.
    await page.goto(elsewhereUrl);
    expect((await decodeFromPage()).refused).toMatch(/Failed to fetch/);
  });
});
