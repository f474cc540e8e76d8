// A workflow for test/windows-sandbox.test.ts only: runs the switch-window calendar inside
// Temporal's workflow sandbox (Intl.DateTimeFormat with IANA zones must work there).
import { nextAllowedSwitchTime, type Freeze, type SwitchWindow } from '../../contract/windows.js';

export async function windowsProbe(
  cases: Array<{ now: string; windows: SwitchWindow[]; freezes: Freeze[] }>,
): Promise<Array<{ allowedNow: boolean; until?: string; why: string }>> {
  return cases.map(({ now, windows, freezes }) => {
    const v = nextAllowedSwitchTime(new Date(now), windows, freezes);
    return { allowedNow: v.allowedNow, ...(v.until ? { until: v.until.toISOString() } : {}), why: v.why };
  });
}
