// `status --web`: hands the Web UI address to a browser, as `gh … --web` does. $BROWSER wins
// (also how a test or a headless box says what to run); otherwise the platform's opener.
import { spawn } from 'node:child_process';

const OPENERS: Partial<Record<NodeJS.Platform, string[]>> = {
  darwin: ['open'],
  win32: ['cmd', '/c', 'start', '""'],
};

/** Starts a browser on `url` without waiting for it; false when there is nothing to start. */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const browser = env['BROWSER']?.trim();
  const [command, ...args] = browser ? [browser] : (OPENERS[process.platform] ?? ['xdg-open']);
  return new Promise((resolve) => {
    try {
      const child = spawn(command!, [...args, url], { detached: true, stdio: 'ignore', env });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
