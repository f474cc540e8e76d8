// Waiting helpers for long activities. Temporal delivers cancellation to an activity only in
// the answer to a heartbeat, so a waiting activity heartbeats during its sleeps too, not only
// after each unit of work: that keeps a rollback/promote signal's cancellation prompt.
import { Context } from '@temporalio/activity';

/** Heartbeat cadence: well inside the heartbeat timeout, and at least every 5s. */
export function heartbeatTickMs(): number {
  const timeout = Context.current().info.heartbeatTimeoutMs;
  return timeout ? Math.max(100, Math.min(5_000, Math.floor(timeout / 3))) : 5_000;
}

/**
 * Sleeps `ms`, heartbeating `details()` every tick. Rejects with `CancelledFailure` as soon as
 * the activity is cancelled.
 */
export async function sleepWithHeartbeats(ms: number, details: () => unknown): Promise<void> {
  const ctx = Context.current();
  const tick = heartbeatTickMs();
  const end = Date.now() + ms;
  for (let left = ms; left > 0; left = end - Date.now()) {
    await ctx.sleep(Math.min(tick, left));
    if (end - Date.now() > 0) ctx.heartbeat(details());
  }
}
