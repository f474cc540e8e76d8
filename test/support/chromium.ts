// Debian's chromium driven by playwright-core, as the browser tests open it: headless, in a
// throw-away profile, with the background traffic off so only the page under test talks.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env['BLUEGREEN_CHROMIUM'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export interface OpenBrowser {
  page: Page;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export async function openBrowser(options: {
  viewport?: { width: number; height: number };
  timeoutMs: number;
}): Promise<OpenBrowser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'bluegreen-chromium-'));
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(options.timeoutMs);
  return {
    page,
    close: async () => {
      await browser.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
