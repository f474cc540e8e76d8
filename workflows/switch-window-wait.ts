// The wait before a switch until a switch window is open and no freeze applies. Durable timers
// only, no polling: one timer per closed stretch (the calendar answers when it opens), so a
// week-long freeze costs a handful of history events. An approver's override or an abort ends
// the wait early; each wake-up asks the calendar again (a window may close while a freeze ends).
import { condition } from '@temporalio/workflow';
import { nextAllowedSwitchTime, type Freeze, type SwitchWindow } from '../contract/windows.js';

export interface WindowWait {
  windows: readonly SwitchWindow[];
  freezes: readonly Freeze[];
  /** True once the wait must end without a window: an override or an abort arrived. */
  interrupted: () => boolean;
  /** Shows why and until when (undefined: no longer waiting). */
  show: (waiting: { why: string; until?: string } | undefined) => void;
}

/** Resolves 'open' when the switch may go ahead by the calendar, 'interrupted' otherwise. */
export async function waitForSwitchWindow(w: WindowWait): Promise<'open' | 'interrupted'> {
  for (;;) {
    if (w.interrupted()) return 'interrupted';
    const now = new Date();
    const verdict = nextAllowedSwitchTime(now, w.windows, w.freezes);
    if (verdict.allowedNow) {
      w.show(undefined);
      return 'open';
    }
    w.show({ why: verdict.why, ...(verdict.until ? { until: verdict.until.toISOString() } : {}) });
    const waitMs = verdict.until ? Math.max(1, verdict.until.getTime() - now.getTime()) : undefined;
    if (waitMs === undefined) await condition(w.interrupted);
    else await condition(w.interrupted, waitMs);
  }
}
