// A small, bounded load generator: steady GET traffic at the lab's own servers so there is
// something for Prometheus to measure. Loopback only, at most MAX_RATE requests a second, at
// most MAX_IN_FLIGHT at once, and it stops by itself after `durationMs`.
import { request } from 'node:http';

export const MAX_RATE = 200;
export const MAX_IN_FLIGHT = 50;
export const MAX_DURATION_MS = 30 * 60_000;

export interface LoadOptions {
  /** Base URLs (http://127.0.0.1:…) requested in turn. */
  targets: string[];
  /** Requests a second over all targets (1–200). @default 20 */
  ratePerSecond?: number;
  /** Path requested on each target. @default '/' */
  path?: string;
  /** Stops by itself after this long. @default 60_000 (at most 30 minutes) */
  durationMs?: number;
}

export interface LoadStats {
  running: boolean;
  targets: string[];
  ratePerSecond: number;
  sent: number;
  /** Answers by status code; 0 counts connection errors. */
  byStatus: Record<string, number>;
  /** Requests skipped because MAX_IN_FLIGHT were still waiting (the target is slow). */
  skipped: number;
}

function checkLoopback(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`load target ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    throw new Error(`load targets must be http://127.0.0.1:… (loopback only), got ${url}`);
  }
  return parsed;
}

export class LoadGenerator {
  private timer: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private next = 0;
  private current: LoadStats = { running: false, targets: [], ratePerSecond: 0, sent: 0, byStatus: {}, skipped: 0 };

  get stats(): LoadStats {
    return { ...this.current, byStatus: { ...this.current.byStatus } };
  }

  /** Starts (or replaces) the load. */
  start(options: LoadOptions): LoadStats {
    const rate = options.ratePerSecond ?? 20;
    if (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE) {
      throw new Error(`ratePerSecond must be a whole number from 1 to ${MAX_RATE}, got ${JSON.stringify(rate)}`);
    }
    const durationMs = options.durationMs ?? 60_000;
    if (!Number.isInteger(durationMs) || durationMs < 1 || durationMs > MAX_DURATION_MS) {
      throw new Error(`durationMs must be whole milliseconds from 1 to ${MAX_DURATION_MS}, got ${JSON.stringify(durationMs)}`);
    }
    if (!Array.isArray(options.targets) || options.targets.length === 0) throw new Error('load needs at least one target URL');
    const path = options.path ?? '/';
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw new Error(`path must start with "/", got ${JSON.stringify(path)}`);
    const urls = options.targets.map((t) => new URL(path, checkLoopback(t)));
    this.stop();
    this.current = { running: true, targets: [...options.targets], ratePerSecond: rate, sent: 0, byStatus: {}, skipped: 0 };
    this.timer = setInterval(() => this.fire(urls), Math.max(5, Math.round(1000 / rate)));
    this.stopTimer = setTimeout(() => this.stop(), durationMs);
    return this.stats;
  }

  stop(): LoadStats {
    if (this.timer) clearInterval(this.timer);
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.timer = this.stopTimer = undefined;
    this.current.running = false;
    return this.stats;
  }

  private fire(urls: URL[]): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.current.skipped++;
      return;
    }
    const url = urls[this.next++ % urls.length]!;
    this.inFlight++;
    this.current.sent++;
    let settled = false;
    const done = (status: number) => {
      if (settled) return;
      settled = true;
      this.inFlight--;
      this.current.byStatus[status] = (this.current.byStatus[status] ?? 0) + 1;
    };
    const req = request(url, { method: 'GET', agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.once('end', () => done(res.statusCode ?? 0));
      res.once('error', () => done(0));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => done(0));
    req.end();
  }
}
