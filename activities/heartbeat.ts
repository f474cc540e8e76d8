// Heartbeating for long activities. Temporal delivers cancellation to an activity only in the
// answer to a heartbeat, and declares a worker dead when heartbeats stop; so a waiting activity
// heartbeats during its sleeps and while a slow request (or a rate-limit wait inside the
// Octokit plugins) is in flight, not only after each unit of work.
import { Context } from '@temporalio/activity';

/** The details each running activity last reported, re-sent by keep-alive beats. */
const lastDetails = new WeakMap<Context, unknown>();

/** Heartbeat cadence: well inside the heartbeat timeout, and at least every 5s. */
export function heartbeatTickMs(): number {
  const timeout = Context.current().info.heartbeatTimeoutMs;
  return timeout ? Math.max(100, Math.min(5_000, Math.floor(timeout / 3))) : 5_000;
}

/** Heartbeats `details` and remembers them for keep-alive beats. */
export function heartbeat(details: unknown): void {
  const ctx = Context.current();
  lastDetails.set(ctx, details);
  ctx.heartbeat(details);
}

/**
 * Runs `work`, re-sending the last reported details every tick until it settles: the worker
 * is alive while it waits on GitHub. Each request has its own timeout, so this cannot hide a
 * hang forever.
 */
export async function keepAlive<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(lastDetails.get(ctx)), heartbeatTickMs());
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The activities `fns`, each heartbeating (keepAlive) while it runs. */
export function keptAlive<T extends Record<string, (input: never) => Promise<unknown>>>(fns: T): T {
  return Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, (input: never) => keepAlive(() => fn(input))])) as T;
}

/**
 * Sleeps `ms`, heartbeating `details()` every tick. Rejects with `CancelledFailure` as soon as
 * the activity is cancelled. With `stopping`, returns early once that settles (another part of
 * the activity decided, analysis/monitor-window.ts), without another heartbeat.
 */
export async function sleepWithHeartbeats(ms: number, details: () => unknown, stopping?: Promise<void>): Promise<void> {
  const ctx = Context.current();
  const tick = heartbeatTickMs();
  const end = Date.now() + ms;
  let stopped = false;
  const stop = stopping?.then(() => {
    stopped = true;
  });
  for (let left = ms; left > 0 && !stopped; left = end - Date.now()) {
    const nap = ctx.sleep(Math.min(tick, left));
    if (stop) {
      nap.catch(() => undefined); // raced below; a cancellation is seen by the next heartbeat / sleep
      await Promise.race([nap, stop]);
    } else await nap;
    if (!stopped && end - Date.now() > 0) heartbeat(details());
  }
}
