// The client-side limits GitHub asks integrations to keep, as an Octokit plugin: at most
// `maxConcurrentRequests` requests of a client in flight, and its writes (POST, PATCH, PUT,
// DELETE) one at a time, started `writeSpacingMs` apart. Registered before plugin-retry, so every
// attempt passes the gate. A wait here is one promise, not a chain of timer hops: a worker serving
// hundreds of deployments does not queue its requests behind its own event loop.
import type { Octokit, OctokitOptions } from '@octokit/core';
import { abortableSleep } from './octokit-recovery.js';

export interface RequestLimits {
  maxConcurrentRequests: number;
  /** 0: writes are neither spaced nor serialized. */
  writeSpacingMs: number;
}

/** Reads its settings from the `limits` client option; without it the plugin does nothing. */
export function limitsPlugin(octokit: Octokit, options: OctokitOptions): void {
  const limits = (options as { limits?: RequestLimits }).limits;
  if (!limits) return;
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
        const wait = lastWriteStartedAt + limits.writeSpacingMs - Date.now();
        if (wait > 0) await abortableSleep(wait, signal);
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
