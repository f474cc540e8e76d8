// While a rollback is held (standby.ts), the old color is watched: the monitor's standby probes
// in short windows that end as soon as it is healthy again (one passing round, as the look
// before a rollback judges it). Each window's reading goes to the status at once, so it shows
// the old color as last seen while a person has yet to decide; the rollback resumes by itself
// once it is healthy. The watch stops at the ask timeout or as soon as a person decides.
import { CancellationScope, isCancellation, log } from '@temporalio/workflow';
import type { StandbyProbeInput, StandbyReading } from '../../analysis/types.js';
import { waitingCancelled } from '../activity-proxies.js';
import type { PhaseContext } from './context.js';

/** At most this many windows per hold (the status gets a reading after each): history stays flat. */
export const MAX_HELD_WATCHES = 12;
/** A window is at least this many monitor intervals long. */
const MIN_WINDOW_ROUNDS = 2;

export interface HeldWatch {
  /** Cancels the window running, if any, and resolves once its activity has reported back. */
  stop(): Promise<void>;
}

/**
 * Watches the old color until `deadline` (epoch ms) in at most MAX_HELD_WATCHES windows, spread
 * evenly over the time left (each at least MIN_WINDOW_ROUNDS monitor intervals). `seen` gets
 * every reading with a round in it; the watch ends after a healthy one. A failing watch only
 * stops watching: the person and the ask timeout still decide.
 */
export function watchHeldStandby(
  ctx: PhaseContext,
  probe: StandbyProbeInput,
  deadline: number,
  seen: (reading: StandbyReading) => void,
): HeldWatch {
  const { plan, active } = ctx;
  const { intervalMs } = plan.monitor;
  const scope = new CancellationScope();
  const standby: StandbyProbeInput = { ...probe, until: 'healthy' };
  const watching = scope.run(async () => {
    for (let i = 0; i < MAX_HELD_WATCHES; i++) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      const last = i === MAX_HELD_WATCHES - 1;
      const windowMs = last
        ? left
        : Math.min(left, Math.max(MIN_WINDOW_ROUNDS * intervalMs, Math.ceil(left / (MAX_HELD_WATCHES - i))));
      const ended = await waitingCancelled(plan, windowMs).monitorChecks.executeWithOptions(
        { summary: `watch ${active} (the old color) while the rollback is held, until it is healthy` },
        [{ checks: [], durationMs: windowMs, intervalMs, failureThreshold: 1, standby }],
      );
      const reading = ended.standby;
      if (reading?.probedAt && reading.color === active) {
        seen(reading);
        if (reading.healthy) return;
      }
    }
  });
  const settled = watching.catch((err: unknown) => {
    if (!isCancellation(err)) log.warn('the standby watch failed while the rollback was held', { error: String(err) });
  });
  return {
    async stop() {
      scope.cancel();
      await settled;
    },
  };
}
