// The client-side limits GitHub asks integrations to keep, as an Octokit plugin: at most
// `maxConcurrentRequests` requests of a client in flight, and its writes (POST, PATCH, PUT,
// DELETE) one at a time, started `writeSpacingMs` apart ("Best practices for using the REST
// API", docs.github.com). Registered before plugin-retry, so every attempt passes the gate. A
// wait here is one promise, not a chain of timer hops: a worker serving hundreds of deployments
// does not queue its requests behind its own event loop. Options typed and defaults merged once,
// as octokit/plugin-retry does.
import type { Octokit, OctokitOptions } from '@octokit/core';
import { abortableSleep } from './octokit-recovery.js';

export interface RequestLimits {
  /** @default true */
  enabled: boolean;
  /** GitHub allows 100 concurrent requests per credential; 10 leaves room. @default 10 */
  maxConcurrentRequests: number;
  /** 0: writes are neither spaced nor serialized. @default 1_000 */
  writeSpacingMs: number;
}

declare module '@octokit/core/types' {
  interface OctokitOptions {
    /** Concurrency cap and write spacing (activities/octokit-limits.ts). */
    limits?: Partial<RequestLimits>;
  }
}

export const LIMITS_DEFAULTS: RequestLimits = { enabled: true, maxConcurrentRequests: 10, writeSpacingMs: 1_000 };

export function limitsPlugin(octokit: Octokit, octokitOptions: OctokitOptions): void {
  const limits: RequestLimits = { ...LIMITS_DEFAULTS, ...octokitOptions.limits };
  if (!limits.enabled) return;
  const max = Math.max(1, limits.maxConcurrentRequests);
  let inFlight = 0;
  const queue: Array<() => void> = [];
  const acquire = (): Promise<void> | void => {
    if (inFlight < max) {
      inFlight++;
      return;
    }
    return new Promise<void>((resolve) => queue.push(resolve));
  };
  // A freed slot goes straight to the next waiter.
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else inFlight--;
  };

  let lastWrite: Promise<void> = Promise.resolve();
  let lastWriteStartedAt = 0;

  octokit.hook.wrap('request', async (request, options) => {
    const signal = (options.request as { signal?: AbortSignal } | undefined)?.signal;
    const method = (options.method ?? 'GET').toUpperCase();
    let writeDone: (() => void) | undefined;
    if (limits.writeSpacingMs > 0 && method !== 'GET' && method !== 'HEAD') {
      const previous = lastWrite;
      lastWrite = new Promise<void>((resolve) => (writeDone = resolve));
      try {
        await previous;
        // A timer may fire a millisecond early: wait until the spacing has really passed.
        for (let wait = lastWriteStartedAt + limits.writeSpacingMs - Date.now(); wait > 0;) {
          await abortableSleep(wait, signal);
          wait = lastWriteStartedAt + limits.writeSpacingMs - Date.now();
        }
        lastWriteStartedAt = Date.now();
      } catch (err) {
        writeDone!();
        throw err;
      }
    }
    try {
      await acquire();
      try {
        return await request(options);
      } finally {
        release();
      }
    } finally {
      writeDone?.();
    }
  });
}
